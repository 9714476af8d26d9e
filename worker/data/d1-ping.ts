import type { Env } from "../env";

/** Whether D1 answers a trivial query (false on any error): the storage check of GET /api/health. */
export async function d1Answers(env: Env): Promise<boolean> {
  try {
    return (await env.DB.prepare("SELECT 1 AS one").first<{ one: number }>())?.one === 1;
  } catch {
    return false;
  }
}
