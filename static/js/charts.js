// Charts of the dashboards, drawn with the vendored Apache ECharts from data the page carries in
// a json_script element (no inline script: the CSP stays strict). Every chart has its data as a
// table beside it; the chart is a picture of that table. ECharts is the heaviest script of the
// app, so it is fetched and parsed only once a chart comes near the viewport: a page whose
// charts stay out of sight never loads it, and no page waits for it to show its figures.
(function () {
  "use strict";

  let measuring = null;
  function textWidth(text) {
    measuring = measuring || document.createElement("canvas").getContext("2d");
    measuring.font = "12px sans-serif";
    return measuring.measureText(text).width;
  }

  // Category labels that would run into each other at this width are slanted instead.
  function bar(data, chart) {
    const slot = chart.getWidth() / Math.max(1, data.labels.length);
    const widest = Math.max(0, ...data.labels.map(textWidth));
    return {
      grid: { left: 8, right: 8, top: 24, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: data.labels,
               axisLabel: { interval: 0, rotate: widest + 8 > slot ? 40 : 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: [{
        type: "bar",
        data: data.values.map((value, i) => ({ value, itemStyle: { color: data.colours[i] } })),
        label: { show: true, position: "top" },
      }],
      tooltip: { trigger: "axis" },
    };
  }

  const LEVEL_COLOURS = { baseline: "#6e7781", target2027: "#9a6700", target2035: "#1a7f37" };
  const SERIES_COLOURS = ["#0969da", "#8250df"];

  // A round's name and value as text (the tooltip's HTML is never built from strings).
  function pointTooltip(p) {
    const box = document.createElement("div");
    box.className = "chart-tooltip";
    const [, value, name] = p.data.value || p.data;
    box.textContent = name ? `${p.seriesName} · ${name}: ${value}` : `${p.seriesName}: ${value}`;
    return box;
  }

  // Periods sit on a real time axis at the date they end, so irregular gaps show as gaps; the
  // value axis has the round bounds the server chose; baseline and targets are level lines
  // named in the legend, not labels that could run into each other.
  function trend(data) {
    const levels = data.levels.map((level) => ({
      type: "line", name: level.name, symbol: "none", silent: true,
      lineStyle: { type: "dashed", width: 1.5, color: LEVEL_COLOURS[level.kind] },
      itemStyle: { color: LEVEL_COLOURS[level.kind] },
      data: [[data.time.min, level.value], [data.time.max, level.value]],
    }));
    const lines = data.series.map((line, i) => ({
      type: "line", name: line.name, symbolSize: 8, data: line.points,
      lineStyle: { width: 2.5, type: i === 0 ? "solid" : "dotted", color: SERIES_COLOURS[i] },
      itemStyle: { color: SERIES_COLOURS[i] },
      label: { show: i === 0, position: "top", formatter: (p) => p.value[1] },
      labelLayout: { hideOverlap: true },
      encode: { x: 0, y: 1 },
    }));
    return {
      grid: { left: 8, right: 16, top: 28, bottom: 36, containLabel: true },
      legend: { bottom: 0, type: "scroll" },
      xAxis: { type: "time", min: data.time.min, max: data.time.max,
               axisLabel: { hideOverlap: true, formatter: { year: "{yyyy}", month: "{MMM}" } } },
      yAxis: { type: "value", name: data.unit, ...data.value },
      series: [...lines, ...levels],
      tooltip: { trigger: "item", formatter: pointTooltip },
    };
  }

  // The county's name and status (or, off the counties, the shape's own name) as text: they are
  // typed by admins and uploaders, and a string returned here would be read as HTML.
  function mapTooltip(p) {
    const box = document.createElement("div");
    box.className = "chart-tooltip";
    const area = p.data && p.data.county !== undefined ? p.data : null;
    box.textContent = area ? `${area.county}: ${area.label}` : p.name;
    return box;
  }

  // A choropleth on boundaries an admin uploaded: fetched from the app, then drawn.
  function map(data, chart) {
    fetch(data.url, { credentials: "same-origin" })
      .then((response) => response.json())
      .then((geojson) => {
        window.echarts.registerMap("counties", geojson);
        const byCode = new Map(data.areas.map((area) => [area.code, area]));
        chart.setOption({
          animation: false,
          tooltip: { formatter: mapTooltip },
          series: [{
            type: "map", map: "counties", nameProperty: data.property, roam: true,
            data: [...byCode.values()].map((area) => ({
              name: area.code, county: area.name, label: area.label,
              itemStyle: { areaColor: area.colour },
            })),
          }],
        });
      });
    return null;
  }

  const builders = { bar, trend, map };

  // The bundle's address, from this script's data-echarts attribute (a hashed static name).
  const bundle = document.currentScript.dataset.echarts;
  let loading = null;
  function loadEcharts() {
    loading = loading || new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = bundle;
      script.onload = () => resolve(window.echarts);
      script.onerror = reject;
      document.head.appendChild(script);
    });
    return loading;
  }

  function drawOne(element, echarts) {
    const source = document.getElementById(element.dataset.chart);
    if (!source || !element.isConnected || echarts.getInstanceByDom(element)) return;
    const data = JSON.parse(source.textContent);
    const locale = document.documentElement.lang.startsWith("en") ? "EN" : "ZH";
    const chart = echarts.init(element, null, { renderer: "svg", locale });
    const option = builders[data.type](data, chart);
    if (option) chart.setOption({ animation: false, ...option });
    window.addEventListener("resize", () => {
      chart.resize();
      // the layout may depend on the width (slanted labels): laid out again for the new one
      if (option) chart.setOption(builders[data.type](data, chart));
    });
  }

  // Drawn when within a screen's height of the viewport.
  const nearby = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      if (!entry.isIntersecting) continue;
      nearby.unobserve(entry.target);
      loadEcharts().then((echarts) => drawOne(entry.target, echarts));
    }
  }, { rootMargin: "100% 0px" });

  function draw(root) {
    for (const element of root.querySelectorAll("[data-chart]")) nearby.observe(element);
  }

  document.addEventListener("DOMContentLoaded", () => draw(document));
  // Filters swap parts of the page with htmx: draw the charts that arrive with them.
  document.addEventListener("htmx:afterSettle", (event) => draw(event.detail.elt));
})();
