/* 1890 热线登记: a call-taker records a resident's call in one screen and reads the tracking
 * code back to the caller. Needs the network (the code must be read back at once). */
"use strict";
(function (W) {
  var h = W.h, V = vant;

  W.screens.hotline = {
    setup: function () {
      var me = W.state.me;
      var s = Vue.reactive({ services: null, service: null, description: "", subject: "", address: "",
        caller_name: "", caller_phone: "", answer: null, error: "", busy: false });
      Vue.onMounted(function () {
        if (!me.community) { s.services = []; return; }
        fetch("/r/api/communities/" + me.community.code, { headers: { accept: "application/json" } })
          .then(function (r) { return r.json(); })
          .then(function (c) { s.services = c.services.concat(c.supervision.map(function (x) { return { service_code: x.service_code, name: "监督：" + x.name }; })); },
            function () { s.error = "没有网络：热线登记需要联网"; s.services = []; });
      });
      function submit() {
        s.error = "";
        if (!s.service) { s.error = "请选择诉求类别"; return; }
        if (!s.description.trim()) { s.error = "请记录来电内容"; return; }
        s.busy = true;
        W.api.post("/hotline-calls", { service_code: s.service, description: s.description, subject: s.subject,
          address: s.address, caller_name: s.caller_name, caller_phone: s.caller_phone }, W.uuid())
          .then(function (answer) { s.answer = answer; s.description = ""; s.subject = ""; s.address = ""; s.caller_name = ""; s.caller_phone = ""; },
            function (e) { s.error = e.message; })
          .finally(function () { s.busy = false; });
      }
      return function () {
        var body = [];
        if (s.answer) {
          body.push(W.ui.note("已登记。请向来电人读出查询码：", "ok"));
          body.push(h("div", { class: "tracking-code hotline-code" }, s.answer.code));
        }
        body.push(W.ui.section("诉求类别", s.services === null ? [W.ui.loading()] : s.services.map(function (x) {
          return h(V.Cell, { title: x.name, clickable: true, class: "choice" + (s.service === x.service_code ? " chosen" : ""),
            "data-code": x.service_code, onClick: function () { s.service = x.service_code; } },
            { "right-icon": function () { return s.service === x.service_code ? h(V.Icon, { name: "success", color: "#c8161d" }) : null; } });
        })));
        body.push(W.ui.section("来电内容", [
          W.ui.field(s, "description", { label: "内容", name: "description", type: "textarea", rows: 3, autosize: true, maxlength: 2000 }),
          W.ui.field(s, "subject", { label: "监督对象（监督类必填）", name: "subject" }),
          W.ui.field(s, "address", { label: "地址", name: "address" }),
          W.ui.field(s, "caller_name", { label: "来电人", name: "caller_name" }),
          W.ui.field(s, "caller_phone", { label: "来电号码", name: "caller_phone", type: "tel" })
        ]));
        if (s.error) body.push(W.ui.note(s.error, "error"));
        body.push(h("div", { class: "pad" }, [W.ui.big(s.busy ? "正在登记…" : "登记并生成查询码", submit, { loading: s.busy, disabled: !W.state.online })]));
        return W.ui.page("1890 热线登记", body, { back: "mine" });
      };
    }
  };
})(window.WGT);
