import { type Block, type BlockColumn, decodeBlock, encodeBlock } from "./blocks";

/**
 * The per-account rollup of a responses dataset (`acct/<ws>/<datasetId>.bin`, a CXB1 block): one row per
 * distinct account id with the count of its responses and the sums and counts of its NPS, CSAT and CES
 * answers, added in file order while the file is ingested; a row with a missing id holds the responses
 * without one. The join (`aggregateResponses`) reads this one object instead of every block of the
 * dataset, and gets the same sums (same order of addition).
 */

export const accountRollupKey = (ws: string, id: string) => `acct/${ws}/${id}.bin`;

/** Beyond this many distinct account ids no rollup is kept (the join then reads the blocks): its state must fit a 128 MB Worker beside the intake. */
const MAX_ACCOUNTS = 200_000;

const FIELDS = ["count", "nps_sum", "nps_n", "csat_sum", "csat_n", "ces_sum", "ces_n"] as const;

export class AccountRollupBuilder {
  private index = new Map<string, number>();
  private ids: (string | null)[] = [null]; // row 0: responses without an account id
  private cols: Float64Array[] = FIELDS.map(() => new Float64Array(1024));
  private overflow = false;

  private grow(): void {
    this.cols = this.cols.map((a) => {
      const b = new Float64Array(a.length * 2);
      b.set(a);
      return b;
    });
  }

  /** Adds a block's rows. */
  add(block: Block): void {
    if (this.overflow) return;
    const col = (name: string): BlockColumn | undefined => block.columns.find((c) => c.name === name);
    const id = col("account_id");
    const num = (name: string) => {
      const c = col(name);
      return c && c.storage !== "text" ? c.values : null;
    };
    const nps = num("nps"),
      csat = num("csat"),
      ces = num("ces");
    const dict = id && id.storage === "text" ? id.dict : [];
    const codes = id && id.storage === "text" ? id.codes : null;
    const to = new Int32Array(dict.length + 1);
    for (let k = 0; k < dict.length; k++) {
      let r = this.index.get(dict[k]);
      if (r === undefined) {
        r = this.ids.length;
        this.index.set(dict[k], r);
        this.ids.push(dict[k]);
        if (r >= this.cols[0].length) this.grow();
      }
      to[k + 1] = r;
    }
    if (this.ids.length > MAX_ACCOUNTS + 1) {
      this.overflow = true;
      this.index.clear();
      this.ids = [];
      return;
    }
    const [count, npsSum, npsN, csatSum, csatN, cesSum, cesN] = this.cols;
    for (let i = 0; i < block.rows; i++) {
      const r = codes ? to[codes[i]] : 0;
      count[r]++;
      if (nps && !Number.isNaN(nps[i])) {
        npsSum[r] += nps[i];
        npsN[r]++;
      }
      if (csat && !Number.isNaN(csat[i])) {
        csatSum[r] += csat[i];
        csatN[r]++;
      }
      if (ces && !Number.isNaN(ces[i])) {
        cesSum[r] += ces[i];
        cesN[r]++;
      }
    }
  }

  /** Forgets everything (the file is read again from the start). */
  reset(): void {
    this.index.clear();
    this.ids = [null];
    this.cols = FIELDS.map(() => new Float64Array(1024));
    this.overflow = false;
  }

  /** The stored form, or null when there were too many accounts. */
  toBytes(): Uint8Array | null {
    if (this.overflow) return null;
    const n = this.ids.length;
    const codes = new Uint32Array(n);
    for (let r = 1; r < n; r++) codes[r] = r; // dict[r − 1] = ids[r]
    const columns: BlockColumn[] = [
      { name: "account_id", storage: "text", codes, dict: this.ids.slice(1) as string[] },
      ...FIELDS.map((f, k) => ({ name: f, storage: "num" as const, values: this.cols[k].slice(0, n) })),
    ];
    return encodeBlock({ rows: n, firstRow: 0, columns });
  }
}

/** The decoded rollup: ids (null = responses without an id) and the sums, row by row. */
export function decodeAccountRollup(buf: ArrayBuffer): { ids: (string | null)[]; cols: Record<(typeof FIELDS)[number], Float64Array> } {
  const b = decodeBlock(buf);
  const idCol = b.columns.find((c) => c.name === "account_id");
  if (!idCol || idCol.storage !== "text") throw new Error("account rollup without account_id");
  const ids = Array.from(idCol.codes, (k) => (k === 0 ? null : idCol.dict[k - 1]));
  const cols = {} as Record<(typeof FIELDS)[number], Float64Array>;
  for (const f of FIELDS) {
    const c = b.columns.find((x) => x.name === f);
    if (!c || c.storage === "text") throw new Error(`account rollup without ${f}`);
    cols[f] = c.values;
  }
  return { ids, cols };
}
