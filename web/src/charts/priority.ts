/** Journey stages ranked by priority: horizontal bars of ARR at risk, labelled by rank. */
import { Chart, track } from "./registry";

export interface PriorityRow {
  label: string;
  arrAtRisk: number;
  importanceShare: number | null;
}

export function renderPriority(canvas: HTMLCanvasElement, rows: PriorityRow[]): Chart {
  return track(
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: rows.map((r) => r.label),
        datasets: [
          { label: "ARR at risk", data: rows.map((r) => r.arrAtRisk), backgroundColor: "rgba(180,35,24,.7)", xAxisID: "x" },
          {
            label: "Importance (share of explained renewal)",
            data: rows.map((r) => r.importanceShare ?? 0),
            backgroundColor: "rgba(36,85,195,.7)",
            xAxisID: "x2",
          },
        ],
      },
      options: {
        animation: false,
        indexAxis: "y",
        plugins: { legend: { position: "bottom" } },
        scales: {
          x: {
            position: "bottom",
            title: { display: true, text: "ARR at risk" },
            ticks: { callback: (v) => `$${Intl.NumberFormat("en-US", { notation: "compact" }).format(Number(v))}` },
          },
          x2: {
            position: "top",
            min: 0,
            title: { display: true, text: "Importance share" },
            grid: { display: false },
            ticks: { callback: (v) => `${Math.round(Number(v) * 100)}%` },
          },
        },
      },
    }),
  );
}
