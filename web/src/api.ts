/**
 * The HTTP client of the UI: the typed client generated from the API's OpenAPI document (openapi-fetch over
 * web/src/api-schema.d.ts), with the workspace token added to every workspace route, and uploads with real progress.
 */
import createClient, { type Middleware } from "openapi-fetch";
import type { paths } from "./api-schema";
import type { ErrorDetail, UploadQuery, UploadQueued, UploadResult, UploadStart } from "./api-types";
import { tokenFor } from "./store";

export type { ErrorDetail } from "./api-types";

/** An error answered by the API in its `{"error": {code, message, details}}` shape. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
    /** The file's header row, sent with a 422 for a file that lacks required columns (CSV or xlsx). */
    readonly headers: string[] = [],
  ) {
    super(message);
    this.name = "HttpError";
  }
}

/** The HttpError of a failed answer, from its parsed body (the API's error shape, or anything else a proxy sent). */
function httpError(status: number, body: unknown, fallback = `The server answered ${status}.`): HttpError {
  const e = (body as { error?: Partial<{ code: string; message: string; details: ErrorDetail[]; headers: string[] }> } | null)?.error;
  return new HttpError(status, e?.code ?? `http_${status}`, e?.message ?? fallback, e?.details ?? [], e?.headers ?? []);
}

/** Workspace routes (a `{ws}` path parameter) carry the token this browser holds for that workspace, unless the call sets one. */
const workspaceToken: Middleware = {
  onRequest({ request, params }) {
    const ws = (params.path as { ws?: string } | undefined)?.ws;
    const token = ws ? tokenFor(ws) : null;
    if (token && !request.headers.has("authorization")) request.headers.set("authorization", `Bearer ${token}`);
    return request;
  },
};

/** The typed API client: `client.GET("/api/workspaces/{ws}", { params: { path: { ws } } })`. */
export const client = createClient<paths>({ baseUrl: "", headers: { accept: "application/json" } });
client.use(workspaceToken);

type Answer<D> = { data: D; error?: never; response: Response } | { data?: never; error: unknown; response: Response };

/** The body of a successful answer; throws HttpError for an error answer. */
export async function ok<R extends Answer<unknown>>(call: Promise<R>): Promise<Exclude<R["data"], undefined>> {
  const r = await call;
  if (r.error !== undefined || !r.response.ok) throw httpError(r.response.status, r.error);
  return r.data as Exclude<R["data"], undefined>;
}

/**
 * Keeps only the newest of overlapping requests: `const take = latest(); … const r = await call(); if (!take()) return;`
 * (a slow earlier answer must not overwrite the answer to what the user asked last).
 */
export function latestGuard(): () => () => boolean {
  let seq = 0;
  return () => {
    const mine = ++seq;
    return () => mine === seq;
  };
}

/** Downloads a token-protected file (CSV export, HTML report; a client call with `parseAs: "blob"`) under a file name. */
export async function download(call: Promise<Answer<Blob>>, filename: string): Promise<void> {
  const blob = await ok(call);
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export interface UploadProgress {
  phase: "transfer" | "processing" | "done";
  loaded: number;
  total: number;
}

const uploadPath = (ws: string) => `/api/workspaces/${encodeURIComponent(ws)}/datasets`;

function queryString(query: UploadQuery): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== "") p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : "";
}

/**
 * Uploads a file (uploadDataset) with XMLHttpRequest, because fetch reports no upload progress; the query and the
 * answer are the contract's types. Resolves with the answer (201, or 200 for dryRun); rejects with HttpError.
 */
