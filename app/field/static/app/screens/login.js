/* 登录: the admin's own accounts (and its two-factor code once enrolled). */
"use strict";
(function (W) {
  var h = W.h, V = vant;
  W.screens = W.screens || {};

  W.screens.login = {
    setup: function () {
      var s = Vue.reactive({ username: "", password: "", mfa_code: "", needCode: false, busy: false, error: "" });
      function submit() {
        s.error = "";
        if (!s.username.trim()) { s.error = "请输入用户名"; return; }
        if (!s.password) { s.error = "请输入密码"; return; }
        s.busy = true;
        var body = { username: s.username, password: s.password };
        if (s.mfa_code) body.mfa_code = s.mfa_code;
        W.api.post("/login", body).then(function () {
          location.replace("/m/#/today");
        }, function (e) {
          if (e.field === "mfa_code") s.needCode = true;
          s.error = e instanceof W.NetworkError ? "没有网络，登录需要联网" : e.message;
        }).finally(function () { s.busy = false; });
      }
      return function () {
        return h("form", { class: "login", onSubmit: function (e) { e.preventDefault(); submit(); } }, [
          h("div", { class: "login-head" }, [h("h1", "网格通"), h("p", "网格员的一天：签到、巡查、随手拍、入户走访")]),
          h(V.CellGroup, { inset: true }, function () {
            return [
              W.ui.field(s, "username", { label: "用户名", name: "username", autocomplete: "username", placeholder: "如 wg001" }),
              W.ui.field(s, "password", { label: "密码", name: "password", type: "password", autocomplete: "current-password" }),
              s.needCode ? W.ui.field(s, "mfa_code", { label: "两步验证码", name: "mfa_code", type: "digit", autocomplete: "one-time-code" }) : null
            ];
          }),
          s.error ? W.ui.note(s.error, "error") : null,
          h("div", { class: "pad" }, [h(V.Button, { type: "primary", block: true, round: true, size: "large", nativeType: "submit", loading: s.busy, class: "big-button" }, function () { return "登录"; })]),
          h("p", { class: "hint" }, "与管理后台使用同一账号。")
        ]);
      };
    }
  };
})(window.WGT);
