import type { Block, BlockColumn } from "../data/blocks";
import type { DatasetMeta } from "../data/datasets";
import type { Env } from "../env";
import { registerIsolateCache } from "../data/isolate-cache";
import type { SurveyType } from "../intake/cells";
import { addResponse, emptyPartial, type GroupBy, mergePartial, type Partial, periodKey } from "./aggregate";

/**
 * The metrics rollup of a responses dataset: survey partials (counts, sums, CES
 * moments) per (response day, touchpoint, survey type), built block by block at ingest and
 * stored beside the blocks (`agg/<ws>/<datasetId>.json`). `GET .../metrics` without
 * `by=segment` merges these cells instead of scanning the rows: O(days × touchpoints × 3),
 * not O(rows), and every filter and grouping of the scan (from/to on the day, survey type,
 * month, quarter, touchpoint, survey type) is a union of cells, so the answers are the scan's.
 * Rollups stored before survey types (version 1) have 3-element cells: their survey type is
 * unspecified, as their datasets have no survey_type column.
 * Segment needs the accounts join, so it still scans.
 */

export const rollupKey = (ws: string, id: string) => `agg/${ws}/${id}.json`;

/** Beyond this many cells (e.g. a free-text touchpoint) no rollup is kept and metrics scan the blocks. */
const MAX_CELLS = 50_000;

/** One cell: day (days since 1970-01-01, null = no date), touchpoint (null = blank), its partial and survey type (null or absent = unspecified). */
type Cell = [day: number | null, touchpoint: string | null, partial: Partial, surveyType?: SurveyType | null];

export class RollupBuilder {
  private cells = new Map<string, Cell>();
  private overflow = false;
  private readonly positiveFrom: number;

  constructor(csatScale: number) {
    this.positiveFrom = csatScale - 1; // top two boxes, as computeMetrics
  }

  /** Adds a block's rows. */
  add(block: Block): void {
    if (this.overflow) return;
    const col = (name: string): BlockColumn | undefined => block.columns.find((c) => c.name === name);
    const num = (name: string) => {
      const c = col(name);
      return c && c.storage !== "text" ? c.values : null;
    };
    const date = num("date"),
      nps = num("nps"),
      csat = num("csat"),
      ces = num("ces");
    const tp = col("touchpoint");
    const codes = tp && tp.storage === "text" ? tp.codes : null;
    const dict = tp && tp.storage === "text" ? tp.dict : [];
    const st = col("survey_type");
    const stCodes = st && st.storage === "text" ? st.codes : null;
    const stDict = st && st.storage === "text" ? (st.dict as SurveyType[]) : [];
    const stWidth = stDict.length + 1; // at most 3: unspecified, relationship, transactional
    // Cells of this block by (day, touchpoint code, survey type code): a numeric key, no string per row.
    const local = new Map<number, Partial>();
    const width = dict.length + 1;
    for (let i = 0; i < block.rows; i++) {
      const d = date ? date[i] : NaN;
      const code = codes ? codes[i] : 0;
      // days ≥ −1e6 (year −769): < 2^53 for any block's dictionaries, so exact in a double
      const key = ((Number.isNaN(d) ? 0 : d + 1_000_000) * width + code) * stWidth + (stCodes ? stCodes[i] : 0);
      let p = local.get(key);
      if (!p) local.set(key, (p = emptyPartial()));
      addResponse(p, nps ? nps[i] : NaN, csat ? csat[i] : NaN, ces ? ces[i] : NaN, this.positiveFrom);
    }
    for (const [key, p] of local) {
      const sc = key % stWidth;
      const rest = (key - sc) / stWidth;
      const code = rest % width;
      const dk = (rest - code) / width;
      const day = dk === 0 ? null : dk - 1_000_000;
      const t = code === 0 ? null : dict[code - 1];
      const s = sc === 0 ? null : stDict[sc - 1];
      const id = `${day ?? ""}\u0000${t ?? "\u0001"}\u0000${s ?? ""}`;
      const cell = this.cells.get(id);
      if (cell) cell[2] = mergePartial(cell[2], p);
      else this.cells.set(id, [day, t, p, s]);
    }
    if (this.cells.size > MAX_CELLS) {
      this.overflow = true;
      this.cells.clear();
    }
  }

