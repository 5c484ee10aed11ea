/* 今日: my grids (checked in or not), reminders, my work due and overdue, households due a
 * visit, my reports' status. */
"use strict";
(function (W) {
  var h = W.h, V = vant;

  W.loadToday = function () {
    return W.api.get("/today").then(function (today) { W.state.today = today; return today; });
  };

  W.screens.today = {
    setup: function () {
      var s = Vue.reactive({ error: "" });
      function load() {
        s.error = "";
        return W.loadToday().catch(function (e) { s.error = e.message; });
      }
      Vue.onMounted(load);
      return function () {
        var t = W.state.today;
        var me = W.state.me;
        var name = me && me.staff ? me.staff.name : (me ? me.user.username : "");
        var body = [];
        if (s.error) body.push(W.ui.note(s.error, "error"));
        if (!t) { body.push(s.error ? null : W.ui.loading()); return W.ui.page("今日", body); }
        body.push(h("div", { class: "hello" }, [h("b", name ? name + "，你好" : "你好"), h("span", W.date(t.date))]));
        body.push(W.ui.section("我的网格", t.grids.length ? t.grids.map(function (g) {
          return h(V.Cell, { title: g.name, label: g.code, center: true, isLink: !g.checked_in,
            onClick: g.checked_in ? undefined : function () { W.go("checkin"); } }, {
            value: function () {
              return g.checked_in
                ? h(V.Tag, { type: "success", size: "large" }, function () { return "已签到 " + W.time(g.counted_at).replace("今天 ", ""); })
                : h(V.Tag, { type: "warning", size: "large" }, function () { return "今日未签到"; });
            }
          });
        }).concat([h(V.Cell, { title: "网格地图", icon: "location-o", isLink: true, onClick: function () { W.go("map"); } })])
          : [W.ui.empty("没有分配给你的网格")]));
        if (t.reminders.length) {
          body.push(W.ui.section("提醒", t.reminders.map(function (r) {
            return h(V.Cell, { title: r.message, label: W.date(r.date), icon: "bell" });
          })));
        }
        var overdue = t.work_items.overdue, due = t.work_items.due;
        body.push(W.ui.section("我的事项", overdue.length || due.length
          ? overdue.concat(due).map(W.ui.workCell)
          : [h(V.Cell, { title: "没有临期或逾期的事项", isLink: true, value: "全部事项", onClick: function () { W.go("work"); } })]));
        body.push(W.ui.section("该走访的户", t.visits_due.length ? t.visits_due.slice(0, 20).map(function (v) {
          var hh = v.household;
          return h(V.Cell, {
            title: hh.building.address + " " + hh.room, isLink: true, center: true,
            label: (v.tag_label || W.careTag(v.tag)) + " · 每 " + v.interval_days + " 天走访 · " +
              (v.last_visit ? "上次 " + W.date(v.last_visit) : "从未走访"),
            onClick: function () { W.go("visit/" + hh.id); }
          });
        }) : [W.ui.empty("没有到期要走访的户")]));
        body.push(W.ui.section("统计报表", [h(V.Cell, { title: "一表通 收件箱", label: "社区要填报的统计报表和截止时间", icon: "orders-o", isLink: true, class: "stats-link", onClick: function () { W.go("stats"); } })]));
        body.push(W.ui.section("我上报的问题", t.my_reports.length ? t.my_reports.map(W.ui.workCell)
          : [W.ui.empty("近 30 天没有上报")]));
        return W.ui.page("今日", body, {
          right: function () { return h(V.Icon, { name: "user-o", size: "22px", "aria-label": "我的", onClick: function () { W.go("mine"); } }); }
        });
      };
    }
  };
})(window.WGT);
