/** The workspace record (GET /api/workspaces/:ws) and the screen heading shared by workspace screens. */
import { client, ok } from "./api";
import type { Dataset, Model, Workspace } from "./api-types";
import { h } from "./dom";
import { saveWorkspace, tokenFor, workspaceRecord } from "./store";

export type { Workspace } from "./api-types";

/** Loads the workspace and remembers its name in this browser. */
export async function loadWorkspace(ws: string): Promise<Workspace> {
  const w = await ok(client.GET("/api/workspaces/{ws}", { params: { path: { ws } } }));
  const rec = workspaceRecord(ws);
  const token = tokenFor(ws);
  if (token && (rec?.name !== w.name || (w.role && rec?.role !== w.role)))
    saveWorkspace({ id: ws, name: w.name, token, role: w.role ?? rec?.role });
  return w;
}

/** The newest dataset of a kind (the one models use). */
export function newest(w: Workspace, kind: Dataset["kind"]): Dataset | null {
  const list = w.datasets.filter((d) => d.kind === kind && (!d.status || d.status === "ready"));
  if (!list.length) return null;
  return list.reduce((a, b) => (b.createdAt > a.createdAt ? b : a));
}

/** "Screen title" + workspace name line. */
export function heading(title: string, w: Workspace | null, ...extra: (Node | string)[]): HTMLElement {
  return h("div", { class: "heading" }, h("h1", {}, title), w ? h("p", { class: "muted small" }, `Workspace: ${w.name}`, ...extra) : null);
}

/** Models of the workspace, oldest first. */
export async function listModels(ws: string): Promise<Model[]> {
  const { models } = await ok(client.GET("/api/workspaces/{ws}/models", { params: { path: { ws } } }));
  return [...models].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}
