/* The staff map (/maps/…, app/pages/templates/maps/_map.html) on the shared map component
 * (app/basemap.js): the layers of /maps/api/layers for the box and zoom on screen —
 * districts, streets, communities, then grids coloured by a metric with a legend, then
 * buildings and facilities (roads as their lines) — open work items and residents' reports clustered, today's
 * check-ins and patrol tracks, a card for anything clicked (with its admin link), the 户籍图
 * of a building, a new grid drawn and the boundaries of grids, communities and streets
 * redrawn with snapping (Leaflet-Geoman), each judged by the server, which answers a refusal
 * with the offending area to highlight.
 * No inline script (CSP): the element's data attributes and JSON block configure it. */
"use strict";
(function (W) {
  var ZOOM_LABELS = { district: "区", street: "街道", community: "社区", grid: "网格" };
  var POINT_KINDS = { work: "工作事项", report: "居民诉求" };
  // /maps/api/{plural}/{id}/boundary
  var AREA_PATHS = { grid: "grids", community: "communities", street: "streets" };
  var EDIT_OPTIONS = { snappable: true, snapDistance: 20, allowSelfIntersection: false };
  var PROBLEM_STYLE = {
    overlap: { color: "#c62828", fillColor: "#ef9a9a" },
    outside: { color: "#c62828", fillColor: "#ef9a9a" },
    gap: { color: "#ef6c00", fillColor: "#ffcc80" }
  };

  // A DOM node: h("a", {href: …, class: …}, ["text", node…]); text is never parsed as HTML.
  function h(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value === null || value === undefined || value === false) return;
      if (name === "onclick") node.addEventListener("click", value);
      else if (name === "class") node.className = value;
      else node.setAttribute(name, value === true ? "" : String(value));
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) return;
      node.appendChild(typeof child === "string" || typeof child === "number"
        ? document.createTextNode(String(child)) : child);
    });
    return node;
  }

  function cookie(name) {
    var found = document.cookie.split("; ").filter(function (c) { return c.indexOf(name + "=") === 0; })[0];
    return found ? decodeURIComponent(found.slice(name.length + 1)) : "";
  }

  // JSON from the server; a refusal rejects with its problem details (status, detail, …).
  function request(url, options) {
    options = options || {};
    var headers = { Accept: "application/json" };
    if (options.body) {
      headers["Content-Type"] = "application/json";
      headers["X-CSRFToken"] = cookie("csrftoken");
    }
    return fetch(url, {
      method: options.method || "GET",
      credentials: "same-origin",
      headers: headers,
      body: options.body ? JSON.stringify(options.body) : undefined
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (!response.ok) {
          body.status = body.status || response.status;
          body.detail = body.detail || ("请求失败 " + response.status);
          throw body;
        }
        return body;
      });
    });
  }

  function adminLink(url, text) {
    return url ? h("a", { href: url, target: "_top", class: "atlas-admin-link" }, [text || "在管理后台打开 Open in admin"]) : null;
  }

  function facts(rows) {
    return h("dl", {}, rows.filter(function (r) { return r[1] !== null && r[1] !== undefined && r[1] !== ""; })
      .reduce(function (out, r) { out.push(h("dt", {}, [r[0]]), h("dd", {}, [String(r[1])])); return out; }, []));
  }

  function percent(value) { return value === null || value === undefined ? "—" : (value * 100).toFixed(1) + "%"; }

  function Atlas(el) {
    this.el = el;
    this.mapEl = el.querySelector(".atlas-map");
    this.panel = el.querySelector(".atlas-panel");
    this.status = el.querySelector(".atlas-status");
    this.layersUrl = el.getAttribute("data-layers-url");
    this.todayUrl = el.getAttribute("data-today-url");
    this.offerRegister = el.getAttribute("data-register") === "1";
    this.canEdit = el.getAttribute("data-can-edit") === "1";
    this.metric = el.getAttribute("data-metric");
    var block = el.querySelector(".atlas-metrics");
    this.metrics = block ? JSON.parse(block.textContent) : [];
    this.bounds = (el.getAttribute("data-bounds") || "").split(",").filter(Boolean).map(Number);
    this.sequence = 0;
    this.loads = 0;
    this.gridLayers = {};
    this.areaLayers = {};
    this.editing = null;
    this.rights = { levels: [], communities: [], grid_kinds: [] };  // what this login may draw
  }

  Atlas.prototype.say = function (text, isError) {
    this.status.textContent = text || "";
    this.status.classList.toggle("atlas-error", !!isError);
  };

  Atlas.prototype.start = function () {
    var self = this;
    return W.loadLeaflet()
      .then(function () {
        // Geoman hooks into maps and layers made after it loads: load it first.
        if (!self.canEdit) return null;
        return Promise.all([
          W.loadAsset("vendor/leaflet-geoman/leaflet-geoman.css"),
          W.loadAsset("vendor/leaflet-geoman/leaflet-geoman.min.js"),
          request("/maps/api/drawing").then(function (rights) { self.rights = rights; })
        ]);
      })
      .then(function () { return W.createMap(self.mapEl, { clusterRadius: 40 }); })
      .then(function (made) { self.build(made); })
      .catch(function (error) { self.say(String(error && error.message || error), true); });
  };

  Atlas.prototype.build = function (made) {
    var self = this, L = made.L, map = made.map;
    this.L = L;
    this.map = map;
    if (map.pm) map.pm.setGlobalOptions(EDIT_OPTIONS);
    this.areas = L.geoJSON(null, {
      style: function () { return { className: "atlas-area", color: "#1f4e79", weight: 2, fillColor: "#90caf9", fillOpacity: 0.18 }; },
      onEachFeature: function (f, layer) {
        self.areaLayers[f.id] = layer;
        layer.feature = f;
        layer.on("add", function () {  // which area a shape is, for scripts and tests
          var path = layer.getElement();
          if (path) { path.setAttribute("data-area-id", f.id); path.setAttribute("data-code", f.properties.code); }
        });
        layer.bindTooltip(f.properties.name, { permanent: true, direction: "center", className: "atlas-label" });
        layer.on("click", function (e) { if (!self.editing) self.card(e.latlng, self.areaCard(f)); });
      }
    }).addTo(map);
    this.grids = L.geoJSON(null, {
      style: function (f) {
        return { className: "atlas-grid", color: "#37474f", weight: 1.5, fillColor: f.properties.colour, fillOpacity: 0.55 };
      },
      onEachFeature: function (f, layer) {
        self.gridLayers[f.id] = layer;
        layer.feature = f;
        layer.on("add", function () {  // which grid a shape is, for scripts and tests
          var path = layer.getElement();
          if (path) { path.setAttribute("data-grid-id", f.id); path.setAttribute("data-code", f.properties.code); }
        });
        layer.bindTooltip(f.properties.name + " " + f.properties.shown, { permanent: true, direction: "center", className: "atlas-label" });
        layer.on("click", function (e) { if (!self.editing) self.card(e.latlng, self.gridCard(f)); });
      }
    }).addTo(map);
    // The communities' outlines over their grids (a snapping target when editing).
    this.outlines = L.geoJSON(null, {
      interactive: false,
      style: function () { return { className: "atlas-outline", color: "#1f4e79", weight: 3, fill: false }; }
    }).addTo(map);
    this.problems = L.geoJSON(null, {
      interactive: false,
      pmIgnore: true,
      style: function (f) {
        var s = PROBLEM_STYLE[f.properties.kind] || PROBLEM_STYLE.overlap;
        return { className: "atlas-problem atlas-problem-" + f.properties.kind, color: s.color, fillColor: s.fillColor, fillOpacity: 0.5, weight: 2, dashArray: "5 3" };
      }
    }).addTo(map);
    this.highlight = L.geoJSON(null, {
      interactive: false,
      pmIgnore: true,
      style: function () { return { className: "atlas-offending", color: "#b71c1c", weight: 4, fillColor: "#ff1744", fillOpacity: 0.45, dashArray: "6 4" }; }
    }).addTo(map);
    this.buildings = made.clusters;
    this.footprints = L.featureGroup();  // buildings whose data has an outline (not clustered)
    this.facilities = L.layerGroup();
    this.roads = L.featureGroup();  // facilities whose data has a path: drawn as their line
    this.points = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 40, spiderfyOnMaxZoom: true });
    this.today = L.layerGroup();
    map.addLayer(this.buildings);
    map.addLayer(this.footprints);
    map.addLayer(this.roads);
    map.addLayer(this.facilities);
    map.addLayer(this.points);
    map.addLayer(this.today);
    // The public map has areas and grids only: no switches for layers it never gets.
    if (this.metrics.length) {
      var overlays = {
        "楼栋 Buildings": this.buildings,
        "楼栋轮廓 Footprints": this.footprints,
        "设施 Facilities": this.facilities,
        "道路 Roads": this.roads,
        "事项与诉求 Open items": this.points
      };
      if (this.todayUrl) overlays["今日签到与巡查 Today"] = this.today;
      L.control.layers(null, overlays, { collapsed: false, position: "topright" }).addTo(map);
    }
    this.legend = this.legendControl().addTo(map);
    if (this.may("grid")) this.toolbar();

    if (this.bounds.length === 4) {
      map.fitBounds([[this.bounds[1], this.bounds[0]], [this.bounds[3], this.bounds[2]]], { padding: [12, 12] });
    } else {
      map.setView([31.0, 117.8], 12);
    }
    var timer = null;
    map.on("moveend", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { self.refresh(); }, 120);
    });
    this.el._atlas = this;  // for the browser tests: the map and its layers
    this.refresh();
    if (this.todayUrl) this.loadToday();
  };

  // ------------------------------------------------------------ layers

  Atlas.prototype.refresh = function () {
    if (this.editing) return Promise.resolve();  // the edited shape stays until saved or cancelled
    var self = this, map = this.map;
    var b = map.getBounds().pad(0.1);
    var zoom = Math.floor(map.getZoom());
    var bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) { return v.toFixed(6); });
    var url = this.layersUrl + "?bbox=" + bbox.join(",") + "&zoom=" + zoom + "&metric=" + encodeURIComponent(this.metric);
    var mine = ++this.sequence;
    this.el.classList.add("atlas-loading");
    return request(url).then(function (answer) {
      if (mine !== self.sequence || self.editing) return;
      self.draw(answer);
    }, function (problem) {
      if (mine === self.sequence) self.say(problem.detail, true);
    }).then(function () {
      if (mine === self.sequence) self.el.classList.remove("atlas-loading");
    });
  };

  Atlas.prototype.draw = function (answer) {
    var self = this, L = this.L;
    this.areaLayers = {};
    this.areas.clearLayers().addData(answer.areas);
    this.gridLayers = {};
    this.grids.clearLayers().addData(answer.grids);
    this.outlines.clearLayers().addData(answer.outlines);
    this.problems.clearLayers().addData(answer.problems);
    this.buildings.clearLayers();
    this.footprints.clearLayers();
    var outlined = answer.buildings.features.filter(function (f) { return f.properties.footprint; });
    outlined.forEach(function (f) {
      var shape = L.geoJSON(f.properties.footprint, {
        style: function () { return { className: "atlas-footprint", color: "#1f4e79", weight: 1.5, fillColor: "#1f4e79", fillOpacity: 0.45 }; }
      });
      shape.bindTooltip(f.properties.code + " " + f.properties.address);
      shape.on("click", function (e) { self.card(e.latlng, self.buildingCard(f)); });
      self.footprints.addLayer(shape);
    });
    this.buildings.addLayers(answer.buildings.features.filter(function (f) { return !f.properties.footprint; }).map(function (f) {
      var c = f.geometry.coordinates;
      var m = L.circleMarker([c[1], c[0]], { className: "atlas-building", radius: 6, color: "#fff", weight: 2, fillColor: "#1f4e79", fillOpacity: 0.95 });
      m.bindTooltip(f.properties.code + " " + f.properties.address);
      m.on("click", function (e) { self.card(e.latlng, self.buildingCard(f)); });
      return m;
    }));
    this.facilities.clearLayers();
    this.roads.clearLayers();
    answer.facilities.features.filter(function (f) { return f.geometry.type === "LineString"; }).forEach(function (f) {
      var line = L.geoJSON(f, {
        style: function () { return { className: "atlas-road", color: "#8d6e63", weight: 6, opacity: 0.9, lineCap: "round" }; }
      });
      line.bindTooltip(f.properties.name, { sticky: true });
      line.on("click", function (e) { self.card(e.latlng, self.facilityCard(f)); });
      self.roads.addLayer(line);
    });
    answer.facilities.features.filter(function (f) { return f.geometry.type === "Point"; }).forEach(function (f) {
      var c = f.geometry.coordinates;
      var m = L.circleMarker([c[1], c[0]], { className: "atlas-facility", radius: 6, color: "#fff", weight: 2, fillColor: "#07c160", fillOpacity: 0.95 });
      m.bindTooltip(f.properties.name);
      m.on("click", function (e) { self.card(e.latlng, self.facilityCard(f)); });
      self.facilities.addLayer(m);
    });
    this.points.clearLayers();
    this.points.addLayers(answer.points.features.map(function (f) {
      var c = f.geometry.coordinates;
      var m = L.circleMarker([c[1], c[0]], { className: "atlas-point atlas-point-" + f.properties.kind, radius: 7, color: "#fff", weight: 2, fillColor: f.properties.colour, fillOpacity: 0.95 });
      m.bindTooltip(f.properties.title);
      m.on("click", function (e) { self.card(e.latlng, self.pointCard(f)); });
      return m;
    }));
    this.legend.update(answer);
    this.loads += 1;
    this.el.setAttribute("data-level", answer.level);
    this.el.setAttribute("data-zoom", String(answer.zoom));
    this.el.setAttribute("data-loads", String(this.loads));
    this.el.classList.add("atlas-ready");
    this.say("当前显示：" + (ZOOM_LABELS[answer.level] || answer.level) + "（缩放 " + answer.zoom + "）" +
      (answer.level !== "grid" ? "，放大查看网格" : answer.zoom < 16 ? "，放大查看楼栋" : ""));
    if (this.drawWhenGrids && answer.level === "grid") {
      this.drawWhenGrids = false;
      this.startNewGrid();
    }
  };

  Atlas.prototype.legendControl = function () {
    var self = this, L = this.L;
    var control = L.control({ position: "bottomright" });
    var box = h("div", { class: "atlas-legend" });
    var select = h("select", { "aria-label": "网格着色 Colour grids by", class: "atlas-metric" },
      this.metrics.map(function (m) { return h("option", { value: m.key, selected: m.key === self.metric }, [m.label]); }));
    select.addEventListener("change", function () { self.metric = select.value; self.refresh(); });
    var items = h("ul", {});
    box.appendChild(h("label", {}, ["网格着色 ", select]));
    box.appendChild(items);
    control.onAdd = function () {
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    };
    if (!this.metrics.length) box.hidden = true;  // nothing to colour by (the public map)
    control.update = function (answer) {
      items.textContent = "";
      box.classList.toggle("atlas-legend-idle", answer.level !== "grid");
      answer.legend.forEach(function (entry) {
        items.appendChild(h("li", {}, [h("span", { class: "swatch", style: "background:" + entry.colour }), entry.label]));
      });
      if (answer.level !== "grid") items.appendChild(h("li", { class: "muted" }, ["放大到网格后着色"]));
    };
    return control;
  };

  // Today's check-ins and tracks: the old points stay until the new answer is in, then are
  // swapped in one go (the 大屏 reloads them every minute without a blink).
  Atlas.prototype.loadToday = function () {
    var self = this, L = this.L;
    return request(this.todayUrl).then(function (answer) {
      self.today.clearLayers();
      answer.patrols.features.forEach(function (f) {
        var line = f.geometry.coordinates.map(function (c) { return [c[1], c[0]]; });
        var track = L.polyline(line, { className: "atlas-track", color: "#7232dd", weight: 4, opacity: 0.85, pmIgnore: true });
        track.on("click", function (e) { self.card(e.latlng, self.patrolCard(f)); });
        self.today.addLayer(track);
      });
      answer.check_ins.features.forEach(function (f) {
        var c = f.geometry.coordinates;
        var m = L.circleMarker([c[1], c[0]], {
          className: "atlas-check-in", radius: 7, color: "#7232dd", weight: 2,
          fillColor: f.properties.counted ? "#4caf6a" : "#bdbdbd", fillOpacity: 0.95, pmIgnore: true
        });
        m.bindTooltip("签到 " + f.properties.staff_name);
        m.on("click", function (e) { self.card(e.latlng, self.checkInCard(f)); });
        self.today.addLayer(m);
      });
      self.el.setAttribute("data-today", String(answer.check_ins.features.length + answer.patrols.features.length));
    }, function (problem) { self.say(problem.detail, true); });
  };

  // The layers and today's work again (a screen that refreshes itself calls this).
  Atlas.prototype.reload = function () {
    if (this.editing) return;
    this.refresh();
    if (this.todayUrl) this.loadToday();
  };

  // ------------------------------------------------------------ cards

  Atlas.prototype.card = function (latlng, node) {
    this.L.popup({ maxWidth: 320, className: "atlas-popup" }).setLatLng(latlng).setContent(node).openOn(this.map);
  };

  Atlas.prototype.areaCard = function (f) {
    var p = f.properties;
    return h("div", { class: "atlas-card" }, [
      h("h3", {}, [p.name]),
      facts([["层级", ZOOM_LABELS[p.level]], ["编码", p.code], ["边界", p.derived ? "由所辖社区合成" : null]]),
      p.map_url ? h("a", { href: p.map_url }, ["打开该" + ZOOM_LABELS[p.level] + "地图"]) : null, " ",
      adminLink(p.admin_url),
      this.editButton(p.level, f.id)
    ]);
  };

  Atlas.prototype.gridCard = function (f) {
    var p = f.properties;
    if (p.household_count === undefined) {  // the public map: names and shapes only
      return h("div", { class: "atlas-card atlas-grid-card" }, [h("h3", {}, [p.name]), facts([["编码", p.code]])]);
    }
    return h("div", { class: "atlas-card atlas-grid-card" }, [
      h("h3", {}, [p.name]),
      facts([
        ["编码", p.code],
        ["类型", p.kind === "unit" ? "单位网格" : "居民区网格"],
        ["户数", p.household_count + (p.size_warning ? "（规模预警）" : "")],
        ["本月签到率", percent(p.check_in_rate)],
        ["未办结事项", p.open_items],
        ["逾期事项", p.overdue_items]
      ]),
      adminLink(p.admin_url),
      this.editButton("grid", f.id)
    ]);
  };

  Atlas.prototype.buildingCard = function (f) {
    var self = this, p = f.properties;
    return h("div", { class: "atlas-card atlas-building-card" }, [
      h("h3", {}, [p.address]),
      facts([["楼栋编码", p.code], ["层数", p.floors], ["住户", p.households]]),
      adminLink(p.admin_url),
      this.offerRegister ? h("button", { type: "button", class: "atlas-open-register", onclick: function () { self.showRegister(p.register_url); } }, ["户籍图 Households"]) : null
    ]);
  };

  Atlas.prototype.facilityCard = function (f) {
    var p = f.properties;
    return h("div", { class: "atlas-card atlas-facility-card" }, [h("h3", {}, [p.name]), facts([["类型", p.kind_label]]), adminLink(p.admin_url)]);
  };

  Atlas.prototype.pointCard = function (f) {
    var p = f.properties;
    return h("div", { class: "atlas-card atlas-point-card" }, [
      h("h3", {}, [p.title]),
      facts([["类别", POINT_KINDS[p.kind]], ["状态", p.status]]),
      adminLink(p.admin_url),
      p.kind === "report" ? h("div", {}, [adminLink(p.work_item_url, "对应工作事项")]) : null
    ]);
  };

  Atlas.prototype.checkInCard = function (f) {
    var p = f.properties;
    return h("div", { class: "atlas-card" }, [
      h("h3", {}, ["签到 " + p.staff_name]),
      facts([["时间", new Date(p.at).toLocaleTimeString("zh-CN")], ["计入", p.counted ? "是" : "否（网格外或当日重复）"]]),
      adminLink(p.admin_url)
    ]);
  };

  Atlas.prototype.patrolCard = function (f) {
    var p = f.properties;
    return h("div", { class: "atlas-card" }, [
      h("h3", {}, ["巡查 " + p.staff_name]),
      facts([["开始", new Date(p.started_at).toLocaleTimeString("zh-CN")], ["里程", Math.round(p.distance_m) + " 米"], ["状态", p.ended_at ? "已结束" : "进行中"]]),
      adminLink(p.admin_url)
    ]);
  };

  // ------------------------------------------------------------ 户籍图

  Atlas.prototype.showRegister = function (url) {
    var self = this;
    this.map.closePopup();
    this.panel.hidden = false;
    this.map.invalidateSize();
    this.panel.textContent = "加载中…";
    request(url).then(function (register) { self.drawRegister(register); },
      function (problem) { self.panel.textContent = problem.detail; });
  };

  Atlas.prototype.drawRegister = function (register) {
    var self = this, b = register.building;
    function cellNode(cell) {
      if (!cell) return h("td", { class: "empty" }, []);
      var lines = [cell.room, cell.member_count + " 人"];
      if (cell.care_tags) lines = lines.concat(cell.care_tags.map(function (t) { return t.label; }));
      if (cell.care_tags && cell.care_tags.length) {
        lines.push(cell.last_visit_days === null ? "未走访" : "上次走访 " + cell.last_visit_days + " 天前");
      }
      return h("td", { class: "cell" + (cell.due ? " due" : ""), style: "background:" + cell.colour, title: lines.join("\n") }, [
        h("a", { href: cell.admin_url, target: "_top" }, [cell.position || cell.room]),
        cell.care_tags && cell.care_tags.length ? h("small", {}, [cell.care_tags.map(function (t) { return t.label; }).join("、")]) : null
      ]);
    }
    var head = h("tr", {}, [h("th", {}, ["楼层"])].concat(register.columns.map(function (c) {
      return h("th", { scope: "col" }, [(c.unit ? c.unit + "单元 " : "") + c.position]);
    })));
    var rows = register.rows.map(function (row) {
      return h("tr", {}, [h("th", { scope: "row" }, [row.floor + "层"])].concat(row.cells.map(cellNode)));
    });
    this.panel.textContent = "";
    [
      h("button", { type: "button", class: "atlas-close", "aria-label": "关闭", onclick: function () { self.panel.hidden = true; self.map.invalidateSize(); } }, ["×"]),
      h("h2", {}, ["户籍图 " + b.address]),
      h("p", { class: "muted" }, [b.code + "，" + register.household_count + " 户 ", adminLink(b.admin_url, "楼栋管理页")]),
      register.masked ? h("p", { class: "atlas-masked" }, ["您的角色不能查看住户个人信息：关爱标签和走访情况已隐藏。"]) : null,
      h("ul", { class: "atlas-register-legend" }, register.legend.map(function (e) {
        return h("li", {}, [h("span", { class: "swatch", style: "background:" + e.colour }), e.label]);
      })),
      h("table", { class: "atlas-register" }, [h("thead", {}, [head]), h("tbody", {}, rows)]),
      register.unplaced.length ? h("p", { class: "muted" }, ["房号无法识别楼层：" + register.unplaced.map(function (c) { return c.room; }).join("、")]) : null
    ].forEach(function (node) { if (node) self.panel.appendChild(node); });
    this.el.setAttribute("data-register-masked", register.masked ? "1" : "0");
  };

  // ------------------------------------------------------------ drawing

  Atlas.prototype.may = function (level) {
    return this.canEdit && !!this.map.pm && this.rights.levels.indexOf(level) >= 0;
  };

  Atlas.prototype.editButton = function (level, id) {
    var self = this;
    if (!this.may(level)) return null;
    return h("button", { type: "button", class: "atlas-edit", onclick: function () { self.startEdit(level, id); } }, ["编辑边界 Edit boundary"]);
  };

  Atlas.prototype.toolbar = function () {
    var self = this;
    this.el.insertBefore(h("div", { class: "atlas-tools" }, [
      h("button", { type: "button", class: "atlas-new-grid", onclick: function () { self.startNewGrid(); } }, ["新建网格 New grid"])
    ]), this.mapEl);
    // The shape Geoman has just closed is the new grid's.
    this.map.on("pm:create", function (e) {
      if (self.editing && self.editing.isNew && !self.editing.layer) self.drawnGrid(e.layer);
      else self.map.removeLayer(e.layer);
    });
  };

  // The bar above the map while something is drawn: a message, then its buttons or form.
  Atlas.prototype.openBar = function (text, controls) {
    var message = h("span", { class: "atlas-edit-message" }, [text]);
    this.editBar = h("div", { class: "atlas-editbar", role: "region", "aria-label": "绘制边界" }, [message].concat(controls));
    this.editBar.message = message;
    this.el.insertBefore(this.editBar, this.mapEl);
    this.el.classList.add("atlas-editing");
    this.el.removeAttribute("data-saved");
  };

  Atlas.prototype.cancelButton = function () {
    var self = this;
    return h("button", { type: "button", class: "atlas-cancel", onclick: function () { self.stopEdit(); } }, ["取消 Cancel"]);
  };

  // A grid's, community's or street's boundary redrawn: its vertices dragged, with snapping.
  Atlas.prototype.startEdit = function (level, id) {
    var self = this, L = this.L;
    var layer = (level === "grid" ? this.gridLayers : this.areaLayers)[id];
    if (this.editing) return;
    if (!layer || !layer.pm) {  // the layers were redrawn under the card a moment ago
      this.say("地图刚刷新，请再点一次并选「编辑边界」 The map was redrawn: tap the area again", true);
      return;
    }
    this.map.closePopup();
    this.highlight.clearLayers();
    var editing = this.editing = { level: level, id: id, layer: layer, code: layer.feature.properties.code };
    // The layers are simplified for the zoom: an edit starts from the boundary as stored.
    request("/maps/api/" + AREA_PATHS[level] + "/" + id + "/boundary").then(function (stored) {
      if (self.editing !== editing) return;
      if (stored.boundary && stored.boundary.type === "Polygon") {
        layer.setLatLngs(L.GeoJSON.coordsToLatLngs(stored.boundary.coordinates, 1));
      }
      layer.unbindTooltip();
      layer.setStyle({ fillOpacity: 0.25, weight: 3, color: "#0d47a1" });
      layer.pm.enable(EDIT_OPTIONS);
      self.openBar("拖动顶点修改" + ZOOM_LABELS[level] + " " + editing.code + " 的边界（靠近相邻边界时自动吸附）", [
        h("button", { type: "button", class: "atlas-save", onclick: function () { self.saveEdit(); } }, ["保存 Save"]),
        self.cancelButton()
      ]);
    }, function (problem) {
      if (self.editing === editing) self.editing = null;
      self.say(problem.detail, true);
    });
  };

  Atlas.prototype.saveEdit = function () {
    var self = this, editing = this.editing;
    if (!editing || !editing.layer) return;
    var geometry = editing.layer.toGeoJSON(false).geometry;
    this.editBar.message.textContent = "保存中…";
    request("/maps/api/" + AREA_PATHS[editing.level] + "/" + editing.id + "/boundary", { method: "PUT", body: { boundary: geometry } })
      .then(function () {
        self.stopEdit();
        self.say(ZOOM_LABELS[editing.level] + " " + editing.code + " 的边界已保存 Boundary saved");
        self.el.setAttribute("data-saved", "ok");
      }, function (problem) { self.refused(problem); });
  };

  // A refusal: the offending area in red and the reason in the bar; the drawing stays open.
  Atlas.prototype.refused = function (problem) {
    this.highlight.clearLayers();
    if (problem.offending_geometry) this.highlight.addData(problem.offending_geometry);
    var area = problem.offending_area;
    this.editBar.message.textContent = "未保存：" + problem.detail +
      (area ? "（红色区域：" + (area.code || "") + " " + (area.name || "") + "）" : "");
    this.editBar.message.setAttribute("role", "alert");
    this.el.setAttribute("data-saved", "refused");
  };

  // A new grid: its vertices clicked on the map (snapping to the neighbours), then its fields.
  Atlas.prototype.startNewGrid = function () {
    var self = this, map = this.map;
    if (this.editing) return;
    if (this.el.getAttribute("data-level") !== "grid") {
      // The neighbouring grids, to snap to and to stay clear of, are drawn from this zoom on.
      this.drawWhenGrids = true;
      this.say("放大到网格层级后开始绘制 Zooming in to the grids…");
      map.setZoom(Math.max(this.rights.grids_from_zoom, Math.ceil(map.getZoom())));
      return;
    }
    map.closePopup();
    this.highlight.clearLayers();
    this.editing = { level: "grid", isNew: true, layer: null };
    map.pm.enableDraw("Polygon", EDIT_OPTIONS);
    this.openBar("在地图上依次点击新网格的顶点，最后点击第一个顶点闭合（靠近相邻网格时自动吸附）", [this.cancelButton()]);
  };

  Atlas.prototype.drawnGrid = function (layer) {
    var self = this, rights = this.rights;
    this.editing.layer = layer;
    layer.setStyle({ color: "#0d47a1", weight: 3, fillColor: "#64b5f6", fillOpacity: 0.35 });
    var path = layer.getElement();
    if (path) path.classList.add("atlas-drawn");
    layer.pm.enable(EDIT_OPTIONS);  // a refused shape can be corrected before saving again
    var chosen = this.communityAt(layer.getBounds().getCenter());
    function field(text, control) { return h("label", {}, [text, control]); }
    var form = h("form", { class: "atlas-grid-form" }, [
      field("社区 ", h("select", { name: "community" }, rights.communities.map(function (c) {
        return h("option", { value: c.id, selected: c.id === chosen }, [c.code + " " + c.name]);
      }))),
      field("编码 ", h("input", { name: "code", inputmode: "numeric", maxlength: 15, size: 16, placeholder: "留空自动编号" })),
      field("名称 ", h("input", { name: "name", maxlength: 100, size: 12 })),
      field("类型 ", h("select", { name: "kind" }, rights.grid_kinds.map(function (k) {
        return h("option", { value: k.value }, [k.label]);
      }))),
      field("户数 ", h("input", { name: "household_count", type: "number", min: 0, step: 1, value: 0, class: "atlas-number" })),
      field("责任单位 ", h("input", { name: "responsible_organisation", maxlength: 200, size: 14, placeholder: "单位网格必填" })),
      h("button", { type: "submit", class: "atlas-save" }, ["保存 Save"]),
      this.cancelButton()
    ]);
    form.addEventListener("submit", function (event) { event.preventDefault(); self.saveNewGrid(form); });
    Array.prototype.forEach.call(this.editBar.querySelectorAll("button"), function (b) { b.remove(); });
    this.editBar.message.textContent = "填写新网格的信息后保存（可拖动顶点调整形状）";
    this.editBar.appendChild(form);
    form.elements.namedItem("name").focus();
  };

  // The community whose outline holds `latlng` (a new grid's default), else the first one.
  Atlas.prototype.communityAt = function (latlng) {
    var found = null;
    this.outlines.eachLayer(function (outline) {
      if (found === null && outline.getBounds().contains(latlng)) found = outline.feature.id;
    });
    return found !== null ? found : (this.rights.communities[0] || {}).id;
  };

  Atlas.prototype.saveNewGrid = function (form) {
    var self = this, editing = this.editing;
    if (!editing || !editing.layer) return;
    function value(name) { return form.elements.namedItem(name).value.trim(); }
    var count = value("household_count");
    var body = {
      community: Number(value("community")),
      name: value("name"),
      kind: value("kind"),
      household_count: count === "" ? 0 : Number(count),
      responsible_organisation: value("responsible_organisation"),
      boundary: editing.layer.toGeoJSON(false).geometry
    };
    if (value("code")) body.code = value("code");
    Array.prototype.forEach.call(form.querySelectorAll("[aria-invalid]"), function (n) { n.removeAttribute("aria-invalid"); });
    this.editBar.message.textContent = "保存中…";
    request("/maps/api/grids", { method: "POST", body: body }).then(function (grid) {
      self.stopEdit();
      self.say("新网格 " + grid.code + " " + grid.name + " 已保存 New grid saved");
      self.el.setAttribute("data-saved", "ok");
      self.el.setAttribute("data-created", grid.code);
    }, function (problem) {
      self.refused(problem);
      var input = problem.field ? form.elements.namedItem(problem.field) : null;
      if (input) { input.setAttribute("aria-invalid", "true"); input.focus(); }
    });
  };

  Atlas.prototype.stopEdit = function () {
    var editing = this.editing;
    if (!editing) return;
    this.editing = null;
    if (editing.isNew) this.map.pm.disableDraw();
    if (editing.layer && editing.layer.pm) editing.layer.pm.disable();
    if (editing.isNew && editing.layer) this.map.removeLayer(editing.layer);
    this.highlight.clearLayers();
    if (this.editBar) this.editBar.remove();
    this.editBar = null;
    this.el.classList.remove("atlas-editing");
    this.refresh();  // the saved shapes, or the stored ones again after a cancel
  };

  function startAll() {
    Array.prototype.forEach.call(document.querySelectorAll(".atlas[data-layers-url]"), function (el) {
      new Atlas(el).start();
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", startAll);
  else startAll();
})(window.WGT = window.WGT || {});
