/** Number formatting for people: money, percentages, NPS points, intervals. Null-safe ("—"). */
import type { Scenario } from "./api-types";

const dash = "—";
const ok = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x);

// Formatters are built once (building an Intl.NumberFormat costs far more than formatting with it; the what-if formats
// a dozen numbers on every slider move).
const compactMoney = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 2 });
const wholeMoney = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const whole = new Intl.NumberFormat("en-US");
const fixed = new Map<number, Intl.NumberFormat>();

/** $1,234,567 (or $1.23M when compact). */
export function money(x: number | null | undefined, compact = false): string {
  if (!ok(x)) return dash;
  if (compact && Math.abs(x) >= 1e4) return (x < 0 ? "−$" : "$") + compactMoney.format(Math.abs(x));
  return (x < 0 ? "−$" : "$") + wholeMoney.format(Math.abs(x));
}

/** A fraction as a percentage: 0.1234 → "12.3%". */
export function pct(x: number | null | undefined, digits = 1): string {
  if (!ok(x)) return dash;
  return `${(x * 100).toFixed(digits).replace("-", "−")}%`;
}

/** A plain number with a fixed number of decimals. */
export function num(x: number | null | undefined, digits = 1): string {
  if (!ok(x)) return dash;
  let f = fixed.get(digits);
  if (!f) fixed.set(digits, (f = new Intl.NumberFormat("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits })));
  return f.format(x).replace("-", "−");
}

/** An integer with thousands separators. */
export function int(x: number | null | undefined): string {
  if (!ok(x)) return dash;
  return whole.format(Math.round(x)).replace("-", "−");
}

/** "95% CI [lo, hi]" using a formatter. */
export function ci(v: readonly number[] | null | undefined, f: (x: number) => string): string | null {
  if (!v || !ok(v[0]) || !ok(v[1])) return null;
  return `95% CI [${f(v[0])}, ${f(v[1])}]`;
}

/** A p-value in the statsmodels table style (0.000 when tiny). */
export function pval(p: number | null | undefined): string {
  if (!ok(p)) return dash;
  return p < 0.0005 ? "0.000" : p.toFixed(3);
}

/** A coefficient in the statsmodels table style (4 decimals, scientific when tiny or huge). */
export function coef(x: number | null | undefined): string {
  if (!ok(x)) return dash;
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-4 || a >= 1e6)) return x.toExponential(3);
  return x.toFixed(4);
}

/** Years, e.g. payback "1.35 years". */
export function years(x: number | null | undefined): string {
  if (!ok(x)) return "not within horizon";
  return `${x.toFixed(2)} years`;
}

const LEVER_WORDS: Record<string, (v: number) => string> = {
  npsScore: (v) => `NPS ${v >= 0 ? "+" : "−"}${Math.abs(v)} score points`,
  nps: (v) => `NPS ${v >= 0 ? "+" : "−"}${Math.abs(v)} on every 0-10 answer`,
  detractorsToPassives: (v) => `${Math.round(100 * v)}% of detractors → passives`,
  passivesToPromoters: (v) => `${Math.round(100 * v)}% of passives → promoters`,
  csatPp: (v) => `CSAT ${v >= 0 ? "+" : "−"}${Math.abs(v)} pp satisfied`,
  csat: (v) => `CSAT ${v >= 0 ? "+" : "−"}${Math.abs(v)} on every answer`,
};

/** "NPS 9.5 → 19.5, CSAT 61.9% → 61.9%": the scores before → after of a scenario. */
export function scoresText(s: Scenario): string {
  const out: string[] = [];
  const f = (v: number | null) => (v === null ? "—" : v.toFixed(1));
  if (s.scores.nps) out.push(`NPS ${f(s.scores.nps.before)} → ${f(s.scores.nps.after)}`);
  if (s.scores.csat) out.push(`CSAT ${f(s.scores.csat.before)}% → ${f(s.scores.csat.after)}%`);
  return out.join(", ") || "—";
}

/** "NPS +10 score points, CSAT +1 on every answer (Enterprise only)": the change of a scenario. */
export function changeText(s: Scenario): string {
  const c =
    Object.entries(s.request.change)
      .map(([k, v]) => LEVER_WORDS[k]?.(v) ?? `${k} ${v >= 0 ? "+" : "−"}${Math.abs(v)}`)
      .join(", ") || "no change";
  return s.segment ? `${c} (${s.segment} only)` : c;
}
