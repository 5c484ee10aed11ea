/* 地图: my grid's boundary, its buildings and facilities (roads as lines), open reports, and where I am. */
"use strict";
(function (W) {
  var h = W.h, V = vant;

  W.screens.map = {
    setup: function () {
      var s = Vue.reactive({ grid: W.firstGrid(), error: "", counts: null });
      var el = Vue.ref(null);
      var map = null;
      function draw() {
        if (!s.grid) { s.error = "没有分配给你的网格"; return; }
        s.error = "";
        var me = null;
        Promise.all([
          W.api.get("/map?grid=" + s.grid),
          W.locate(0).then(function (r) { me = r; }, function () {})
        ]).then(function (out) {
          var data = out[0];
          if (map) { map.remove(); map = null; }
          var roads = data.facilities.features.filter(function (f) { return f.geometry.type !== "Point"; }).length;
          s.counts = { buildings: data.buildings.features.length, facilities: data.facilities.features.length - roads, roads: roads, reports: data.open_reports.features.length };
          return W.drawMap(el.value, { boundary: data.boundary, buildings: data.buildings, facilities: data.facilities, reports: data.open_reports, me: me }, { cluster: true, heat: true });
        }).then(function (m) { if (m) map = m; }, function (e) { s.error = e.message; });
      }
      Vue.onMounted(draw);
      Vue.watch(function () { return s.grid; }, draw);
      Vue.onBeforeUnmount(function () { if (map) map.remove(); });
      return function () {
        var c = s.counts;
        return W.ui.page("网格地图", [
          W.ui.gridChooser(s),
          s.error ? W.ui.note(s.error, "error") : null,
          h("div", { key: "map", ref: el, class: "big-map" }),
          h("div", { class: "legend" }, [
            h("span", { class: "key key-building" }, "楼栋" + (c ? " " + c.buildings : "")),
            h("span", { class: "key key-facility" }, "设施" + (c ? " " + c.facilities : "")),
            h("span", { class: "key key-road" }, "道路" + (c ? " " + c.roads : "")),
            h("span", { class: "key key-report" }, "待办问题" + (c ? " " + c.reports : "")),
            h("span", { class: "key key-me" }, "我")
          ])
        ], { back: "today" });
      };
    }
  };
})(window.WGT);
