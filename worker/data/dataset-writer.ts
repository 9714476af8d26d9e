import type { Env } from "../env";
import { type Block, encodeBlock } from "./blocks";
import { ApiError } from "../errors";
import {
  blockKey,
  type DatasetMeta,
  type DatasetRowFields,
  getDataset,
  insertDatasetRow,
  insertProcessingRow,
  markDatasetReady,
  rawKey,
} from "./datasets";

/**
 * Writes one dataset to R2 while it is being parsed: the raw file through an R2
 * multipart upload (8 MiB parts, the last one shorter; a file under one part is a
 * single put), and each columnar block as soon as it fills. `commit` adds the D1 row
 * (or turns a queued job's `processing` row ready); `abort` deletes every object
 * written so far, so a rejected upload leaves nothing in R2 (and nothing in D1 when
 * it had no row yet).
 */

/** R2 multipart parts must be equal-sized (all but the last) and at least 5 MiB. */
const PART_BYTES = 8 * 1024 * 1024;
/** Block puts allowed in flight before the parser waits. */
const MAX_INFLIGHT = 3;

export class DatasetWriter {
  /** Raw bytes received so far. */
  rawBytes = 0;
  blockCount = 0;
  private keys = new Set<string>();
  private inflight = new Set<Promise<void>>();
  private failure: unknown = null;
  private part: Uint8Array | null = null;
  private partFill = 0;
  private multipart: R2MultipartUpload | null = null;
  private multipartStart: Promise<R2MultipartUpload> | null = null;
  private parts: Promise<R2UploadedPart>[] = [];
  private lastPart: Promise<unknown> = Promise.resolve();
  private extra = new Map<string, string | Uint8Array>();
  private rawDone = false;

  constructor(
    readonly env: Env,
    readonly workspaceId: string,
    readonly id: string,
    private readonly contentType: string | null,
  ) {}

  /**
   * Inserts the dataset's `processing` row before any object is written, so every object in R2 has a D1 row from
   * its first byte: an upload killed mid-way leaves a row that names its objects (timed out and cleaned up by
   * expireStaleDatasets), never objects nobody knows of.
   */
  async begin(kind: string, name: string): Promise<void> {
    await insertProcessingRow(this.env, this.workspaceId, this.id, kind, name, this.contentType);
  }

  /** Appends bytes of the raw file. Waits while the previous part is still uploading. */
  async writeRaw(bytes: Uint8Array): Promise<void> {
    this.rawBytes += bytes.byteLength;
    let off = 0;
    while (off < bytes.byteLength) {
      this.part ??= new Uint8Array(PART_BYTES);
      const n = Math.min(PART_BYTES - this.partFill, bytes.byteLength - off);
      this.part.set(bytes.subarray(off, off + n), this.partFill);
      this.partFill += n;
      off += n;
      if (this.partFill === PART_BYTES) await this.flushPart(this.part);
    }
  }

  private async flushPart(bytes: Uint8Array): Promise<void> {
    this.part = null;
    this.partFill = 0;
    const key = rawKey(this.workspaceId, this.id);
    this.keys.add(key);
    this.multipartStart ??= this.env.FILES.createMultipartUpload(key, this.httpMetadata());
    const upload = (this.multipart = await this.multipartStart);
    await this.lastPart; // one part in flight at a time: memory stays at two parts
    const partNo = this.parts.length + 1;
    const p = upload.uploadPart(partNo, bytes);
    this.parts.push(p);
    this.lastPart = p.catch((err) => this.fail(err));
  }

  private httpMetadata() {
    return this.contentType ? { httpMetadata: { contentType: this.contentType } } : undefined;
  }

  /** Finishes the raw file in R2 (once; later calls do nothing). */
  async finishRaw(): Promise<void> {
    if (this.rawDone) return;
    this.rawDone = true;
    const key = rawKey(this.workspaceId, this.id);
    this.keys.add(key);
    if (!this.multipartStart) {
      const bytes = this.part ? this.part.subarray(0, this.partFill) : new Uint8Array();
      this.part = null;
      await this.env.FILES.put(key, bytes, this.httpMetadata());
      return;
    }
    if (this.partFill > 0 && this.part) await this.flushPart(this.part.subarray(0, this.partFill));
    await this.lastPart;
    this.check();
    const parts = await Promise.all(this.parts);
    await this.multipart!.complete(parts);
    this.multipart = null;
  }

  /** Starts the put of a block (numbered in order of arrival). */
  addBlock(block: Block): void {
    const key = blockKey(this.workspaceId, this.id, this.blockCount++);
    this.keys.add(key);
    const p: Promise<void> = this.env.FILES.put(key, encodeBlock(block)).then(
      () => void this.inflight.delete(p),
      (err) => {
        this.inflight.delete(p);
        this.fail(err);
      },
    );
    this.inflight.add(p);
  }

  /** An extra object stored beside the blocks (e.g. the metrics rollup), written at commit. */
  setExtra(key: string, body: string | Uint8Array): void {
    this.extra.set(key, body);
  }

  /** Waits until at most `max` block puts are in flight; rethrows a failed put. */
  async settle(max = MAX_INFLIGHT): Promise<void> {
    while (this.inflight.size > max) await Promise.race(this.inflight);
    this.check();
  }

  private fail(err: unknown): void {
    this.failure ??= err;
  }

  private check(): void {
    if (this.failure) throw this.failure;
  }

  /** Deletes the blocks written so far (the CSV is read again from the start, e.g. as Windows-1252). */
  async dropBlocks(): Promise<void> {
    await this.settle(0);
    const keys = [...this.keys].filter((k) => k.startsWith("cols/"));
    for (let i = 0; i < keys.length; i += 1000) await this.env.FILES.delete(keys.slice(i, i + 1000));
    for (const k of keys) this.keys.delete(k);
    this.blockCount = 0;
  }

  /**
   * Waits for every put, writes the extras, then the D1 row: inserted, or (for a queued job whose
   * row exists as `processing`) updated to ready.
   */
  async commit(f: DatasetRowFields, existingRow = false): Promise<DatasetMeta> {
    await this.settle(0);
    for (const [key, body] of this.extra) {
      this.keys.add(key);
      await this.env.FILES.put(key, body);
    }
    const stored = { blockCount: this.blockCount, rawBytes: this.rawBytes };
    if (existingRow) {
      if (!(await markDatasetReady(this.env, this.workspaceId, this.id, f, stored))) {
        throw new ApiError(409, "dataset_deleted", "The dataset was deleted (or timed out) while it was being stored; nothing was kept.");
      }
    } else await insertDatasetRow(this.env, { ...f, id: this.id, workspaceId: this.workspaceId }, stored);
    const meta = await getDataset(this.env, this.workspaceId, this.id);
    if (!meta) throw new Error("dataset vanished after insert");
    return meta;
  }

  /** Deletes everything written to R2 (waiting for puts still running first). */
  async abort(): Promise<void> {
    await Promise.allSettled([...this.inflight, this.lastPart, ...this.parts]);
    if (this.multipart) await this.multipart.abort().catch(() => undefined);
    else if (this.multipartStart) await this.multipartStart.then((u) => u.abort()).catch(() => undefined);
    const keys = [...this.keys];
    for (let i = 0; i < keys.length; i += 1000) await this.env.FILES.delete(keys.slice(i, i + 1000)).catch(() => undefined);
  }
}
