/* Maps of the grid, drawn from its own data — boundary, buildings (with their footprints),
 * facilities (roads as lines), reports, my position and my track — on the shared map component (basemap.js: base layer by settings,
 * clustered markers, heat layer). */
"use strict";
(function (W) {
  var ROAD_COLOUR = "#8d6e63";  // as the admin's map draws roads

  function dot(L, latlng, color, radius, title) {
    var m = L.circleMarker(latlng, { radius: radius, color: "#fff", weight: 2, fillColor: color, fillOpacity: 0.95 });
    if (title) m.bindTooltip(title);
    return m;
  }

  // Draw `layers` in element `el`: {boundary: GeoJSON, buildings/facilities/reports:
  // FeatureCollections of points (a building's properties.footprint drawn around it) or lines, me: {latitude, longitude, accuracy}, track: [points]}.
  // options.cluster: points go into the clustered layer; options.heat: reports also as heat.
  W.drawMap = function (el, layers, options) {
    options = options || {};
    return W.createMap(el, options).then(function (made) {
      var L = made.L, map = made.map;
      var bounds = L.latLngBounds([]);
      var shapes = [];  // added once the view is set: a metre-sized circle needs a projection
      var heatPoints = [];
      if (layers.boundary) {
        var b = L.geoJSON(layers.boundary, { style: { color: "#c8161d", weight: 3, fillOpacity: 0.06 } });
        shapes.push(b);
        bounds.extend(b.getBounds());
      }
      // A line or polygon (a road's path, a building's footprint): drawn as it is, never clustered.
      function outline(geometry, style, title) {
        var shape = L.geoJSON(geometry, { style: style });
        if (title) shape.bindTooltip(title);
        shapes.push(shape);
        bounds.extend(shape.getBounds());
      }
      function points(fc, color, radius, label, heat) {
        if (!fc || !fc.features) return;
        fc.features.forEach(function (f) {
          var c = f.geometry && f.geometry.coordinates;
          if (!c) return;
          if (f.geometry.type !== "Point") {
            outline(f.geometry, { color: ROAD_COLOUR, weight: 5, opacity: 0.9, lineCap: "round", className: "map-road" }, label(f.properties || {}));
            return;
          }
          if (f.properties && f.properties.footprint) {
            outline(f.properties.footprint, { color: color, weight: 1, fillOpacity: 0.15, className: "map-footprint" });
          }
          var ll = [c[1], c[0]];
          var marker = dot(L, ll, color, radius, label(f.properties || {}));
          if (options.cluster) made.clusters.addLayer(marker); else shapes.push(marker);
          if (heat) heatPoints.push([c[1], c[0], 1]);
          bounds.extend(ll);
        });
      }
      points(layers.buildings, "#1989fa", 6, function (p) { return p.code + " " + (p.address || ""); });
      points(layers.facilities, "#07c160", 6, function (p) { return p.name; });
      points(layers.reports, "#ff976a", 8, function (p) { return p.title + "（" + (p.status_label || "") + "）"; }, true);
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
      if (options.heat && heatPoints.length) made.heat.setLatLngs(heatPoints).addTo(map);
      shapes.forEach(function (shape) { shape.addTo(map); });
      if (options.cluster) made.clusters.addTo(map);
      el.classList.add("map-ready");
      map.clusters = made.clusters;
      return map;
    });
  };
})(window.WGT);
