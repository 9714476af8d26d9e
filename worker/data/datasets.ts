import type { Env } from "../env";
import { ApiError, type ErrorDetail } from "../errors";
import { type Block, type BlockColumn, decodeBlock, encodeBlock, type Storage } from "./blocks";

/** Kinds of dataset a workspace holds. */
export type DatasetKind = "accounts" | "responses" | "transactions";
export const DATASET_KINDS: readonly DatasetKind[] = ["accounts", "responses", "transactions"];

/** A column as the API reports it (`type` the API type, `source` the header in the file). */
export interface DatasetColumn {
  name: string;
  type: string;
  source: string | null;
  storage: Storage;
  /** How the header was read when not as written (a churn header stored as renewed = 1 − churn). */
  readAs?: string;
}

/** Metadata of one dataset (a D1 row of `datasets`, parsed). */
export interface DatasetMeta {
  id: string;
  workspaceId: string;
  kind: DatasetKind;
  name: string;
  rows: number;
  columns: DatasetColumn[];
  warnings: string[];
  options: { csatScale?: number; [k: string]: unknown };
  blockCount: number;
  blockRows: number;
  rawBytes: number;
  contentType: string | null;
  status: string;
  /** Queued parse jobs (status processing): rows done, rows expected (estimated from bytes), bad cells so far. */
  progress: DatasetProgress | null;
  /** A failed job's error ({code, message, details}). */
  error: { code: string; message: string; details: ErrorDetail[] } | null;
  createdAt: string;
}

/** A queued parse job's progress, as stored in datasets.progress (JSON). */
export interface DatasetProgress {
  rowsDone: number;
  rowsTotal: number;
  errorsSoFar: number;
  /** When it was written (ISO); tells a live job from a lost one (not in the API). */
  at?: string;
}

/**
 * The stored progress JSON of a dataset, typed; null when there is none.
 * @example parseProgress('{"rowsDone":0,"rowsTotal":10,"errorsSoFar":0}')?.rowsTotal // => 10
 */
export function parseProgress(json: string | null | undefined): DatasetProgress | null {
  if (!json) return null;
  const v: Partial<DatasetProgress> = JSON.parse(json);
  return { rowsDone: v.rowsDone ?? 0, rowsTotal: v.rowsTotal ?? 0, errorsSoFar: v.errorsSoFar ?? 0 };
}

interface DatasetRow {
  id: string;
  workspace_id: string;
  kind: DatasetKind;
  name: string;
  rows: number;
  columns: string;
  warnings: string;
  options: string;
  block_count: number;
  block_rows: number;
  raw_bytes: number;
  content_type: string | null;
  status: string;
  progress?: string | null;
  error?: string | null;
  created_at: string;
}

function toMeta(r: DatasetRow): DatasetMeta {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    kind: r.kind,
    name: r.name,
    rows: r.rows,
    columns: JSON.parse(r.columns),
    warnings: JSON.parse(r.warnings),
    options: JSON.parse(r.options),
    blockCount: r.block_count,
    blockRows: r.block_rows,
    rawBytes: r.raw_bytes,
    contentType: r.content_type,
    status: r.status,
    progress: parseProgress(r.progress),
    error: r.error ? JSON.parse(r.error) : null,
    createdAt: r.created_at,
  };
}

/** The public JSON of a dataset (docs/api.md#datasets: id, kind, name, rows, columns, warnings). */
export function datasetJson(m: DatasetMeta) {
  return {
    id: m.id,
    kind: m.kind,
    name: m.name,
    rows: m.rows,
    columns: m.columns.map(({ name, type, source, readAs }) => ({ name, type, source, ...(readAs ? { readAs } : {}) })),
    warnings: m.warnings,
    options: m.options,
    skippedRows: (m.options.skippedRows as { row: number; reason: string; text: string }[] | undefined) ?? [],
    status: m.status,
    ...(m.progress
      ? { progress: { rowsDone: m.progress.rowsDone, rowsTotal: m.progress.rowsTotal, errorsSoFar: m.progress.errorsSoFar } }
      : {}),
    ...(m.error ? { error: m.error } : {}),
    createdAt: m.createdAt,
  };
}

/** A processing row's progress JSON; `at` (ISO time of the write) tells a live job from a lost one. */
export const progressJson = (rowsDone: number, rowsTotal: number, errorsSoFar: number) =>
  JSON.stringify({ rowsDone, rowsTotal, errorsSoFar, at: new Date().toISOString() });

export const rawKey = (ws: string, id: string) => `raw/${ws}/${id}`;
export const blockKey = (ws: string, id: string, blockNo: number) => `cols/${ws}/${id}/${blockNo}.bin`;

