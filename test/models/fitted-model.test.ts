import { describe, expect, it } from "vitest";
import { ModelError } from "../../models/numeric/errors";
import { fitRegression } from "../../models/regression/fit";
import { loadModel, predict } from "../../models/regression/model";
import { ucla } from "./published-data";

/** A stored model as the worker writes it: the fit with its translation and validation, through JSON. */
const fit = fitRegression({ kind: "logistic", data: ucla(), outcome: "admit", predictors: ["gre", "gpa", "rank"] });
const stored = JSON.stringify({ ...fit, translation: [], validation: { method: "holdout", seed: 1, nTrain: 320, nTest: 80 } });

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ModelError);
    return (e as ModelError).code;
  }
  throw new Error("expected a ModelError");
}

describe("loadModel / predict: one typed fitted model", () => {
  it("predict on a reloaded model reproduces UCLA's predicted probabilities", () => {
    // UCLA IDRE "Logit regression | R data analysis examples": predict(mylogit, newdata1, type = "response") at
    // gre = 587.7, gpa = 3.3899 for rank 1..4 gives 0.5166016, 0.3522846, 0.2186120, 0.1846684.
    const m = loadModel(stored);
    expect(m.terms).toEqual(["Intercept", "gre", "gpa", "rank[T.2]", "rank[T.3]", "rank[T.4]"]);
    const X = Float64Array.from(
      [
        [1, 587.7, 3.3899, 0, 0, 0],
        [1, 587.7, 3.3899, 1, 0, 0],
        [1, 587.7, 3.3899, 0, 1, 0],
        [1, 587.7, 3.3899, 0, 0, 1],
      ].flat(),
    );
    const p = predict(m, X);
    [0.5166016, 0.3522846, 0.218612, 0.1846684].forEach((v, i) => expect(p[i]).toBeCloseTo(v, 5));
  });
  it("a linear model predicts x·β (hand-computed)", () => {
    const coefficients = [1, 2].map((estimate, j) => ({
      term: `t${j}`,
      estimate,
      stdError: null,
      statistic: null,
      pValue: null,
      ci95: null,
    }));
    expect(Array.from(predict({ kind: "linear", coefficients }, Float64Array.of(1, 3, 1, -1)))).toEqual([7, -1]);
  });
  it("the parsed object and its JSON text load the same", () => {
    expect(loadModel(JSON.parse(stored))).toEqual(loadModel(stored));
  });
  it("a malformed stored model is a named ModelError (invalid_model), not a crash later", () => {
    const obj = JSON.parse(stored);
    expect(code(() => loadModel("{not json"))).toBe("invalid_model");
    expect(code(() => loadModel(null))).toBe("invalid_model");
    expect(code(() => loadModel({ ...obj, kind: "probit" }))).toBe("invalid_model");
    expect(code(() => loadModel({ ...obj, coefficients: obj.coefficients.slice(1) }))).toBe("invalid_model");
    expect(code(() => loadModel({ ...obj, covariance: obj.covariance.map((r: number[]) => r.slice(1)) }))).toBe("invalid_model");
    expect(
      code(() => loadModel({ ...obj, coefficients: [{ ...obj.coefficients[0], estimate: null }, ...obj.coefficients.slice(1)] })),
    ).toBe("invalid_model");
    const { design: _design, ...noDesign } = obj;
    expect(code(() => loadModel(noDesign))).toBe("invalid_model");
  });
});
