/* The app: hash routes (#/today, #/work/12 …), the bottom tab bar for one thumb, the banner
 * of what waits to be uploaded, the service worker, and the outbox replay triggers. */
"use strict";
(function (W) {
  var h = W.h, V = vant, S = W.state;
  var TABS = [
    { name: "today", label: "今日", icon: "home-o" },
    { name: "checkin", label: "签到", icon: "location-o" },
    { name: "patrol", label: "巡查", icon: "guide-o" },
    { name: "report", label: "随手拍", icon: "photograph" },
    { name: "visit", label: "走访", icon: "friends-o" },
    { name: "work", label: "事项", icon: "todo-list-o" }
  ];

  function readRoute() {
    var parts = (location.hash.replace(/^#\/?/, "") || "today").split("/");
    S.route = W.screens[parts[0]] ? parts[0] : "today";
    S.params = parts.slice(1);
  }

  function replay() {
    if (!navigator.onLine || !S.me) return;
    W.outbox.replay().then(function () { if (S.route === "today") W.loadToday().catch(function () {}); });
  }

  function banner() {
    var pending = S.outbox.filter(function (i) { return W.outbox.waiting(i) && i.status !== "refused"; }).length;
    var refused = S.outbox.filter(function (i) { return W.outbox.waiting(i) && i.status === "refused"; }).length;
    var parts = [];
    if (!S.online) parts.push(h("div", { class: "banner offline", role: "status" }, "离线：可以继续签到、上报、走访，联网后自动上传"));
    else if (S.stale) parts.push(h("div", { class: "banner offline", role: "status" }, "显示的是离线缓存的数据"));
    if (pending) {
      parts.push(h("div", { class: "banner pending", role: "status" }, [
        h("span", { class: "pending-count" }, pending + " 条待上传"),
        h(V.Button, { size: "small", type: "primary", loading: S.replaying, disabled: !S.online, onClick: function () { W.outbox.replay(); } }, function () { return "立即上传"; })
      ]));
    }
    if (refused) {
      parts.push(h("div", { class: "banner refused", role: "alert", onClick: function () { W.go("mine"); } },
        refused + " 条被服务器退回，点此查看原因"));
    }
    return parts;
  }

  var App = {
    setup: function () {
      var loginPage = location.pathname === "/m/login";
      var s = Vue.reactive({ error: "" });
      if (!loginPage) {
        readRoute();
        window.addEventListener("hashchange", readRoute);
        W.outbox.refresh();
        W.api.get("/me").then(function (me) {
          S.me = me;
          replay();
        }, function (e) { s.error = e.message; });
      }
      window.addEventListener("online", function () { S.online = true; replay(); });
      window.addEventListener("offline", function () { S.online = false; });
      if (navigator.serviceWorker) {
        navigator.serviceWorker.addEventListener("message", function (event) {
          if (event.data && event.data.type === "replay") replay();
        });
      }
      // Where Background Sync is missing (WeChat, Firefox) and the page stays open.
      setInterval(function () { if (W.outbox.count()) replay(); }, 60000);
      return function () {
        if (loginPage) return h(W.screens.login);
        if (!S.me) {
          return h("div", { class: "boot" }, s.error ? [W.ui.note(s.error, "error"),
            h(V.Button, { type: "primary", round: true, onClick: function () { location.reload(); } }, function () { return "重试"; })] : "网格通 正在加载…");
        }
        var tab = TABS.some(function (t) { return t.name === S.route; }) ? S.route : "today";
        return h("div", { class: "app" }, [
          h("div", { class: "banners" }, banner()),
          h(W.screens[S.route], { key: S.route }),
          h(V.Tabbar, { modelValue: tab, "onUpdate:modelValue": function (v) { W.go(v); }, fixed: true, placeholder: true, safeAreaInsetBottom: true, activeColor: "#c8161d" },
            function () {
              return TABS.map(function (t) {
                return h(V.TabbarItem, { name: t.name, icon: t.icon, "data-tab": t.name }, function () { return t.label; });
              });
            })
        ]);
      };
    }
  };

  Vue.createApp(App).mount("#app");

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/m/sw.js", { scope: "/m/" }).catch(function () {
      /* no service worker (e.g. plain http on a LAN address): the app works online only */
    });
  }
})(window.WGT);
