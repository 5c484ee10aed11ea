/* Small pieces every screen uses, on top of Vant's components. */
"use strict";
(function (W) {
  var h = W.h, V = vant;
  W.ui = {};

  // A screen: the title bar (with a back arrow when `back` names a route) and the content.
  W.ui.page = function (title, children, options) {
    options = options || {};
    return h("div", { class: "screen" }, [
      h(V.NavBar, {
        title: title, leftArrow: !!options.back, fixed: false, safeAreaInsetTop: true,
        onClickLeft: options.back ? function () { W.go(options.back); } : undefined
      }, options.right ? { right: options.right } : undefined),
      h("div", { class: "screen-body" }, children)
    ]);
  };

  W.ui.section = function (title, children) {
    return h(V.CellGroup, { inset: true, title: title, class: "section" }, function () { return children; });
  };

  W.ui.note = function (text, kind) {
    return h("div", { class: "note note-" + (kind || "info"), role: kind === "error" ? "alert" : "status" }, text);
  };

  W.ui.big = function (label, onClick, options) {
    options = options || {};
    return h(V.Button, {
      type: options.type || "primary", block: true, round: true, size: "large",
      loading: !!options.loading, disabled: !!options.disabled, class: "big-button",
      icon: options.icon, nativeType: "button", onClick: onClick
    }, function () { return label; });
  };

  W.ui.statusTag = function (card) {
    var type = card.overdue ? "danger" : (card.status === "closed" || card.status === "handled") ? "success" : "primary";
    return h(V.Tag, { type: type, plain: !card.overdue, size: "medium" },
      function () { return (card.overdue ? "已逾期 · " : "") + card.status_label; });
  };

  W.ui.workCell = function (card) {
    return h(V.Cell, {
      title: card.title, isLink: true, center: true,
      label: (card.grid_code ? "网格 " + card.grid_code + " · " : "") +
        (card.due_at ? "期限 " + W.time(card.due_at) : "创建于 " + W.time(card.created_at)),
      onClick: function () { W.go("work/" + card.id); }
    }, { value: function () { return W.ui.statusTag(card); } });
  };

  W.ui.empty = function (text) {
    return h("div", { class: "empty" }, text);
  };

  W.ui.loading = function () {
    return h("div", { class: "loading" }, [h(V.Loading, { size: "24px", vertical: true }, function () { return "加载中…"; })]);
  };

  // The grid this screen works in (most workers have one; a few cover two).
  W.ui.gridChooser = function (state) {
    var grids = (W.state.me && W.state.me.grids) || [];
    if (grids.length <= 1) return null;
    return h(V.RadioGroup, {
      modelValue: state.grid, "onUpdate:modelValue": function (v) { state.grid = v; }, class: "grid-chooser"
    }, function () {
      return grids.map(function (g) {
        return h(V.Radio, { name: g.id, class: "grid-radio" }, function () { return g.name + "（" + g.code + "）"; });
      });
    });
  };

  W.firstGrid = function () {
    var grids = (W.state.me && W.state.me.grids) || [];
    return grids.length ? grids[0].id : null;
  };

  W.gridById = function (id) {
    return ((W.state.me && W.state.me.grids) || []).filter(function (g) { return g.id === id; })[0] || null;
  };

  // Photos from the camera: shrunk on the phone, previewed from blob: URLs, kept as blobs
  // until the write is sent (the outbox stores them in IndexedDB).
  W.ui.PhotoPicker = {
    props: { modelValue: Array, max: { type: Number, default: 3 }, label: { type: String, default: "拍照" } },
    emits: ["update:modelValue"],
    setup: function (props, ctx) {
      var busy = Vue.ref(false);
      var urls = new WeakMap();
      function url(blob) {
        if (!urls.has(blob)) urls.set(blob, URL.createObjectURL(blob));
        return urls.get(blob);
      }
      function picked(event) {
        var files = Array.prototype.slice.call(event.target.files || []);
        event.target.value = "";
        if (!files.length) return;
        busy.value = true;
        var maxPx = (W.state.me && W.state.me.settings.photo_max_px) || 1600;
        Promise.all(files.slice(0, props.max - props.modelValue.length).map(function (f) {
          return W.shrinkPhoto(f, maxPx);
        })).then(function (blobs) {
          ctx.emit("update:modelValue", props.modelValue.concat(blobs));
        }, function (e) { V.showFailToast(e.message); }).finally(function () { busy.value = false; });
      }
      function remove(i) {
        var next = props.modelValue.slice();
        next.splice(i, 1);
        ctx.emit("update:modelValue", next);
      }
      return function () {
        var thumbs = props.modelValue.map(function (blob, i) {
          return h("div", { class: "thumb" }, [
            h("img", { src: url(blob), alt: "照片 " + (i + 1) }),
            h("button", { type: "button", class: "thumb-remove", "aria-label": "删除这张照片", onClick: function () { remove(i); } }, "×")
          ]);
        });
        var full = props.modelValue.length >= props.max;
        return h("div", { class: "photos" }, thumbs.concat(full ? [] : [
          h("label", { class: "photo-add" + (busy.value ? " busy" : "") }, [
            h(V.Icon, { name: "photograph", size: "26px" }),
            h("span", busy.value ? "处理中…" : props.label),
            h("input", { type: "file", accept: "image/*", capture: "environment", class: "photo-input", onChange: picked })
          ])
        ]));
      };
    }
  };

  // A Vant Field bound to `state[key]`.
  W.ui.field = function (state, key, options) {
    return h(V.Field, Object.assign({
      modelValue: state[key], "onUpdate:modelValue": function (v) { state[key] = v; },
      labelAlign: "top", clearable: options && options.type !== "textarea"
    }, options || {}));
  };
})(window.WGT);
