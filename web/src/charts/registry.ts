/** chart.js set-up (tree-shaken registration) and the charts of the current screen, destroyed on navigation. */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  ScatterController,
  Tooltip,
} from "chart.js";

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  ScatterController,
  Tooltip,
);
Chart.defaults.font.family = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
Chart.defaults.maintainAspectRatio = false;

const live = new Set<{ destroy(): void }>();

/** Keeps a chart so it can be destroyed when the screen changes. */
export function track<T extends { destroy(): void }>(c: T): T {
  live.add(c);
  return c;
}

const leaving: (() => void)[] = [];

/** Runs `fn` when the user leaves the current screen (e.g. terminate a Web Worker). */
export function onLeave(fn: () => void): void {
  leaving.push(fn);
}

/** Destroys the current screen's charts and runs its leave hooks. */
export function destroyCharts(): void {
  for (const c of live) c.destroy();
  live.clear();
  for (const fn of leaving.splice(0)) fn();
}

/** A canvas inside a sized box, with an accessible name. */
export function canvasBox(label: string, cls = "chart"): { box: HTMLDivElement; canvas: HTMLCanvasElement } {
  const canvas = document.createElement("canvas");
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", label);
  const box = document.createElement("div");
  box.className = cls;
  box.appendChild(canvas);
  return { box, canvas };
}

export { Chart };
