/* 查进度: the stages of a case (受理 → 派遣 → 处置 → 核查 → 办结) with dates and whether each
 * met its deadline, the public reply, and, once it is finished, the rating (and one reopen). */
"use strict";
(function (W) {
  var h = W.h, V = vant;
  W.rscreens = W.rscreens || {};
  var RATINGS = [["satisfied", "满意"], ["basically_satisfied", "基本满意"], ["dissatisfied", "不满意"]];

  function steps(round) {
    var active = -1;
    round.steps.forEach(function (st, i) { if (st.done) active = i; });
    return W.ui.section(round.title, [h(V.Steps, { direction: "vertical", active: active, activeColor: "#c8161d" }, function () {
      return round.steps.map(function (st) {
        var when = st.at ? W.time(st.at) : (st.due_at ? "期限 " + W.time(st.due_at) : "");
        var met = st.met === true ? "（按时）" : st.met === false ? "（超时）" : "";
        return h(V.Step, { class: "step" + (st.done ? " done" : "") }, function () {
          return [h("div", { class: "step-label" }, st.label + met), h("div", { class: "step-time" }, when)];
        });
      });
    })]);
  }

  W.rscreens.track = {
    setup: function () {
      var s = Vue.reactive({ data: null, error: "", rating: null, comment: "", reason: "", busy: false, message: "" });
      function load() {
        W.rapi.get("/track/" + W.rstate.trackCode).then(function (d) { s.data = d; }, function (e) { s.error = e.message; });
      }
      Vue.onMounted(load);
      function act(path, body, message) {
        s.busy = true; s.error = "";
        W.rapi.post("/track/" + W.rstate.trackCode + path, body).then(function (d) { s.data = d; s.message = message; },
          function (e) { s.error = e.message; }).finally(function () { s.busy = false; });
      }
      return function () {
        var d = s.data;
        if (!d) return W.ui.page("办理进度", [s.error ? W.ui.note(s.error, "error") : W.ui.loading()]);
        var body = [
          h("div", { class: "case-head" }, [
            h("div", { class: "case-title" }, d.service_name),
            h(V.Tag, { type: d.open ? "primary" : "success", size: "large", class: "case-status" }, function () { return d.status_label; }),
            h("div", { class: "case-meta" }, d.community + (d.grid ? " · " + d.grid : "") + " · 提交于 " + W.time(d.created_at))
          ])
        ];
        if (d.content) body.push(W.ui.section("反映内容", [h("p", { class: "pad case-content" }, d.content)]));
        if (d.photos.length) body.push(h("div", { class: "photos pad" }, d.photos.map(function (src) { return h("img", { src: src, class: "case-photo", alt: "现场照片" }); })));
        d.rounds.forEach(function (r) { body.push(steps(r)); });
        if (d.reply) body.push(W.ui.section("社区答复", [h("p", { class: "pad reply" }, d.reply)]));
        if (d.rating_label) body.push(W.ui.note("您的评价：" + d.rating_label, "ok"));
        if (d.can_rate) {
          body.push(W.ui.section("评价办理结果", [
            h("div", { class: "chips pad" }, RATINGS.map(function (r) {
              return h("button", { type: "button", class: "chip" + (s.rating === r[0] ? " on" : ""), "data-rating": r[0],
                onClick: function () { s.rating = r[0]; } }, r[1]);
            })),
            W.ui.field(s, "comment", { label: "意见（可不填）", name: "comment", type: "textarea", rows: 2, maxlength: 500 }),
            h("div", { class: "pad" }, [W.ui.big("提交评价", function () {
              if (!s.rating) { s.error = "请选择满意程度"; return; }
              act("/rating", { rating: s.rating, comment: s.comment }, "感谢您的评价");
            }, { loading: s.busy })])
          ]));
        }
        if (d.can_reopen) {
          body.push(W.ui.section("不满意？可以申请重新办理一次", [
            W.ui.field(s, "reason", { label: "还有什么问题", name: "reason", type: "textarea", rows: 2, maxlength: 500 }),
            h("div", { class: "pad" }, [W.ui.big("申请重新办理", function () { act("/reopen", { reason: s.reason }, "已重新提交，社区会再次办理"); }, { type: "warning", loading: s.busy })])
          ]));
        }
        if (s.message) body.push(W.ui.note(s.message, "ok"));
        if (s.error) body.push(W.ui.note(s.error, "error"));
        return W.ui.page("办理进度", body);
      };
    }
  };
})(window.WGT);
