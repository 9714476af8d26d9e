import type { Context } from "hono";
import type { AppEnv } from "../app";
import { newId } from "../auth";
import { type DatasetMeta, type DatasetKind, deleteProcessingRow, rawKey } from "../data/datasets";
import { AccountRollupBuilder, accountRollupKey } from "../data/account-rollup";
import { DatasetWriter } from "../data/dataset-writer";
import { limit } from "../env";
import { ApiError } from "../errors";
import { RollupBuilder, rollupKey } from "../metrics/rollup";
import { readUploadBody } from "./body";
import type { SurveyType } from "./cells";
import { ingestStream, type StreamIntakeResult } from "./stream";
import type { TableLimits } from "./table";

/** What a POST .../datasets asks for (query parameters, parsed). */
export interface UploadSpec {
  kind: DatasetKind;
  name?: string;
  mapping: Record<string, string>;
  sheet?: string;
  csatScale: number;
  /** Responses: the survey type of rows that do not say (docs/methods.md#survey-type). */
  surveyType?: SurveyType;
  dryRun: boolean;
}

/** The surveyType upload option: responses only (400 for another kind, rather than ignoring it). */
export function surveyTypeFor(kind: DatasetKind, surveyType: SurveyType | undefined): SurveyType | undefined {
  if (surveyType !== undefined && kind !== "responses") {
    throw new ApiError(400, "invalid_request", `surveyType applies to responses only, not to ${kind}.`, [
      { column: "surveyType", message: `not an option of ${kind}` },
    ]);
  }
  return surveyType;
}

export const uploadLimits = (env: AppEnv["Bindings"]): TableLimits => ({
  maxRows: limit(env, "MAX_ROWS", 2_000_000),
  maxColumns: limit(env, "MAX_COLUMNS", 500),
  maxCellChars: limit(env, "MAX_CELL_CHARS", 10_000),
});

const bytesStream = (bytes: Uint8Array) =>
  new ReadableStream<Uint8Array>({
    start(c) {
      // In 1 MiB chunks, like a network body.
      for (let i = 0; i < bytes.byteLength; i += 1 << 20) c.enqueue(bytes.subarray(i, i + (1 << 20)));
      c.close();
    },
  });

/**
 * The dataset's options as stored in D1 (format, delimiter or sheet, csatScale, mapping; for responses the
 * upload's default surveyType, when given, and surveyTypes: the rows of each survey type).
 */
export function uploadOptions(spec: UploadSpec, result: StreamIntakeResult): Record<string, unknown> {
  const options: Record<string, unknown> = { format: result.format };
  if (result.delimiter) options.delimiter = result.delimiter;
  if (result.sheet) options.sheet = result.sheet;
  if (spec.kind === "responses") options.csatScale = spec.csatScale;
  if (spec.kind === "responses" && spec.surveyType) options.surveyType = spec.surveyType;
  if (result.surveyTypes) options.surveyTypes = result.surveyTypes;
  if (Object.keys(spec.mapping).length) options.mapping = spec.mapping;
  return options;
}

/** The 200 answer of a dry run: the would-be dataset (id null, status preview) and the first rows. */
export function previewJson(spec: UploadSpec, name: string, result: StreamIntakeResult) {
  return {
    id: null,
    kind: spec.kind,
    name,
    rows: result.rows,
    columns: result.columns.map(({ name, type, source, readAs }) => ({ name, type, source, ...(readAs ? { readAs } : {}) })),
    warnings: result.warnings,
    options: uploadOptions(spec, result),
    status: "preview",
    createdAt: new Date().toISOString(),
    preview: result.preview,
  };
}

/**
 * POST .../datasets: a raw body is parsed as it streams in (blocks and the raw file written to R2 on
 * the way, the D1 row last); multipart bodies and dryRun are read whole first (bounded by
 * MAX_UPLOAD_BYTES) and then take the same path. On any rejection everything written is deleted.
 * @returns the stored dataset, or for dryRun the result (nothing stored)
 */
export async function handleUpload(
  c: Context<AppEnv>,
  spec: UploadSpec,
): Promise<{ meta: DatasetMeta; result: StreamIntakeResult } | { meta: null; result: StreamIntakeResult; name: string }> {
  const env = c.env;
  const ws = c.var.workspaceId;
  const maxBytes = limit(env, "MAX_UPLOAD_BYTES", 100 * 1024 * 1024);
  const type = c.req.header("content-type") ?? "";
  const buffered = spec.dryRun || /^multipart\/form-data/i.test(type);
  let stream: ReadableStream<Uint8Array>;
  let contentType: string | null = type.split(";")[0].trim() || null;
  let filename: string | null = null;
  let reopen: () => Promise<ReadableStream<Uint8Array>>;
  const id = newId("d");
  if (buffered) {
    const body = await readUploadBody(c, maxBytes);
    contentType = body.contentType;
    filename = body.filename;
    stream = bytesStream(body.bytes);
    reopen = async () => bytesStream(body.bytes);
  } else {
    const declared = Number(c.req.header("content-length") ?? NaN);
    if (Number.isFinite(declared) && declared > maxBytes) {
      throw new ApiError(
        413,
        "too_large",
        `The upload is ${declared} bytes; the limit is ${maxBytes} bytes (MAX_UPLOAD_BYTES). Split the file.`,
      );
    }
    stream = c.req.raw.body ?? new ReadableStream({ start: (ctl) => ctl.close() });
    reopen = async () => {
      const obj = await env.FILES.get(rawKey(ws, id));
      if (!obj) throw new Error("raw upload vanished");
      return obj.body;
    };
  }
  const name = spec.name?.trim() || filename || `${spec.kind} ${new Date().toISOString().slice(0, 10)}`;
  const writer = spec.dryRun ? null : new DatasetWriter(env, ws, id, contentType);
  const rollup = spec.kind === "responses" && writer ? new RollupBuilder(spec.csatScale) : null;
  const accounts = rollup ? new AccountRollupBuilder() : null;
  try {
    await writer?.begin(spec.kind, name);
    const result = await ingestStream(stream, {
      kind: spec.kind,
      mapping: spec.mapping,
      sheet: spec.sheet,
      csatScale: spec.csatScale,
      surveyType: spec.surveyType,
      limits: uploadLimits(env),
      maxBytes,
      writer,
      reopen,
      onBlock: rollup ? (b) => (rollup.add(b), accounts!.add(b)) : undefined,
      onRestart: () => (rollup?.reset(), accounts?.reset()),
    });
    if (!writer) return { meta: null, result, name };
    const rolled = rollup?.toJson();
    if (rolled) writer.setExtra(rollupKey(ws, id), rolled);
    const perAccount = accounts?.toBytes();
    if (perAccount) writer.setExtra(accountRollupKey(ws, id), perAccount);
    const meta = await writer.commit(
      {
        kind: spec.kind,
        name,
        rows: result.rows,
        columns: result.columns,
        warnings: result.warnings,
        options: uploadOptions(spec, result),
        blockRows: result.blockRows,
        contentType,
      },
      true,
    );
    return { meta, result };
  } catch (err) {
    await writer?.abort();
    // The processing row written by begin goes too: a rejected file leaves no D1 row.
    if (writer) await deleteProcessingRow(env, ws, id);
    throw err;
  }
}
