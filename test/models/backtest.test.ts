import { describe, expect, it } from "vitest";
import { backtest, type BacktestInput, dayOf } from "../../models/regression/backtest";
import { timeHonestFeatures, TimeHonestAccumulator } from "../../models/regression/time-honest";
import { syntheticBook } from "../../scripts/synthetic-book.mjs";
import { bookOptions, PEER } from "./backtest-book";

type Book = ReturnType<typeof syntheticBook>;

/** The book as the worker hands it to models/: account columns, day numbers, one block of placed responses. */
function inputsOf(book: Book, splits: string[], end: string, draws = 1000, seed?: number): BacktestInput {
  const index = new Map(book.accounts.map((a, i) => [a.account_id, i]));
  const renewalDate = Float64Array.from(book.accounts, (a) => dayOf(a.renewal_date));
  const arr = Float64Array.from(book.accounts, (a) => a.arr);
  const R = book.responses;
  const cutoffs = splits.map(dayOf);
  const features = timeHonestFeatures(renewalDate, cutoffs, {
    n: R.length,
    account: Int32Array.from(R, (r) => index.get(r.account_id) ?? -1),
    date: Float64Array.from(R, (r) => dayOf(r.date)),
    nps: Float64Array.from(R, (r) => r.nps),
    csat: Float64Array.from(R, (r) => r.csat),
    ces: Float64Array.from(R, (r) => r.ces),
  });
  const segment = book.accounts.map((a) => a.segment);
  return {
    kind: "logistic",
    outcome: "renewed",
    predictors: ["nps", "csat", "log_arr", "segment"],
    data: { renewed: Float64Array.from(book.accounts, (a) => a.renewed), log_arr: arr.map(Math.log), segment },
    renewalDate,
    arr,
    segment,
    splits: cutoffs,
    end: dayOf(end),
    features,
    draws,
    seed,
  };
}

describe("time-honest features (models/regression/time-honest.ts)", () => {
  it("uses only responses dated before min(renewal, cut-off); block by block equals one block", () => {
    // Account 0 renews on day 100, account 1 on day 300, account 2 has no renewal date; cut-off day 200.
    const renewal = Float64Array.of(100, 300, NaN);
    const block = {
      n: 7,
      account: [0, 0, 1, 1, 2, 2, -1],
      date: [99, 100, 150, 200, 199, NaN, 10],
      nps: [8, 0, 6, 0, 4, 0, 0],
      csat: [NaN, 1, 3, 1, 2, 1, 1],
      ces: [NaN, NaN, NaN, NaN, NaN, NaN, NaN],
    };
    const [f] = timeHonestFeatures(renewal, [200], block);
    // By hand: account 0 keeps day 99 (day 100 is its renewal), account 1 keeps day 150 (200 is the cut-off),
    // account 2 keeps day 199 (the undated one is never used), the orphan counts nowhere.
    expect(Array.from(f.nps)).toEqual([8, 6, 4]);
    expect(Array.from(f.csat)).toEqual([NaN, 3, 2]);
    expect(Array.from(f.responses)).toEqual([1, 1, 1]);
    expect(f.laterResponses).toBe(2);
    expect(f.undated).toBe(1);
    const acc = new TimeHonestAccumulator(renewal, [200]);
    for (let k = 0; k < block.n; k++)
      acc.add({ n: 1, account: [block.account[k]], date: [block.date[k]], nps: [block.nps[k]], csat: [block.csat[k]], ces: [NaN] });
    expect(Array.from(acc.features()[0].nps)).toEqual([8, 6, 4]);
  });
});

