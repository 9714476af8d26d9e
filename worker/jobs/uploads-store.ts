import type { DatasetKind } from "../data/datasets";
import type { UploadSpec } from "../intake/upload";

/** Chunked uploads in D1 (`uploads`, `upload_parts`) and their parts in R2. */

export const partKey = (ws: string, uploadId: string, n: number) => `uploads/${ws}/${uploadId}/${n}`;

/** A row of `uploads`. */
export interface UploadRow {
  id: string;
  workspace_id: string;
  kind: DatasetKind;
  name: string;
  spec: string;
  total_bytes: number;
  status: "open" | "queued";
  dataset_id: string | null;
  created_at: string;
}

/** What is stored in `uploads.spec`. */
export interface StoredSpec {
  mapping: Record<string, string>;
  sheet?: string;
  csatScale: number;
  contentType: string | null;
}

/** The intake spec of an upload row (never a dry run). */
export function uploadSpec(up: UploadRow): UploadSpec & { contentType: string | null } {
  const s = JSON.parse(up.spec) as StoredSpec;
  return { kind: up.kind, name: up.name, mapping: s.mapping, sheet: s.sheet, csatScale: s.csatScale, dryRun: false, contentType: s.contentType };
}
