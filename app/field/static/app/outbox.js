/* The outbox: every write is first saved in IndexedDB with a client UUID (its Idempotency-Key)
 * and its photos as blobs, then sent. What could not be sent (no network, no answer, a 5xx)
 * stays `pending` and is replayed on the service worker's `sync` event, on app start, when the
 * phone comes back `online`, and on tap 立即上传. A refusal (4xx) of a replayed write stays in
 * the outbox as `refused` with the server's reason, for the worker to delete or retry: nothing
 * is dropped silently. Replays send the same key, so a write the server already took (the answer
 * was lost) is answered again, not stored twice.
 *
 * Items:
 *   {kind: "write", id, label, url, body, photos: [blob ids], photoField: "photos"|"photo",
 *    uploaded: {blob id: stored path}, created, order (W.queueOrder: replayed in it), status,
 *    reason}
 *   {kind: "patrol", id, label, grid, started_at, points: [...], sent, ended_at, server_id, …}:
 *    a patrol is one item; start, each batch of points and stop get keys derived from its id.
 */
"use strict";
(function (W) {
  var S = W.state;
  var sending = null;

  function refresh() {
    return W.db.all("outbox").then(function (items) {
      items.sort(function (a, b) { return (a.order || 0) - (b.order || 0); });
      S.outbox = items;
      return items;
    });
  }

  function waiting(item) {
    return !(item.kind === "patrol" && !item.ended_at);
  }

  function askForSync() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.ready.then(function (reg) {
      if (reg.sync) return reg.sync.register("wgt-outbox");
    }).catch(function () { /* no Background Sync: app start, online and 立即上传 replay */ });
  }

  function uploadPhotos(item) {
    var ids = (item.photos || []).filter(function (id) { return !(item.uploaded || {})[id]; });
    return ids.reduce(function (chain, id) {
      return chain.then(function () {
        return W.db.get("blobs", id).then(function (row) {
          if (!row) throw new W.Refused(422, { detail: "照片在手机上已丢失，请删除后重拍", field: "photos" });
          return W.api.upload(row.blob, id);
        }).then(function (answer) {
          item.uploaded = item.uploaded || {};
          item.uploaded[id] = answer.photo;
          return W.db.put("outbox", item);
        });
      });
    }, Promise.resolve());
  }

  function bodyWithPhotos(item) {
    var body = JSON.parse(JSON.stringify(item.body));
    var paths = (item.photos || []).map(function (id) { return item.uploaded[id]; });
    if (item.photoField === "photo") body.photo = paths[0] || "";
    else if (item.photos && item.photos.length) body[item.photoField || "photos"] = paths;
    return body;
  }

  function sendWrite(item) {
    return uploadPhotos(item).then(function () {
      return W.api.post(item.url, bodyWithPhotos(item), keyOf(item));
    });
  }

  var BATCH = 100;

  // The Idempotency-Key: the item's id, or a fresh one once the worker retries a refusal (the
  // server keeps a refusal under its key and would only repeat it).
  function keyOf(item) { return item.key || item.id; }

  function sendPatrol(item) {
    var chain = Promise.resolve();
    if (!item.server_id) {
      chain = W.api.post("/patrols", { grid: item.grid, started_at: item.started_at }, keyOf(item) + ":start")
        .then(function (answer) { item.server_id = answer.id; return W.db.put("outbox", item); });
    }
    // A batch, once tried, is resent exactly (same points, same key) until it is answered:
    // the key of a lost answer must come back with the same body.
    function nextBatch() {
      if (!item.inflight) {
        if (item.sent >= item.points.length) return Promise.resolve();
        item.inflight = { from: item.sent, to: Math.min(item.sent + BATCH, item.points.length) };
      }
      var range = item.inflight;
      return W.api.post("/patrols/" + item.server_id + "/points", { points: item.points.slice(range.from, range.to) },
        keyOf(item) + ":p" + range.from + "-" + range.to)
        .then(function (answer) {
          item.sent = range.to;
          item.inflight = null;
          item.distance_m = answer.distance_m;
          return W.db.put("outbox", item).then(nextBatch);
        });
    }
    return chain.then(nextBatch).then(function () {
      if (!item.ended_at) return item;
      return W.api.post("/patrols/" + item.server_id + "/stop", { ended_at: item.ended_at }, keyOf(item) + ":stop");
    });
  }

  function finish(item) {
    return Promise.all((item.photos || []).map(function (id) { return W.db.del("blobs", id); }))
      .then(function () { return W.db.del("outbox", item.id); });
  }

  // Send one saved item: resolves with the server's answer; rejects NetworkError (kept
  // pending) or Refused (marked, unless `live` — then the form shows it and it is removed).
  function send(item, live) {
    var work = item.kind === "patrol" ? sendPatrol(item) : sendWrite(item);
    return work.then(function (answer) {
      var done = item.kind !== "patrol" || item.ended_at;
      return (done ? finish(item) : Promise.resolve()).then(function () { return answer; });
    }, function (error) {
      if (error instanceof W.Refused) {
        if (live && item.kind !== "patrol") return finish(item).then(function () { throw error; });
        item.status = "refused";
        item.reason = error.message;
        return W.db.put("outbox", item).then(function () { throw error; });
      }
      item.status = "pending";
      item.reason = error.message;
      return W.db.put("outbox", item).then(function () { askForSync(); throw error; });
    });
  }

  function saveBlobs(blobs) {
    return Promise.all((blobs || []).map(function (blob) {
      var id = W.uuid();
      return W.db.put("blobs", { id: id, blob: blob }).then(function () { return id; });
    }));
  }

  W.outbox = {
    refresh: refresh,
    waiting: waiting,
    count: function () { return S.outbox.filter(waiting).length; },

    // Save a write and try to send it now. Resolves {sent: true, answer} or {queued: true};
    // rejects with Refused when the server says no to a live write.
    submit: function (spec) {
      return saveBlobs(spec.blobs).then(function (ids) {
        var item = {
          // A plain copy: the screens' reactive proxies cannot be stored in IndexedDB.
          kind: "write", id: W.uuid(), label: spec.label, url: spec.url, body: JSON.parse(JSON.stringify(spec.body)),
          photos: ids, photoField: spec.photoField || "photos", uploaded: {},
          created: W.nowIso(), order: W.queueOrder(), status: "pending", reason: ""
        };
        return W.db.put("outbox", item).then(function () {
          if (!navigator.onLine) { askForSync(); return refresh().then(function () { return { queued: true }; }); }
          return send(item, true).then(function (answer) {
            refresh();
            return { sent: true, answer: answer };
          }, function (error) {
            refresh();
            if (error instanceof W.Refused) throw error;
            return { queued: true };
          });
        });
      });
    },

    savePatrol: function (item) { return W.db.put("outbox", item).then(refresh); },
    sendPatrol: function (item) { return send(item, false).finally(refresh); },

    // Replay everything pending (oldest first); stops at the first network failure.
    replay: function (includeRefused) {
      if (sending) return sending;
      S.replaying = true;
      sending = refresh().then(function (items) {
        var queue = items.filter(function (i) {
          return waiting(i) && (i.status === "pending" || (includeRefused && i.status === "refused"));
        });
        return queue.reduce(function (chain, item) {
          return chain.then(function (stop) {
            if (stop) return true;
            return send(item, false).then(function () { return false; }, function (error) {
              return !(error instanceof W.Refused);
            });
          });
        }, Promise.resolve(false));
      }).finally(function () {
        sending = null;
        S.replaying = false;
        return refresh();
      });
      return sending;
    },

    retry: function (item) {
      return W.db.get("outbox", item.id).then(function (saved) {
        if (!saved) return;
        if (saved.status === "refused") saved.key = W.uuid();
        saved.status = "pending";
        saved.reason = "";
        return send(saved, false);
      }).catch(function () {}).finally(refresh);
    },

    remove: function (item) { return finish(item).then(refresh); }
  };
})(window.WGT);
