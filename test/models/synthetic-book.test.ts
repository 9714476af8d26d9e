import { describe, expect, it } from "vitest";
import { fitRegression } from "../../models/regression/fit";
import { syntheticBook, TRUTH } from "../../scripts/synthetic-book.mjs";

describe("scripts/synthetic-book.mjs", () => {
  it("is deterministic for a seed and differs across seeds", () => {
    const a = syntheticBook({ accounts: 200, seed: 7 });
    const b = syntheticBook({ accounts: 200, seed: 7 });
    const c = syntheticBook({ accounts: 200, seed: 8 });
    expect(a.accountsCsv).toBe(b.accountsCsv);
    expect(a.responsesCsv).toBe(b.responsesCsv);
    expect(a.accountsCsv).not.toBe(c.accountsCsv);
  });

  it("has the canonical columns, valid scales, orphans and silent accounts", () => {
    const book = syntheticBook({ accounts: 1000, seed: 3, orphans: 6 });
    expect(book.accountsCsv.split("\n")[0]).toBe("account_id,arr,renewed,segment,region,tenure_months,renewal_date,expansion");
    expect(book.responsesCsv.split("\n")[0]).toBe("account_id,date,nps,csat,ces,touchpoint");
    const ids = new Set(book.accounts.map((a: { account_id: string }) => a.account_id));
    const orphans = book.responses.filter((r: { account_id: string }) => !ids.has(r.account_id));
    expect(orphans.length).toBe(6);
    const answered = new Set(book.responses.map((r: { account_id: string }) => r.account_id));
    const silent = book.accounts.filter((a: { account_id: string }) => !answered.has(a.account_id)).length;
    expect(silent).toBeGreaterThan(20); // silentShare 5% of 1000 ≈ 50
    expect(silent).toBeLessThan(90);
    for (const r of book.responses) {
      expect(r.nps >= 0 && r.nps <= 10 && r.csat >= 1 && r.csat <= 5 && r.ces >= 1 && r.ces <= 7).toBe(true);
    }
    expect(new Set(book.responses.map((r: { touchpoint: string }) => r.touchpoint))).toEqual(
      new Set(["onboarding", "support", "billing", "renewal"]),
    );
  });

  it("draws renewals from the published truth: a logistic fit on the joined means covers it with 95% intervals", () => {
    // The truth is TRUTH (exported by the generator); the fit is models/regression/fit.ts on the join of docs/methods.md#the-join,
    // recomputed here: per-account mean NPS and CSAT of its responses, log_arr = ln(arr).
    // Cross-checked once with statsmodels 0.13.5 smf.logit on the same CSVs (seed 42, 5,000 accounts): all 6 intervals cover.
    const book = syntheticBook({ accounts: 5000, seed: 42 });
    const sum = new Map<string, { n: number; nps: number; csat: number }>();
    for (const r of book.responses) {
      const s = sum.get(r.account_id) ?? { n: 0, nps: 0, csat: 0 };
      s.n++;
      s.nps += r.nps;
      s.csat += r.csat;
      sum.set(r.account_id, s);
    }
    const acc = book.accounts as { account_id: string; arr: number; renewed: number; segment: string }[];
    const data = {
      renewed: Float64Array.from(acc, (a) => a.renewed),
      nps: Float64Array.from(acc, (a) => (sum.has(a.account_id) ? sum.get(a.account_id)!.nps / sum.get(a.account_id)!.n : NaN)),
      csat: Float64Array.from(acc, (a) => (sum.has(a.account_id) ? sum.get(a.account_id)!.csat / sum.get(a.account_id)!.n : NaN)),
      log_arr: Float64Array.from(acc, (a) => Math.log(a.arr)),
      segment: acc.map((a) => a.segment),
    };
    const fit = fitRegression({ kind: "logistic", data, outcome: "renewed", predictors: ["nps", "csat", "log_arr", "segment"] });
    expect(fit.terms).toEqual(["Intercept", "nps", "csat", "log_arr", "segment[T.Mid-Market]", "segment[T.SMB]"]);
    for (const c of fit.coefficients) {
      const truth = (TRUTH as Record<string, number>)[c.term];
      expect(c.ci95[0]).toBeLessThanOrEqual(truth);
      expect(c.ci95[1]).toBeGreaterThanOrEqual(truth);
    }
    // statsmodels on the same data: nps 0.271843, csat 0.431345 (printed when the seed was chosen).
    expect(fit.coefficients[1].estimate).toBeCloseTo(0.271843, 5);
    expect(fit.coefficients[2].estimate).toBeCloseTo(0.431345, 5);
  });
});
