import { esc, money } from "./html";

/**
 * An inline SVG line chart of baseline vs scenario revenue by year, with the
 * scenario's 95% band as a shaded area. No script, prints as vectors.
 */
export function revenueChartSvg(
  baseline: number[],
  scenario: number[],
  band?: { lo: number[]; hi: number[] },
  width = 640,
  height = 260,
): string {
  const H = baseline.length;
  const pad = { l: 70, r: 20, t: 30, b: 36 };
  const all = [...baseline, ...scenario, ...(band ? [...band.lo, ...band.hi] : [])].filter(Number.isFinite);
  const max = Math.max(...all, 1);
  const min = Math.min(...all, 0) < 0 ? Math.min(...all) : 0;
  const w = width - pad.l - pad.r;
  const h = height - pad.t - pad.b;
  const x = (t: number) => pad.l + (H === 1 ? w / 2 : (t * w) / (H - 1));
  const y = (v: number) => pad.t + h - ((v - min) / (max - min || 1)) * h;
  const line = (vals: number[]) => vals.map((v, t) => `${t === 0 ? "M" : "L"}${x(t).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
  const ticks = 4;
  const grid = Array.from({ length: ticks + 1 }, (_, k) => {
    const v = min + ((max - min) * k) / ticks;
    return (
      `<line x1="${pad.l}" x2="${width - pad.r}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#ddd"/>` +
      `<text x="${pad.l - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" font-size="11">${esc(money(v))}</text>`
    );
  }).join("");
  const xl = baseline
    .map((_, t) => `<text x="${x(t).toFixed(1)}" y="${height - pad.b + 16}" text-anchor="middle" font-size="11">Year ${t + 1}</text>`)
    .join("");
  const area = band
    ? `<path d="${line(band.hi)} ${band.lo.map((v, t) => `L${x(H - 1 - t).toFixed(1)},${y(band.lo[H - 1 - t]).toFixed(1)}`).join(" ")} Z" fill="#1f6feb" fill-opacity="0.15" stroke="none"/>`
    : "";
  const dots = (vals: number[], color: string) =>
    vals.map((v, t) => `<circle cx="${x(t).toFixed(1)}" cy="${y(v).toFixed(1)}" r="3" fill="${color}"/>`).join("");
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Revenue by year: baseline and scenario">` +
    `${grid}${area}` +
    `<path d="${line(baseline)}" fill="none" stroke="#6e7781" stroke-width="2" stroke-dasharray="5 4"/>${dots(baseline, "#6e7781")}` +
    `<path d="${line(scenario)}" fill="none" stroke="#1f6feb" stroke-width="2.5"/>${dots(scenario, "#1f6feb")}` +
    `${xl}` +
    // Legend above the plot area, so it never covers the lines.
    `<g font-size="11"><line x1="${pad.l}" x2="${pad.l + 22}" y1="10" y2="10" stroke="#6e7781" stroke-width="2" stroke-dasharray="5 4"/>` +
    `<text x="${pad.l + 26}" y="14">Baseline</text>` +
    `<line x1="${pad.l + 92}" x2="${pad.l + 114}" y1="10" y2="10" stroke="#1f6feb" stroke-width="2.5"/>` +
    `<text x="${pad.l + 118}" y="14">Scenario${band ? " (band: 95% interval)" : ""}</text></g>` +
    `</svg>`
  );
}
