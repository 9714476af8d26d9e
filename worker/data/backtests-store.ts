import { newId } from "../auth";
import type { Env } from "../env";

/** D1 storage of back-tests (migrations/0006_backtests.sql). */
export interface StoredBacktest {
  id: string;
  request: Record<string, unknown>;
  /** The API response body without id. */
  result: Record<string, unknown>;
  datasets: { accounts: string; responses: string | null };
  createdAt: string;
}

interface BacktestRow {
  id: string;
  request: string;
  result: string;
  datasets: string;
  created_at: string;
}

const backtestOf = (r: BacktestRow): StoredBacktest => ({
  id: r.id,
  request: JSON.parse(r.request),
  result: JSON.parse(r.result),
  datasets: JSON.parse(r.datasets),
  createdAt: r.created_at,
});

export async function insertBacktest(env: Env, ws: string, b: Omit<StoredBacktest, "id" | "createdAt">): Promise<StoredBacktest> {
  const id = newId("b");
  const row = await env.DB.prepare(
    "INSERT INTO backtests (id, workspace_id, request, result, datasets) VALUES (?, ?, ?, ?, ?) RETURNING created_at",
  )
    .bind(id, ws, JSON.stringify(b.request), JSON.stringify(b.result), JSON.stringify(b.datasets))
    .first<{ created_at: string }>();
  return { ...b, id, createdAt: row?.created_at ?? new Date().toISOString() };
}

/** A back-test of this workspace, or null (another workspace's id is "not found" too). */
export async function getBacktest(env: Env, ws: string, id: string): Promise<StoredBacktest | null> {
  const r = await env.DB.prepare("SELECT * FROM backtests WHERE id = ? AND workspace_id = ?").bind(id, ws).first<BacktestRow>();
  return r ? backtestOf(r) : null;
}

/** The workspace's back-tests, newest first. */
export async function listBacktests(env: Env, ws: string): Promise<StoredBacktest[]> {
  const { results } = await env.DB.prepare("SELECT * FROM backtests WHERE workspace_id = ? ORDER BY created_at DESC, id")
    .bind(ws)
    .all<BacktestRow>();
  return results.map(backtestOf);
}
