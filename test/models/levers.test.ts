import { describe, expect, it } from "vitest";
import {
  beyondObservedWarnings,
  csatAfterShift,
  npsAfterShift,
  observedSpread,
  resolveLevers,
  rowDelta,
} from "../../models/scenario/levers";
import { runScenario } from "../../models/scenario/scenario";

/** Example 1's responses (docs/methods.md#example-8): 200 promoters, 300 passives, 500 detractors. */
const example = (): number[] => {
  const c = new Array(11).fill(0);
  c[10] = 200;
  c[8] = 300;
  c[3] = 500;
  return c;
};
const counts = (nps: number[], csat: number[] = [0, 0, 0, 0, 0]) => ({ nps, csat, csatScale: 5 });

describe("score levers: docs/methods.md example 8", () => {
  it("10% of detractors to passives: NPS −30 → −25", () => {
    const r = resolveLevers({ detractorsToPassives: 0.1 }, counts(example()));
    expect(r.scores.nps!.before).toBe(-30);
    expect(r.scores.nps!.after).toBeCloseTo(-25, 12);
  });
  it("then 20% of the passives (350, with the moved detractors) to promoters: −18", () => {
    const r = resolveLevers({ detractorsToPassives: 0.1, passivesToPromoters: 0.2 }, counts(example()));
    expect(r.scores.nps!.after).toBeCloseTo(-18, 12);
    // Mean answer change by hand: 500 answers of 3 gain 0.1·4 + 0.1·0.2·2, 300 answers of 8 gain 0.2·1; over 1000.
    expect(r.meanAnswerChange.nps).toBeCloseTo((500 * (0.4 + 0.04) + 300 * 0.2) / 1000, 12);
    // The account rule gives an account of all-3 answers the same mean change.
    expect(rowDelta(3, 0, r.bands.nps)).toBeCloseTo(0.44, 12);
    expect(rowDelta(8, 0, r.bands.nps)).toBeCloseTo(0.2, 12);
    expect(rowDelta(9.5, 0, r.bands.nps)).toBe(0);
  });
});

describe("uniform shifts and their inversion", () => {
  it("a shift of whole points moves every answer; a fraction moves that share one point further", () => {
    // By hand: +1 makes 8s into 9s (300 promoters more) and 3s into 4s: NPS = (500 − 500)/1000 = 0.
    expect(npsAfterShift(example(), 1)).toBeCloseTo(0, 12);
    // +0.5: half of the 8s become promoters: (200 + 150 − 500)/1000 = −15.
    expect(npsAfterShift(example(), 0.5)).toBeCloseTo(-15, 12);
    // Capped at 10: 10s stay promoters for any positive shift.
    expect(npsAfterShift([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5], 3)).toBe(100);
  });
  it("npsScore +10 solves for the shift that gives exactly −20 on example 1 (1/3 point: a third of the 8s)", () => {
    const r = resolveLevers({ npsScore: 10 }, counts(example()));
    expect(r.scores.nps!.after).toBeCloseTo(-20, 8);
    expect(r.change.nps).toBeCloseTo(1 / 3, 8);
    expect(r.shift.nps).toBeCloseTo(1 / 3, 8);
  });
  it("csatPp +10 on 1-5 answers (40 of 100 satisfied) solves to a share of the 3s moving to 4", () => {
    const c = [10, 20, 30, 25, 15];
    expect(csatAfterShift(c, 0)).toBe(40);
    const r = resolveLevers({ csatPp: 10 }, counts(new Array(11).fill(0), c));
    expect(r.scores.csat!.after).toBeCloseTo(50, 8);
    // 10 of the 30 threes must become satisfied: shift 1/3.
    expect(r.change.csat).toBeCloseTo(1 / 3, 8);
  });
  it("rejects two NPS levers, a share over 1 and a score the scale cannot reach", () => {
    expect(() => resolveLevers({ nps: 1, npsScore: 1 }, counts(example()))).toThrow(/one NPS lever/);
    expect(() => resolveLevers({ passivesToPromoters: 2 }, counts(example()))).toThrow(/share from 0 to 1/);
    expect(() => resolveLevers({ npsScore: 131 }, counts(example()))).toThrow(/cannot reach/);
  });
});

describe("the scenario applies the band moves to each account", () => {
  it("an account at mean 5 with detractorsToPassives 0.5 is predicted at 6 (5 + 0.5·2)", () => {
    const base = {
      terms: ["Intercept", "nps"],
      beta: [-3, 0.5],
      cov: [
        [0, 0],
        [0, 0],
      ],
      X: new Float64Array([1, 5]),
      arr: new Float64Array([100]),
    };
    const money = { horizonYears: 2, annualDiscountRate: 0, grossMargin: 1, investment: 0, draws: 0 };
    const r = resolveLevers({ detractorsToPassives: 0.5 }, counts(example()));
    const a = runScenario({ ...base, ...money, change: r.change, bands: r.bands });
    const b = runScenario({ ...base, ...money, change: { nps: 1 } });
    const p = (eta: number) => 1 / (1 + Math.exp(-eta));
    expect(a.scenario.renewalRate).toBeCloseTo(p(-3 + 0.5 * 6), 12);
    expect(a.revenueGain).toBeCloseTo(b.revenueGain, 12);
  });
});

describe("the spread seen in the data", () => {
  it("is the gap between the best and worst group with enough answers, and a bigger move is flagged", () => {
    const g = (nps: number[]) => counts(nps);
    const spread = observedSpread({
      "segment A": g(example()),
      "segment B": g([0, 0, 0, 0, 0, 0, 0, 0, 500, 0, 500]),
      tiny: g([5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
    });
    // A: −30, B: +50 (500 promoters of 1000); "tiny" has 5 answers (< 30) and is ignored.
    expect(spread.nps).toEqual({ points: 80, best: "segment B", worst: "segment A" });
    expect(beyondObservedWarnings({ nps: { before: 0, after: 81 } }, spread).map((w) => w.code)).toEqual(["nps_beyond_observed"]);
    expect(beyondObservedWarnings({ nps: { before: 0, after: 79 } }, spread)).toEqual([]);
  });
});
