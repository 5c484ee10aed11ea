/* 我的: who I am, the way to 安装到主屏幕, the outbox (待上传 / 被退回, with 删除 and 重试), my diary with its
 * reviews (日记点评), logout. */
"use strict";
(function (W) {
  var h = W.h, V = vant;

  W.screens.mine = {
    setup: function () {
      var s = Vue.reactive({ diary: null, error: "" });
      Vue.onMounted(function () {
        W.outbox.refresh();
        W.api.get("/diary").then(function (d) { s.diary = d; }, function (e) { s.error = e.message; s.diary = []; });
      });
      function logout() {
        var left = W.outbox.count();
        var ask = left ? vant.showConfirmDialog({ title: "退出登录", message: "还有 " + left + " 条没有上传，退出后仍保存在这台手机上，下次登录再上传。确定退出？" }) : Promise.resolve();
        ask.then(function () {
          return W.api.post("/logout", {}).catch(function () {});
        }).then(function () {
          if (navigator.serviceWorker && navigator.serviceWorker.controller) navigator.serviceWorker.controller.postMessage({ type: "logout" });
          location.href = "/m/login";
        }, function () {});
      }
      return function () {
        var me = W.state.me;
        var body = [];
        if (me) {
          body.push(W.ui.section("我", [
            h(V.Cell, { title: me.staff ? me.staff.name : me.user.username, label: me.user.username, value: me.staff ? me.staff.role_label : "" }),
            h(V.Cell, { title: "我的网格", value: me.grids.map(function (g) { return g.name; }).join("、") || "无" }),
            me.community ? h(V.Cell, { title: "1890 热线登记", isLink: true, class: "hotline-link", onClick: function () { W.go("hotline"); } }) : null,
            h(V.Cell, { title: "安装到主屏幕", isLink: true, class: "install-link", value: W.installKind() === "installed" ? "已安装" : "", onClick: function () { W.go("install"); } })
          ]));
        }
        var items = W.state.outbox.filter(W.outbox.waiting);
        body.push(W.ui.section("待上传（" + items.length + "）", items.length ? items.map(function (item) {
          return h("div", { class: "outbox-item" + (item.status === "refused" ? " refused" : "") }, [
            h("div", { class: "outbox-text" }, [
              h("b", item.label),
              h("span", W.time(item.created) + (item.status === "refused" ? " · 被退回：" : item.reason ? " · " : "") + (item.reason || ""))
            ]),
            h("div", { class: "outbox-actions" }, [
              h(V.Button, { size: "small", type: "primary", plain: true, onClick: function () { W.outbox.retry(item); } }, function () { return "重试"; }),
              h(V.Button, { size: "small", type: "danger", plain: true, onClick: function () {
                vant.showConfirmDialog({ title: "删除", message: "删除后这条记录不会上传，确定？" }).then(function () { W.outbox.remove(item); }, function () {});
              } }, function () { return "删除"; })
            ])
          ]);
        }) : [W.ui.empty("全部已上传")]));
        body.push(W.ui.section("今天的民情日记", s.diary === null ? [W.ui.loading()] : s.diary.length ? s.diary.map(function (e) {
          return h("div", { class: "diary" }, [
            h("p", [h("b", W.time(e.created_at) + (e.household ? " · " + e.household.room : "")), h("br"), e.content]),
            e.reviews.map(function (r) {
              return h("p", { class: "review" }, [h(V.Tag, { type: r.mark === "excellent" || r.mark === "good" ? "success" : "warning" }, function () { return r.mark_label; }),
                " " + (r.by || "社区") + "：" + (r.comment || "")]);
            })
          ]);
        }) : [W.ui.empty(s.error || "今天还没有日记")]));
        body.push(h("div", { class: "pad" }, [W.ui.big("退出登录", logout, { type: "default" })]));
        return W.ui.page("我的", body, { back: "today" });
      };
    }
  };
})(window.WGT);
