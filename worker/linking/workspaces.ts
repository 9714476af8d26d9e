import type { Role } from "../app";
import { issueToken, newId } from "../auth";
import { datasetJson, listDatasets } from "../data/datasets";
import { joinReport } from "../data/join";
import { getWorkspace, insertWorkspace } from "../data/workspaces-store";
import type { Env } from "../env";
import { ApiError } from "../errors";

/** Creates a workspace and its owner token (answered once, never stored in clear). */
export async function createWorkspace(env: Env, name: string): Promise<{ id: string; name: string; token: string }> {
  const id = newId("w");
  await insertWorkspace(env, id, name);
  const token = await issueToken(env, id, "owner");
  return { id, name, token };
}

/** The workspace as GET .../{ws} answers it: its datasets (newest first) and the accounts-responses join report. */
export async function workspaceOverview(env: Env, ws: string, role: Role) {
  const row = await getWorkspace(env, ws);
  if (!row) throw new ApiError(404, "not_found", "No such workspace.");
  const [datasets, join] = await Promise.all([listDatasets(env, ws), joinReport(env, ws)]);
  return { id: row.id, name: row.name, role, datasets: datasets.map(datasetJson), join };
}
