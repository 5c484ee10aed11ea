/* 入户走访: find a household in my grids (building → room, or search), record the visit (who was
 * met, what was said, care tags confirmed, a changed phone) as a 民情日记 entry; one switch
 * turns it into a work item. Phones come masked as the server's rules say; a new phone is
 * sent, never shown back. */
"use strict";
(function (W) {
  var h = W.h, V = vant;
  var known = {};  // households seen in a list, by id (the form opens without a second request)

  function remember(list) { list.forEach(function (hh) { known[hh.id] = hh; }); return list; }

  function householdsOf(query) {
    return W.api.get("/households?" + query).then(remember);
  }

  function findHousehold(id) {
    if (known[id]) return Promise.resolve(known[id]);
    var grids = (W.state.me && W.state.me.grids) || [];
    return Promise.all(grids.map(function (g) { return householdsOf("grid=" + g.id).catch(function () { return []; }); }))
      .then(function () {
        if (!known[id]) throw new Error("在你的网格里没有找到这一户");
        return known[id];
      });
  }

  var Finder = {
    setup: function () {
      var s = Vue.reactive({ grid: W.firstGrid(), buildings: null, q: "", results: null, error: "" });
      function load() {
        if (!s.grid) return;
        s.buildings = null;
        W.api.get("/buildings?grid=" + s.grid).then(function (b) { s.buildings = b; }, function (e) { s.error = e.message; s.buildings = []; });
      }
      function search() {
        if (!s.q.trim()) { s.results = null; return; }
        householdsOf("grid=" + s.grid + "&q=" + encodeURIComponent(s.q.trim())).then(function (r) { s.results = r; }, function (e) { s.error = e.message; });
      }
      Vue.onMounted(load);
      Vue.watch(function () { return s.grid; }, load);
      return function () {
        var body = [W.ui.gridChooser(s),
          h(V.Search, { modelValue: s.q, "onUpdate:modelValue": function (v) { s.q = v; }, placeholder: "搜索房号、楼栋或住户姓名", onSearch: search, onClear: function () { s.results = null; }, name: "q" })];
        if (s.error) body.push(W.ui.note(s.error, "error"));
        if (s.results) {
          body.push(W.ui.section("搜索结果", s.results.length ? s.results.map(householdCell) : [W.ui.empty("没有找到")]));
        } else {
          body.push(W.ui.section("楼栋", s.buildings === null ? [W.ui.loading()] : s.buildings.length ? s.buildings.map(function (b) {
            return h(V.Cell, { title: b.address || b.code, label: b.code, value: b.households + " 户", isLink: true, center: true,
              onClick: function () { W.go("visit/building/" + b.id + "/" + s.grid); } });
          }) : [W.ui.empty("这个网格还没有楼栋")]));
        }
        return W.ui.page("入户走访", body);
      };
    }
  };

  function householdCell(hh) {
    return h(V.Cell, {
      title: hh.building.address + " " + hh.room, isLink: true, center: true,
      label: (hh.care_tag_labels || hh.care_tags.map(W.careTag)).join("、") + (hh.last_visit ? "  上次走访 " + W.date(hh.last_visit) : "  从未走访"),
      onClick: function () { W.go("visit/" + hh.id); }
    });
  }

  var Building = {
    props: { building: Number, grid: Number },
    setup: function (props) {
      var s = Vue.reactive({ list: null, error: "" });
      Vue.onMounted(function () {
        householdsOf("grid=" + props.grid + "&building=" + props.building).then(function (l) { s.list = l; }, function (e) { s.error = e.message; s.list = []; });
      });
      return function () {
        var title = s.list && s.list.length ? s.list[0].building.address : "楼栋";
        return W.ui.page(title, [
          s.error ? W.ui.note(s.error, "error") : null,
          W.ui.section("住户", s.list === null ? [W.ui.loading()] : s.list.length ? s.list.map(householdCell) : [W.ui.empty("没有住户")])
        ], { back: "visit" });
      };
    }
  };

  var VisitForm = {
    props: { household: Number },
    setup: function (props) {
      var s = Vue.reactive({ hh: null, met: "", content: "", tags: [], phones: {}, toWork: false, category: null, workTitle: "",
        categories: [], busy: false, error: "", done: null, queued: false });
      Vue.onMounted(function () {
        findHousehold(props.household).then(function (hh) {
          s.hh = hh;
          s.tags = hh.care_tags.slice();
          return W.api.get("/report-categories?grid=" + hh.grid).then(function (c) { s.categories = c; }, function () {});
        }, function (e) { s.error = e.message; });
      });
      function submit() {
        s.error = "";
        if (!s.content.trim()) { s.error = "请写下走访情况"; return; }
        if (s.toWork && !s.category) { s.error = "转为工作事项需要选择类别"; return; }
        var changes = Object.keys(s.phones).filter(function (id) { return s.phones[id].trim(); })
          .map(function (id) { return { resident: Number(id), phone: s.phones[id].trim() }; });
        s.busy = true;
        W.outbox.submit({
          label: "走访 " + s.hh.building.address + " " + s.hh.room,
          url: "/visits",
          body: { household: s.hh.id, met: s.met, content: s.content, care_tags_confirmed: s.tags, contact_changes: changes,
            to_work_item: s.toWork ? { category: s.category, title: s.workTitle || ("走访：" + s.content.slice(0, 20)) } : null }
        }).then(function (outcome) {
          if (outcome.queued) s.queued = true; else s.done = outcome.answer;
          W.loadToday().catch(function () {});
        }, function (e) { s.error = e.message; }).finally(function () { s.busy = false; });
      }
      return function () {
        var hh = s.hh;
        if (!hh) return W.ui.page("入户走访", [s.error ? W.ui.note(s.error, "error") : W.ui.loading()], { back: "visit" });
        if (s.done || s.queued) {
          var done = s.done;
          return W.ui.page("入户走访", [
            W.ui.note(s.queued ? "没有网络：走访记录已保存在手机上，联网后自动上传。" : "已记入民情日记", s.queued ? "warn" : "ok"),
            done && done.work_item ? W.ui.section("已转为工作事项", [W.ui.workCell(done.work_item)]) : null,
            h("div", { class: "pad" }, [W.ui.big("走访下一户", function () { W.go("visit"); }, { type: "default" })])
          ], { back: "visit" });
        }
        var body = [W.ui.section(hh.building.address + " " + hh.room, [
          h(V.Cell, { title: "常住人数", value: String(hh.member_count || hh.residents.length) }),
          h(V.Cell, { title: "上次走访", value: hh.last_visit ? W.date(hh.last_visit) : "从未走访" })
        ])];
        body.push(W.ui.section("走访记录", [
          W.ui.field(s, "met", { label: "见到了谁", name: "met", placeholder: "如：户主本人、其女儿" }),
          W.ui.field(s, "content", { label: "谈了什么", name: "content", type: "textarea", rows: 3, autosize: true, maxlength: 1000, showWordLimit: true })
        ]));
        body.push(W.ui.section("关爱标签（确认现状）", [h(V.CheckboxGroup, { modelValue: s.tags, "onUpdate:modelValue": function (v) { s.tags = v; } }, function () {
          return Object.keys(W.CARE_TAGS).map(function (tag) {
            return h(V.Cell, { title: W.CARE_TAGS[tag], clickable: true, class: "choice", onClick: function () {
              var i = s.tags.indexOf(tag);
              if (i < 0) s.tags.push(tag); else s.tags.splice(i, 1);
            } }, { "right-icon": function () { return h(V.Checkbox, { name: tag, shape: "square", onClick: function (e) { e.stopPropagation(); } }); } });
          });
        })]));
        if (hh.residents.length) {
          body.push(W.ui.section("联系电话有变化？（不变则不填）", hh.residents.map(function (r) {
            return h(V.Field, { label: r.name, placeholder: r.phone ? "现为 " + r.phone : "未登记", type: "tel", name: "phone-" + r.id,
              modelValue: s.phones[r.id] || "", "onUpdate:modelValue": function (v) { s.phones[r.id] = v; } });
          })));
        }
        body.push(W.ui.section("", [h(V.Cell, { title: "转为工作事项", center: true }, {
          "right-icon": function () { return h(V.Switch, { modelValue: s.toWork, "onUpdate:modelValue": function (v) { s.toWork = v; }, "aria-label": "转为工作事项" }); }
        })].concat(s.toWork ? [
          h(V.RadioGroup, { modelValue: s.category, "onUpdate:modelValue": function (v) { s.category = v; } }, function () {
            return s.categories.length ? s.categories.map(function (c) {
              return h(V.Cell, { title: c.name, clickable: true, class: "choice", onClick: function () { s.category = c.id; } },
                { "right-icon": function () { return h(V.Radio, { name: c.id }); } });
            }) : [W.ui.empty("街道还没有准入可上报的类别")];
          }),
          W.ui.field(s, "workTitle", { label: "事项标题", name: "work_title", placeholder: "不填则用走访内容" })
        ] : [])));
        if (s.error) body.push(W.ui.note(s.error, "error"));
        body.push(h("div", { class: "pad" }, [W.ui.big("保存走访", submit, { loading: s.busy, icon: "records-o" })]));
        return W.ui.page("入户走访", body, { back: "visit" });
      };
    }
  };

  // visit → finder; visit/building/<id>/<grid> → rooms; visit/<household id> → the form.
  W.screens.visit = {
    setup: function () {
      return function () {
        var p = W.state.params;
        if (p[0] === "building") return h(Building, { key: "b" + p[1], building: Number(p[1]), grid: Number(p[2]) });
        if (p[0]) return h(VisitForm, { key: "h" + p[0], household: Number(p[0]) });
        return h(Finder);
      };
    }
  };
})(window.WGT);
