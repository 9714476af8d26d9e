import { describe, expect, it } from "vitest";
import { cesDifference, csatDifference, npsDifference } from "../../models/survey/compare";
import { moments } from "../../models/survey/metrics";

describe("compare periods: differences with 95% intervals", () => {
  it("CSAT: Newcombe's hybrid score interval (Newcombe 1998, Stat Med 17:873, Table II: 56/70 − 48/80 → 0.0524 to 0.3339)", () => {
    const d = csatDifference({ positive: 56, n: 70 }, { positive: 48, n: 80 });
    expect(d.difference).toBeCloseTo(20, 10);
    expect(d.ci95![0]).toBeCloseTo(5.24, 2);
    expect(d.ci95![1]).toBeCloseTo(33.39, 2);
    expect(d.verdict).toBe("more than noise");
    expect(d.statement).toMatch(/more than noise/);
  });

  it("NPS: normal interval from var(NPS/100) = (p + d − (p − d)²)/n per period (by hand: 20 ± 1.95996·100·√0.013)", () => {
    const d = npsDifference({ promoters: 50, passives: 30, detractors: 20 }, { promoters: 40, passives: 30, detractors: 30 });
    // 0.0061 + 0.0069 = 0.013; 100·√0.013 = 11.40175; × 1.959964 = 22.34702.
    expect(d.difference).toBeCloseTo(20, 10);
    expect(d.ci95![0]).toBeCloseTo(-2.34702, 4);
    expect(d.ci95![1]).toBeCloseTo(42.34702, 4);
    expect(d.verdict).toBe("within noise");
    expect(d.statement).toMatch(/within noise.*could be chance/);
  });

  it("CES: Welch's interval (scipy.stats.ttest_ind(equal_var=False).confidence_interval: 0.714908 to 2.785092)", () => {
    const d = cesDifference(moments([5, 6, 7, 5, 6, 4, 7, 6]), moments([3, 4, 5, 4, 3, 5, 4]));
    expect(d.difference).toBeCloseTo(1.75, 12);
    expect(d.ci95![0]).toBeCloseTo(0.7149082084478182, 8);
    expect(d.ci95![1]).toBeCloseTo(2.7850917915521816, 8);
  });

  it("no answers in a period: no difference, and the statement says so", () => {
    const d = npsDifference({ promoters: 1, passives: 0, detractors: 0 }, { promoters: 0, passives: 0, detractors: 0 });
    expect(d.difference).toBeNull();
    expect(d.verdict).toBeNull();
    expect(d.statement).toMatch(/Not enough answers/);
  });
});
