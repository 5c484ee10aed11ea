/* 网格通: shared helpers. Every script adds to the one global `WGT` (no bundler, no modules:
 * plain deferred scripts run in order on the oldest WebViews we target). */
"use strict";
window.WGT = window.WGT || {};
(function (W) {
  W.h = Vue.h;

  // A client UUID (v4): the Idempotency-Key of a write, made when it is first queued.
  // crypto.randomUUID exists only on HTTPS; getRandomValues everywhere.
  W.uuid = function () {
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  };

  W.cookie = function (name) {
    var m = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return m ? decodeURIComponent(m[1]) : "";
  };

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  // The phone's own time with its UTC offset (the server keeps it as the device time).
  W.nowIso = function () {
    var d = new Date();
    var off = -d.getTimezoneOffset();
    var sign = off >= 0 ? "+" : "-";
    off = Math.abs(off);
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + "T" +
      pad(d.getHours()) + ":" + pad(d.getMinutes()) + ":" + pad(d.getSeconds()) +
      sign + pad(Math.floor(off / 60)) + ":" + pad(off % 60);
  };

  // The order writes were queued in: strictly increasing within a page, and Date.now()
  // moves on across reloads. `created` (seconds) alone ties for two taps in one second.
  var lastOrder = 0;
  W.queueOrder = function () {
    lastOrder = Math.max(Date.now(), lastOrder + 1);
    return lastOrder;
  };

  W.time = function (iso) {
    if (!iso) return "";
    var d = new Date(iso);
    if (isNaN(d)) return String(iso);
    var today = new Date();
    var hm = pad(d.getHours()) + ":" + pad(d.getMinutes());
    if (d.toDateString() === today.toDateString()) return "今天 " + hm;
    return (d.getMonth() + 1) + "月" + d.getDate() + "日 " + hm;
  };

  W.date = function (iso) {
    if (!iso) return "";
    var p = String(iso).slice(0, 10).split("-");
    return p.length === 3 ? Number(p[1]) + "月" + Number(p[2]) + "日" : String(iso);
  };

  W.metres = function (m) {
    if (m === null || m === undefined) return "";
    m = Number(m);
    return m >= 1000 ? (m / 1000).toFixed(2) + " 公里" : Math.round(m) + " 米";
  };

  W.duration = function (s) {
    s = Math.max(0, Math.round(s));
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
    return (h ? h + " 小时 " : "") + (h || m ? m + " 分 " : "") + sec + " 秒";
  };

  // Great-circle distance in metres (patrol distance shown while offline; the server's
  // own figure replaces it once the points are sent).
  W.haversine = function (a, b) {
    var r = 6371008.8, rad = Math.PI / 180;
    var dLat = (b.latitude - a.latitude) * rad, dLon = (b.longitude - a.longitude) * rad;
    var x = Math.sin(dLat / 2) * Math.sin(dLat / 2) +
      Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) * Math.sin(dLon / 2);
    return 2 * r * Math.asin(Math.sqrt(x));
  };

  W.pathLength = function (points) {
    var total = 0;
    for (var i = 1; i < points.length; i++) total += W.haversine(points[i - 1], points[i]);
    return total;
  };

  W.go = function (route) { location.hash = "#/" + route; };

  W.CARE_TAGS = {
    elderly_alone: "独居老人", low_income: "低保户", disability: "残疾人",
    left_behind_child: "留守儿童", veteran: "退役军人", key_person: "重点人员"
  };

  // What every screen reads: who I am, my day, the outbox, the network.
  W.state = Vue.reactive({
    route: "today", params: [], me: null, today: null, online: navigator.onLine,
    stale: false, outbox: [], replaying: false
  });
  W.careTag = function (tag) { return W.CARE_TAGS[tag] || tag; };
})(window.WGT);
