/* The map component every map of 网格通 is built on: Leaflet (loaded only when a map is
 * shown, with its marker-clustering and heat plug-ins), the base layer the server's settings
 * choose (/tiles/basemap.json: Tianditu, an XYZ tile server, the app's own MBTiles tiles, or
 * none: the app's own layers on a plain background), a clustered marker layer and a heat layer.
 * Everything stored is WGS84, and so are Tianditu's and the configured tiles: no offset. */
"use strict";
(function (W) {
  var loading = null;
  var config = null;

  // The bundle's version from this page's own asset URLs (/m/'s main.js, or any other page
  // that loads this file from /m/static/ with ?v=).
  function version() {
    var main = document.querySelector('script[src*="/m/static/app/main.js"]') ||
      document.querySelector('script[src*="/m/static/"][src*="?v="]');
    return (main && main.src.split("?v=")[1]) || "";
  }

  function load(tag, url) {
    return new Promise(function (resolve, reject) {
      var el = document.createElement(tag);
      if (tag === "link") { el.rel = "stylesheet"; el.href = url; } else { el.src = url; }
      el.onload = function () { resolve(); };
      el.onerror = function () { reject(new Error("地图加载失败，请检查网络后再试")); };
      document.head.appendChild(el);
    });
  }

  // A script or stylesheet of /m/static/ (by its path under it), cache-busted like the rest.
  W.loadAsset = function (path) {
    return load(/\.css$/.test(path) ? "link" : "script", "/m/static/" + path + "?v=" + version());
  };

  // Leaflet, then its plug-ins (they extend the global L).
  W.loadLeaflet = function () {
    if (window.L && window.L.markerClusterGroup && window.L.heatLayer) return Promise.resolve(window.L);
    if (loading) return loading;
    var v = "?v=" + version(), base = "/m/static/vendor/";
    ["leaflet/leaflet.css", "leaflet.markercluster/MarkerCluster.css",
      "leaflet.markercluster/MarkerCluster.Default.css"].forEach(function (css) { load("link", base + css + v); });
    loading = load("script", base + "leaflet/leaflet.js" + v)
      .then(function () {
        return Promise.all([
          load("script", base + "leaflet.markercluster/leaflet.markercluster.js" + v),
          load("script", base + "leaflet.heat/leaflet-heat.js" + v)
        ]);
      })
      .then(function () { return window.L; }, function (e) { loading = null; throw e; });
    return loading;
  };

  // The base layers the server is configured with; none when it cannot be asked (offline).
  W.baseMapConfig = function () {
    if (!config) {
      config = fetch("/tiles/basemap.json", { credentials: "same-origin" })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .catch(function () { config = null; return { kind: "none", layers: [] }; });
    }
    return config;
  };

  // A map in `el` with the base layer, an empty clustered marker layer and an empty heat
  // layer: {map, L, clusters, heat, base: the config}.
  W.createMap = function (el, options) {
    options = options || {};
    return Promise.all([W.loadLeaflet(), W.baseMapConfig()]).then(function (out) {
      var L = out[0], base = out[1];
      var layers = base.layers || [];
      var map = L.map(el, { attributionControl: layers.length > 0, zoomSnap: 0.5, maxZoom: 19 });
      if (map.attributionControl) map.attributionControl.setPrefix(false);
      layers.forEach(function (layer) {
        var tileOptions = {
          attribution: layer.attribution || "",
          minZoom: layer.min_zoom || 0,
          maxNativeZoom: layer.max_zoom || 18,
          maxZoom: 19
        };
        if (layer.subdomains) tileOptions.subdomains = layer.subdomains;
        L.tileLayer(layer.url, tileOptions).addTo(map);
      });
      el.classList.add(layers.length ? "map-base-" + base.kind : "map-plain");
      el.setAttribute("data-base-map", base.kind || "none");
      var clusters = L.markerClusterGroup({
        showCoverageOnHover: false,
        maxClusterRadius: options.clusterRadius || 50,
        spiderfyOnMaxZoom: true
      });
      var heat = L.heatLayer([], { radius: 28, blur: 20, minOpacity: 0.35, maxZoom: 17 });
      return { map: map, L: L, clusters: clusters, heat: heat, base: base };
    });
  };
})(window.WGT = window.WGT || {});
