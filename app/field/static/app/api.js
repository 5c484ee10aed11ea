/* Talking to /m/api/: the session cookie, X-CSRFToken on writes, an Idempotency-Key on every
 * write, and three kinds of failure the rest of the app tells apart:
 *   NetworkError — no answer (offline, timeout, 5xx): keep the write, send it later;
 *   Refused      — a 4xx problem: the server said no, with a Chinese `detail` to show;
 *   401          — the session is gone: to the login page (writes stay queued). */
"use strict";
(function (W) {
  function NetworkError(message) { this.name = "NetworkError"; this.message = message || "网络不通"; }
  NetworkError.prototype = Object.create(Error.prototype);
  function Refused(status, problem) {
    this.name = "Refused";
    this.status = status;
    this.problem = problem || {};
    this.field = this.problem.field || "";
    this.message = this.problem.detail || this.problem.title || ("请求被拒绝（" + status + "）");
  }
  Refused.prototype = Object.create(Error.prototype);
  W.NetworkError = NetworkError;
  W.Refused = Refused;

  var TIMEOUT_MS = 30000;

  function request(method, path, options) {
    options = options || {};
    var headers = { accept: "application/json" };
    if (method !== "GET") headers["x-csrftoken"] = W.cookie("csrftoken");
    if (options.key) headers["idempotency-key"] = options.key;
    var body = options.form;
    if (options.json !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(options.json);
    }
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller && setTimeout(function () { controller.abort(); }, TIMEOUT_MS);
    return fetch("/m/api" + path, {
      method: method, headers: headers, body: body, credentials: "same-origin",
      signal: controller ? controller.signal : undefined
    }).catch(function () {
      throw new NetworkError();
    }).then(function (response) {
      if (timer) clearTimeout(timer);
      var offline = response.headers.get("x-wgt-offline") === "1";
      return response.text().then(function (text) {
        var data = null;
        try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
        if (offline && response.status === 503) throw new NetworkError("没有网络，也没有缓存的数据");
        if (response.status === 401 && path !== "/login") {
          W.toLogin();
          throw new NetworkError("登录已过期");
        }
        if (response.status >= 500) throw new NetworkError("服务器暂时出错（" + response.status + "）");
        if (response.status >= 400) throw new Refused(response.status, data);
        if (method === "GET") W.state.stale = offline;
        return data;
      });
    });
  }

  W.api = {
    get: function (path) { return request("GET", path); },
    post: function (path, json, key) { return request("POST", path, { json: json, key: key }); },
    upload: function (blob, key) {
      var form = new FormData();
      form.append("file", blob, "photo.jpg");
      return request("POST", "/photos", { form: form, key: key });
    }
  };

  W.toLogin = function () {
    if (location.pathname !== "/m/login") location.href = "/m/login";
  };
})(window.WGT);
