/* 网格通 service worker (scope /m/).
 * - static files (/m/static/…?v=…) and the shell: cache first; a release changes every URL.
 * - GET /m/api/…: network first, falling back to the last answer cached, so my grids, buildings,
 *   households (as masked by the server) and open items can be read without a network.
 * - writes are never handled here: the page's IndexedDB outbox keeps them (app/outbox.js);
 *   on a Background Sync `sync` event this worker asks an open page to replay it, or replays
 *   nothing itself (the outbox needs the page's CSRF token).
 */
"use strict";
var VERSION = "__VERSION__";
var STATIC_CACHE = "wgt-static-" + VERSION;
var API_CACHE = "wgt-api";
var PRECACHE = __PRECACHE__;

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(STATIC_CACHE).then(function (cache) { return cache.addAll(PRECACHE); })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("wgt-static-") === 0 && name !== STATIC_CACHE;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function cacheFirst(request) {
  return caches.match(request).then(function (hit) {
    return hit || fetch(request).then(function (response) {
      if (response.ok) {
        var copy = response.clone();
        caches.open(STATIC_CACHE).then(function (cache) { cache.put(request, copy); });
      }
      return response;
    });
  });
}

function shellFromNetwork(request) {
  return fetch(request).then(function (response) {
    if (response.ok) {
      var copy = response.clone();
      caches.open(STATIC_CACHE).then(function (cache) { cache.put("/m/", copy); });
    }
    return response;
  }).catch(function () { return caches.match("/m/"); });
}

function networkFirstApi(request) {
  return fetch(request).then(function (response) {
    if (response.ok) {
      var copy = response.clone();
      caches.open(API_CACHE).then(function (cache) { cache.put(request, copy); });
    }
    return response;
  }).catch(function () {
    return caches.open(API_CACHE).then(function (cache) { return cache.match(request); })
      .then(function (hit) {
        if (hit) {
          var headers = new Headers(hit.headers);
          headers.set("x-wgt-offline", "1");  // the page says "离线数据" on such answers
          return hit.blob().then(function (body) {
            return new Response(body, { status: hit.status, headers: headers });
          });
        }
        return new Response(JSON.stringify({ status: 503, title: "离线", detail: "没有网络，也没有缓存的数据" }),
          { status: 503, headers: { "content-type": "application/problem+json", "x-wgt-offline": "1" } });
      });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.indexOf("/m/static/") === 0) {
    event.respondWith(cacheFirst(request));
  } else if (url.pathname.indexOf("/m/api/photos/") === 0) {
    event.respondWith(cacheFirst(request));
  } else if (url.pathname.indexOf("/m/api/") === 0) {
    event.respondWith(networkFirstApi(request));
  } else if (request.mode === "navigate" && (url.pathname === "/m/" || url.pathname === "/m/login")) {
    event.respondWith(shellFromNetwork(request));
  }
});

// Background Sync: wake an open page to replay the outbox (it holds the CSRF token).
self.addEventListener("sync", function (event) {
  if (event.tag !== "wgt-outbox") return;
  event.waitUntil(self.clients.matchAll({ type: "window" }).then(function (clients) {
    clients.forEach(function (client) { client.postMessage({ type: "replay" }); });
  }));
});

self.addEventListener("message", function (event) {
  if (event.data && event.data.type === "logout") {
    event.waitUntil(caches.delete(API_CACHE));  // my grids' data leaves the phone with me
  }
});
