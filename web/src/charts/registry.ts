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

/**
 * A canvas inside a sized box, with an accessible name, and under it a "Download PNG" button (the chart as drawn,
 * on white, named after the label).
 */
export function canvasBox(label: string, cls = "chart"): { box: HTMLDivElement; canvas: HTMLCanvasElement } {
  const canvas = document.createElement("canvas");
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", label);
  const sized = document.createElement("div");
  sized.className = cls;
  sized.appendChild(canvas);
  const png = document.createElement("button");
  png.type = "button";
  png.className = "link small png-download no-print";
  png.textContent = "Download PNG";
  png.setAttribute("aria-label", `Download the chart “${label}” as PNG`);
  png.addEventListener("click", () => downloadPng(canvas, label));
  const box = document.createElement("div");
  box.className = "chart-box";
  box.append(sized, png);
  return { box, canvas };
}

/** Saves a canvas as a PNG file on a white background. */
export function downloadPng(canvas: HTMLCanvasElement, label: string): void {
  const out = document.createElement("canvas");
  out.width = canvas.width;
  out.height = canvas.height;
  const ctx = out.getContext("2d")!;
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.drawImage(canvas, 0, 0);
  const a = document.createElement("a");
  a.href = out.toDataURL("image/png");
  a.download = `${
    label
      .replace(/[^A-Za-z0-9]+/g, "-")
      .replace(/^-|-$/g, "")
      .toLowerCase() || "chart"
  }.png`;
  document.body.appendChild(a);
  a.click();
  a.remove();
}

export { Chart };
