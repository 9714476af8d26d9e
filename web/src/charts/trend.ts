/** Score by period with its 95% band, a baseline, a goal line and an industry benchmark. */
import type { ChartDataset } from "chart.js";
import { Chart, track } from "./registry";
import { trendLine } from "./trend-line";

export interface TrendData {
  labels: string[];
  values: (number | null)[];
  lo: (number | null)[];
  hi: (number | null)[];
  metric: string;
  baseline: number | null;
  goal: number | null;
  benchmark: { label: string; value: number } | null;
  /** Name of one period in the trend's legend ("month", "quarter"). */
  period?: string;
}

const flat = (n: number, v: number | null) => (v === null ? [] : new Array(n).fill(v));

export function renderTrend(canvas: HTMLCanvasElement, d: TrendData): Chart {
  const n = d.labels.length;
  const datasets: ChartDataset<"line", (number | null)[]>[] = [
    {
      label: "95% interval",
      data: d.hi,
      borderWidth: 0,
      pointRadius: 0,
      pointStyle: "rect",
      backgroundColor: "rgba(36,85,195,.15)",
      fill: "+1",
    },
    { label: "95% interval (low)", data: d.lo, borderWidth: 0, pointRadius: 0, backgroundColor: "rgba(36,85,195,.15)", fill: false },
    {
      label: d.metric,
      data: d.values,
      borderColor: "#2455c3",
      backgroundColor: "#2455c3",
      borderWidth: 2.5,
      pointRadius: 3,
      spanGaps: true,
    },
  ];
  const trend = trendLine(d.values);
  if (trend) {
    const sign = trend.slope >= 0 ? "+" : "−";
    datasets.push({
      label: `Trend (${sign}${Math.abs(trend.slope).toFixed(1)} per ${d.period ?? "period"})`,
      data: trend.points,
      borderColor: "#7a3fb0",
      borderDash: [8, 3],
      borderWidth: 1.5,
      pointRadius: 0,
    });
  }
  if (d.baseline !== null)
    datasets.push({
      label: `Baseline (${d.baseline.toFixed(1)})`,
      data: flat(n, d.baseline),
      borderColor: "#5b6475",
      borderDash: [6, 4],
      borderWidth: 1.5,
      pointRadius: 0,
    });
  if (d.goal !== null)
    datasets.push({ label: `Goal (${d.goal})`, data: flat(n, d.goal), borderColor: "#1b7f4b", borderWidth: 2, pointRadius: 0 });
  if (d.benchmark)
    datasets.push({
      label: `${d.benchmark.label} (${d.benchmark.value})`,
      data: flat(n, d.benchmark.value),
      borderColor: "#a15c07",
      borderDash: [2, 3],
      borderWidth: 2,
      pointRadius: 0,
    });
  return track(
    new Chart(canvas, {
      type: "line",
      data: { labels: d.labels, datasets },
      options: {
        animation: false,
        interaction: { mode: "index", intersect: false },
        plugins: {
          legend: {
            position: "bottom",
            labels: { filter: (item) => item.text !== "95% interval (low)", usePointStyle: true, pointStyle: "line" },
          },
        },
        scales: { y: { title: { display: true, text: d.metric } } },
      },
    }),
  );
}
