import { beforeAll, describe, expect, it } from "vitest";
import { syntheticBook } from "../../scripts/synthetic-book.mjs";
import { bookOptions, PEER, PEER_END, PEER_SPLITS } from "../models/backtest-book";
import { call, createWorkspace, type ErrorJson, upload } from "./helpers";

type Split = {
  split: string;
  trainAccounts: number;
  testAccounts: number;
  predictedRenewals: number | null;
  predictedArr: number | null;
  predictedArrCi95: [number, number] | null;
  actualRenewals: number;
  actualArr: number;
  baselineArr: number | null;
  auc: number | null;
  coefficients: { term: string; estimate: number }[] | null;
  segments: { segment: string }[];
  warnings: { code: string; message: string }[];
};
type Backtest = { id: string; splits: Split[]; featureRule: string };

const PREDICTORS = ["nps", "csat", "log_arr", "segment"];
const json = (token: string, body: unknown) => ({
  method: "POST",
  token,
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

async function run(ws: { id: string; token: string }, body: Record<string, unknown>) {
  const res = await call(
    `/api/workspaces/${ws.id}/backtests`,
    json(ws.token, { kind: "logistic", outcome: "renewed", predictors: PREDICTORS, ...body }),
  );
  return { status: res.status, body: (await res.json()) as Backtest & ErrorJson };
}

describe("POST .../backtests (time-honest back-test of renewals)", () => {
  const book = syntheticBook(bookOptions(5, 800));
  let ws: { id: string; token: string };
  let first: Backtest;

  beforeAll(async () => {
    ws = await createWorkspace("Backtest");
    expect((await upload(ws, "kind=accounts", book.accountsCsv)).status).toBe(201);
    expect((await upload(ws, "kind=responses", book.responsesCsv)).status).toBe(201);
    const r = await run(ws, { splits: PEER_SPLITS, end: PEER_END });
    expect(r.status, JSON.stringify(r.body).slice(0, 400)).toBe(201);
    first = r.body;
  });

  it("predicts, through the route, what the statsmodels refit on the pre-split accounts predicts (1e-6)", () => {
    // PEER: test/models/backtest_peer.py on the same book (test/models/backtest-book.ts says how it was run).
    PEER.forEach((peer, k) => {
      const s = first.splits[k];
      expect(s.split).toBe(PEER_SPLITS[k]);
      expect(s.trainAccounts).toBe(peer.trainAccounts);
      expect(s.testAccounts).toBe(peer.testAccounts);
      expect(Math.abs(s.predictedRenewals! - peer.predictedRenewals)).toBeLessThan(1e-6);
      expect(Math.abs(s.predictedArr! - peer.predictedArr) / peer.predictedArr).toBeLessThan(1e-9);
      expect(s.actualRenewals).toBe(peer.actualRenewals);
      expect(s.actualArr).toBe(peer.actualArr);
      expect(s.predictedArrCi95![0]).toBeLessThan(s.predictedArr!);
      expect(s.predictedArrCi95![1]).toBeGreaterThan(s.predictedArr!);
      expect(s.segments.map((g) => g.segment)).toEqual(["Enterprise", "Mid-Market", "SMB"]);
    });
    expect(first.featureRule).toMatch(/before its renewal date/);
  });

  it("a response dated after an account's renewal never changes that account's predictors (the fit is unchanged)", async () => {
    // One training account (renews before the first split) and one later account get an extra, extreme answer dated
    // the day after their renewal; a control answer dated before the renewal must change the fit.
    const trainAcc = book.accounts.find((a) => a.renewal_date < "2024-06-01" && a.renewed === 1)!;
    const testAcc = book.accounts.find((a) => a.renewal_date >= "2025-02-01" && a.renewal_date < "2025-06-01" && a.renewed === 1)!;
    const dayAfter = (iso: string) => new Date(Date.parse(`${iso}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const extra = [
      `${trainAcc.account_id},${dayAfter(trainAcc.renewal_date)},0,1,7,support`,
      `${testAcc.account_id},${dayAfter(testAcc.renewal_date)},0,1,7,support`,
      `${trainAcc.account_id},${trainAcc.renewal_date},0,1,7,support`, // on the renewal day: not before it
    ].join("\n");
    expect((await upload(ws, "kind=responses", book.responsesCsv + extra + "\n")).status).toBe(201);
    const after = (await run(ws, { splits: PEER_SPLITS, end: PEER_END })).body;
    for (let k = 0; k < PEER_SPLITS.length; k++) {
      expect(after.splits[k].coefficients).toEqual(first.splits[k].coefficients);
      expect(after.splits[k].predictedRenewals).toBe(first.splits[k].predictedRenewals);
      expect(after.splits[k].predictedArrCi95).toEqual(first.splits[k].predictedArrCi95);
    }
    // Control: the same answer the day before the renewal does enter the training fit.
    const before = new Date(Date.parse(`${trainAcc.renewal_date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    expect((await upload(ws, "kind=responses", book.responsesCsv + `${trainAcc.account_id},${before},0,1,7,support\n`)).status).toBe(201);
    const control = (await run(ws, { splits: PEER_SPLITS, end: PEER_END })).body;
    expect(control.splits[0].coefficients).not.toEqual(first.splits[0].coefficients);
    expect((await upload(ws, "kind=responses", book.responsesCsv)).status).toBe(201);
  });

  it("answers a split with too few later accounts with a named warning and no number", async () => {
    const r = await run(ws, { splits: ["2025-12-28"], end: PEER_END, draws: 50 });
    expect(r.status).toBe(201);
    const s = r.body.splits[0];
    expect(s.predictedArr).toBeNull();
    expect(s.predictedArrCi95).toBeNull();
    expect(s.warnings.map((w) => w.code)).toContain("too_few_test_accounts");
  });

  it("rejects splits out of order (400) and accounts without renewal dates (422 no_renewal_dates)", async () => {
    const bad = await run(ws, { splits: ["2025-07-01", "2025-01-01"] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].column).toBe("splits");
    const notADate = await run(ws, { splits: ["2025-02-30"] });
    expect(notADate.status).toBe(400);
    const other = await createWorkspace("No dates");
    expect((await upload(other, "kind=accounts", "account_id,arr,renewed\nA,100,1\nB,200,0\n")).status).toBe(201);
    const none = await run(other, { splits: ["2025-01-01"], predictors: ["log_arr"] });
    expect(none.status).toBe(422);
    expect(none.body.error.code).toBe("no_renewal_dates");
  });

  it("puts one back-test line in the one-page business case of a scenario on a model with the same predictors", async () => {
    // On the book's own responses again (the test above ends by re-uploading them).
    expect((await run(ws, { splits: PEER_SPLITS, end: PEER_END })).status).toBe(201);
    const fit = await call(
      `/api/workspaces/${ws.id}/models`,
      json(ws.token, { kind: "logistic", outcome: "renewed", predictors: PREDICTORS }),
    );
    expect(fit.status).toBe(201);
    const modelId = ((await fit.json()) as { id: string }).id;
    const sc = await call(
      `/api/workspaces/${ws.id}/scenarios`,
      json(ws.token, {
        modelId,
        change: { nps: 1 },
        horizonYears: 3,
        annualDiscountRate: 0,
        grossMargin: 0.8,
        investment: 1000,
        save: true,
        draws: 50,
      }),
    );
    expect(sc.status).toBe(201);
    const report = await call(`/api/workspaces/${ws.id}/report?scenario=${((await sc.json()) as { id: string }).id}`, { token: ws.token });
    const html = await report.text();
    // The newest back-test with a prediction is the one just run; its last window
    // is 2025-07-01 – 2025-12-31, and PEER[1].predictedArr (statsmodels) = 8,477,193.2 → "$8,477,193", actual $9,313,322.
    const line = (/<li id="backtest-line">([^<]*)<\/li>/.exec(html)?.[1] ?? "").replace(/&#39;/g, "'");
    expect(line, line).toMatch(
      /^Back-tested on renewals 2025-07-01 – 2025-12-31 \(model fitted on earlier renewals only\): predicted \$8,477,193 \(95% interval \$[\d,]+ to \$[\d,]+, from the coefficients' uncertainty and chance in who renews\), actual \$9,313,322 of renewed ARR, undiscounted$/,
    );
  });

  it("lists back-tests with suggested splits, and exports one as CSV (one row per split and segment)", async () => {
    const list = await call(`/api/workspaces/${ws.id}/backtests`, { token: ws.token });
    expect(list.status).toBe(200);
    const l = (await list.json()) as { backtests: Backtest[]; suggestedSplits: string[]; renewalDates: { first: string; last: string } };
    expect(l.backtests.length).toBeGreaterThanOrEqual(3);
    // Renewals are uniform over 2024-01-01 … 2025-12-30, so the 40th and 90th percentiles are near 2024-10-19 and
    // 2025-10-19: quarter starts between them are 2025-01-01 … 2025-10-01, and the last three are offered.
    expect(l.suggestedSplits).toEqual(["2025-04-01", "2025-07-01", "2025-10-01"]);
    const csv = await call(`/api/workspaces/${ws.id}/export/backtests.csv?backtest=${first.id}`, { token: ws.token });
    expect(csv.status).toBe(200);
    const lines = (await csv.text()).trim().split("\r\n");
    expect(lines[0]).toMatch(/^backtest_id,split,window_from,window_to_exclusive,group,/);
    expect(lines.length).toBe(1 + PEER_SPLITS.length * 4);
    const row = lines[1].split(",");
    expect(row[1]).toBe("2025-01-01");
    expect(row[4]).toBe("all");
    expect(Number(row[15])).toBe(PEER[0].actualArr);
  });
});
