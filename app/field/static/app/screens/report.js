/* 随手拍: photos (shrunk on the phone), my position, a category the grid's street admits, a
 * description → a work item (source grid_report) in the community's six-stage flow. */
"use strict";
(function (W) {
  var h = W.h, V = vant;

  W.screens.report = {
    setup: function () {
      var s = Vue.reactive({ grid: W.firstGrid(), categories: null, category: null, title: "", description: "", photos: [],
        reading: null, busy: false, error: "", done: null, queued: false, loadError: "" });

      function loadCategories() {
        if (!s.grid) return;
        s.categories = null; s.loadError = "";
        W.api.get("/report-categories?grid=" + s.grid).then(function (list) {
          s.categories = list;
          if (list.length === 1) s.category = list[0].id;
        }, function (e) { s.loadError = e.message; s.categories = []; });
      }
      Vue.onMounted(loadCategories);
      Vue.watch(function () { return s.grid; }, loadCategories);

      function submit() {
        s.error = ""; s.done = null; s.queued = false;
        if (!s.category) { s.error = "请选择问题类别"; return; }
        if (!s.description.trim()) { s.error = "请写一句问题描述"; return; }
        s.busy = true;
        W.locate(W.state.me.settings.accuracy_max_m).then(function (r) {
          s.reading = r;
          return W.outbox.submit({
            label: "随手拍 " + (s.title || s.description.slice(0, 12)),
            url: "/reports",
            body: { grid: s.grid, category: s.category, title: s.title, description: s.description,
              latitude: r.latitude, longitude: r.longitude, accuracy: r.accuracy, photos: [] },
            blobs: s.photos, photoField: "photos"
          });
        }).then(function (outcome) {
          if (outcome.queued) s.queued = true; else s.done = outcome.answer;
          s.photos = []; s.title = ""; s.description = "";
          W.loadToday().catch(function () {});
        }, function (e) {
          if (e.reading) s.reading = e.reading;
          s.error = e.message;
        }).finally(function () { s.busy = false; });
      }

      return function () {
        var body = [W.ui.gridChooser(s)];
        body.push(W.ui.section("现场照片", [h("div", { class: "pad" }, [
          h(W.ui.PhotoPicker, { modelValue: s.photos, max: 3, "onUpdate:modelValue": function (v) { s.photos = v; } })
        ])]));
        var cats = s.categories;
        body.push(W.ui.section("问题类别", cats === null ? [W.ui.loading()] : cats.length ? [
          h(V.RadioGroup, { modelValue: s.category, "onUpdate:modelValue": function (v) { s.category = v; } }, function () {
            return cats.map(function (c) {
              return h(V.Cell, { title: c.name, label: c.department || "", clickable: true, class: "choice", onClick: function () { s.category = c.id; } },
                { "right-icon": function () { return h(V.Radio, { name: c.id }); } });
            });
          })
        ] : [W.ui.empty(s.loadError || "街道还没有准入可上报的类别")]));
        body.push(W.ui.section("描述", [
          W.ui.field(s, "title", { label: "标题（可不填）", name: "title", maxlength: 60 }),
          W.ui.field(s, "description", { label: "问题描述", name: "description", type: "textarea", rows: 3, autosize: true, maxlength: 500, showWordLimit: true, placeholder: "如：3 栋门口井盖破损" })
        ]));
        if (s.error) body.push(W.ui.note(s.error, "error"));
        if (s.done) body.push(W.ui.note("已上报：" + s.done.title + "（" + s.done.status_label + "）", "ok"));
        if (s.queued) body.push(W.ui.note("没有网络：上报已保存在手机上，联网后自动上传。", "warn"));
        if (s.reading) body.push(h("p", { class: "accuracy" }, "位置精度 ±" + Math.round(s.reading.accuracy) + " 米"));
        body.push(h("div", { class: "pad" }, [W.ui.big(s.busy ? "正在提交…" : "定位并上报", submit, { loading: s.busy, icon: "guide-o" })]));
        return W.ui.page("随手拍", body);
      };
    }
  };
})(window.WGT);
