import { describe, expect, it } from "vitest";
import { call, createWorkspace, upload } from "./helpers";

/**
 * POST .../models keeps the answers counted on the fitted accounts in the isolate (worker/data/answer-cache.ts). These
 * tests check that a refit on a warm cache still answers what the data says: the per-score-point step of the NPS
 * translation must add exactly one NPS score point to the raw answers of the accounts that fit used, counted here
 * by promoters and detractors of the rows written below, after a refit on the same data, a refit on other accounts
 * (another predictor set) and a new upload.
 */
const N = 200;
// Accounts 150..199 have no tenure: a model with tenure_months fits on the first 150 only.
function accountsCsv(): string {
  const rows = ["account_id,arr,renewed,tenure_months"];
  for (let i = 0; i < N; i++)
    rows.push(`A${i},${10_000 + 100 * i},${(i * 7) % 13 < 3 + (i % 11) / 2 ? 1 : 0},${i < 150 ? (i * 5) % 60 : ""}`);
  return rows.join("\n") + "\n";
}

/** Three answers per account; `shape` moves them (another upload, other answers). */
function responses(shape: number): { csv: string; answers: { account: number; nps: number }[] } {
  const answers: { account: number; nps: number }[] = [];
  for (let i = 0; i < N; i++) for (let k = 0; k < 3; k++) answers.push({ account: i, nps: (i + k * shape + shape) % 11 });
  const csv = ["account_id,date,nps", ...answers.map((a) => `A${a.account},2025-03-01,${a.nps}`)].join("\n") + "\n";
  return { csv, answers };
}

/** NPS of raw answers, each moved by s (⌊s⌋ for all, one more point for a share s − ⌊s⌋), capped at 0-10. */
function npsShifted(answers: number[], s: number): number {
  const k = Math.floor(s);
  const r = s - k;
  const cls = (v: number) => (Math.min(10, Math.max(0, v)) >= 9 ? 1 : Math.min(10, Math.max(0, v)) <= 6 ? -1 : 0);
  let acc = 0;
  for (const a of answers) acc += (1 - r) * cls(a + k) + r * cls(a + k + 1);
  return (100 * acc) / answers.length;
}

type Model = { nObs: number; translation: { predictor: string; perScorePoint?: { answerPoints: number } }[] };

async function fit(ws: { id: string; token: string }, predictors: string[], horizonYears = 3): Promise<Model> {
  const res = await call(`/api/workspaces/${ws.id}/models`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ kind: "logistic", outcome: "renewed", predictors, horizonYears }),
    token: ws.token,
  });
  expect(res.status).toBe(201);
  return res.json<Model>();
}

const step = (m: Model) => m.translation.find((t) => t.predictor === "nps")!.perScorePoint!.answerPoints;

describe("the fit's answer counts kept in the isolate", () => {
  it("a refit, a refit on other accounts and a new upload each use the answers of the accounts fitted", async () => {
    const ws = await createWorkspace("answer cache");
    expect((await upload(ws, "kind=accounts", accountsCsv())).status).toBe(201);
    const first = responses(1);
    expect((await upload(ws, "kind=responses", first.csv)).status).toBe(201);
    const answersOf = (r: ReturnType<typeof responses>, accounts: number) =>
      r.answers.filter((a) => a.account < accounts).map((a) => a.nps);
    const checkStep = (m: Model, answers: number[]) => expect(npsShifted(answers, step(m))).toBeCloseTo(npsShifted(answers, 0) + 1, 6);

    const all = await fit(ws, ["nps"]);
    expect(all.nObs).toBe(N);
    checkStep(all, answersOf(first, N));
    const again = await fit(ws, ["nps"], 5); // same accounts, same data: from the cache
    expect(step(again)).toBe(step(all));
    const some = await fit(ws, ["nps", "tenure_months"]); // 150 accounts: counted afresh
    expect(some.nObs).toBe(150);
    checkStep(some, answersOf(first, 150));
    expect(step(some)).not.toBe(step(all));

    const second = responses(4);
    expect((await upload(ws, "kind=responses", second.csv)).status).toBe(201);
    const after = await fit(ws, ["nps"]);
    checkStep(after, answersOf(second, N));
    expect(step(after)).not.toBe(step(all));
  });
});
