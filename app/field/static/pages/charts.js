/* The staff dashboards' charts (人民网格 /dashboards/…): every <figure class="chart"> carries
 * its numbers in a <script type="application/json" class="chart-data"> block (data, never run:
 * the CSP allows no inline script) and as a plain table for screen readers and no-JS use.
 * This script draws them with the vendored Apache ECharts: line (trends), bar (rankings,
 * counts), pie (shares). Each chart's toolbox downloads it as PNG (ECharts' saveAsImage) or
 * as SVG (drawn again by ECharts' SVG renderer). `?renderer=svg` draws every chart as SVG.
 * The 大屏 (screen.js) redraws charts through the one global `PGCharts`. */
"use strict";
window.PGCharts = window.PGCharts || {};
(function (P) {
  var FONT = "'Noto Sans CJK SC','Noto Sans SC','Source Han Sans SC','PingFang SC'," +
    "'Microsoft YaHei','WenQuanYi Micro Hei',sans-serif";
  var PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#17becf",
    "#e377c2", "#bcbd22", "#7f7f7f"];
  var SVG_ICON = "path://M4 2h11l5 5v15H4z M8 12h8 M8 16h8 M12 6v8 M9 11l3 3 3-3";
  var RENDERER = new URLSearchParams(location.search).get("renderer") === "svg" ? "svg" : "canvas";
  var charts = {};  // figure id → { chart, spec, theme }

  function text(value, unit) {
    return value === null || value === undefined ? "—" : Math.round(value * 10) / 10 + unit;
  }

  // A pie needs a slice above zero; a line or bar chart any value (zero hours is a value).
  function hasValues(spec) {
    return spec.series.some(function (s) {
      return s.values.some(function (v) {
        return v !== null && v !== undefined && (spec.kind !== "pie" || v > 0);
      });
    });
  }

  function barHeight(spec) {
    return Math.max(160, 28 * spec.labels.length + 70);
  }

  P.option = function (spec, theme) {
    var dark = theme === "dark";
    var unit = spec.unit || "";
    var fmt = function (v) { return text(v, unit); };
    var option = {
      color: spec.color ? [spec.color].concat(PALETTE) : PALETTE,
      backgroundColor: dark ? "transparent" : "#fff",
      // the 大屏 is read from across the room
      textStyle: { fontFamily: FONT, fontSize: dark ? 14 : 12 },
      title: {
        text: spec.title, left: 0, top: 0,
        textStyle: { fontSize: dark ? 18 : 14, fontFamily: FONT },
      },
      tooltip: { trigger: spec.kind === "line" ? "axis" : "item", valueFormatter: fmt },
      toolbox: {
        right: 8,
        top: 0,
        feature: {
          saveAsImage: {
            title: "下载 PNG",
            name: spec.title,
            pixelRatio: 2,
            backgroundColor: dark ? "#050d1f" : "#fff",
          },
          mySvg: { show: true, title: "下载 SVG", icon: SVG_ICON, onclick: function () {} },
        },
      },
      animation: !matchMedia("(prefers-reduced-motion: reduce)").matches,
      series: [],
    };
    if (!hasValues(spec)) {
      option.graphic = [{
        type: "text", left: "center", top: "middle",
        style: { text: spec.empty, fill: "#7b8794", fontSize: 14, fontFamily: FONT },
      }];
    }
    if (spec.kind === "line") {
      option.legend = { bottom: 0, textStyle: { fontFamily: FONT } };
      option.grid = { left: 48, right: 16, top: 44, bottom: 48 };
      option.xAxis = { type: "category", data: spec.labels, boundaryGap: true };
      option.yAxis = {
        type: "value", min: 0, max: unit === "%" ? 100 : null,
        axisLabel: { formatter: "{value}" + unit },
      };
      option.series = spec.series.map(function (s) {
        return { name: s.name, type: "line", data: s.values, connectNulls: false, symbolSize: 7 };
      });
    } else if (spec.kind === "pie") {
      var s = spec.series[0];
      option.legend = { bottom: 0, type: "scroll", textStyle: { fontFamily: FONT } };
      option.color = PALETTE;
      option.series = [{
        name: s.name, type: "pie", radius: ["35%", "62%"], center: ["50%", "52%"],
        label: { formatter: function (p) { return p.name + " " + fmt(p.value); } },
        data: spec.labels.map(function (label, i) { return { name: label, value: s.values[i] }; })
          .filter(function (d) { return d.value; }),
      }];
    } else {
      var bars = spec.series[0];
      option.grid = { left: 8, right: 56, top: 36, bottom: 8, containLabel: true };
      option.xAxis = { type: "value", axisLabel: { formatter: "{value}" + unit } };
      option.yAxis = { type: "category", data: spec.labels, inverse: true,
                       axisLabel: { width: 180, overflow: "truncate" } };
      option.series = [{
        name: bars.name, type: "bar", data: bars.values, barMaxWidth: 18,
        label: { show: true, position: "right", formatter: function (p) { return fmt(p.value); } },
      }];
    }
    return option;
  };

  function download(name, blob) {
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = name + ".svg";
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(link.href); }, 1000);
  }

  // The chart drawn again by ECharts' SVG renderer, off screen, and saved as a file.
  P.svg = function (id) {
    var entry = charts[id];
    var box = entry.chart.getDom();
    var copy = echarts.init(null, entry.theme, {
      renderer: "svg", ssr: true, width: box.clientWidth, height: box.clientHeight, locale: "ZH",
    });
    var option = P.option(entry.spec, entry.theme);
    option.animation = false;
    option.toolbox = { show: false };
    copy.setOption(option);
    var markup = copy.renderToSVGString();
    copy.dispose();
    download(entry.spec.title, new Blob([markup], { type: "image/svg+xml" }));
    return markup;
  };

  function withSvgButton(id, option) {
    option.toolbox.feature.mySvg.onclick = function () { P.svg(id); };
    return option;
  }

  P.draw = function (figure, spec) {
    var box = figure.querySelector(".chart-canvas");
    var theme = figure.dataset.theme || null;
    if (spec.kind === "bar" && !theme) box.style.height = barHeight(spec) + "px";
    figure.classList.add("drawn");  // shows the box, so ECharts measures its size
    var chart = echarts.init(box, theme, { renderer: RENDERER, locale: "ZH" });
    charts[figure.id] = { chart: chart, spec: spec, theme: theme };
    chart.setOption(withSvgButton(figure.id, P.option(spec, theme)));
    var table = figure.querySelector("details.chart-table");
    if (table) table.open = false;  // the table stays one click away, and in the page
    return chart;
  };

  P.update = function (id, spec) {
    var entry = charts[id];
    if (!entry) return;
    entry.spec = spec;
    entry.chart.setOption(withSvgButton(id, P.option(spec, entry.theme)), true);
  };

  P.chart = function (id) { return charts[id] && charts[id].chart; };

  document.querySelectorAll("figure.chart").forEach(function (figure) {
    var data = figure.querySelector("script.chart-data");
    if (data && window.echarts) P.draw(figure, JSON.parse(data.textContent));
  });
  window.addEventListener("resize", function () {
    Object.keys(charts).forEach(function (id) { charts[id].chart.resize(); });
  });
})(window.PGCharts);
