/** Mean CLV per customer by satisfaction group, with 95% interval whiskers. */
import { errorBars } from "./errorbars";
import { Chart, track } from "./registry";

export function renderClvGroups(
  canvas: HTMLCanvasElement,
  groups: { group: string; meanClv: number | null; meanClvCi95: readonly number[] | null }[],
  horizonMonths: number,
): Chart {
  return track(
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: groups.map((g) => g.group),
        datasets: [
          {
            label: `Mean CLV per customer ($, ${horizonMonths} months, discounted) with 95% interval`,
            data: groups.map((g) => g.meanClv ?? NaN),
            backgroundColor: "#2455c3",
            ci: groups.map((g) => g.meanClvCi95),
          },
        ],
      },
      options: {
        animation: false,
        plugins: { legend: { position: "bottom" } },
        scales: { y: { beginAtZero: true, title: { display: true, text: "$ per customer" } } },
      },
      plugins: [errorBars],
    }),
  );
}
