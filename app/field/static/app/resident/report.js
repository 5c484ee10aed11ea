/* 我要反映 and 我要监督: what, where (the phone's position, or an address), photos, an
 * optional contact; before sending, the open reports of the same kind nearby (我也遇到了).
 * The answer is a tracking code, shown once with its QR code. */
"use strict";
(function (W) {
  var h = W.h, V = vant;
  W.rscreens = W.rscreens || {};

  function chips(list, selected, onPick, key, label) {
    return h("div", { class: "chips" }, list.map(function (item) {
      var on = selected === item[key];
      return h("button", {
        type: "button", class: "chip" + (on ? " on" : ""), "aria-pressed": on ? "true" : "false",
        "data-code": item[key], onClick: function () { onPick(item[key]); }
      }, item[label]);
    }));
  }

  function questionField(s, q) {
    var value = s.answers[q.code];
    if (q.datatype === "singlevaluelist" || q.datatype === "multivaluelist") {
      var many = q.datatype === "multivaluelist";
      return h("div", { class: "question" }, [
        h("div", { class: "question-label" }, q.label + (q.required ? "（必选）" : "")),
        h("div", { class: "chips" }, q.values.map(function (v) {
          var on = many ? (value || []).indexOf(v.key) >= 0 : value === v.key;
          return h("button", {
            type: "button", class: "chip" + (on ? " on" : ""), "data-answer": v.key,
            onClick: function () {
              if (!many) { s.answers[q.code] = v.key; return; }
              var next = (value || []).slice(), i = next.indexOf(v.key);
              if (i >= 0) next.splice(i, 1); else next.push(v.key);
              s.answers[q.code] = next;
            }
          }, v.name);
        }))
      ]);
    }
    return h(V.Field, {
      modelValue: value || "", label: q.label, labelAlign: "top", name: "attribute-" + q.code,
      "onUpdate:modelValue": function (v) { s.answers[q.code] = v; }
    });
  }

  function where(s) {
    var parts = [];
    if (s.reading) {
      parts.push(W.ui.note(s.reading.picked ? "已在地图上选定位置（可再点地图修改）" :
        "已获取位置（精度 ±" + Math.round(s.reading.accuracy) + " 米）", "ok"));
    } else if (s.picking) {
      parts.push(W.ui.note("点一下地图上的问题地点", "info"));
    } else {
      parts.push(h("div", { class: "pad" }, [W.ui.big(s.locating ? "正在定位…" : "使用我现在的位置", function () {
        s.locating = true; s.error = "";
        W.locate(0).then(function (r) { s.reading = r; W.rfindNearby(s); },
          function (e) { s.error = e.message + " 也可以在地图上选点或填写地址。"; })
          .finally(function () { s.locating = false; });
      }, { type: "default", icon: "location-o", loading: s.locating })]));
      parts.push(h("div", { class: "pad" }, [W.ui.big("在地图上选点", function () {
        s.picking = true; Vue.nextTick(function () { pickOnMap(s); });
      }, { type: "default", icon: "map-marked" })]));
    }
    if (s.picking) parts.push(h("div", { id: "pick-map", class: "pick-map" }));
    parts.push(W.ui.field(s, "address", { label: "或填写地址", name: "address", placeholder: "如：幸福路 12 号 3 栋" }));
    return W.ui.section("在哪里", parts);
  }

  // A tap on the map (the community's own grids drawn on the configured base layer) is the
  // position, with no accuracy: the resident chose it.
  function pickOnMap(s) {
    var el = document.getElementById("pick-map");
    var c = W.rstate.community;
    W.createMap(el, {}).then(function (made) {
      var L = made.L, map = made.map, marker = null;
      var centre = c.centre || { latitude: 30.9, longitude: 117.8 };
      map.setView([centre.latitude, centre.longitude], 16);
      (c.grids || []).forEach(function (g) {
        if (!g.boundary) return;
        L.geoJSON(g.boundary, { style: { color: "#c8161d", weight: 2, fillOpacity: 0.05 }, interactive: false })
          .bindTooltip(g.name, { permanent: true, direction: "center", className: "grid-label" }).addTo(map);
      });
      map.on("click", function (event) {
        if (marker) marker.remove();
        marker = L.circleMarker(event.latlng, { radius: 9, color: "#fff", weight: 2, fillColor: "#c8161d", fillOpacity: 0.95 }).addTo(map);
        s.reading = { latitude: event.latlng.lat, longitude: event.latlng.lng, accuracy: 0, picked: true };
        W.rfindNearby(s);
      });
      el.classList.add("map-ready");
    }, function (e) { s.error = e.message; s.picking = false; });
  }

  W.rfindNearby = function (s) {
    if (!s.reading || !s.service) { s.nearby = []; return; }
    W.rapi.get("/communities/" + W.rstate.code + "/nearby?service_code=" + encodeURIComponent(s.service) +
      "&latitude=" + s.reading.latitude + "&longitude=" + s.reading.longitude)
      .then(function (list) { s.nearby = list; }, function () { s.nearby = []; });
  };

  function nearbyList(s) {
    if (!s.nearby || !s.nearby.length) return null;
    return W.ui.section("附近已有人反映", s.nearby.map(function (n) {
      return h(V.Cell, {
        title: (n.content || n.service_name + "（内容审核中）"),
        label: "距您约 " + n.distance_m + " 米 · " + W.time(n.created_at) + " · " + n.followers + " 人在跟踪",
        class: "nearby"
      }, { value: function () {
        return h(V.Button, { size: "small", type: "primary", plain: true, class: "me-too", onClick: function () {
          s.busy = true; s.error = "";
          W.rapi.meToo(n.case).then(function (answer) { s.done = answer; },
            function (e) { s.error = e.message; }).finally(function () { s.busy = false; });
        } }, function () { return "我也遇到了"; });
      } });
    }));
  }

  function doneScreen(s, title) {
    var code = s.done.code;
    return W.ui.page(title, [
      W.ui.note("已提交，社区会尽快处理。请记下查询码，凭它查看办理进度、评价结果：", "ok"),
      h("div", { class: "tracking-code", "data-code": code }, code),
      h("img", { class: "tracking-qr", src: "/r/qr/track/" + code, alt: "查询码二维码" }),
      s.done.needs_placement ? W.ui.note("没有定位到网格，工作人员会先确认位置。", "warn") : null,
      h("div", { class: "pad" }, [W.ui.big("查看办理进度", function () { location.href = "/r/t/" + code; })])
    ], { back: "home" });
  }

  W.rscreens.report = {
    setup: function () {
      var c = W.rstate.community;
      var s = Vue.reactive({ service: null, answers: {}, description: "", photos: [], reading: null, picking: false,
        address: "", name: "", phone: "", locating: false, busy: false, error: "", nearby: [], done: null });
      Vue.watch(function () { return s.service; }, function () { s.answers = {}; W.rfindNearby(s); });

      function submit() {
        s.error = "";
        if (!s.service) { s.error = "请选择反映的问题类别"; return; }
        if (!s.description.trim()) { s.error = "请简单描述问题"; return; }
        var fields = { service_code: s.service, description: s.description, address: s.address,
          name: s.name, phone: s.phone, grid: W.rstate.grid };
        if (s.reading) { fields.latitude = s.reading.latitude; fields.longitude = s.reading.longitude; }
        Object.keys(s.answers).forEach(function (k) { fields["attribute[" + k + "]"] = s.answers[k]; });
        s.busy = true;
        W.rapi.submit(W.rstate.code, fields, s.photos).then(function (answer) { s.done = answer; },
          function (e) { s.error = e.message; }).finally(function () { s.busy = false; });
      }

      return function () {
        if (s.done) return doneScreen(s, "已提交");
        var service = c.services.filter(function (x) { return x.service_code === s.service; })[0];
        var body = [
          W.ui.section("反映什么问题", [c.services.length ? chips(c.services, s.service, function (v) { s.service = v; }, "service_code", "name")
            : W.ui.empty("社区暂未开通问题反映，请拨打 1890")]),
          service && service.questions.length ? W.ui.section("具体情况", service.questions.map(function (q) { return questionField(s, q); })) : null,
          W.ui.section("问题描述", [
            W.ui.field(s, "description", { label: "描述", name: "description", type: "textarea", rows: 3, autosize: true, maxlength: 500, showWordLimit: true, placeholder: "如：3 栋门口井盖破损" })
          ]),
          W.ui.section("照片（最多 3 张）", [h("div", { class: "pad" }, [
            h(W.ui.PhotoPicker, { modelValue: s.photos, max: 3, "onUpdate:modelValue": function (v) { s.photos = v; } })
          ])]),
          where(s),
          nearbyList(s),
          W.ui.section("联系方式（可不填，只有工作人员能看到）", [
            W.ui.field(s, "name", { label: "称呼", name: "name", maxlength: 50 }),
            W.ui.field(s, "phone", { label: "电话", name: "phone", type: "tel", maxlength: 30 })
          ]),
          s.error ? W.ui.note(s.error, "error") : null,
          h("div", { class: "pad" }, [W.ui.big(s.busy ? "正在提交…" : "提交", submit, { loading: s.busy, icon: "passed" })])
        ];
        return W.ui.page("我要反映", body, { back: "home" });
      };
    }
  };

  W.rscreens.supervise = {
    setup: function () {
      var c = W.rstate.community;
      var s = Vue.reactive({ service: null, subject: "", description: "", anonymous: true,
        name: "", phone: "", busy: false, error: "", done: null });
      function submit() {
        s.error = "";
        if (!s.service) { s.error = "请选择监督类别"; return; }
        if (!s.subject.trim()) { s.error = "请写明监督对象"; return; }
        if (!s.description.trim()) { s.error = "请写明监督内容"; return; }
        s.busy = true;
        W.rapi.submit(W.rstate.code, { service_code: s.service, subject: s.subject, description: s.description,
          anonymous: s.anonymous ? "true" : "", name: s.anonymous ? "" : s.name, phone: s.anonymous ? "" : s.phone,
          grid: W.rstate.grid }, []).then(function (answer) { s.done = answer; },
          function (e) { s.error = e.message; }).finally(function () { s.busy = false; });
      }
      return function () {
        if (s.done) return doneScreen(s, "已提交");
        return W.ui.page("我要监督", [
          W.ui.section("监督什么", [chips(c.supervision, s.service, function (v) { s.service = v; }, "service_code", "name")]),
          W.ui.section("内容", [
            W.ui.field(s, "subject", { label: "监督对象（部门、单位或干部）", name: "subject", maxlength: 200 }),
            W.ui.field(s, "description", { label: "具体内容", name: "description", type: "textarea", rows: 4, autosize: true, maxlength: 2000 })
          ]),
          W.ui.section("身份", [
            h(V.Cell, { title: "匿名提交", label: "匿名时不记录姓名和电话" }, { "right-icon": function () {
              return h(V.Switch, { modelValue: s.anonymous, "onUpdate:modelValue": function (v) { s.anonymous = v; }, name: "anonymous" });
            } }),
            s.anonymous ? null : W.ui.field(s, "name", { label: "姓名", name: "name" }),
            s.anonymous ? null : W.ui.field(s, "phone", { label: "电话", name: "phone", type: "tel" })
          ]),
          s.error ? W.ui.note(s.error, "error") : null,
          h("div", { class: "pad" }, [W.ui.big(s.busy ? "正在提交…" : "提交", submit, { loading: s.busy })])
        ], { back: "home" });
      };
    }
  };
})(window.WGT);
