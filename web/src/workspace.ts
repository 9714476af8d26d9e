/** The workspace record (GET /api/workspaces/:ws) and the screen heading shared by workspace screens. */
import { api, wsPath } from "./api";
import { h } from "./dom";
import type { ModelResult } from "./model-types";
import { saveWorkspace, tokenFor, workspaceRecord } from "./store";

export interface DatasetColumn {
  name: string;
  type: string;
  source?: string | null;
}
export interface DatasetMeta {
  id: string;
  kind: string;
  name: string;
  rows: number;
  columns?: DatasetColumn[];
  createdAt?: string;
  created_at?: string;
  warnings?: string[];
  status?: string;
  options?: { surveyType?: string; surveyTypes?: { relationship: number; transactional: number; unspecified: number } };
}
export interface JoinReport {
  accounts: number;
  responses: number;
  matchedAccounts: number;
  orphanResponses: number;
  accountsWithoutResponses: number;
}
export interface Workspace {
  id: string;
  name: string;
  role?: string;
  datasets: DatasetMeta[];
  join: JoinReport | null;
}

/** Loads the workspace and remembers its name in this browser. */
export async function loadWorkspace(ws: string): Promise<Workspace> {
  const w = await api<Workspace>(wsPath(ws), { ws });
  const rec = workspaceRecord(ws);
  const token = tokenFor(ws);
  if (token && (rec?.name !== w.name || (w.role && rec?.role !== w.role)))
    saveWorkspace({ id: ws, name: w.name, token, role: w.role ?? rec?.role });
  return w;
}

/** The newest dataset of a kind (the one models use). */
export function newest(w: Workspace, kind: string): DatasetMeta | null {
  const list = (w.datasets ?? []).filter((d) => d.kind === kind && (!d.status || d.status === "ready"));
  if (!list.length) return null;
  const at = (d: DatasetMeta) => d.createdAt ?? d.created_at ?? "";
  return list.reduce((a, b) => (at(b) > at(a) ? b : a));
}

/** "Screen title" + workspace name line. */
export function heading(title: string, w: Workspace | null, ...extra: (Node | string)[]): HTMLElement {
  return h("div", { class: "heading" }, h("h1", {}, title), w ? h("p", { class: "muted small" }, `Workspace: ${w.name}`, ...extra) : null);
}

/** Models of the workspace, oldest first (the list answer may be an array or `{models: [...]}`). */
export async function listModels(ws: string): Promise<ModelResult[]> {
  const r = await api<ModelResult[] | { models: ModelResult[] }>(wsPath(ws, "/models"), { ws });
  const list = Array.isArray(r) ? r : (r.models ?? []);
  return [...list].sort((a, b) => (a.createdAt ?? "").localeCompare(b.createdAt ?? ""));
}
