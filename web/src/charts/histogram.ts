/** A histogram of values (CLV, P(alive)) as a bar chart over equal-width bins. */
import { Chart, track } from "./registry";

/** Equal-width bins between min and max (the top bin closed). */
export function bins(values: number[], k = 20): { labels: string[]; counts: number[]; edges: number[] } {
  const v = values.filter(Number.isFinite);
  if (!v.length) return { labels: [], counts: [], edges: [] };
  let lo = Infinity, hi = -Infinity;
  for (const x of v) { if (x < lo) lo = x; if (x > hi) hi = x; }
  if (hi === lo) hi = lo + 1;
  const w = (hi - lo) / k;
  const counts = new Array(k).fill(0);
  for (const x of v) counts[Math.min(k - 1, Math.floor((x - lo) / w))]++;
  const edges = Array.from({ length: k + 1 }, (_, i) => lo + i * w);
  return { labels: counts.map((_, i) => `${fmt(edges[i])}–${fmt(edges[i + 1])}`), counts, edges };
}

const fmt = (x: number) => (Math.abs(x) >= 1000 ? Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 }).format(x) : Math.abs(x) >= 10 ? x.toFixed(0) : x.toFixed(2));

export function renderHistogram(canvas: HTMLCanvasElement, values: number[], xLabel: string, k = 20): Chart {
  const b = bins(values, k);
  return track(new Chart(canvas, {
    type: "bar",
    data: { labels: b.labels, datasets: [{ label: "Customers", data: b.counts, backgroundColor: "rgba(36,85,195,.75)", barPercentage: 1, categoryPercentage: 1 }] },
    options: {
      animation: false,
      plugins: { legend: { display: false } },
      scales: { x: { title: { display: true, text: xLabel }, ticks: { maxRotation: 60, autoSkip: true } }, y: { title: { display: true, text: "Customers" } } },
    },
  }));
}
