import { describe, expect, it } from "vitest";
import { makeRng } from "../../models/numeric/rng";
import { csatBand, npsGroup, segmentAccounts, tierEdges } from "../../models/clv/value-segments";

function accounts(n: number) {
  const rng = makeRng(4);
  const sat = new Float64Array(n),
    arr = new Float64Array(n),
    renewed = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    sat[i] = i % 17 === 0 ? NaN : Math.round(rng.uniform() * 100) / 10;
    arr[i] = 1000 + Math.round(rng.uniform() * 90_000);
    renewed[i] = i % 23 === 0 ? NaN : rng.uniform() < 0.5 + sat[i] / 25 ? 1 : 0;
  }
  return { sat, arr, renewed };
}

describe("segmentAccounts", () => {
  const { sat, arr, renewed } = accounts(1000);
  const r = segmentAccounts({ by: "nps", satisfaction: sat, arr, value: arr, renewed, tiers: 3 });
  it("cells add up to the matched total and revenue shares to 1", () => {
    // Matched = accounts with an NPS mean: every 17th has none (i = 0, 17, ..., 986: 59 accounts) -> 941.
    expect(r.totals.accounts).toBe(1000 - 59);
    expect(r.totals.unmatched).toBe(59);
    expect(r.cells.reduce((s, c) => s + c.accounts, 0)).toBe(r.totals.accounts);
    expect(r.cells.reduce((s, c) => s + c.revenueShare, 0)).toBeCloseTo(1, 12);
    expect(r.byGroup.reduce((s, c) => s + c.accounts, 0)).toBe(r.totals.accounts);
    expect(r.byTier.reduce((s, c) => s + c.revenueShare, 0)).toBeCloseTo(1, 12);
    expect(r.cells).toHaveLength(9);
  });
  it("groups and renewal rates counted independently here", () => {
    let nPro = 0,
      renPro = 0,
      nRenPro = 0,
      nDet = 0,
      renDet = 0,
      nRenDet = 0;
    for (let i = 0; i < 1000; i++) {
      if (Number.isNaN(sat[i])) continue;
      if (sat[i] >= 9) {
        nPro++;
        if (!Number.isNaN(renewed[i])) {
          nRenPro++;
          renPro += renewed[i];
        }
      }
      if (sat[i] < 7) {
        nDet++;
        if (!Number.isNaN(renewed[i])) {
          nRenDet++;
          renDet += renewed[i];
        }
      }
    }
    const pro = r.byGroup.find((c) => c.group === "promoter")!;
    const det = r.byGroup.find((c) => c.group === "detractor")!;
    expect(pro.accounts).toBe(nPro);
    expect(det.accounts).toBe(nDet);
    expect(pro.renewalRate).toBeCloseTo(renPro / nRenPro, 12);
    const d = renPro / nRenPro - renDet / nRenDet;
    // Wald interval for a difference of proportions.
    const p1 = renPro / nRenPro,
      p2 = renDet / nRenDet;
    const se = Math.sqrt((p1 * (1 - p1)) / nRenPro + (p2 * (1 - p2)) / nRenDet);
    expect(r.gap.renewalRateDiff!.estimate).toBeCloseTo(d, 12);
    expect(r.gap.renewalRateDiff!.ci95[0]).toBeCloseTo(d - 1.959964 * se, 5);
  });
  it("tier edges like pandas.qcut on 1..9: [1, 11/3, 19/3, 9]", () => {
    // numpy.quantile(range(1,10), [0, 1/3, 2/3, 1]) = [1, 3.6667, 6.3333, 9]
    const e = tierEdges([1, 2, 3, 4, 5, 6, 7, 8, 9], 3);
    expect(e[1]).toBeCloseTo(11 / 3, 12);
    expect(e[2]).toBeCloseTo(19 / 3, 12);
  });
  it("group labels: NPS 9-10 / 7-8 / 0-6 and CSAT top-two boxes", () => {
    expect([npsGroup(9), npsGroup(8.5), npsGroup(6.99)]).toEqual(["promoter", "passive", "detractor"]);
    expect([csatBand(4), csatBand(3), csatBand(2.5)]).toEqual(["satisfied", "neutral", "dissatisfied"]);
  });
});
