/* The residents' app: /r/<community code> (home, #/report, #/supervise, #/track) or
 * /r/t/<tracking code>. The community comes from the poster's QR code, a grid's poster adds
 * ?grid=<code>. */
"use strict";
(function (W) {
  var h = W.h, V = vant;
  var parts = location.pathname.replace(/\/+$/, "").split("/");
  W.rstate = Vue.reactive({
    code: parts[1] === "r" && parts[2] !== "t" ? parts[2] : "",
    trackCode: parts[2] === "t" ? decodeURIComponent(parts[3] || "") : "",
    grid: new URLSearchParams(location.search).get("grid") || "",
    community: null, route: "home", error: ""
  });
  var S = W.rstate;
  W.go = function (route) { location.hash = "#/" + route; };

  function readRoute() { S.route = (location.hash.replace(/^#\/?/, "") || "home").split("/")[0]; }

  W.rscreens = W.rscreens || {};
  W.rscreens.home = {
    setup: function () {
      var s = Vue.reactive({ code: "" });
      return function () {
        var c = S.community;
        var sat = c.satisfaction;
        return W.ui.page(c.name, [
          h("div", { class: "home-head" }, [
            h("div", { class: "home-street" }, c.street),
            h("div", { class: "home-title" }, "居民议事 · 有事找社区"),
            sat ? h("div", { class: "home-sat" }, "群众满意率 " + Math.round(sat.rate * 100) + "%（" + sat.ratings + " 条评价）") : null
          ]),
          h("div", { class: "pad home-actions" }, [
            W.ui.big("我要反映", function () { W.go("report"); }, { icon: "photograph" }),
            W.ui.big("我要监督", function () { W.go("supervise"); }, { icon: "eye-o", type: "default" })
          ]),
          W.ui.section("查办理进度", [
            W.ui.field(s, "code", { label: "查询码", name: "track-code", placeholder: "如 K7M2-9QXH-4T", maxlength: 14 }),
            h("div", { class: "pad" }, [W.ui.big("查询", function () { if (s.code.trim()) location.href = "/r/t/" + encodeURIComponent(s.code.trim()); }, { type: "default" })])
          ]),
          h("p", { class: "muted pad" }, "不方便上网？请拨打社区服务热线 1890。您的姓名和电话只有工作人员能看到。")
        ]);
      };
    }
  };

  var App = {
    setup: function () {
      if (S.code) {
        readRoute();
        window.addEventListener("hashchange", readRoute);
        W.rapi.get("/communities/" + S.code).then(function (c) { S.community = c; }, function (e) { S.error = e.message; });
      }
      return function () {
        if (S.trackCode) return h(W.rscreens.track);
        if (!S.code) return W.ui.note("请扫描社区公告栏上的二维码进入", "warn");
        if (!S.community) return h("div", { class: "boot" }, S.error ? [W.ui.note(S.error, "error")] : "正在加载…");
        var screen = W.rscreens[S.route] || W.rscreens.home;
        return h("div", { class: "app resident" }, [h(screen, { key: S.route })]);
      };
    }
  };
  document.addEventListener("DOMContentLoaded", function () {
    var app = Vue.createApp(App);
    app.use(V);
    app.mount("#app");
  });
})(window.WGT);
