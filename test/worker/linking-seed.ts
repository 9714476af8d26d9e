import { env } from "cloudflare:workers";
import { encodeText } from "../../worker/data/blocks";
import type { Block, BlockColumn } from "../../worker/data/blocks";
import { type DatasetKind, storeDataset } from "../../worker/data/datasets";

/**
 * Stores a dataset straight through the storage layer (no CSV intake), for
 * linking tests that need exact columns. Float64Array = number, string[] = text.
 */
export async function seedDataset(
  workspaceId: string,
  kind: DatasetKind,
  columns: Record<string, Float64Array | (string | null)[]>,
  options: Record<string, unknown> = {},
): Promise<string> {
  const names = Object.keys(columns);
  const rows = columns[names[0]].length;
  const blockCols: BlockColumn[] = names.map((name) => {
    const v = columns[name];
    if (v instanceof Float64Array) return { name, storage: "num", values: v };
    const { codes, dict } = encodeText(v);
    return { name, storage: "text", codes, dict };
  });
  const block: Block = { rows, firstRow: 0, columns: blockCols };
  const id = `d_seed_${kind}_${Math.random().toString(36).slice(2)}`;
  await storeDataset(env, {
    id,
    workspaceId,
    kind,
    name: `seed ${kind}`,
    rows,
    columns: blockCols.map((c) => ({ name: c.name, type: c.storage === "num" ? "number" : "text", source: c.name, storage: c.storage })),
    warnings: [],
    options,
    blocks: [block],
    blockRows: 65536,
    raw: new Uint8Array(0),
    contentType: "text/csv",
  });
  // created_at has millisecond resolution: keep "newest" unambiguous for back-to-back seeds.
  await new Promise((r) => setTimeout(r, 5));
  return id;
}