  /** Forgets everything (the file is read again from the start). */
  reset(): void {
    this.cells.clear();
    this.overflow = false;
  }

  /** The stored form, or null when there were too many cells. */
  toJson(): string | null {
    if (this.overflow) return null;
    return JSON.stringify({ version: 2, positiveFrom: this.positiveFrom, cells: [...this.cells.values()] });
  }
}

interface Rollup {
  positiveFrom: number;
  cells: Cell[];
}

/**
 * Rollups by dataset id: datasets never change, so a cached one is always right. Bounded by entries and by the
 * cells held in all (a cell with its partial is a few hundred bytes: 60,000 cells stay near 15 MB of a Worker's
 * 128 MB), the least recently loaded dropped first; the one just loaded is always kept.
 */
const cache = new Map<string, Rollup | null>();
const CACHE_SIZE = 16;
const CACHE_CELLS = 60_000;
let cellsHeld = 0;

const cellsOf = (r: Rollup | null) => r?.cells.length ?? 0;

async function loadRollup(env: Env, meta: DatasetMeta): Promise<Rollup | null> {
  if (cache.has(meta.id)) return cache.get(meta.id)!;
  const obj = await env.FILES.get(rollupKey(meta.workspaceId, meta.id));
  const r = obj ? ((await obj.json()) as Rollup) : null;
  if (cache.has(meta.id)) return cache.get(meta.id)!; // loaded meanwhile by a concurrent request
  cache.set(meta.id, r);
  cellsHeld += cellsOf(r);
  for (const [id, old] of cache) {
    if (cache.size <= CACHE_SIZE && cellsHeld <= CACHE_CELLS) break;
    if (id === meta.id) continue;
    cache.delete(id);
    cellsHeld -= cellsOf(old);
  }
  return r;
}

function forgetRollup(id: string): void {
  if (!cache.has(id)) return;
  cellsHeld -= cellsOf(cache.get(id)!);
  cache.delete(id);
}

registerIsolateCache({
  forgetDataset: forgetRollup,
  clear: () => {
    cache.clear();
    cellsHeld = 0;
  },
});

const NONE = "(none)";

/**
 * The overall and per-group partials of `computeMetrics` from the stored rollup, or null when the
 * dataset has none (uploaded before rollups, too many cells) or the grouping needs a scan (segment).
 */
export async function rollupPartials(
  env: Env,
  meta: DatasetMeta,
  q: { by?: GroupBy; from?: number; to?: number; surveyType?: SurveyType },
  positiveFrom: number,
): Promise<{ overall: Partial; groups: Map<string, Partial> } | null> {
  if (q.by === "segment" || q.by === "region") return null;
  const r = await loadRollup(env, meta);
  if (!r || r.positiveFrom !== positiveFrom) return null;
  const filtered = q.from !== undefined || q.to !== undefined;
  const lo = q.from ?? -Infinity;
  const hi = q.to ?? Infinity;
  let overall = emptyPartial();
  const groups = new Map<string, Partial>();
  for (const [day, tp, p, st] of r.cells) {
    if (filtered && !(day !== null && day >= lo && day <= hi)) continue;
    if (q.surveyType && st !== q.surveyType) continue;
    overall = mergePartial(overall, p);
    if (!q.by) continue;
    const key = q.by === "touchpoint" ? (tp ?? NONE) : q.by === "surveyType" ? (st ?? NONE) : day === null ? NONE : periodKey(day, q.by);
    const g = groups.get(key);
    groups.set(key, g ? mergePartial(g, p) : p);
  }
  return { overall, groups };
}
