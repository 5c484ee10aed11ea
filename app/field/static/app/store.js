/* IndexedDB: the outbox of writes not yet accepted by the server, the photos they carry (as
 * blobs), and a few saved values (the current patrol). Survives closing the app and
 * restarting the phone. */
"use strict";
(function (W) {
  var opening = null;

  function open() {
    if (opening) return opening;
    opening = new Promise(function (resolve, reject) {
      var req = indexedDB.open("wgt", 1);
      req.onupgradeneeded = function () {
        var db = req.result;
        db.createObjectStore("outbox", { keyPath: "id" });
        db.createObjectStore("blobs", { keyPath: "id" });
        db.createObjectStore("kv", { keyPath: "k" });
      };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
    return opening;
  }

  function run(store, mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(store, mode);
        var result;
        var req = work(tx.objectStore(store));
        if (req) req.onsuccess = function () { result = req.result; };
        tx.oncomplete = function () { resolve(result); };
        tx.onerror = function () { reject(tx.error); };
        tx.onabort = function () { reject(tx.error || new Error("IndexedDB 写入被中止")); };
      });
    });
  }

  W.db = {
    put: function (store, value) { return run(store, "readwrite", function (s) { return s.put(value); }); },
    get: function (store, key) { return run(store, "readonly", function (s) { return s.get(key); }); },
    del: function (store, key) { return run(store, "readwrite", function (s) { return s.delete(key); }); },
    all: function (store) { return run(store, "readonly", function (s) { return s.getAll(); }); },
    clear: function (store) { return run(store, "readwrite", function (s) { return s.clear(); }); }
  };
})(window.WGT);
