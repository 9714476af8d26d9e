import { describe, expect, it } from "vitest";
import { trendLine } from "../../web/src/charts/trend-line";

/** Closed-form least-squares slope and intercept (Σ(x−x̄)(y−ȳ) / Σ(x−x̄)²), written here independently of the library. */
function closedForm(values: (number | null)[]) {
  const pts = values.flatMap((v, i) => (v === null ? [] : [[i, v] as const]));
  const mx = pts.reduce((s, [x]) => s + x, 0) / pts.length;
  const my = pts.reduce((s, [, y]) => s + y, 0) / pts.length;
  const slope = pts.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0) / pts.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return { slope, intercept: my - slope * mx };
}

describe("dashboard trend line (ml-regression-multivariate-linear)", () => {
  it("equals the closed-form least-squares line, skipping periods without a score", () => {
    const scores = [12.5, null, 18.1, 15.2, 21.9, null, 24.4, 23.0];
    const t = trendLine(scores)!;
    const c = closedForm(scores);
    expect(Math.abs(t.slope - c.slope)).toBeLessThan(1e-10);
    t.points.forEach((p, i) => expect(Math.abs(p - (c.intercept + c.slope * i))).toBeLessThan(1e-9));
  });
  it("needs three scored periods", () => {
    expect(trendLine([10, null, 12])).toBeNull();
    expect(trendLine([10, 11, 12])!.slope).toBeCloseTo(1, 12); // exact line: slope 1
  });
});
