/** Score per group (segment, touchpoint…) as bars with 95% whiskers. */
import { errorBars } from "./errorbars";
import { rangeOf } from "./forest";
import { Chart, track } from "./registry";

export interface BreakdownData {
  labels: string[];
  values: (number | null)[];
  ci: (readonly number[] | null)[];
  metric: string;
}

export function renderBreakdown(canvas: HTMLCanvasElement, d: BreakdownData): Chart {
  const [lo, hi] = rangeOf([0, ...d.values.map((v) => v ?? 0), ...d.ci.flatMap((c) => (c ? [c[0], c[1]] : []))]);
  return track(
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: d.labels,
        datasets: [
          {
            label: d.metric,
            data: d.values,
            backgroundColor: d.values.map((v) => ((v ?? 0) >= 0 ? "rgba(36,85,195,.75)" : "rgba(180,35,24,.7)")),
            ci: d.ci,
          },
        ],
      },
      options: {
        animation: false,
        indexAxis: "y",
        plugins: { legend: { display: false } },
        scales: {
          x: {
            min: Math.floor(lo / 10) * 10,
            max: Math.ceil(hi / 10) * 10,
            title: { display: true, text: `${d.metric} (bars: score; whiskers: 95% interval)` },
          },
        },
      },
      plugins: [errorBars],
    }),
  );
}
