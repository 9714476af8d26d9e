import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
// Published datasets (PROVENANCE.md), bundled by Vite's ?raw import.
import ucla from "../../../shared/datasets/ucla/binary.csv?raw";
import cdnow from "../../../shared/datasets/cdnow/cdnow_customers_summary.csv?raw";
import donations from "../../../shared/datasets/cdnow/donations.csv?raw";

type Json = Record<string, any>;
async function post(path: string, body: unknown): Promise<{ status: number; body: Json }> {
  const res = await exports.default.fetch(`http://x/api/calc/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json<Json>() };
}
const rows = (text: string) =>
  text
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((l) => l.split(","));

describe("/api/calc inside workerd: the same published results as in Node", () => {
  it("regression: UCLA admissions logit (admit ~ gre + gpa + C(rank))", async () => {
    const r = rows(ucla);
    const { status, body } = await post("regression", {
      kind: "logistic",
      outcome: "admit",
      predictors: ["gre", "gpa", "rank"],
      data: { admit: r.map((x) => +x[0]), gre: r.map((x) => +x[1]), gpa: r.map((x) => +x[2]), rank: r.map((x) => x[3]) },
    });
    expect(status).toBe(200);
    // UCLA IDRE "Logit regression" page: estimates and SEs; logLik −229.2587.
    const est = [-3.989979, 0.002264, 0.804038, -0.675443, -1.340204, -1.551464];
    const se = [1.139951, 0.001094, 0.331819, 0.31649, 0.345306, 0.417832];
    expect(body.terms).toEqual(["Intercept", "gre", "gpa", "rank[T.2]", "rank[T.3]", "rank[T.4]"]);
    body.coefficients.forEach((c: Json, j: number) => {
      expect(c.estimate).toBeCloseTo(est[j], 6);
      expect(c.stdError).toBeCloseTo(se[j], 6);
    });
    expect(body.fit.logLik).toBeCloseTo(-229.2587, 4);
  });
  it("bgnbd: CDNOW summary → r 0.2426, α 4.4135, a 0.7929, b 2.4258, LL −9582.43 (FHL 2005)", async () => {
    const r = rows(cdnow);
    const { status, body } = await post("bgnbd", { frequency: r.map((x) => +x[1]), recency: r.map((x) => +x[2]), T: r.map((x) => +x[3]) });
    expect(status).toBe(200);
    expect(body.r).toBeCloseTo(0.2426, 4);
    expect(body.alpha).toBeCloseTo(4.4135, 4);
    expect(body.a).toBeCloseTo(0.7929, 4);
    expect(body.b).toBeCloseTo(2.4258, 4);
    expect(body.logLik).toBeCloseTo(-9582.43, 2);
    expect(body.converged).toBe(true);
  });
  it("bgnbd/predict: BTYD's bgnbd.pmf and Hardie's spreadsheet values (as quoted in lifetimes' tests)", async () => {
    // lifetimes test_probability_of_n_purchases_up_to_time_same_as_R_BTYD: r 0.243, α 4.414, a 0.793, b 2.426 →
    // P(X(39) = 0) = 0.5737864, P(X(30) = 11) = 0.0019995214.
    const par = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
    const zero = await post("bgnbd/predict", { ...par, frequency: 2, recency: 30.43, T: 38.86, t: 39, n: 0 });
    expect(zero.status).toBe(200);
    expect(zero.body.probabilityOfN).toBeCloseTo(0.5737864, 7);
    const eleven = await post("bgnbd/predict", { ...par, frequency: 2, recency: 30.43, T: 38.86, t: 30, n: 11 });
    expect(eleven.body.probabilityOfN).toBeCloseTo(0.0019995214, 9);
    // Hardie's BG/NBD spreadsheet at the MLE (lifetimes' tests): E[X(39) | 2, 30.43, 38.86] = 1.226, E[X(78)] new = 1.8576;
    // P(alive) 0.7266 (lifetimes' docs for that customer).
    const mle = { r: 0.242593, alpha: 4.413603, a: 0.792924, b: 2.425842 };
    const h = await post("bgnbd/predict", { ...mle, frequency: 2, recency: 30.43, T: 38.86, t: 39 });
    expect(h.body.expectedPurchases).toBeCloseTo(1.226, 3);
    expect(h.body.pAlive).toBeCloseTo(0.7266, 3);
    expect(h.body.probabilityOfN).toBeUndefined();
    expect((await post("bgnbd/predict", { ...mle, frequency: 0, recency: 0, T: 1, t: 78 })).body.expectedPurchasesNew).toBeCloseTo(
      1.8576,
      3,
    );
    const bad = await post("bgnbd/predict", { ...mle, frequency: 2, recency: 40, T: 38.86, t: 39 });
    expect(bad.status).toBe(400);
  });
  it("pareto-nbd: CDNOW summary → published r 0.55, α 10.58, s 0.61, β 11.67, LL −9595.0", async () => {
    const r = rows(cdnow);
    const { status, body } = await post("pareto-nbd", {
      frequency: r.map((x) => +x[1]),
      recency: r.map((x) => +x[2]),
      T: r.map((x) => +x[3]),
    });
    expect(status).toBe(200);
    expect(body.r).toBeCloseTo(0.55, 2);
    expect(body.alpha).toBeCloseTo(10.58, 2);
    expect(body.s).toBeCloseTo(0.61, 2);
    expect(body.beta).toBeCloseTo(11.67, 2);
    expect(body.logLik).toBeCloseTo(-9595.0, 0);
  });
  it("bgbb: donations → Fader, Hardie & Shang (2010) α 1.204, β 0.750, γ 0.657, δ 2.783, LL −33225.6", async () => {
    const r = rows(donations);
    const { status, body } = await post("bgbb", {
      frequency: r.map((x) => +x[0]),
      recency: r.map((x) => +x[1]),
      periods: r.map((x) => +x[2]),
      weights: r.map((x) => +x[3]),
    });
    expect(status).toBe(200);
    expect(body.alpha).toBeCloseTo(1.204, 3);
    expect(body.beta).toBeCloseTo(0.75, 3);
    expect(body.gamma).toBeCloseTo(0.657, 3);
    expect(body.delta).toBeCloseTo(2.783, 3);
    expect(body.logLik).toBeCloseTo(-33225.6, 1);
  });
  it("renewal-uplift: worked example 7", async () => {
    const { status, body } = await post("renewal-uplift", {
      accounts: 10000,
      arr: 12000,
      baselineRenewal: 0.85,
      renewalLift: 0.06,
      horizonYears: 3,
      grossMargin: 0.8,
      discountRate: 0,
      investment: 2000000,
    });
    expect(status).toBe(200);
    // Exactly the figures of docs/methods.md#example-7, not merely close.
    expect(body.revenueGain).toBe(19_872_000);
    expect(body.marginGain).toBe(15_897_600);
    expect(body.roi).toBe(6.9488);
    expect(body.paybackYears).toBeCloseTo(1 + 2_000_000 / 5_760_000, 11);
  });
  it("sbg: Fader & Hardie (2007) regular cohort → α 0.704, β 1.182", async () => {
    const { status, body } = await post("sbg", { survivors: [1000, 631, 468, 382, 326, 289, 262, 241], horizon: 12 });
    expect(status).toBe(200);
    expect(body.alpha).toBeCloseTo(0.704, 3);
    expect(body.beta).toBeCloseTo(1.182, 3);
    expect(body.survival).toHaveLength(13);
  });
  it("the small calculators: worked examples 1, 4, 5, 6 and a programme", async () => {
    expect((await post("nps", { promoters: 200, passives: 300, detractors: 500 })).body.score).toBe(-30);
    expect((await post("nps", { scores: [10, 9, 8, 3] })).body.score).toBe(25);
    // 3 promoters, 1 detractor: NPS 50 ± 1.96·100·√0.1875 = 50 ± 84.87 by hand; the upper end is clipped to 100.
    const tiny = (await post("nps", { scores: [10, 9, 9, 2] })).body;
    expect(tiny.ci95[0]).toBeCloseTo(50 - 84.8689, 3);
    expect(tiny.ci95[1]).toBe(100);
    expect((await post("sample-size", { sigma: 1.4, margin: 0.25, z: 1.96 })).body.n).toBe(121);
    expect((await post("churn", { start: 400, retained: 380 })).body.churnRate).toBe(0.05);
    expect((await post("roi", { kind: "cost", gain: 150000, investment: 100000 })).body.roi).toBe(0.5);
    expect((await post("clv", { kind: "subscription", arpuMonthly: 100, monthsRetained: 24, cac: 300, crc: 200 })).body.clv).toBe(1900);
    const p = await post("program", {
      initiatives: [
        { name: "a", gain: 150000, investment: 100000 },
        { name: "b", gain: 90000, investment: 50000 },
      ],
      overlap: 0.2,
    });
    expect(p.body.program.roi).toBeCloseTo(0.28, 12);
    const csat = await post("csat", { scores: [5, 4, 3, 5], scale: 5 });
    expect(csat.status).toBe(200);
    expect(csat.body.score).toBe(75);
  });
});

describe("/api/calc errors: 400 for a malformed request, 422 for data that cannot be fitted", () => {
  it("400 with the field at fault", async () => {
    const r = await post("sample-size", { sigma: -1, margin: 0.5 });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe("invalid_request");
    expect(r.body.error.details[0].column).toBe("sigma");
    expect((await post("regression", { kind: "probit", data: {}, outcome: "y", predictors: ["x"] })).status).toBe(400);
    expect((await post("bgnbd", "{not json")).status).toBe(400);
  });
  it("422 with the named model error", async () => {
    const sep = await post("regression", {
      kind: "logistic",
      data: { y: [0, 0, 1, 1, 0, 1], x: [1, 2, 3, 4, 2, 5] },
      outcome: "y",
      predictors: ["x"],
    });
    expect(sep.status).toBe(422);
    expect(sep.body.error.code).toBe("perfect_separation");
    expect(sep.body.error.details[0].column).toBe("x");
    const none = await post("bgnbd", { frequency: [0, 0], recency: [0, 0], T: [3, 4] });
    expect([none.status, none.body.error.code]).toEqual([422, "no_repeat_buyers"]);
    const col = await post("regression", {
      kind: "linear",
      data: { y: [1, 2, 3, 4], x: [1, 2, 3, 4], z: [2, 4, 6, 8] },
      outcome: "y",
      predictors: ["x", "z"],
    });
    expect([col.status, col.body.error.code]).toEqual([422, "collinear_predictors"]);
    const churn = await post("churn", { start: 10, retained: 11 });
    expect([churn.status, churn.body.error.code]).toEqual([422, "invalid_input"]);
  });
  it("every calculator is in the OpenAPI document", async () => {
    const doc = await (await exports.default.fetch("http://x/api/openapi.json")).json<{ paths: Record<string, unknown> }>();
    for (const p of [
      "nps",
      "csat",
      "sample-size",
      "churn",
      "roi",
      "clv",
      "renewal-uplift",
      "sbg",
      "regression",
      "bgnbd",
      "gamma-gamma",
      "program",
    ])
      expect(Object.keys(doc.paths)).toContain(`/api/calc/${p}`);
  });
});
