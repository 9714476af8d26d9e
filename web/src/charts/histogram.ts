/** A histogram of values (CLV, P(alive)) as a bar chart over equal-width bins. */
import { Chart, track } from "./registry";

/**
 * Equal-width bins between the minimum and the `cap` quantile (default: the maximum); values above the cap
 * go into the top bin, labelled "≥ …", so one long tail does not squash the chart.
 */
export function bins(values: number[], k = 20, cap = 1): { labels: string[]; counts: number[]; edges: number[] } {
  const v = values.filter(Number.isFinite);
  if (!v.length) return { labels: [], counts: [], edges: [] };
  const sorted = [...v].sort((a, b) => a - b);
  const lo = sorted[0];
  let hi = sorted[Math.min(sorted.length - 1, Math.floor(cap * (sorted.length - 1)))];
  const capped = hi < sorted[sorted.length - 1];
  if (hi === lo) hi = lo + 1;
  const w = (hi - lo) / k;
  const counts = new Array(k).fill(0);
  for (const x of v) counts[Math.min(k - 1, Math.floor((x - lo) / w))]++;
  const edges = Array.from({ length: k + 1 }, (_, i) => lo + i * w);
  const labels = counts.map((_, i) => (capped && i === k - 1 ? `≥ ${fmt(edges[i])}` : `${fmt(edges[i])}–${fmt(edges[i + 1])}`));
  return { labels, counts, edges };
}

const fmt = (x: number) =>
  Math.abs(x) >= 1000
    ? Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 }).format(x)
    : Math.abs(x) >= 10
      ? x.toFixed(0)
      : x.toFixed(2);

export function renderHistogram(canvas: HTMLCanvasElement, values: number[], xLabel: string, k = 20, cap = 1): Chart {
  const b = bins(values, k, cap);
  return track(
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: b.labels,
        datasets: [{ label: "Customers", data: b.counts, backgroundColor: "rgba(36,85,195,.75)", barPercentage: 1, categoryPercentage: 1 }],
      },
      options: {
        animation: false,
        plugins: { legend: { display: false } },
        scales: {
          x: { title: { display: true, text: xLabel }, ticks: { maxRotation: 60, autoSkip: true } },
          y: { title: { display: true, text: "Customers" } },
        },
      },
    }),
  );
}
