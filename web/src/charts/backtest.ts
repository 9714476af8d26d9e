/** Back-test: predicted (with 95% whiskers), actual and naive-baseline renewed ARR per split window, as grouped bars. */
import { errorBars } from "./errorbars";
import { Chart, track } from "./registry";

export interface BacktestBars {
  labels: string[];
  predicted: (number | null)[];
  ci: (readonly number[] | null)[];
  actual: number[];
  baseline: (number | null)[];
}

export function renderBacktest(canvas: HTMLCanvasElement, d: BacktestBars): Chart {
  const money = (v: number) => "$" + new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 2 }).format(v);
  return track(
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: d.labels,
        datasets: [
          { label: "Predicted (whiskers: 95% interval)", data: d.predicted, backgroundColor: "rgba(36,85,195,.8)", ci: d.ci },
          { label: "Actual", data: d.actual, backgroundColor: "rgba(29,36,51,.75)" },
          { label: "Naive baseline (last period's renewal rate)", data: d.baseline, backgroundColor: "rgba(138,147,166,.6)" },
        ],
      },
      options: {
        animation: false,
        plugins: {
          legend: { position: "bottom" },
          tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${money(c.parsed.y ?? 0)}` } },
        },
        scales: {
          y: {
            beginAtZero: true,
            ticks: { callback: (v) => money(Number(v)) },
            title: { display: true, text: "Renewed ARR ($)" },
          },
        },
      },
      plugins: [errorBars],
    }),
  );
}
