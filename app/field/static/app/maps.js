/* Maps: Leaflet is loaded only when a map is shown (it is not part of the first load). No tile
 * layer: tiles would come from another origin (the CSP allows none) and China's tile services
 * need keys and GCJ-02 offsets. The grid is drawn from its own data — boundary, buildings,
 * facilities, reports, my position and my track — which is what a worker needs on foot. */
"use strict";
(function (W) {
  var loading = null;

  W.loadLeaflet = function () {
    if (window.L) return Promise.resolve(window.L);
    if (loading) return loading;
    var base = document.querySelector('script[src*="/m/static/app/main.js"]').src;
    var v = base.split("?v=")[1] || "";
    loading = new Promise(function (resolve, reject) {
      var css = document.createElement("link");
      css.rel = "stylesheet";
      css.href = "/m/static/vendor/leaflet/leaflet.css?v=" + v;
      document.head.appendChild(css);
      var js = document.createElement("script");
      js.src = "/m/static/vendor/leaflet/leaflet.js?v=" + v;
      js.onload = function () { resolve(window.L); };
      js.onerror = function () { loading = null; reject(new Error("地图加载失败，请检查网络后再试")); };
      document.head.appendChild(js);
    });
    return loading;
  };

  function dot(L, latlng, color, radius, title) {
    var m = L.circleMarker(latlng, { radius: radius, color: "#fff", weight: 2, fillColor: color, fillOpacity: 0.95 });
    if (title) m.bindTooltip(title);
    return m;
  }

  // Draw `layers` in element `el`: {boundary: GeoJSON, buildings/facilities/reports:
  // FeatureCollections, me: {latitude, longitude, accuracy}, track: [points]}.
  W.drawMap = function (el, layers) {
    return W.loadLeaflet().then(function (L) {
      var map = L.map(el, { attributionControl: false, zoomSnap: 0.5 });
      var bounds = L.latLngBounds([]);
      var shapes = [];  // added once the view is set: a metre-sized circle needs a projection
      if (layers.boundary) {
        var b = L.geoJSON(layers.boundary, { style: { color: "#c8161d", weight: 3, fillOpacity: 0.06 } });
        shapes.push(b);
        bounds.extend(b.getBounds());
      }
      function points(fc, color, radius, label) {
        if (!fc || !fc.features) return;
        fc.features.forEach(function (f) {
          var c = f.geometry && f.geometry.coordinates;
          if (!c) return;
          var ll = [c[1], c[0]];
          shapes.push(dot(L, ll, color, radius, label(f.properties || {})));
          bounds.extend(ll);
        });
      }
      points(layers.buildings, "#1989fa", 6, function (p) { return p.code + " " + (p.address || ""); });
      points(layers.facilities, "#07c160", 6, function (p) { return p.name; });
      points(layers.reports, "#ff976a", 8, function (p) { return p.title + "（" + (p.status_label || "") + "）"; });
      if (layers.track && layers.track.length) {
        var line = layers.track.map(function (p) { return [p.latitude, p.longitude]; });
        shapes.push(L.polyline(line, { color: "#7232dd", weight: 4 }));
        line.forEach(function (ll) { bounds.extend(ll); });
      }
      if (layers.me) {
        var me = [layers.me.latitude, layers.me.longitude];
        if (layers.me.accuracy) shapes.push(L.circle(me, { radius: layers.me.accuracy, color: "#1989fa", weight: 1, fillOpacity: 0.1 }));
        shapes.push(dot(L, me, "#1989fa", 9, "我的位置"));
        bounds.extend(me);
      }
      if (bounds.isValid()) map.fitBounds(bounds, { padding: [16, 16], maxZoom: 18 });
      else map.setView([31.0, 117.8], 12);
      shapes.forEach(function (shape) { shape.addTo(map); });
      el.classList.add("map-ready");
      return map;
    });
  };
})(window.WGT);
