/** Forest plot: each coefficient's estimate (point) and 95% interval (whiskers), with a zero line. */
import { errorBars } from "./errorbars";
import { Chart, track } from "./registry";

/** Axis limits covering all values with 5% padding. */
export function rangeOf(values: number[]): [number, number] {
  const v = values.filter(Number.isFinite);
  let lo = Math.min(...v),
    hi = Math.max(...v);
  if (!(hi > lo)) {
    lo -= 1;
    hi += 1;
  }
  const pad = 0.05 * (hi - lo);
  return [lo - pad, hi + pad];
}

export interface ForestRow {
  term: string;
  estimate: number;
  ci95: [number, number];
}

export function renderForest(canvas: HTMLCanvasElement, rows: ForestRow[], xLabel: string): Chart {
  const n = rows.length;
  const [lo, hi] = rangeOf(rows.flatMap((r) => [r.estimate, r.ci95[0], r.ci95[1], 0]));
  return track(
    new Chart(canvas, {
      type: "scatter",
      data: {
        datasets: [
          {
            label: "Zero (no effect)",
            data: [
              { x: 0, y: -0.6 },
              { x: 0, y: n - 0.4 },
            ],
            showLine: true,
            pointRadius: 0,
            borderColor: "#1d2433",
            borderWidth: 1.5,
            borderDash: [4, 3],
          },
          {
            label: "Estimate with 95% interval",
            data: rows.map((r, i) => ({ x: r.estimate, y: n - 1 - i })),
            backgroundColor: rows.map((r) => (r.ci95[0] > 0 || r.ci95[1] < 0 ? "#2455c3" : "#8a93a6")),
            pointRadius: 5,
            ci: rows.map((r) => r.ci95),
            ciAxis: "x",
          },
        ],
      },
      options: {
        animation: false,
        plugins: {
          legend: { display: false },
          tooltip: {
            filter: (c) => c.datasetIndex === 1,
            callbacks: {
              label: (c) => {
                const r = rows[n - 1 - (c.parsed.y as number)];
                return `${r.term}: ${r.estimate.toFixed(4)} [${r.ci95[0].toFixed(4)}, ${r.ci95[1].toFixed(4)}]`;
              },
            },
          },
        },
        scales: {
          y: {
            min: -0.6,
            max: n - 0.4,
            ticks: { stepSize: 1, autoSkip: false, callback: (v) => rows[n - 1 - Number(v)]?.term ?? "" },
            grid: { display: false },
          },
          x: {
            min: lo,
            max: hi,
            title: { display: true, text: xLabel },
            grid: { color: "rgba(0,0,0,.08)" },
          },
        },
      },
      plugins: [errorBars],
    }),
  );
}
