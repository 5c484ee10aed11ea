/* The 大屏 of a street (dashboards/screen.html): every `data-refresh` seconds it fetches
 * `data-url` (screen.json, the same figures the page was drawn with) and redraws the key
 * figures, the charts (through PGCharts, charts.js) and their tables, then shows the time of
 * the update. A failed fetch (offline, logged out, server down) keeps the last figures and
 * says since when they are shown. After each update the street's map (atlas.js, which hangs
 * its instance on its element as `_atlas`) reloads its layers and today's check-ins and
 * tracks; the browser revalidates both with their ETags, so an unchanged map costs a 304. */
"use strict";
(function () {
  var root = document.getElementById("screen");
  if (!root) return;
  var seconds = Math.max(1, Number(root.dataset.refresh) || 60);
  var updated = document.getElementById("screen-updated");
  var notice = document.getElementById("screen-notice");

  function cells(row, tag) {
    var tr = document.createElement("tr");
    row.forEach(function (value) {
      var cell = document.createElement(tag);
      cell.textContent = value;
      tr.appendChild(cell);
    });
    return tr;
  }

  function redrawTable(figure, chart) {
    var body = figure.querySelector("tbody");
    if (!body) return;
    body.replaceChildren();
    if (!chart.rows.length) {
      var empty = cells([chart.spec.empty], "td");
      empty.firstChild.colSpan = chart.headers.length;
      body.appendChild(empty);
    }
    chart.rows.forEach(function (row) { body.appendChild(cells(row, "td")); });
  }

  // The map component (atlas.js) reloads its layers and swaps today's points in one go.
  function reloadMap() {
    var el = root.querySelector(".atlas");
    if (el && el._atlas) el._atlas.reload();  // not drawn yet, or no map on this screen
  }

  function apply(data) {
    data.figures.forEach(function (f) {
      var box = root.querySelector('.figures [data-key="' + f.key + '"]');
      if (!box) return;
      box.querySelector("dt").textContent = f.label;
      box.querySelector("dd").textContent = f.text;
      box.classList.toggle("warn", f.warn);
    });
    data.charts.forEach(function (chart) {
      var figure = document.getElementById(chart.key);
      if (!figure) return;
      figure.querySelector("h2").textContent = chart.spec.title;
      PGCharts.update(chart.key, chart.spec);
      redrawTable(figure, chart);
    });
    updated.textContent = data.updated_text;
    updated.setAttribute("datetime", data.updated_at);
    notice.textContent = "";
    root.dataset.updates = String(Number(root.dataset.updates || 0) + 1);
    reloadMap();
  }

  function failed(reason) {
    notice.textContent = "数据更新失败（" + reason + "），显示的是 " + updated.textContent +
      " 的数据，稍后自动重试";
  }

  function refresh() {
    if (!navigator.onLine) {
      failed("网络已断开");
      return setTimeout(refresh, seconds * 1000);
    }
    fetch(root.dataset.url, { credentials: "same-origin", cache: "no-store",
                              headers: { Accept: "application/json" } })
      .then(function (response) {
        if (response.status === 401) throw new Error("登录已过期，请重新登录");
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(apply, function (error) { failed(error.message || "网络错误"); })
      .finally(function () { setTimeout(refresh, seconds * 1000); });
  }

  setTimeout(refresh, seconds * 1000);
})();
