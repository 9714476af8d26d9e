/** Workspace tokens and small per-workspace preferences kept in localStorage (this browser only). */

export interface SavedWorkspace {
  id: string;
  name: string;
  token: string;
  role?: string;
  openedAt: string;
}

const KEY = "cxr.workspaces";

function readAll(): Record<string, SavedWorkspace> {
  try {
    const raw = localStorage.getItem(KEY);
    const v = raw ? JSON.parse(raw) : {};
    return v && typeof v === "object" ? v : {};
  } catch {
    return {};
  }
}

/** Every workspace this browser has a token for, most recently opened first. */
export function savedWorkspaces(): SavedWorkspace[] {
  return Object.values(readAll()).sort((a, b) => b.openedAt.localeCompare(a.openedAt));
}

/** Saves (or updates) a workspace's token. */
export function saveWorkspace(ws: Omit<SavedWorkspace, "openedAt">): void {
  const all = readAll();
  all[ws.id] = { ...all[ws.id], ...ws, openedAt: new Date().toISOString() };
  localStorage.setItem(KEY, JSON.stringify(all));
}

export function forgetWorkspace(id: string): void {
  const all = readAll();
  delete all[id];
  localStorage.setItem(KEY, JSON.stringify(all));
}

export function tokenFor(id: string): string | null {
  return readAll()[id]?.token ?? null;
}

export function workspaceRecord(id: string): SavedWorkspace | null {
  return readAll()[id] ?? null;
}

/** A small preference stored per workspace (e.g. the dashboard goal). */
export function pref<T>(wsId: string, name: string, fallback: T): T {
  try {
    const raw = localStorage.getItem(`cxr.pref.${wsId}.${name}`);
    return raw === null ? fallback : (JSON.parse(raw) as T);
  } catch {
    return fallback;
  }
}

export function setPref(wsId: string, name: string, value: unknown): void {
  localStorage.setItem(`cxr.pref.${wsId}.${name}`, JSON.stringify(value));
}
