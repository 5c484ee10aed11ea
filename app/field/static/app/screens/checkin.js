/* 签到, one tap: the phone's position and accuracy, checked by the server with the same polygon
 * test as every check-in. Refused position or an accuracy worse than the setting: a message,
 * nothing sent. Outside: how far from the edge, and where, on a small map. Offline: queued
 * with the phone's time, which the server uses for the day it counts for. */
"use strict";
(function (W) {
  var h = W.h, V = vant;

  W.screens.checkin = {
    setup: function () {
      var s = Vue.reactive({ grid: W.firstGrid(), photos: [], note: "", busy: false, error: "", result: null, reading: null, queued: false });
      var mapEl = Vue.ref(null);
      var map = null;

      function showMap() {
        Vue.nextTick(function () {
          if (!mapEl.value) return;
          if (map) { map.remove(); map = null; }
          var grid = W.gridById(s.grid);
          W.drawMap(mapEl.value, { boundary: grid && grid.boundary, me: s.reading }).then(function (m) { map = m; },
            function (e) { s.error = e.message; });
        });
      }

      function checkIn() {
        s.error = ""; s.result = null; s.queued = false;
        if (!s.grid) { s.error = "没有分配给你的网格，不能签到"; return; }
        var max = W.state.me.settings.accuracy_max_m;
        s.busy = true;
        W.locate(max).then(function (r) {
          s.reading = r;
          return W.outbox.submit({
            label: "签到 " + (W.gridById(s.grid) || {}).name,
            url: "/check-ins",
            body: { grid: s.grid, latitude: r.latitude, longitude: r.longitude, accuracy: r.accuracy, device_time: r.at, note: s.note },
            blobs: s.photos, photoField: "photo"
          }).then(function (outcome) {
            s.photos = [];
            if (outcome.queued) { s.queued = true; return; }
            s.result = outcome.answer;
            if (!outcome.answer.inside_grid) showMap();
            W.loadToday().catch(function () {});
          });
        }).catch(function (e) {
          if (e.reading) s.reading = e.reading;
          s.error = e.message;
        }).finally(function () { s.busy = false; });
      }

      Vue.onBeforeUnmount(function () { if (map) map.remove(); });

      return function () {
        var today = W.state.today;
        var done = today && today.grids.filter(function (g) { return g.id === s.grid && g.checked_in; })[0];
        var body = [W.ui.gridChooser(s)];
        if (done) body.push(W.ui.note("今天已在 " + W.time(done.counted_at) + " 签到（每天计一次）。", "ok"));
        body.push(h("div", { class: "pad" }, [
          W.ui.big(s.busy ? "正在定位…" : "签到", checkIn, { loading: s.busy, icon: "location-o" })
        ]));
        if (s.reading) {
          body.push(h("p", { class: "accuracy" }, "定位精度 ±" + Math.round(s.reading.accuracy) + " 米（允许 ±" +
            W.state.me.settings.accuracy_max_m + " 米）"));
        }
        if (s.error) body.push(W.ui.note(s.error, "error"));
        if (s.queued) body.push(W.ui.note("没有网络：签到已保存在手机上（时间 " + W.time(s.reading.at) + "），联网后自动上传。", "warn"));
        if (s.result) {
          var r = s.result;
          body.push(W.ui.note(r.message || (r.counted ? "签到成功" : "签到未计入"), r.inside_grid ? "ok" : "error"));
          if (!r.inside_grid && !r.message) {
            body.push(h("p", { class: "distance" }, "你在网格外，距网格边界约 " + W.metres(r.distance_to_edge_m)));
          }
        }
        body.push(h("div", { key: "map", ref: mapEl, class: "mini-map" + (s.result && !s.result.inside_grid ? "" : " hidden") }));
        body.push(W.ui.section("可选", [
          h("div", { class: "pad" }, [h(W.ui.PhotoPicker, { modelValue: s.photos, max: 1, label: "现场照片", "onUpdate:modelValue": function (v) { s.photos = v; } })]),
          W.ui.field(s, "note", { label: "备注", name: "note", placeholder: "如：在社区服务站" })
        ]));
        return W.ui.page("签到", body);
      };
    }
  };
})(window.WGT);