/** All ready datasets of a workspace, newest first. */
export async function listDatasets(env: Env, workspaceId: string): Promise<DatasetMeta[]> {
  const { results } = await env.DB.prepare("SELECT * FROM datasets WHERE workspace_id = ? ORDER BY created_at DESC, rowid DESC")
    .bind(workspaceId)
    .all<DatasetRow>();
  return results.map(toMeta);
}

/** One dataset of the workspace, or null (also for another workspace's id). */
export async function getDataset(env: Env, workspaceId: string, id: string): Promise<DatasetMeta | null> {
  const r = await env.DB.prepare("SELECT * FROM datasets WHERE workspace_id = ? AND id = ?").bind(workspaceId, id).first<DatasetRow>();
  return r ? toMeta(r) : null;
}

/** The newest ready dataset of a kind: the one models use (docs/api.md#datasets). */
export async function latestDataset(env: Env, workspaceId: string, kind: DatasetKind): Promise<DatasetMeta | null> {
  return datasetOf(await latestDatasetStatement(env, workspaceId, kind).first());
}

/** The query of `latestDataset`, for a batch; its row (or null) through `datasetOf`. */
export function latestDatasetStatement(env: Env, workspaceId: string, kind: DatasetKind): D1PreparedStatement {
  return env.DB.prepare(
    "SELECT * FROM datasets WHERE workspace_id = ? AND kind = ? AND status = 'ready' ORDER BY created_at DESC, rowid DESC LIMIT 1",
  ).bind(workspaceId, kind);
}

/** A row of the datasets table as DatasetMeta (null for none). */
export function datasetOf(row: unknown): DatasetMeta | null {
  return row ? toMeta(row as DatasetRow) : null;
}

/** Reads block `blockNo` of a dataset (only the named columns when given). */
export async function readBlock(env: Env, meta: DatasetMeta, blockNo: number, only?: readonly string[]): Promise<Block> {
  const obj = await env.FILES.get(blockKey(meta.workspaceId, meta.id, blockNo));
  if (!obj) throw new ApiError(409, "dataset_incomplete", `Dataset ${meta.id} is missing block ${blockNo}; upload it again.`);
  return decodeBlock(await obj.arrayBuffer(), only);
}

/** Streams a dataset's blocks in order, one in memory at a time. */
export async function* readBlocks(env: Env, meta: DatasetMeta, only?: readonly string[]): AsyncGenerator<Block> {
  for (let b = 0; b < meta.blockCount; b++) yield await readBlock(env, meta, b, only);
}

/** Whole columns of a dataset, concatenated over blocks. Text as (string | null)[]. */
export interface Columns {
  n: number;
  numeric: Record<string, Float64Array>;
  text: Record<string, (string | null)[]>;
}

/** Reads whole columns (all, or the named ones) of a dataset into memory. */
export async function readColumns(env: Env, meta: DatasetMeta, only?: readonly string[]): Promise<Columns> {
  const n = meta.rows;
  const wanted = meta.columns.filter((c) => !only || only.includes(c.name));
  const numeric: Record<string, Float64Array> = {};
  const text: Record<string, (string | null)[]> = {};
  for (const c of wanted) {
    if (c.storage === "text") text[c.name] = new Array<string | null>(n).fill(null);
    else numeric[c.name] = new Float64Array(n).fill(NaN);
  }
  for await (const block of readBlocks(
    env,
    meta,
    wanted.map((c) => c.name),
  )) {
    for (const col of block.columns) copyColumn(col, block, numeric, text);
  }
  return { n, numeric, text };
}

function copyColumn(col: BlockColumn, block: Block, numeric: Columns["numeric"], text: Columns["text"]) {
  if (col.storage === "text") {
    const out = text[col.name];
    if (!out) return;
    for (let i = 0; i < block.rows; i++) {
      const k = col.codes[i];
      out[block.firstRow + i] = k === 0 ? null : col.dict[k - 1];
    }
  } else {
    numeric[col.name]?.set(col.values, block.firstRow);
  }
}

/** What an intake hands to `storeDataset`. */
export interface NewDataset {
  id: string;
  workspaceId: string;
  kind: DatasetKind;
  name: string;
  rows: number;
  columns: DatasetColumn[];
  warnings: string[];
  options: Record<string, unknown>;
  blocks: Block[];
  blockRows: number;
  raw: ArrayBuffer | Uint8Array;
  contentType: string | null;
}

/**
 * Stores a parsed dataset atomically: R2 objects first (raw file, then blocks),
 * then the D1 row. On any failure everything written so far is deleted, so a
 * failed upload leaves nothing behind.
 */
