/** Share of a cohort still a customer after each renewal period, one line per satisfaction group (sBG). */
import { Chart, track } from "./registry";

const COLORS: Record<string, string> = {
  all: "#1d2433",
  promoter: "#1b7f4b",
  passive: "#a15c07",
  detractor: "#b42318",
  satisfied: "#1b7f4b",
  neutral: "#a15c07",
  dissatisfied: "#b42318",
};

export function renderSurvival(canvas: HTMLCanvasElement, groups: { group: string; survival: number[] }[], periodMonths: number): Chart {
  // survival[t] = S(t) for t = 0..horizon periods (S(0) = 1).
  const n = Math.max(...groups.map((g) => g.survival.length)) - 1;
  return track(
    new Chart(canvas, {
      type: "line",
      data: {
        labels: Array.from({ length: n + 1 }, (_, t) => (periodMonths === 12 ? `Year ${t}` : `${t * periodMonths} mo`)),
        datasets: groups.map((g) => ({
          label: g.group,
          data: g.survival,
          borderColor: COLORS[g.group] ?? "#2455c3",
          backgroundColor: COLORS[g.group] ?? "#2455c3",
          borderWidth: g.group === "all" ? 2.5 : 2,
          borderDash: g.group === "all" ? [6, 4] : [],
          pointRadius: 2,
        })),
      },
      options: {
        animation: false,
        plugins: {
          legend: { position: "bottom", labels: { usePointStyle: true, pointStyle: "line" } },
          tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${((c.parsed.y as number) * 100).toFixed(1)}%` } },
        },
        scales: {
          y: {
            min: 0,
            max: 1,
            title: { display: true, text: "Still a customer" },
            ticks: { callback: (v) => `${Math.round(Number(v) * 100)}%` },
          },
        },
      },
    }),
  );
}
