// The parts of Apache ECharts the app draws (static/js/charts.js), as the global `echarts`:
// bar charts (the overview), line charts on a time axis (an indicator's trend) and the county
// choropleth (map), with the grid, legend, tooltip and label layout they use, on the SVG renderer.
import * as echarts from "echarts/core";
import { BarChart, LineChart, MapChart } from "echarts/charts";
import { GridComponent, LegendComponent, TooltipComponent } from "echarts/components";
import { LabelLayout } from "echarts/features";
import { SVGRenderer } from "echarts/renderers";

echarts.use([
  BarChart,
  LineChart,
  MapChart,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  LabelLayout,
  SVGRenderer,
]);

window.echarts = echarts;
