/** Shapes of GET .../metrics (docs/api.md#metrics) and helpers to read them. */

export interface NpsM {
  score: number | null;
  promoters: number;
  passives: number;
  detractors: number;
  n: number;
  ci95: [number, number] | null;
}
export interface CsatM {
  score: number | null;
  mean: number | null;
  n: number;
  ci95: [number, number] | null;
}
export interface CesM {
  mean: number | null;
  n: number;
  ci95: [number, number] | null;
}
export interface M {
  nps: NpsM;
  csat: CsatM;
  ces: CesM;
}
export interface Metrics {
  overall: M;
  groups: ({ key: string } & M)[];
  benchmarks?: unknown;
}

/** Industry NPS averages (docs/methods.md#benchmarks), used only when the API sends none. */
const DOMAIN_NPS: Record<string, number> = {
  "Auto dealers": 39,
  Hotels: 33,
  Banks: 21,
  "Department and specialty stores": 62,
  Software: 34,
  Laptops: 43,
};

/**
 * Industry NPS benchmarks from the metrics answer, whatever its nesting
 * (`{nps: {industry: score}}`, `{industry: score}`, or a list of `{industry|name|label, nps|score|value}`).
 */
export function npsBenchmarks(b: unknown): { label: string; value: number }[] {
  const out: { label: string; value: number }[] = [];
  const visit = (x: unknown, depth: number) => {
    if (!x || depth > 3) return;
    if (Array.isArray(x)) {
      for (const it of x) {
        const o = it as Record<string, unknown>;
        const label = o?.industry ?? o?.name ?? o?.label;
        const value = o?.nps ?? o?.score ?? o?.value ?? o?.averageNps;
        if (typeof label === "string" && typeof value === "number") out.push({ label, value });
      }
      return;
    }
    if (typeof x === "object") {
      const o = x as Record<string, unknown>;
      const inner = o.npsIndustryAverages ?? o.nps ?? o.npsByIndustry ?? o.industryNps ?? o.industries;
      if (inner) {
        visit(inner, depth + 1);
        return;
      }
      for (const [k, v] of Object.entries(o))
        if (typeof v === "number" && !/csat|leader|average|excellent|good|urgent/i.test(k)) out.push({ label: k, value: v });
    }
  };
  visit(b, 0);
  return out.length
    ? out.map((o) => ({ ...o, label: o.label.charAt(0).toUpperCase() + o.label.slice(1) }))
    : Object.entries(DOMAIN_NPS).map(([label, value]) => ({ label, value }));
}