export async function storeDataset(env: Env, d: NewDataset): Promise<DatasetMeta> {
  // Keys are recorded before each put: deleting a key that was never written is harmless.
  const written: string[] = [];
  let raw: Promise<unknown> = Promise.resolve();
  try {
    const rk = rawKey(d.workspaceId, d.id);
    written.push(rk);
    raw = env.FILES.put(rk, d.raw, { httpMetadata: d.contentType ? { contentType: d.contentType } : undefined });
    // Blocks go up a few at a time beside the raw file.
    for (let b = 0; b < d.blocks.length; b += 4) {
      const batch = d.blocks.slice(b, b + 4).map((block, k) => {
        const key = blockKey(d.workspaceId, d.id, b + k);
        written.push(key);
        return env.FILES.put(key, encodeBlock(block));
      });
      // allSettled: no put may still be running when the catch below cleans up.
      const settled = await Promise.allSettled(batch);
      const failed = settled.find((r) => r.status === "rejected");
      if (failed) throw (failed as PromiseRejectedResult).reason;
    }
    await raw;
    await insertDatasetRow(env, d, { blockCount: d.blocks.length, rawBytes: d.raw.byteLength });
  } catch (err) {
    await raw.catch(() => undefined);
    if (written.length) await env.FILES.delete(written).catch(() => undefined);
    throw err;
  }
  const meta = await getDataset(env, d.workspaceId, d.id);
  if (!meta) throw new Error("dataset vanished after insert");
  return meta;
}

/** The row fields of a dataset written to R2 (storeDataset, DatasetWriter.commit). */
export type DatasetRowFields = Omit<NewDataset, "id" | "workspaceId" | "blocks" | "raw">;

/** Where a dataset's blocks and raw file stand once written to R2. */
interface StoredObjects {
  blockCount: number;
  rawBytes: number;
}

/** The values of a dataset row's data columns, in the order of DATA_COLUMNS. */
const DATA_COLUMNS = "rows, columns, warnings, options, block_count, block_rows, raw_bytes, content_type";
const dataValues = (f: DatasetRowFields, stored: StoredObjects) => [
  f.rows,
  JSON.stringify(f.columns),
  JSON.stringify(f.warnings),
  JSON.stringify(f.options),
  stored.blockCount,
  f.blockRows,
  stored.rawBytes,
  f.contentType,
];

