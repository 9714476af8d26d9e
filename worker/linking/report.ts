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
  return renderReport(row?.name ?? ws, s, m, new Date().toISOString().slice(0, 16).replace("T", " ") + " UTC");
}