describe("back-test (models/regression/backtest.ts)", () => {
  const splits = ["2025-01-01", "2025-07-01"];
  const book = syntheticBook(bookOptions(5, 800));
  const result = backtest(inputsOf(book, splits, "2026-01-01"));

  it("predicts what an independent statsmodels refit on the pre-split accounts predicts, to 1e-6", () => {
    // PEER: test/models/backtest_peer.py (pandas + statsmodels Logit) on this book; see test/models/backtest-book.ts.
    const peer = PEER;
    for (let k = 0; k < splits.length; k++) {
      const s = result.splits[k];
      expect(s.split).toBe(splits[k]);
      expect(s.trainAccounts).toBe(peer[k].trainAccounts);
      expect(s.testAccounts).toBe(peer[k].testAccounts);
      expect(Math.abs(s.predictedRenewals! - peer[k].predictedRenewals)).toBeLessThan(1e-6);
      expect(Math.abs(s.predictedArr! - peer[k].predictedArr) / peer[k].predictedArr).toBeLessThan(1e-9);
      expect(Math.abs(s.coefficients!.find((c) => c.term === "nps")!.estimate - peer[k].betaNps)).toBeLessThan(1e-7);
      expect(s.actualRenewals).toBe(peer[k].actualRenewals);
      expect(s.actualArr).toBe(peer[k].actualArr);
      expect(Math.abs(s.baselineArr! - peer[k].baselineArr)).toBeLessThan(1e-5);
    }
  });

  it("counts the actual renewals and renewed ARR of the later accounts by hand", () => {
    for (let k = 0; k < splits.length; k++) {
      const [from, to] = [splits[k], splits[k + 1] ?? "2026-01-01"];
      // Later accounts with a response before the split (every predictor then present): ISO dates compare as text.
      const earlier = new Set(book.responses.filter((r) => r.date < from).map((r) => r.account_id));
      let n = 0,
        renewals = 0,
        arr = 0,
        none = 0;
      for (const a of book.accounts) {
        if (a.renewal_date < from || a.renewal_date >= to) continue;
        if (!earlier.has(a.account_id)) {
          none++;
          continue;
        }
        n++;
        renewals += a.renewed;
        arr += a.renewed * a.arr;
      }
      const s = result.splits[k];
      expect(s.testAccounts).toBe(n);
      expect(s.actualRenewals).toBe(renewals);
      expect(s.actualArr).toBe(arr);
      expect(s.noEarlierResponse.test).toBe(none);
      // Segments add up to the whole.
      expect(s.segments.reduce((t, g) => t + g.actualArr, 0)).toBe(arr);
      expect(s.segments.reduce((t, g) => t + g.predictedArr!, 0)).toBeCloseTo(s.predictedArr!, 6);
      expect(s.warnings.map((w) => w.code)).toContain("no_earlier_responses");
    }
  });

  it("is unchanged by responses dated after each renewal (the leaking ones the generator adds)", () => {
    const honest = syntheticBook({ ...bookOptions(5, 800), afterRenewal: 0 });
    // Same accounts and outcomes: the leaking responses are drawn after everything else.
    expect(honest.accountsCsv).toBe(book.accountsCsv);
    const again = backtest(inputsOf(honest, splits, "2026-01-01"));
    for (let k = 0; k < splits.length; k++) {
      expect(again.splits[k].predictedRenewals).toBe(result.splits[k].predictedRenewals);
      expect(again.splits[k].predictedArrCi95).toEqual(result.splits[k].predictedArrCi95);
    }
  });

  it("gives a named warning, not a number, when the later accounts are too few", () => {
    const r = backtest(inputsOf(book, ["2025-12-25"], "2026-01-01"));
    const s = r.splits[0];
    expect(s.testAccounts).toBeLessThan(20);
    expect(s.predictedArr).toBeNull();
    expect(s.predictedArrCi95).toBeNull();
    expect(s.warnings.map((w) => w.code)).toContain("too_few_test_accounts");
    const early = backtest(inputsOf(book, ["2024-01-15"], "2024-07-01")).splits[0];
    expect(early.predictedArr).toBeNull();
    expect(early.warnings.map((w) => w.code)).toContain("too_few_train_events");
  });

  it("has a 95% interval (β draws and Bernoulli outcomes) that covers the actual renewed ARR in at least 90 of 100 seeded books", () => {
    let covered = 0;
    const misses: number[] = [];
    for (let seed = 1; seed <= 100; seed++) {
      const b = syntheticBook(bookOptions(1000 + seed, 1200));
      const s = backtest(inputsOf(b, ["2025-01-01"], "2026-01-01", 400, seed)).splits[0];
      // A book whose fit fails (a warning, no interval) counts as not covered.
      if (s.predictedArrCi95 && s.predictedArrCi95[0] <= s.actualArr && s.actualArr <= s.predictedArrCi95[1]) covered++;
      else misses.push(seed);
    }
    // Nominal 95%: 100 books cover at least 90 times unless the interval is too narrow (P(< 90 | 95%) ≈ 2%).
    console.log(`back-test interval covered the actual renewed ARR in ${covered} of 100 books; missed: ${misses.join(", ")}`);
    expect(covered).toBeGreaterThanOrEqual(90);
  });
});
