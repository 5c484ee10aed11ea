/* 统计报表 (一表通): the community's inbox of statistics requests with their deadlines; one
 * request's fields with the values computed from data (系统计算) and pre-filled from the last
 * answer (上期) to confirm or correct, the rest to fill in; save or submit. The server checks
 * every value, the sub-totals and who may fill (community staff; a grid worker only reads). */
"use strict";
(function (W) {
  var h = W.h, V = vant;

  function statusTag(card) {
    var late = card.status === "submitted" ? card.late : card.overdue;
    var type = late ? "danger" : card.status === "submitted" ? "success" : card.status === "returned" ? "warning" : "primary";
    var text = card.status === "submitted" ? (card.late ? "逾期提交" : "已提交") : (card.overdue ? "已逾期 · " : "") + card.status_label;
    return h(V.Tag, { type: type, plain: !late, size: "medium" }, function () { return text; });
  }

  function card(c) {
    return h(V.Cell, {
      title: c.title, isLink: true, center: true, class: "stats-card",
      label: c.department + " · 截止 " + W.time(c.deadline),
      onClick: function () { W.go("stats/" + c.id); }
    }, { value: function () { return statusTag(c); } });
  }

  var List = {
    setup: function () {
      var s = Vue.reactive({ list: null, error: "" });
      Vue.onMounted(function () {
        W.api.get("/statistics").then(function (l) { s.list = l; }, function (e) { s.error = e.message; s.list = []; });
      });
      return function () {
        var todo = (s.list || []).filter(function (c) { return c.status !== "submitted"; });
        var done = (s.list || []).filter(function (c) { return c.status === "submitted"; });
        return W.ui.page("统计报表", [
          s.error ? W.ui.note(s.error, "error") : null,
          W.ui.section("待填报（" + todo.length + "）", s.list === null ? [W.ui.loading()] : todo.length ? todo.map(card) : [W.ui.empty("没有待填的统计报表")]),
          done.length ? W.ui.section("已提交", done.map(card)) : null
        ], { back: "today" });
      };
    }
  };

  // What the phone shows beside a value: where it came from, and the original of a correction.
  function origin(f, value) {
    if (f.origin === "data") {
      var computed = f.computed === null || f.computed === undefined ? "" : String(Number(f.computed));
      return value !== computed ? "已更正 · 系统计算值 " + computed : "系统计算，请核对";
    }
    if (f.origin === "previous") return value !== f.previous ? "已更正 · 上期 " + f.previous : "上期填报，请核对";
    return "";
  }

  function input(s, f, readonly) {
    var set = function (v) { s.values[f.key] = v; delete s.errors[f.key]; };
    var label = f.title + (f.unit ? "（" + f.unit + "）" : "") + (f.required ? "" : "（选填）");
    var note = origin(f, s.values[f.key]);
    var options = {
      label: label, name: f.key, modelValue: s.values[f.key], "onUpdate:modelValue": set,
      readonly: readonly, errorMessage: s.errors[f.key] || "", labelAlign: "top",
      class: "stats-field origin-" + f.origin + (note.indexOf("已更正") === 0 ? " corrected" : ""),
      "data-key": f.key
    };
    var extra = note ? [h("div", { class: "field-origin" }, [h(V.Tag, { type: f.origin === "data" ? "primary" : "warning", plain: true }, function () { return f.origin_label; }), " " + note])] : [];
    if (f.kind === "choice" || f.kind === "yes_no") {
      var choices = f.kind === "yes_no" ? ["是", "否"] : f.choices;
      return [h(V.Field, options, {
        input: function () {
          return h(V.RadioGroup, { modelValue: s.values[f.key], "onUpdate:modelValue": set, direction: "horizontal", disabled: readonly }, function () {
            return choices.map(function (c) { return h(V.Radio, { name: c, "data-choice": c }, function () { return c; }); });
          });
        }
      })].concat(extra);
    }
    if (f.kind === "integer") options.type = "digit";
    else if (f.kind === "number") options.type = "number";
    else if (f.kind === "date") { options.type = "date"; }
    else { options.type = "textarea"; options.rows = 1; options.autosize = true; options.maxlength = 2000; }
    if (f.minimum !== null || f.maximum !== null) {
      options.placeholder = (f.minimum !== null ? Number(f.minimum) : "") + " ~ " + (f.maximum !== null ? Number(f.maximum) : "");
    }
    if (f.total_of && f.total_of.length) options.placeholder = "= 各分项之和";
    return [h(V.Field, options)].concat(extra);
  }

  var Detail = {
    props: { id: Number },
    setup: function (props) {
      var s = Vue.reactive({ answer: null, values: {}, errors: {}, checked: false, busy: false, error: "", loadError: "", queued: false, done: "" });
      function show(a) {
        s.answer = a;
        var values = {};
        a.fields.forEach(function (f) { values[f.key] = f.value || ""; });
        s.values = values;
      }
      // The first opening by someone who may fill computes the values (系统计算, 上期).
      function load() {
        return W.api.get("/statistics/" + props.id).then(function (a) {
          if (!a.may_fill || a.opened) return show(a);
          return W.api.post("/statistics/" + props.id + "/open", {}, W.uuid()).then(show);
        }).catch(function (e) { s.loadError = e.message; });
      }
      Vue.onMounted(load);
      function send(submit) {
        s.error = ""; s.done = ""; s.queued = false; s.errors = {};
        if (submit && !s.checked) { s.error = "请先逐项核对预填的值，并勾选“已核对”"; return; }
        s.busy = true;
        W.outbox.submit({
          label: (submit ? "提交报表：" : "保存报表：") + s.answer.title,
          url: "/statistics/" + props.id + (submit ? "/submit" : "/values"),
          body: { values: s.values }
        }).then(function (outcome) {
          if (outcome.queued) { s.queued = true; return; }
          var a = outcome.answer;
          s.answer = a;
          s.done = a.message;
        }, function (e) {
          var key = (e.field || "").replace(/^values\./, "");
          if (key && key !== e.field) s.errors[key] = e.message;
          s.error = e.message;
        }).finally(function () { s.busy = false; });
      }
      return function () {
        var a = s.answer;
        if (!a) return W.ui.page("统计报表", [s.loadError ? W.ui.note(s.loadError, "error") : W.ui.loading()], { back: "stats" });
        var counts = { data: 0, previous: 0, hand: 0 };
        a.fields.forEach(function (f) { counts[f.origin] += 1; });
        var body = [W.ui.section("", [
          h(V.Cell, { title: a.title, label: a.department + (a.note ? " · " + a.note : "") }, { value: function () { return statusTag(a); } }),
          h(V.Cell, { title: "统计期", value: W.date(a.period_start) + " — " + W.date(a.period_end) }),
          h(V.Cell, { title: "截止时间", value: W.time(a.deadline), class: a.overdue ? "late" : "" }),
          h(V.Cell, { title: "共 " + a.fields.length + " 项", value: "系统计算 " + counts.data + " · 上期 " + counts.previous + " · 待填 " + counts.hand })
        ])];
        if (a.return_comment && a.status === "returned") body.push(W.ui.note("街道退回：" + a.return_comment, "warn"));
        if (a.overdue && a.may_fill) body.push(W.ui.note("已过截止时间：仍可提交，将标记为逾期提交。", "warn"));
        if (!a.may_fill && a.status !== "submitted") body.push(W.ui.note("统计报表由社区工作人员填报，你可以查看。", "info"));
        if (s.done) body.push(W.ui.note(s.done, "ok"));
        if (s.queued) body.push(W.ui.note("没有网络：填报内容已保存在手机上，联网后自动上传。", "warn"));
        var readonly = !a.may_fill;
        body.push(W.ui.section("填报内容", a.fields.reduce(function (all, f) { return all.concat(input(s, f, readonly)); }, [])));
        if (a.may_fill) {
          if (s.error) body.push(W.ui.note(s.error, "error"));
          body.push(h("div", { class: "pad" }, [
            h(V.Checkbox, { modelValue: s.checked, "onUpdate:modelValue": function (v) { s.checked = v; }, name: "checked", class: "stats-checked" },
              function () { return "已逐项核对系统计算和上期预填的值"; })
          ]));
          body.push(h("div", { class: "pad stats-actions" }, [
            W.ui.big("提交", function () { send(true); }, { loading: s.busy, icon: "passed" }),
            W.ui.big("暂存", function () { send(false); }, { type: "default", disabled: s.busy })
          ]));
        }
        return W.ui.page("统计报表", body, { back: "stats" });
      };
    }
  };

  W.screens.stats = {
    setup: function () {
      return function () {
        var id = W.state.params[0];
        return id ? h(Detail, { key: id, id: Number(id) }) : h(List);
      };
    }
  };
})(window.WGT);
