/* Talking to /r/api/ (no login, no cookies): JSON reads, a multipart submission solved with a
 * fresh proof of work, and the problems the server refuses with (a Chinese `detail`). */
"use strict";
(function (W) {
  function send(method, path, body) {
    var headers = { accept: "application/json" };
    if (body !== undefined && !(body instanceof FormData)) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(body);
    }
    return fetch("/r/api" + path, { method: method, headers: headers, body: body, credentials: "omit" })
      .catch(function () { throw new Error("网络不通，请稍后再试"); })
      .then(function (response) {
        return response.text().then(function (text) {
          var data = null;
          try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
          if (response.status >= 500) throw new Error("服务器暂时出错，请稍后再试");
          if (response.status >= 400) {
            var error = new Error((data && (data.detail || data.title)) || "提交失败（" + response.status + "）");
            error.field = data && data.field;
            throw error;
          }
          return data;
        });
      });
  }

  function proof() {
    return send("GET", "/challenge").then(function (c) {
      return W.solveChallenge(c.challenge, c.bits).then(function (nonce) {
        return { challenge: c.challenge, nonce: nonce };
      });
    });
  }

  W.rapi = {
    get: function (path) { return send("GET", path); },
    post: function (path, json) { return send("POST", path, json); },
    // fields: plain strings (attribute[...] arrays repeat the key); photos: blobs.
    submit: function (community, fields, photos) {
      return proof().then(function (p) {
        var form = new FormData();
        form.append("challenge", p.challenge);
        form.append("nonce", p.nonce);
        Object.keys(fields).forEach(function (key) {
          var value = fields[key];
          if (value === null || value === undefined || value === "") return;
          [].concat(value).forEach(function (v) { form.append(key, String(v)); });
        });
        (photos || []).forEach(function (blob, i) { form.append("photos", blob, "photo" + (i + 1) + ".jpg"); });
        return send("POST", "/communities/" + community + "/submissions", form);
      });
    },
    meToo: function (caseId) {
      return proof().then(function (p) { return send("POST", "/cases/" + caseId + "/me-too", p); });
    }
  };
})(window.WGT);
