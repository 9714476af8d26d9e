/** Revenue by year, baseline vs scenario, with the scenario's 95% band; updated in place as sliders move. */
import { Chart, track } from "./registry";

export interface RevenueData {
  baseline: number[];
  scenario: number[];
  lo?: number[] | null;
  hi?: number[] | null;
}

const labels = (h: number) => Array.from({ length: h }, (_, i) => `Year ${i + 1}`);
/** One formatter for every tick of every update (constructing an Intl.NumberFormat costs more than a redraw's arithmetic). */
const compact = new Intl.NumberFormat("en-US", { notation: "compact" });

export function renderRevenue(canvas: HTMLCanvasElement, d: RevenueData, animate = false): Chart {
  return track(
    new Chart(canvas, {
      type: "line",
      data: {
        labels: labels(d.baseline.length),
        datasets: [
          {
            label: "Scenario 95% band",
            data: d.hi ?? [],
            borderWidth: 0,
            pointRadius: 0,
            pointStyle: "rect",
            backgroundColor: "rgba(27,127,75,.18)",
            fill: "+1",
          },
          {
            label: "Scenario 95% band (low)",
            data: d.lo ?? [],
            borderWidth: 0,
            pointRadius: 0,
            backgroundColor: "rgba(27,127,75,.18)",
            fill: false,
          },
          { label: "Baseline", data: d.baseline, borderColor: "#5b6475", backgroundColor: "#5b6475", borderDash: [6, 4], borderWidth: 2 },
          { label: "Scenario", data: d.scenario, borderColor: "#1b7f4b", backgroundColor: "#1b7f4b", borderWidth: 2.5 },
        ],
      },
      options: {
        animation: animate ? undefined : false,
        interaction: { mode: "index", intersect: false },
        plugins: {
          legend: {
            position: "bottom",
            labels: { filter: (i) => !String(i.text).includes("(low)"), usePointStyle: true, pointStyle: "line" },
          },
          tooltip: { callbacks: { label: (c) => `${c.dataset.label}: $${Math.round(c.parsed.y as number).toLocaleString("en-US")}` } },
        },
        scales: {
          y: {
            title: { display: true, text: "Revenue (discounted)" },
            ticks: { callback: (v) => `$${compact.format(Number(v))}` },
          },
        },
      },
    }),
  );
}

/** Updates the chart's series without re-creating it (no animation); the year labels only when the horizon changes. */
export function updateRevenue(c: Chart, d: RevenueData): void {
  if (c.data.labels?.length !== d.baseline.length) c.data.labels = labels(d.baseline.length);
  c.data.datasets[2].data = d.baseline;
  c.data.datasets[3].data = d.scenario;
  if (d.lo !== undefined) c.data.datasets[1].data = d.lo ?? [];
  if (d.hi !== undefined) c.data.datasets[0].data = d.hi ?? [];
  c.update("none");
}
