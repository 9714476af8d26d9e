/** A saved scenario as GET .../scenarios answers it (docs/api.md#scenarios). */
export interface Side {
  renewalRate: number;
  revenue: number;
  revenueByYear: number[];
}
export interface Scenario {
  id: string;
  name: string;
  modelId: string;
  segment?: string | null;
  createdAt?: string;
  request?: {
    change: Record<string, number>;
    horizonYears: number;
    annualDiscountRate: number;
    grossMargin: number;
    investment: number;
    draws?: number;
    seed?: number;
  };
  baseline: Side;
  scenario: Side;
  revenueGain: number;
  marginGain: number;
  roi: number | null;
  npv: number;
  paybackYears: number | null;
  ci95: { revenueGain: [number, number]; roi: [number, number] | null; marginGain?: [number, number]; npv?: [number, number] } | null;
  bandByYear?: { lo: number[]; hi: number[] };
  draws: number;
  seed: number;
  accounts?: number;
  assumptions?: string[];
  scores?: { nps?: { before: number | null; after: number | null }; csat?: { before: number | null; after: number | null } };
  warnings?: { code: string; message: string }[];
}

const LEVER_WORDS: Record<string, (v: number) => string> = {
  npsScore: (v) => `NPS ${v >= 0 ? "+" : "−"}${Math.abs(v)} score points`,
  nps: (v) => `NPS ${v >= 0 ? "+" : "−"}${Math.abs(v)} on every 0-10 answer`,
  detractorsToPassives: (v) => `${Math.round(100 * v)}% of detractors → passives`,
  passivesToPromoters: (v) => `${Math.round(100 * v)}% of passives → promoters`,
  csatPp: (v) => `CSAT ${v >= 0 ? "+" : "−"}${Math.abs(v)} pp satisfied`,
  csat: (v) => `CSAT ${v >= 0 ? "+" : "−"}${Math.abs(v)} on every answer`,
};

/** "NPS 9.5 → 19.5, CSAT 61.9% → 61.9%": the scores before → after, or "—" for a scenario saved without them. */
export function scoresText(s: Scenario): string {
  const out: string[] = [];
  const f = (v: number | null) => (v === null ? "—" : v.toFixed(1));
  if (s.scores?.nps) out.push(`NPS ${f(s.scores.nps.before)} → ${f(s.scores.nps.after)}`);
  if (s.scores?.csat) out.push(`CSAT ${f(s.scores.csat.before)}% → ${f(s.scores.csat.after)}%`);
  return out.join(", ") || "—";
}

/** "NPS +10 score points, CSAT +1 on every answer (Enterprise only)". */
export function changeText(s: Scenario): string {
  const c =
    Object.entries(s.request?.change ?? {})
      .map(([k, v]) => LEVER_WORDS[k]?.(v) ?? `${k} ${v >= 0 ? "+" : "−"}${Math.abs(v)}`)
      .join(", ") || "no change";
  return s.segment ? `${c} (${s.segment} only)` : c;
}
