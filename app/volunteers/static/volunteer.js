/* 志愿服务 on the phone: the community's activities, sign up (a place or the waiting list),
 * cancel, check in and out by position or the organiser's QR code, hours and points.
 * Render functions only (Vue runtime build, no eval); Vant for the look of 网格通. */
"use strict";
(function () {
  var h = Vue.h, V = vant;
  var S = Vue.reactive({ home: null, loading: true, needLogin: false, message: "", error: "",
    busy: 0, username: "", password: "", qr: "" });

  function cookie(name) {
    var m = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return m ? decodeURIComponent(m[1]) : "";
  }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function when(iso) {
    var d = new Date(iso);
    return (d.getMonth() + 1) + "月" + d.getDate() + "日 " + pad(d.getHours()) + ":" + pad(d.getMinutes());
  }

  function api(method, path, body) {
    var headers = { accept: "application/json" };
    if (method !== "GET") { headers["x-csrftoken"] = cookie("csrftoken"); headers["content-type"] = "application/json"; }
    return fetch(path, { method: method, headers: headers, credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body) })
      .then(function (r) {
        return r.text().then(function (text) {
          var data = text ? JSON.parse(text) : {};
          if (r.status === 401) { S.needLogin = true; throw new Error("请先登录"); }
          if (!r.ok) throw new Error(data.detail || data.title || ("请求被拒绝（" + r.status + "）"));
          return data;
        });
      });
  }

  function load() {
    S.loading = true;
    return api("GET", "/m/volunteer/api/home").then(function (home) {
      S.home = home; S.needLogin = false; S.loading = false; qrFromLink();
    }, function (e) { S.loading = false; if (!S.needLogin) S.error = e.message; });
  }

  function act(promise, done) {
    S.busy += 1; S.error = ""; S.message = "";
    // The message shows once the page has reloaded, so what it says is what is shown.
    return promise.then(function () { return load().then(function () { S.message = done; }); },
      function (e) { S.error = e.message; })
      .then(function () { S.busy -= 1; });
  }

  function position() {
    return new Promise(function (resolve, reject) {
      if (!navigator.geolocation) return reject(new Error("手机不支持定位，请扫码签到"));
      navigator.geolocation.getCurrentPosition(function (p) {
        resolve({ latitude: p.coords.latitude, longitude: p.coords.longitude, accuracy: p.coords.accuracy });
      }, function () { reject(new Error("无法获取位置，请打开定位或扫码签到")); },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 0 });
    });
  }

  function signUp(a) {
    act(api("POST", "/api/v1/volunteer-signups", { activity: a.id }), "报名成功");
  }
  function cancel(a) {
    act(api("POST", "/api/v1/volunteer-signups/" + a.signup.id + "/cancel"), "已取消报名");
  }
  function byPosition(a, out) {
    var path = "/api/v1/volunteer-signups/" + a.signup.id + (out ? "/check-out" : "/check-in");
    act(position().then(function (p) { return api("POST", path, p); }), out ? "签退成功，等待组织者确认时长" : "签到成功");
  }
  function byCode(a, token, out) {
    var path = "/api/v1/volunteer-signups/" + a.signup.id + (out ? "/check-out" : "/check-in");
    act(api("POST", path, { qr_token: token }), out ? "扫码签退成功" : "扫码签到成功");
  }

  // A scanned code opens #/qr/<activity>/<token>: check in (or out) with it once loaded.
  function qrFromLink() {
    var m = location.hash.match(/^#\/qr\/(\d+)\/(.+)$/);
    if (!m || !S.home) return;
    history.replaceState(null, "", location.pathname);
    var a = S.home.activities.filter(function (x) { return x.id === Number(m[1]); })[0];
    if (!a || !a.signup || a.signup.status !== "signed_up") { S.error = "您没有报上这个活动"; return; }
    byCode(a, decodeURIComponent(m[2]), !!a.signup.checked_in_at);
  }

  function login() {
    act(api("POST", "/m/api/login", { username: S.username, password: S.password }), "已登录");
  }

  function statusTag(a) {
    var s = a.signup && a.signup.status;
    if (s === "signed_up") return h(V.Tag, { type: "success" }, function () { return "已报名"; });
    if (s === "waiting") return h(V.Tag, { type: "warning" }, function () { return "候补中"; });
    return null;
  }

  function actions(a) {
    var s = a.signup, now = new Date(), starts = new Date(a.starts_at), ends = new Date(a.ends_at);
    var buttons = [];
    function btn(text, type, onClick, cls) {
      return h(V.Button, { type: type, size: "small", disabled: S.busy > 0, class: cls, onClick: onClick }, function () { return text; });
    }
    if (!s || s.status === "cancelled") {
      if (now < starts) buttons.push(btn(a.signed_up < a.slots ? "报名" : "报名候补", "primary", function () { signUp(a); }, "sign-up"));
      return buttons;
    }
    if (s.status === "waiting" || (s.status === "signed_up" && !s.checked_in_at && now < starts)) {
      buttons.push(btn("取消报名", "default", function () { cancel(a); }, "cancel"));
    }
    if (s.status === "signed_up" && !s.checked_in_at && now <= ends) {
      buttons.push(btn("定位签到", "primary", function () { byPosition(a, false); }, "check-in"));
    }
    if (s.checked_in_at && !s.checked_out_at) {
      buttons.push(btn("定位签退", "primary", function () { byPosition(a, true); }, "check-out"));
    }
    if (s.status === "signed_up" && !s.checked_out_at && now <= ends) {
      buttons.push(btn("扫码/输入签到码", "default", function () {
        var token = window.prompt("请输入组织者出示的签到码");
        if (token) byCode(a, token.trim(), !!s.checked_in_at);
      }, "by-code"));
    }
    return buttons;
  }

  function card(a) {
    var s = a.signup;
    var lines = [
      h("div", null, "时间：" + when(a.starts_at) + " – " + when(a.ends_at).slice(-5)),
      h("div", null, "地点：" + a.place),
      h("div", null, "名额：已报 " + a.signed_up + " / " + a.slots + (a.waiting ? "，候补 " + a.waiting : "")),
    ];
    if (a.skills_wanted && a.skills_wanted.length) lines.push(h("div", null, "所需技能：" + a.skills_wanted.join("、")));
    if (s && s.checked_in_at) lines.push(h("div", { class: "checked-in" }, "已签到 " + when(s.checked_in_at)));
    if (s && s.hours !== null && s.hours !== undefined) {
      lines.push(h("div", null, "服务时长 " + s.hours + " 小时" + (s.confirmed_at ? "（已确认，积分 " + s.points + "）" : "（待组织者确认）")));
    }
    return h("div", { class: "vol-card", "data-activity": a.id }, [
      h("h3", null, [a.title, " ", statusTag(a)]),
      h("div", { class: "vol-meta" }, lines),
      h("div", { class: "vol-actions" }, actions(a))
    ]);
  }

  var App = {
    setup: function () {
      load();
      window.addEventListener("hashchange", qrFromLink);
      return function () {
        var body = [];
        if (S.message) body.push(h("div", { class: "vol-message", role: "status" }, S.message));
        if (S.error) body.push(h("div", { class: "vol-message error", role: "alert" }, S.error));
        if (S.needLogin) {
          body.push(h("div", { class: "vol-login" }, [
            h(V.CellGroup, { inset: true }, function () { return [
              h(V.Field, { label: "用户名", modelValue: S.username, name: "username", "onUpdate:modelValue": function (v) { S.username = v; } }),
              h(V.Field, { label: "密码", type: "password", name: "password", modelValue: S.password, "onUpdate:modelValue": function (v) { S.password = v; } })
            ]; }),
            h("div", { class: "pad" }, h(V.Button, { type: "primary", block: true, class: "login", onClick: login }, function () { return "登录"; }))
          ]));
        } else if (S.loading && !S.home) {
          body.push(h(V.Loading, { class: "pad" }, function () { return "加载中…"; }));
        } else if (S.home) {
          var v = S.home.volunteer;
          body.push(h("div", { class: "hello" }, [h("b", null, v.name), h("span", null, "志愿者")]));
          body.push(h("div", { class: "vol-stats" }, [
            h("div", null, [h("b", null, String(v.hours)), h("span", null, "本年时长（小时）")]),
            h("div", null, [h("b", null, String(v.points)), h("span", null, "本年积分")]),
            h("div", null, [h("b", null, v.rank ? "第" + v.rank + "名" : "—"), h("span", null, "社区排名")])
          ]));
          if (!S.home.activities.length) body.push(h(V.Empty, { description: "暂无志愿活动" }));
          S.home.activities.forEach(function (a) { body.push(card(a)); });
        }
        return h("div", null, [h(V.NavBar, { title: "志愿服务" }), h("div", { class: "screen-body" }, body)]);
      };
    }
  };
  Vue.createApp(App).mount("#app");
})();
