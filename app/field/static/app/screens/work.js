/* 我的事项: items assigned to me; accept, add progress with photos, mark handled — each a
 * transition the server checks against the existing rules (its Chinese refusal is shown as
 * is, e.g. a handled item needs a note). */
"use strict";
(function (W) {
  var h = W.h, V = vant;

  var List = {
    setup: function () {
      var s = Vue.reactive({ list: null, all: false, error: "" });
      function load() {
        s.list = null;
        W.api.get("/work-items" + (s.all ? "?all=true" : "")).then(function (l) { s.list = l; }, function (e) { s.error = e.message; s.list = []; });
      }
      Vue.onMounted(load);
      return function () {
        return W.ui.page("我的事项", [
          h(V.Tabs, { active: s.all ? 1 : 0, "onUpdate:active": function (v) { s.all = v === 1; load(); }, shrink: false }, function () {
            return [h(V.Tab, { title: "办理中" }), h(V.Tab, { title: "全部" })];
          }),
          s.error ? W.ui.note(s.error, "error") : null,
          W.ui.section("", s.list === null ? [W.ui.loading()] : s.list.length ? s.list.map(W.ui.workCell) : [W.ui.empty("没有分配给你的事项")])
        ]);
      };
    }
  };

  var Detail = {
    props: { id: Number },
    setup: function (props) {
      var s = Vue.reactive({ item: null, to: null, note: "", photos: [], busy: false, error: "", loadError: "", queued: false, moved: "" });
      function load() {
        W.api.get("/work-items/" + props.id).then(function (item) {
          s.item = item;
          s.to = item.next.length === 1 ? item.next[0].status : null;
        }, function (e) { s.loadError = e.message; });
      }
      Vue.onMounted(load);
      function submit() {
        s.error = ""; s.queued = false; s.moved = "";
        if (!s.to) { s.error = "请选择下一步"; return; }
        s.busy = true;
        var label = (s.item.next.filter(function (n) { return n.status === s.to; })[0] || {}).label || s.to;
        W.outbox.submit({
          label: label + "：" + s.item.title, url: "/work-items/" + props.id + "/transitions",
          body: { to: s.to, note: s.note, photos: [] }, blobs: s.photos, photoField: "photos"
        }).then(function (outcome) {
          s.photos = []; s.note = "";
          if (outcome.queued) { s.queued = true; return; }
          s.moved = "已" + label.replace(/^已/, "");
          load();
          W.loadToday().catch(function () {});
        }, function (e) { s.error = e.message; }).finally(function () { s.busy = false; });
      }
      return function () {
        var item = s.item;
        if (!item) return W.ui.page("事项", [s.loadError ? W.ui.note(s.loadError, "error") : W.ui.loading()], { back: "work" });
        var body = [W.ui.section("", [
          h(V.Cell, { title: item.title, label: item.description || "" }, { value: function () { return W.ui.statusTag(item); } }),
          item.due_at ? h(V.Cell, { title: "办理期限", value: W.time(item.due_at) }) : null,
          item.grid_code ? h(V.Cell, { title: "网格", value: item.grid_code }) : null
        ])];
        if (s.moved) body.push(W.ui.note(s.moved, "ok"));
        if (s.queued) body.push(W.ui.note("没有网络：办理记录已保存在手机上，联网后自动上传。", "warn"));
        if (item.next.length) {
          body.push(W.ui.section("办理", [
            h(V.RadioGroup, { modelValue: s.to, "onUpdate:modelValue": function (v) { s.to = v; }, class: "moves" }, function () {
              return item.next.map(function (n) {
                return h(V.Cell, { title: n.label, clickable: true, class: "choice", onClick: function () { s.to = n.status; } },
                  { "right-icon": function () { return h(V.Radio, { name: n.status }); } });
              });
            }),
            W.ui.field(s, "note", { label: "办理说明", name: "note", type: "textarea", rows: 2, autosize: true, maxlength: 2000, placeholder: "如：已到现场处理完毕" }),
            h("div", { class: "pad" }, [h(W.ui.PhotoPicker, { modelValue: s.photos, max: 3, label: "进展照片", "onUpdate:modelValue": function (v) { s.photos = v; } })])
          ]));
          if (s.error) body.push(W.ui.note(s.error, "error"));
          body.push(h("div", { class: "pad" }, [W.ui.big("提交", submit, { loading: s.busy, icon: "passed" })]));
        }
        body.push(W.ui.section("办理记录", item.events.length ? item.events.map(function (e) {
          return h(V.Cell, { title: e.to_label, label: e.note || "", value: W.time(e.at) });
        }) : [W.ui.empty("还没有记录")]));
        return W.ui.page("事项", body, { back: "work" });
      };
    }
  };

  W.screens.work = {
    setup: function () {
      return function () {
        var id = W.state.params[0];
        return id ? h(Detail, { key: id, id: Number(id) }) : h(List);
      };
    }
  };
})(window.WGT);
