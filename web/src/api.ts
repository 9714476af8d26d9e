/** The HTTP client of the UI: JSON calls with the workspace token, and uploads with real progress. */
import { tokenFor } from "./store";

export interface ErrorDetail {
  row?: number;
  column?: string;
  message: string;
}

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

type Query = Record<string, string | number | boolean | undefined | null>;

function qs(query?: Query): string {
  if (!query) return "";
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== "") p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : "";
}

async function toError(res: Response): Promise<HttpError> {
  let body: any = null;
  try {
    body = await res.json();
  } catch {
    /* not JSON */
  }
  const e = body?.error;
  return new HttpError(
    res.status,
    e?.code ?? `http_${res.status}`,
    e?.message ?? `The server answered ${res.status}.`,
    e?.details ?? [],
    e?.headers ?? [],
  );
}

/** Calls a JSON route. Workspace routes get the stored token for `ws`. */
export async function api<T = any>(
  path: string,
  opts: { method?: string; body?: unknown; query?: Query; ws?: string; token?: string; signal?: AbortSignal } = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  const token = opts.token ?? (opts.ws ? tokenFor(opts.ws) : null);
  if (token) headers.authorization = `Bearer ${token}`;
  let body: string | undefined;
  if (opts.body !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(opts.body);
  }
  const res = await fetch(path + qs(opts.query), { method: opts.method ?? (body ? "POST" : "GET"), headers, body, signal: opts.signal });
  if (!res.ok) throw await toError(res);
  return (await res.json()) as T;
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

/** The path of a workspace route. */
export const wsPath = (ws: string, rest = "") => `/api/workspaces/${encodeURIComponent(ws)}${rest}`;

/** Fetches a file behind the token (CSV export, HTML report) as a Blob. */
export async function fetchBlob(path: string, ws: string, query?: Query): Promise<Blob> {
  const token = tokenFor(ws);
  const res = await fetch(path + qs(query), { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (!res.ok) throw await toError(res);
  return res.blob();
}

/** Downloads a token-protected file under a file name. */
export async function download(path: string, ws: string, filename: string): Promise<void> {
  const blob = await fetchBlob(path, ws);
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

/**
 * Uploads a file with XMLHttpRequest so the transfer has real progress events.
 * Resolves with the JSON answer (201, or 200 for dryRun); rejects with HttpError.
 */
export function uploadFile(
  path: string,
  ws: string,
  file: Blob,
  contentType: string,
  query: Query,
  onProgress: (p: UploadProgress) => void,
  signal?: AbortSignal,
): Promise<any> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    signal?.addEventListener("abort", () => xhr.abort(), { once: true });
    xhr.open("POST", path + qs(query));
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
      let body: any = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        /* not JSON */
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress({ phase: "done", loaded: file.size, total: file.size });
        resolve(body);
      } else {
        const e = body?.error;
        reject(
          new HttpError(
            xhr.status,
            e?.code ?? `http_${xhr.status}`,
            e?.message ?? `The server answered ${xhr.status}.`,
            e?.details ?? [],
            e?.headers ?? [],
          ),
        );
      }
    };
    xhr.send(file);
  });
}

export interface ChunkedSpec {
  kind: string;
  name?: string;
  mapping?: Record<string, string>;
  csatScale?: number;
  contentType: string;
}

/**
 * Uploads a file in parts (POST .../uploads, PUT .../uploads/:id/parts/:n, POST .../complete), for files over the
 * body limit: transfer progress counts every part's bytes; resolves with the 202 answer `{datasetId, status, rowsTotal}`
 * of the queued parse job, whose progress the caller polls on GET .../datasets/:id. If a part fails or `signal`
 * cancels the upload, the upload is deleted on the server (its parts go) before the error is passed on.
 */
export async function uploadChunked(
  ws: string,
  file: Blob,
  spec: ChunkedSpec,
  onProgress: (p: UploadProgress) => void,
  signal?: AbortSignal,
  maxPartBytes = 16 * 1024 * 1024,
): Promise<{ datasetId: string; status: string; rowsTotal: number }> {
  const start = await api<{ uploadId: string; partBytes: number }>(wsPath(ws, "/uploads"), {
    ws,
    body: { ...spec, totalBytes: file.size, partBytes: maxPartBytes },
  });
  const part = Math.max(1, Math.min(start.partBytes, maxPartBytes));
  let done = 0;
  try {
    await sendParts();
  } catch (err) {
    // Cancelled or failed before completion: drop the parts sent so far (DELETE .../uploads/:id), best effort;
    // the server's expiry sweep removes them anyway after UPLOAD_EXPIRY_HOURS.
    const token = tokenFor(ws);
    await fetch(wsPath(ws, `/uploads/${encodeURIComponent(start.uploadId)}`), {
      method: "DELETE",
      keepalive: true,
      headers: token ? { authorization: `Bearer ${token}` } : {},
    }).catch(() => undefined);
    throw err;
  }
  onProgress({ phase: "processing", loaded: file.size, total: file.size });
  return api(wsPath(ws, `/uploads/${encodeURIComponent(start.uploadId)}/complete`), { ws, method: "POST", body: {} });

  async function sendParts(): Promise<void> {
    for (let n = 1, off = 0; off < file.size; n++, off += part) {
      if (signal?.aborted) throw new HttpError(0, "aborted", "The upload was cancelled.");
      const blob = file.slice(off, Math.min(file.size, off + part));
      await new Promise<void>((resolve, reject) => {
        const xhr = new XMLHttpRequest();
        signal?.addEventListener("abort", () => xhr.abort(), { once: true });
        xhr.open("PUT", wsPath(ws, `/uploads/${encodeURIComponent(start.uploadId)}/parts/${n}`));
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
          let body: any = null;
          try {
            body = JSON.parse(xhr.responseText);
          } catch {
            /* not JSON */
          }
          reject(
            new HttpError(
              xhr.status,
              body?.error?.code ?? `http_${xhr.status}`,
              body?.error?.message ?? `Part ${n}: the server answered ${xhr.status}.`,
              body?.error?.details ?? [],
            ),
          );
        };
        xhr.send(blob);
      });
      done += blob.size;
      onProgress({ phase: "transfer", loaded: done, total: file.size });
    }
  }
}
