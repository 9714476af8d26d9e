/** What the browser knows about a file before uploading it: canonical columns, content type, headers, preview sample. */

/** Canonical columns of each kind (docs/api.md#datasets). */
export const CANONICAL: Record<string, { name: string; required: boolean; note: string }[]> = {
  accounts: [
    { name: "account_id", required: true, note: "unique id" },
    { name: "arr", required: true, note: "annual recurring revenue" },
    { name: "renewed", required: false, note: "1/0, yes/no, renewed/churned" },
    { name: "segment", required: false, note: "text" },
    { name: "region", required: false, note: "text" },
    { name: "tenure_months", required: false, note: "number" },
    { name: "renewal_date", required: false, note: "date" },
    { name: "expansion", required: false, note: "fraction or %" },
  ],
  responses: [
    { name: "account_id", required: true, note: "account the answer belongs to" },
    { name: "date", required: false, note: "date" },
    { name: "nps", required: false, note: "0-10" },
    { name: "csat", required: false, note: "1-5" },
    { name: "ces", required: false, note: "1-7" },
    { name: "touchpoint", required: false, note: "journey stage" },
    { name: "survey_type", required: false, note: "relationship or transactional (rNPS / tNPS)" },
  ],
  transactions: [
    { name: "customer_id", required: true, note: "text" },
    { name: "date", required: true, note: "date" },
    { name: "amount", required: true, note: "money" },
  ],
};

export const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

export function contentType(file: File): string {
  if (/\.xlsx$/i.test(file.name)) return XLSX;
  if (/\.(csv|txt|tsv)$/i.test(file.name)) return "text/csv";
  return file.type || "text/csv";
}

/** Headers of a CSV read in the browser (first line, delimiter , ; or tab), for the mapping when the server rejects the file. */
export async function csvHeaders(file: File): Promise<string[]> {
  if (/\.xlsx$/i.test(file.name)) return [];
  const text = (await file.slice(0, 65536).text()).replace(/^\uFEFF/, "");
  const line = text.split(/\r?\n/)[0] ?? "";
  const delim = [",", ";", "\t"].reduce((best, d) => (line.split(d).length > line.split(best).length ? d : best), ",");
  return line
    .split(delim)
    .map((x) => x.trim().replace(/^"(.*)"$/, "$1"))
    .filter(Boolean);
}

/** Above this size a CSV is previewed from its beginning only (the whole file is checked on upload). */
export const PREVIEW_BYTES = 4 * 1024 * 1024;

/**
 * What the dry run checks: the whole file, or for a large CSV its first ~4 MB cut at the last line break
 * (so a 40 MB export previews in a second instead of being sent twice in full).
 */
export async function previewSample(file: File): Promise<{ blob: Blob; partial: boolean }> {
  if (file.size <= PREVIEW_BYTES || /\.xlsx$/i.test(file.name)) return { blob: file, partial: false };
  const head = new Uint8Array(await file.slice(0, PREVIEW_BYTES).arrayBuffer());
  let cut = head.length;
  while (cut > 0 && head[cut - 1] !== 0x0a) cut--;
  return { blob: new Blob([head.subarray(0, cut || head.length)], { type: file.type || "text/csv" }), partial: true };
}

export function guessKind(name: string): string | null {
  const n = name.toLowerCase();
  if (/(response|survey|nps|csat|feedback)/.test(n)) return "responses";
  if (/(transaction|order|purchase|sales)/.test(n)) return "transactions";
  if (/(account|customer|renewal|arr|contract)/.test(n)) return "accounts";
  return null;
}

/**
 * Files larger than this go up in parts with a background parse job (POST .../uploads): 32 MB by default, well
 * under the 100 MB body limit. `localStorage["cxr.chunkThreshold"]` (bytes) overrides it, for testing the path.
 */
export function chunkThreshold(): number {
  const v = Number(localStorage.getItem("cxr.chunkThreshold"));
  return Number.isFinite(v) && v > 0 ? v : 32 * 1024 * 1024;
}

/** Bytes per part of a chunked upload: 16 MB (the server allows up to its body limit); `localStorage["cxr.partBytes"]` overrides. */
export function partBytes(): number {
  const v = Number(localStorage.getItem("cxr.partBytes"));
  return Number.isFinite(v) && v > 0 ? v : 16 * 1024 * 1024;
}