/** Inserts a dataset's row (status `ready`, the column default). */
export async function insertDatasetRow(
  env: Env,
  d: DatasetRowFields & { id: string; workspaceId: string },
  stored: StoredObjects,
): Promise<void> {
  await env.DB.prepare(`INSERT INTO datasets (${DATA_COLUMNS}, id, workspace_id, kind, name) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
    .bind(...dataValues(d, stored), d.id, d.workspaceId, d.kind, d.name)
    .run();
}

/** Fills a queued job's `processing` row with the parsed dataset and turns it `ready`. */
export async function markDatasetReady(env: Env, ws: string, id: string, f: DatasetRowFields, stored: StoredObjects): Promise<boolean> {
  const set = DATA_COLUMNS.split(", ")
    .map((c) => `${c} = ?`)
    .join(", ");
  // Only while still processing: a dataset deleted or timed out meanwhile is not revived (false).
  const r = await env.DB.prepare(`UPDATE datasets SET ${set}, status = 'ready' WHERE workspace_id = ? AND id = ? AND status = 'processing'`)
    .bind(...dataValues(f, stored), ws, id)
    .run();
  return r.meta.changes > 0;
}

/**
 * The `processing` row of a direct upload, written before its first object: every object in R2 has a D1 row from
 * its first byte (a killed upload's row is timed out by expireStaleDatasets, its objects deleted).
 */
export async function insertProcessingRow(
  env: Env,
  ws: string,
  id: string,
  kind: string,
  name: string,
  contentType: string | null,
): Promise<void> {
  await env.DB.prepare(
    `INSERT INTO datasets (id, workspace_id, kind, name, rows, columns, block_count, block_rows, raw_bytes, content_type, status, progress)
     VALUES (?, ?, ?, ?, 0, '[]', 0, 0, 0, ?, 'processing', ?)`,
  )
    .bind(id, ws, kind, name, contentType, progressJson(0, 0, 0))
    .run();
}

/** Drops a direct upload's processing row after the upload was refused (its objects were deleted first). */
export async function deleteProcessingRow(env: Env, ws: string, id: string): Promise<void> {
  await env.DB.prepare("DELETE FROM datasets WHERE workspace_id = ? AND id = ? AND status = 'processing'").bind(ws, id).run();
}

/** A queued job's dataset: its status and the rows its progress expects (0 when unknown); null if there is no such row. */
export async function jobDatasetState(env: Env, ws: string, id: string): Promise<{ status: string; rowsTotal: number } | null> {
  const d = await env.DB.prepare("SELECT status, progress FROM datasets WHERE id = ? AND workspace_id = ?")
    .bind(id, ws)
    .first<{ status: string; progress: string | null }>();
  return d ? { status: d.status, rowsTotal: parseProgress(d.progress)?.rowsTotal ?? 0 } : null;
}

/**
 * Writes a queued job's progress while the attempt holding `job.token` owns the upload's job; false once it
 * does not (a newer attempt took over, or the job was given up).
 */
export async function writeJobProgress(
  env: Env,
  ws: string,
  id: string,
  progress: { rowsDone: number; rowsTotal: number; errorsSoFar: number },
  job: { uploadId: string; token: string },
): Promise<boolean> {
  const r = await env.DB.prepare(
    "UPDATE datasets SET progress = ? WHERE id = ? AND workspace_id = ? AND EXISTS (SELECT 1 FROM uploads WHERE id = ? AND job_token = ?)",
  )
    .bind(progressJson(progress.rowsDone, progress.rowsTotal, progress.errorsSoFar), id, ws, job.uploadId, job.token)
    .run();
  return r.meta.changes > 0;
}

/** Turns a `processing` dataset `failed` with `error`; false if it was not processing (nothing changed). */
export async function failProcessingDataset(
  env: Env,
  ws: string,
  id: string,
  error: { code: string; message: string; details: unknown[] },
): Promise<boolean> {
  const r = await env.DB.prepare(
    "UPDATE datasets SET status = 'failed', error = ?, block_count = 0 WHERE id = ? AND workspace_id = ? AND status = 'processing'",
  )
    .bind(JSON.stringify(error), id, ws)
    .run();
  return r.meta.changes > 0;
}

/** A workspace's datasets still `processing` created before `cutoff` (ISO): their progress (with its `at`) and upload. */
export async function processingDatasets(
  env: Env,
  ws: string,
  cutoff: string,
): Promise<{ id: string; progress: string | null; created_at: string; upload_id: string | null }[]> {
  const { results } = await env.DB.prepare(
    `SELECT d.id, d.progress, d.created_at, u.id AS upload_id FROM datasets d LEFT JOIN uploads u ON u.dataset_id = d.id
     WHERE d.workspace_id = ? AND d.status = 'processing' AND d.created_at < ?`,
  )
    .bind(ws, cutoff)
    .all<{ id: string; progress: string | null; created_at: string; upload_id: string | null }>();
  return results;
}

/** Datasets still `processing` that were created before `cutoff` (ISO), with the upload of their job (if any). */
export async function stuckDatasets(
  env: Env,
  cutoff: string,
  max: number,
): Promise<{ id: string; workspace_id: string; upload_id: string | null }[]> {
  const { results } = await env.DB.prepare(
    `SELECT d.id, d.workspace_id, u.id AS upload_id FROM datasets d LEFT JOIN uploads u ON u.dataset_id = d.id
     WHERE d.status = 'processing' AND d.created_at < ? LIMIT ?`,
  )
    .bind(cutoff, max)
    .all<{ id: string; workspace_id: string; upload_id: string | null }>();
  return results;
}

/**
 * Deletes a dataset's D1 row, then its R2 objects: the blocks by prefix (a dataset still processing has
 * block_count 0 but may have blocks), the raw file and both rollups. The upload of a chunked dataset still
 * processing is removed by worker/linking/dataset-removal.ts (removeDataset).
 */
export async function deleteDataset(env: Env, meta: DatasetMeta): Promise<void> {
  await env.DB.prepare("DELETE FROM datasets WHERE workspace_id = ? AND id = ?").bind(meta.workspaceId, meta.id).run();
  await env.FILES.delete([
    rawKey(meta.workspaceId, meta.id),
    `agg/${meta.workspaceId}/${meta.id}.json`,
    `acct/${meta.workspaceId}/${meta.id}.bin`,
  ]);
  const prefix = `cols/${meta.workspaceId}/${meta.id}/`;
  for (let cursor: string | undefined, more = true; more;) {
    const page = await env.FILES.list({ prefix, cursor });
    if (page.objects.length) await env.FILES.delete(page.objects.map((o) => o.key));
    cursor = page.truncated ? page.cursor : undefined;
    more = page.truncated;
  }
}

/** Of these dataset ids, those that have a row. */
export async function knownDatasetIds(env: Env, ids: string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (let i = 0; i < ids.length; i += 50) {
    const chunk = ids.slice(i, i + 50);
    const { results } = await env.DB.prepare(`SELECT id FROM datasets WHERE id IN (${chunk.map(() => "?").join(",")})`)
      .bind(...chunk)
      .all<{ id: string }>();
    for (const r of results) out.add(r.id);
  }
  return out;
}