export function uploadFile(
  ws: string,
  file: Blob,
  contentType: string,
  query: UploadQuery,
  onProgress: (p: UploadProgress) => void,
  signal?: AbortSignal,
): Promise<UploadResult> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    signal?.addEventListener("abort", () => xhr.abort(), { once: true });
    xhr.open("POST", uploadPath(ws) + queryString(query));
    const token = tokenFor(ws);
    if (token) xhr.setRequestHeader("authorization", `Bearer ${token}`);
    xhr.setRequestHeader("content-type", contentType);
    xhr.responseType = "text";
    xhr.upload.onprogress = (e) => onProgress({ phase: "transfer", loaded: e.loaded, total: e.lengthComputable ? e.total : file.size });
    xhr.upload.onload = () => onProgress({ phase: "processing", loaded: file.size, total: file.size });
    xhr.onerror = () =>
      reject(new HttpError(0, "network_error", "The upload was interrupted (network error). Check the connection and try again."));
    xhr.onabort = () => reject(new HttpError(0, "aborted", "The upload was cancelled."));
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        /* not JSON */
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress({ phase: "done", loaded: file.size, total: file.size });
        resolve(body as UploadResult);
      } else reject(httpError(xhr.status, body));
    };
    xhr.send(file);
  });
}

export type ChunkedSpec = Omit<UploadStart, "totalBytes">;

/**
 * Uploads a file in parts (startUpload, uploadPart, completeUpload), for files over the body limit: transfer progress
 * counts every part's bytes; resolves with the 202 answer `{datasetId, status, rowsTotal}` of the queued parse job,
 * whose progress the caller polls with getDataset. If a part fails or `signal` cancels the upload, the upload is
 * deleted on the server (abortUpload; its parts go) before the error is passed on.
 */
export async function uploadChunked(
  ws: string,
  file: Blob,
  spec: ChunkedSpec,
  onProgress: (p: UploadProgress) => void,
  signal?: AbortSignal,
  maxPartBytes = 16 * 1024 * 1024,
): Promise<UploadQueued> {
  const start = await ok(
    client.POST("/api/workspaces/{ws}/uploads", {
      params: { path: { ws } },
      body: { ...spec, totalBytes: file.size, partBytes: maxPartBytes },
    }),
  );
  const upload = { ws, id: start.uploadId };
  const part = Math.max(1, Math.min(start.partBytes, maxPartBytes));
  let done = 0;
  try {
    await sendParts();
  } catch (err) {
    // Cancelled or failed before completion: drop the parts sent so far, best effort; the server's expiry sweep
    // removes them anyway after UPLOAD_EXPIRY_HOURS.
    await client.DELETE("/api/workspaces/{ws}/uploads/{id}", { params: { path: upload }, keepalive: true }).catch(() => undefined);
    throw err;
  }
  onProgress({ phase: "processing", loaded: file.size, total: file.size });
  return ok(client.POST("/api/workspaces/{ws}/uploads/{id}/complete", { params: { path: upload } }));

  async function sendParts(): Promise<void> {
    for (let n = 1, off = 0; off < file.size; n++, off += part) {
      if (signal?.aborted) throw new HttpError(0, "aborted", "The upload was cancelled.");
      const blob = file.slice(off, Math.min(file.size, off + part));
      // uploadPart with XMLHttpRequest: fetch reports no upload progress.
      await new Promise<void>((resolve, reject) => {
        const xhr = new XMLHttpRequest();
        signal?.addEventListener("abort", () => xhr.abort(), { once: true });
        xhr.open("PUT", `/api/workspaces/${encodeURIComponent(ws)}/uploads/${encodeURIComponent(start.uploadId)}/parts/${n}`);
        const token = tokenFor(ws);
        if (token) xhr.setRequestHeader("authorization", `Bearer ${token}`);
        xhr.setRequestHeader("content-type", "application/octet-stream");
        xhr.upload.onprogress = (e) => onProgress({ phase: "transfer", loaded: done + e.loaded, total: file.size });
        xhr.onerror = () =>
          reject(new HttpError(0, "network_error", `Part ${n} of the upload was interrupted. Check the connection and try again.`));
        xhr.onabort = () => reject(new HttpError(0, "aborted", "The upload was cancelled."));
        xhr.onload = () => {
          if (xhr.status >= 200 && xhr.status < 300) {
            resolve();
            return;
          }
          let body: unknown = null;
          try {
            body = JSON.parse(xhr.responseText);
          } catch {
            /* not JSON */
          }
          reject(httpError(xhr.status, body, `Part ${n}: the server answered ${xhr.status}.`));
        };
        xhr.send(blob);
      });
      done += blob.size;
      onProgress({ phase: "transfer", loaded: done, total: file.size });
    }
  }
}
