import { type DatasetMeta, deleteDataset } from "../data/datasets";
import { dropDatasetUpload, takeJobForDelete } from "../data/uploads-store";
import type { Env } from "../env";
import { forgetDatasetInIsolateCaches } from "../data/isolate-cache";

/**
 * DELETE .../datasets/:id: the row, every object (blocks by prefix, raw file, rollups) and, for a chunked dataset,
 * its upload's parts and rows. A job still running is taken over first, so it stops at its next progress write and
 * deletes what it wrote since; anything that still slips through is an orphan the hourly sweep removes.
 */
export async function removeDataset(env: Env, meta: DatasetMeta): Promise<void> {
  if (meta.status === "processing") await takeJobForDelete(env, meta.workspaceId, meta.id);
  await deleteDataset(env, meta);
  await dropDatasetUpload(env, meta.workspaceId, meta.id);
  forgetDatasetInIsolateCaches(meta.id); // never served once the id is gone, but the memory back now
}
