import { readFileSync } from "node:fs";
import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import { symmetricEigen } from "../../models/numeric/eigen";
import { ModelError } from "../../models/numeric/errors";
import { fitRegression, type LinearFit } from "../../models/regression/fit";
import { relativeWeights } from "../../models/regression/relative-weights";

function telco() {
  const parsed = Papa.parse<string[]>(readFileSync("/work/shared/datasets/telco/telco_cx.csv", "utf8"), { skipEmptyLines: true });
  const [head, ...rows] = parsed.data;
  const col = (name: string) => rows.map((r) => Number(r[head.indexOf(name)]));
  const names = ["total_revenue", "tenure_months", "monthly_charge", "satisfaction_score", "age", "number_of_referrals"];
  return Object.fromEntries(names.map((n) => [n, col(n)]));
}

describe("Johnson's relative weights", () => {
  it("IBM Telco total_revenue drivers match an independent SVD computation", () => {
    // Independent computation with numpy 1.24 following Johnson (2000) literally via the SVD of the
    // standardised X (X = PΔQᵀ, Z = PQᵀ, Λ = QΔQᵀ, β = lstsq(Z, y), ε = Λ²β²), not the eigen route used here:
    //   [0.581830043106058, 0.2512359925075, 0.014491809351076, 0.001460577735234, 0.031834371301063], sum 0.8808527940009319
    // and statsmodels OLS R² = 0.8808527940009313.
    const data = telco();
    const predictors = ["tenure_months", "monthly_charge", "satisfaction_score", "age", "number_of_referrals"];
    const r = relativeWeights({ data, outcome: "total_revenue", predictors });
    const expected = [0.581830043106058, 0.2512359925075, 0.014491809351076, 0.001460577735234, 0.031834371301063];
    r.weights.forEach((w, j) => expect(Math.abs(w.weight - expected[j])).toBeLessThan(1e-12));
    expect(r.rSquared).toBeCloseTo(0.8808527940009319, 12);
    expect(r.weights.map((w) => w.rank)).toEqual([1, 2, 4, 5, 3]);
    expect(r.weights.reduce((s, w) => s + w.share, 0)).toBeCloseTo(1, 12);
    // The weights sum to the OLS R² of the same model (Johnson 2000, property 1).
    const ols = fitRegression({ kind: "linear", data, outcome: "total_revenue", predictors });
    expect(r.weights.reduce((s, w) => s + w.weight, 0)).toBeCloseTo((ols.fit as LinearFit).rSquared, 12);
  });
  it("uncorrelated predictors get their squared correlation with the outcome", () => {
    // Johnson (2000): with orthogonal predictors the relative weight equals r²(x_j, y).
    const x1 = [1, -1, 1, -1, 1, -1, 1, -1];
    const x2 = [1, 1, -1, -1, 1, 1, -1, -1];
    const y = [3, 1, 2, -1, 4, 0, 1, -2];
    const r = relativeWeights({ data: { y, x1, x2 }, outcome: "y", predictors: ["x1", "x2"] });
    const corr = (a: number[], b: number[]) => {
      const ma = a.reduce((s, v) => s + v) / a.length,
        mb = b.reduce((s, v) => s + v) / b.length;
      let sab = 0,
        saa = 0,
        sbb = 0;
      a.forEach((v, i) => {
        sab += (v - ma) * (b[i] - mb);
        saa += (v - ma) ** 2;
        sbb += (b[i] - mb) ** 2;
      });
      return sab / Math.sqrt(saa * sbb);
    };
    expect(r.weights[0].weight).toBeCloseTo(corr(x1, y) ** 2, 14);
    expect(r.weights[1].weight).toBeCloseTo(corr(x2, y) ** 2, 14);
  });
  it("names collinear predictors", () => {
    const x1 = [1, 2, 3, 4, 5, 6];
    const x2 = x1.map((v) => 2 * v + 1);
    try {
      relativeWeights({ data: { y: [1, 3, 2, 5, 4, 6], x1, x2, x3: [1, 0, 1, 1, 0, 0] }, outcome: "y", predictors: ["x1", "x2", "x3"] });
      throw new Error("expected an error");
    } catch (e) {
      expect((e as ModelError).code).toBe("collinear_predictors");
      expect((e as ModelError).terms).toEqual(["x1", "x2"]);
    }
  });
  it("Jacobi eigendecomposition reconstructs the matrix", () => {
    const m = Float64Array.of(4, 1, 2, 1, 3, 0.5, 2, 0.5, 5);
    const { values, vectors } = symmetricEigen(m, 3);
    for (let a = 0; a < 3; a++)
      for (let b = 0; b < 3; b++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += vectors[a * 3 + k] * values[k] * vectors[b * 3 + k];
        expect(s).toBeCloseTo(m[a * 3 + b], 13);
      }
  });
});
