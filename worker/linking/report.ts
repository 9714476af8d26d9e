import { backtestLine, type BacktestSplit } from "../../models/regression/backtest";
import { listBacktests } from "../data/backtests-store";
import { getModel, getScenario } from "../data/models-store";
import { getWorkspace } from "../data/workspaces-store";
import type { Env } from "../env";
import { notFound } from "../errors";
import { renderReport } from "../render/report-html";

/** The printable one-page business case (HTML) of a saved scenario: 404 for an unknown scenario or model. */
export async function scenarioReport(env: Env, ws: string, scenarioId: string): Promise<string> {
  const s = await getScenario(env, ws, scenarioId);
  if (!s) throw notFound("scenario");
  const m = await getModel(env, ws, s.modelId);
  if (!m) throw notFound("model");
  const row = await getWorkspace(env, ws);
  const line = newestBacktestLine(await listBacktests(env, ws), m.outcome, m.result.predictors);
  return renderReport(row?.name ?? ws, s, m, new Date().toISOString().slice(0, 16).replace("T", " ") + " UTC", line);
}

/**
 * The business case's back-test line: the newest back-test with the model's outcome and predictors that has a prediction,
 * its latest window with one ("Back-tested on renewals … : predicted $X [lo, hi], actual $Y …"), or null.
 */
export function newestBacktestLine(list: { result: Record<string, unknown> }[], outcome: string, predictors: string[]): string | null {
  const key = (p: readonly string[]) => [...p].sort().join("\u0000");
  for (const b of list) {
    if (b.result.outcome !== outcome || key((b.result.predictors as string[]) ?? []) !== key(predictors)) continue;
    const last = [...((b.result.splits ?? []) as BacktestSplit[])].reverse().find((s) => s.predictedArr !== null);
    if (last) return backtestLine(last);
  }
  return null;
}
