// Charts of the dashboards, drawn with the vendored Apache ECharts from data the page carries in
// a json_script element (no inline script: the CSP stays strict). Every chart has its data as a
// table beside it; the chart is a picture of that table.
(function () {
  "use strict";

  function bar(data) {
    return {
      grid: { left: 40, right: 10, top: 20, bottom: 40 },
      xAxis: { type: "category", data: data.labels, axisLabel: { interval: 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: [{
        type: "bar",
        data: data.values.map((value, i) => ({ value, itemStyle: { color: data.colours[i] } })),
        label: { show: true, position: "top" },
      }],
      tooltip: { trigger: "axis" },
    };
  }

  function line(value, name, colour) {
    return { yAxis: value, name, lineStyle: { color: colour, type: "dashed" },
             label: { formatter: `${name} ${value}`, position: "insideEndTop" } };
  }

  function trend(data) {
    const levels = [...data.values, data.baseline, data.target2027, data.target2035]
      .filter((v) => v !== null);
    const low = Math.min(...levels), high = Math.max(...levels), margin = (high - low) * 0.1 || 1;
    const marks = [line(data.baseline, data.names.baseline, "#6e7781")];
    if (data.target2027 !== null) marks.push(line(data.target2027, data.names.target2027, "#bf8700"));
    if (data.target2035 !== null) marks.push(line(data.target2035, data.names.target2035, "#1a7f37"));
    return {
      grid: { left: 50, right: 20, top: 30, bottom: 40 },
      xAxis: { type: "category", data: data.periods },
      yAxis: { type: "value", name: data.unit, min: +(low - margin).toFixed(2),
               max: +(high + margin).toFixed(2) },
      series: [{ type: "line", name: data.names.values, data: data.values, symbolSize: 8,
                 label: { show: true }, markLine: { symbol: "none", data: marks } }],
      tooltip: { trigger: "axis" },
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

  function draw(root) {
    if (!window.echarts) return;
    for (const element of root.querySelectorAll("[data-chart]")) {
      const source = document.getElementById(element.dataset.chart);
      if (!source || window.echarts.getInstanceByDom(element)) continue;
      const data = JSON.parse(source.textContent);
      const chart = window.echarts.init(element, null, { renderer: "svg" });
      const option = builders[data.type](data, chart);
      if (option) chart.setOption({ animation: false, ...option });
      window.addEventListener("resize", () => chart.resize());
    }
  }

  document.addEventListener("DOMContentLoaded", () => draw(document));
  // Filters swap parts of the page with htmx: draw the charts that arrive with them.
  document.addEventListener("htmx:afterSettle", (event) => draw(event.detail.elt));
})();
