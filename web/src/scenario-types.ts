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
}

/** "NPS +1, CSAT +0.5 (Enterprise only)". */
export function changeText(s: Scenario): string {
  const c =
    Object.entries(s.request?.change ?? {})
      .map(([k, v]) => `${k.toUpperCase()} ${v >= 0 ? "+" : "−"}${Math.abs(v)}`)
      .join(", ") || "no change";
  return s.segment ? `${c} (${s.segment} only)` : c;
}
