import { describe, expect, it } from "vitest";
import { churnRate, programRoi, renewalUplift, roi, sampleSize, simpleClv } from "../../models/scenario/calculators";
import { ModelError } from "../../models/numeric/errors";
import { npsFromCounts } from "../../models/survey/metrics";

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as ModelError).code;
  }
  return "none";
};

describe("worked examples (docs/methods.md)", () => {
  it("1: 200 promoters, 300 passives, 500 detractors → NPS −30", () => {
    expect(npsFromCounts(200, 300, 500).score).toBe(-30);
  });
  it("2: 65% promoters, 12% detractors → NPS 53", () => {
    expect(npsFromCounts(65, 23, 12).score).toBe(53);
  });
  it("3: 40% promoters, 30% detractors → NPS 10", () => {
    // Exactly 10, as the example says (computed from the counts, not from 0.4 − 0.3).
    expect(npsFromCounts(40, 30, 30).score).toBe(10);
  });
  it("4: σ 1.4, margin ±0.5 at z 1.96 → n 31 (30.1); ±0.25 → 121 (120.5)", () => {
    expect(sampleSize({ sigma: 1.4, margin: 0.5, z: 1.96 }).n).toBe(31);
    expect(sampleSize({ sigma: 1.4, margin: 0.5, z: 1.96 }).exact).toBeCloseTo(30.1, 1);
    expect(sampleSize({ sigma: 1.4, margin: 0.25, z: 1.96 }).n).toBe(121);
    expect(sampleSize({ sigma: 1.4, margin: 0.25, z: 1.96 }).exact).toBeCloseTo(120.5, 1);
    // Same with the exact 95% quantile instead of 1.96.
    expect(sampleSize({ sigma: 1.4, margin: 0.5, confidence: 0.95 }).n).toBe(31);
    expect(sampleSize({ sigma: 1.4, margin: 0.25 }).n).toBe(121);
    // A whole-number result is not pushed up by rounding: (2·3/1)² = 36.
    expect(sampleSize({ sigma: 3, margin: 1, z: 2 }).n).toBe(36);
  });
  it("5: 400 customers, 380 still there → churn 5%", () => {
    expect(churnRate({ start: 400, retained: 380 }).churnRate).toBe(0.05);
    expect(churnRate({ start: 400, retained: 380 }).retentionRate).toBe(0.95);
  });
  it("6: $100K portal saving $150K → cost reduction ROI 50%", () => {
    expect(roi({ kind: "cost", gain: 150_000, investment: 100_000 }).roi).toBe(0.5);
  });
  it("7: +6 renewal points on 10,000 × $12,000 → $19,872,000 revenue, $15,897,600 margin, ROI 694.88%", () => {
    const r = renewalUplift({
      accounts: 10_000,
      arr: 12_000,
      baselineRenewal: 0.85,
      renewalLift: 0.06,
      horizonYears: 3,
      grossMargin: 0.8,
      discountRate: 0,
      investment: 2_000_000,
    });
    // Exactly, as the example prints them (outputs are tidied to 12 significant digits: models/numeric/precision.ts).
    expect(r.revenueGain).toBe(19_872_000);
    expect(r.marginGain).toBe(15_897_600);
    expect(r.roi).toBe(6.9488);
    // docs/methods.md#payback: npv = discounted gain − investment; payback = 1 + 2,000,000 / 5,760,000
    // (year 2's margin gain 10,000 × 12,000 × 0.06 × 0.8).
    expect(r.npv).toBe(13_897_600);
    expect(r.paybackYears!).toBeCloseTo(1 + 2_000_000 / 5_760_000, 11);
    expect(r.scenarioRenewal).toBe(0.91);
  });
});

describe("other calculators", () => {
  it("subscription and transactional CLV by the simple formulas", () => {
    // ARPU 100/month × 24 months − (CAC 300 + CRC 200) = 1,900; CLV/CAC = 6.33.
    const s = simpleClv({ kind: "subscription", arpuMonthly: 100, monthsRetained: 24, cac: 300, crc: 200 });
    expect(s.clv).toBe(1900);
    expect(s.clvToCac!).toBeCloseTo(1900 / 300, 10); // 12 significant digits (models/numeric/precision.ts)
    // 2 transactions/month × $50 × 40% × 24 months = 960.
    expect(
      simpleClv({ kind: "transactional", transactionsPerMonth: 2, averageOrderValue: 50, grossMargin: 0.4, lifespanMonths: 24 }).clv,
    ).toBe(960);
  });
  it("programme ROI with overlap: gain (1 − overlap)·Σgain, investment Σinvestment", () => {
    const r = programRoi(
      [
        { name: "portal", gain: 150_000, investment: 100_000 },
        { name: "training", gain: 90_000, investment: 50_000 },
      ],
      0.2,
    );
    expect(r.initiatives.map((i) => i.roi)).toEqual([0.5, 0.8]);
    expect(r.program.gain).toBe(192_000);
    expect(r.program.investment).toBe(150_000);
    expect(r.program.roi).toBe(0.28);
  });
  it("discounting lowers NPV; payback is null when the horizon does not recover the investment", () => {
    const base = {
      accounts: 10_000,
      arr: 12_000,
      baselineRenewal: 0.85,
      renewalLift: 0.06,
      horizonYears: 3,
      grossMargin: 0.8,
      investment: 2_000_000,
    };
    const d = renewalUplift({ ...base, discountRate: 0.1 });
    // Year 2 gain 5,760,000 / 1.1 and year 3 gain 10,137,600 / 1.21, by hand.
    expect(d.marginGain).toBeCloseTo(5_760_000 / 1.1 + (0.8 * 120_000_000 * (0.91 ** 2 - 0.85 ** 2)) / 1.21, 4);
    expect(renewalUplift({ ...base, discountRate: 0, horizonYears: 1 }).paybackYears).toBeNull();
  });
  it("bad input is a named invalid_input", () => {
    expect(code(() => sampleSize({ sigma: 0, margin: 1 }))).toBe("invalid_input");
    expect(code(() => churnRate({ start: 10, retained: 11 }))).toBe("invalid_input");
    expect(code(() => roi({ kind: "revenue", gain: 1, investment: 0 }))).toBe("invalid_input");
    expect(code(() => programRoi([], 0))).toBe("invalid_input");
    expect(
      code(() =>
        renewalUplift({
          accounts: 1,
          arr: 1,
          baselineRenewal: 0.99,
          renewalLift: 0.05,
          horizonYears: 3,
          grossMargin: 0.8,
          discountRate: 0,
          investment: 1,
        }),
      ),
    ).toBe("invalid_input");
  });
});
