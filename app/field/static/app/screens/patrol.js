/* 巡查: start / stop; while the page is open a point every N seconds (setting) with its accuracy,
 * distance, duration and the track on the map. The patrol lives in the outbox from its first
 * second, so a patrol walked without network is uploaded whole when the network returns, and
 * a patrol survives the app being closed (it resumes here). */
"use strict";
(function (W) {
  var h = W.h, V = vant;

  function activePatrol() {
    return W.state.outbox.filter(function (i) { return i.kind === "patrol" && !i.ended_at; })[0] || null;
  }

  W.screens.patrol = {
    setup: function () {
      var s = Vue.reactive({ grid: W.firstGrid(), patrol: null, latest: null, now: Date.now(), error: "", result: null, queued: false, busy: false, mapError: "" });
      var mapEl = Vue.ref(null);
      var map = null, line = null, me = null;
      var sampler = null, clock = null, sendingPoints = false;

      function track() { return s.patrol ? s.patrol.points : []; }

      function drawTrack() {
        if (!map || !window.L) return;
        var lls = track().map(function (p) { return [p.latitude, p.longitude]; });
        if (!line) line = L.polyline(lls, { color: "#7232dd", weight: 4 }).addTo(map);
        else line.setLatLngs(lls);
        if (s.latest) {
          var ll = [s.latest.latitude, s.latest.longitude];
          if (!me) me = L.circleMarker(ll, { radius: 8, color: "#fff", weight: 2, fillColor: "#1989fa", fillOpacity: 1 }).addTo(map);
          else me.setLatLng(ll);
        }
        if (lls.length > 1) map.fitBounds(L.latLngBounds(lls), { padding: [20, 20], maxZoom: 18 });
        else if (lls.length) map.setView(lls[0], 17);
      }

      function openMap() {
        Vue.nextTick(function () {
          if (!mapEl.value || map) return;
          var grid = W.gridById(s.patrol ? s.patrol.grid : s.grid);
          W.drawMap(mapEl.value, { boundary: grid && grid.boundary }).then(function (m) { map = m; drawTrack(); },
            function (e) { s.mapError = e.message; });
        });
      }

      function save() { return W.outbox.savePatrol(JSON.parse(JSON.stringify(s.patrol))); }

      function push(reading) {
        if (!s.patrol || !reading) return;
        var pts = s.patrol.points;
        var last = pts[pts.length - 1];
        if (last && last.at === reading.at) return;
        pts.push({ latitude: reading.latitude, longitude: reading.longitude, accuracy: reading.accuracy, at: reading.at });
        drawTrack();
        save().then(flush);
      }

      // Send what is not sent yet; a network failure leaves it for the next point or the replay.
      function flush() {
        if (!s.patrol || sendingPoints || !navigator.onLine) return Promise.resolve();
        sendingPoints = true;
        var copy = JSON.parse(JSON.stringify(s.patrol));
        function merge() {
          if (s.patrol && s.patrol.id === copy.id) {
            s.patrol.server_id = copy.server_id;
            s.patrol.sent = Math.max(s.patrol.sent, copy.sent);
            s.patrol.inflight = copy.inflight || null;
            s.patrol.distance_m = copy.distance_m;
          }
        }
        return W.outbox.sendPatrol(copy).then(merge, function (e) {
          merge();
          if (e instanceof W.Refused) s.error = e.message;
        }).finally(function () { sendingPoints = false; });
      }

      // A point now (each interval, and on 打点). One position request at a time: asking the
      // GPS again before it answered fails on some phones; a phone that loses its fix for a
      // moment while walking just skips that point.
      var locating = false;
      function here(manual) {
        if (locating) return Promise.resolve();
        locating = true;
        return W.locate(0).then(function (r) { s.latest = r; s.error = ""; push(r); }, function (e) {
          if (manual || !s.latest) s.error = e.message;
        }).finally(function () { locating = false; });
      }

      function follow() {
        var interval = (W.state.me.settings.patrol_interval_s || 30) * 1000;
        sampler = setInterval(function () { here(false); }, interval);
        openMap();
      }

      function unfollow() { clearInterval(sampler); }

      function start() {
        s.error = ""; s.result = null; s.queued = false;
        if (!s.grid) { s.error = "没有分配给你的网格"; return; }
        s.patrol = {
          kind: "patrol", id: W.uuid(), label: "巡查 " + ((W.gridById(s.grid) || {}).name || ""),
          grid: s.grid, started_at: W.nowIso(), points: [], sent: 0, ended_at: null, server_id: null,
          distance_m: null, created: W.nowIso(), order: W.queueOrder(), status: "pending", reason: ""
        };
        save().then(function () { return flush(); }).then(function () { follow(); return here(true); });
      }

      function stop() {
        if (!s.patrol) return;
        s.busy = true;
        unfollow();
        s.patrol.ended_at = W.nowIso();
        var item = JSON.parse(JSON.stringify(s.patrol));
        W.outbox.savePatrol(item).then(function () {
          if (!navigator.onLine) throw new W.NetworkError();
          return W.outbox.sendPatrol(item);
        }).then(function (answer) {
          s.result = answer;
          W.loadToday().catch(function () {});
        }, function (e) {
          if (e instanceof W.Refused) s.error = e.message;
          else s.queued = true;
        }).finally(function () { s.busy = false; s.patrol = null; });
        s.lastTrack = item.points;
      }

      Vue.onMounted(function () {
        clock = setInterval(function () { s.now = Date.now(); }, 1000);
        W.outbox.refresh().then(function () {
          var open = activePatrol();
          if (open) { s.patrol = open; follow(); }
        });
      });
      Vue.onBeforeUnmount(function () {
        unfollow();
        clearInterval(clock);
        if (map) map.remove();
      });

      return function () {
        var body = [];
        var p = s.patrol;
        if (!p) body.push(W.ui.gridChooser(s));
        var pts = p ? p.points : (s.lastTrack || []);
        var distance = p ? (p.distance_m !== null && p.distance_m !== undefined && p.sent === p.points.length ? p.distance_m : W.pathLength(pts)) : null;
        if (p) {
          var secs = (s.now - new Date(p.started_at).getTime()) / 1000;
          body.push(h("div", { class: "stats" }, [
            h("div", [h("b", { class: "stat-distance" }, W.metres(distance)), h("span", "距离")]),
            h("div", [h("b", W.duration(secs)), h("span", "时长")]),
            h("div", [h("b", { class: "stat-points" }, String(pts.length)), h("span", "轨迹点")])
          ]));
          if (s.latest) body.push(h("p", { class: "accuracy" }, "定位精度 ±" + Math.round(s.latest.accuracy) + " 米 · 每 " + W.state.me.settings.patrol_interval_s + " 秒记录一次"));
          if (p.sent < p.points.length || !p.server_id) body.push(W.ui.note((p.points.length - p.sent) + " 个轨迹点待上传", "warn"));
          body.push(h("div", { class: "pad row" }, [
            h(V.Button, { type: "default", round: true, size: "large", icon: "aim", class: "big-button half", onClick: function () { here(true); } }, function () { return "打点"; }),
            h(V.Button, { type: "danger", round: true, size: "large", icon: "stop-circle-o", class: "big-button half", loading: s.busy, onClick: stop }, function () { return "结束巡查"; })
          ]));
        } else {
          body.push(h("div", { class: "pad" }, [W.ui.big("开始巡查", start, { icon: "play-circle-o" })]));
          body.push(h("p", { class: "hint" }, "巡查时请保持本页打开，每 " + ((W.state.me && W.state.me.settings.patrol_interval_s) || 30) + " 秒记录一次位置。"));
        }
        if (s.error) body.push(W.ui.note(s.error, "error"));
        if (s.mapError) body.push(W.ui.note(s.mapError, "error"));
        if (s.queued) body.push(W.ui.note("没有网络：巡查已保存在手机上，联网后自动上传。", "warn"));
        if (s.result) {
          var r = s.result;
          body.push(W.ui.note("巡查结束：" + W.metres(r.distance_m) + "，" + W.duration(r.duration_s) + "，" + r.points + " 个点" +
            (r.counted_as_check_in ? "；已计为今日签到" : ""), "ok"));
        }
        body.push(h("div", { key: "map", ref: mapEl, class: "mini-map" + (p ? "" : " hidden") }));
        return W.ui.page("巡查", body);
      };
    }
  };
})(window.WGT);
