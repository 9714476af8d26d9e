/**
 * Time-honest satisfaction features (docs/methods.md#time-honest-features): for a cut-off day c, account i's
 * mean NPS / CSAT / CES and response count use only its responses dated strictly before min(renewal_i, c)
 * (before c alone when the renewal date is missing). A response given on or after the renewal, or on or after
 * the cut-off, never enters the account's predictors; an undated response is never used.
 */

/** A block of survey responses, each placed on an account row of the book. */
export interface DatedResponseBlock {
  n: number;
  /** Account row of each response (−1 or any negative: not an account of the book). */
  account: ArrayLike<number>;
  /** Days since 1970-01-01; NaN = undated (never used). */
  date: ArrayLike<number>;
  nps: ArrayLike<number>;
  csat: ArrayLike<number>;
  ces: ArrayLike<number>;
}

/** The per-account features for one cut-off; NaN = no answer of that kind before the account's own cut-off. */
export interface TimeHonestFeatures {
  /** The cut-off (days since 1970-01-01). */
  cutoff: number;
  nps: Float64Array;
  csat: Float64Array;
  ces: Float64Array;
  /** Responses counted per account (0 = no response before its own cut-off). */
  responses: Float64Array;
  /** Accounts with no response before their own cut-off. */
  noEarlierResponse: number;
  /** Responses of the book's accounts left out: dated on or after the account's own cut-off. */
  laterResponses: number;
  /** Responses of the book's accounts without a date (never used). */
  undated: number;
}

/**
 * Adds responses block by block (O(accounts × cut-offs) memory, never the response rows) and gives the
 * time-honest features of every cut-off. Sums run in the order the blocks arrive.
 * @example
 * const acc = new TimeHonestAccumulator(Float64Array.of(100, NaN), [90]);
 * acc.add({ n: 3, account: [0, 0, 1], date: [50, 95, 60], nps: [9, 0, 7], csat: [NaN, NaN, NaN], ces: [NaN, NaN, NaN] });
 * acc.features()[0].nps // => Float64Array [9, 7] (day 95 is on or after account 0's cut-off min(100, 90))
 */
export class TimeHonestAccumulator {
  private readonly sums: Float64Array[][];
  private readonly later: number[];
  private undated = 0;

  constructor(
    private readonly renewalDate: ArrayLike<number>,
    private readonly cutoffs: readonly number[],
  ) {
    const n = renewalDate.length;
    // Per cut-off: count, npsSum, npsN, csatSum, csatN, cesSum, cesN.
    this.sums = cutoffs.map(() => Array.from({ length: 7 }, () => new Float64Array(n)));
    this.later = cutoffs.map(() => 0);
  }

  /** The cut-off of account i for cut-off c: the earlier of its renewal and c. */
  private ownCutoff(i: number, c: number): number {
    const r = this.renewalDate[i];
    return Number.isFinite(r) && r < c ? r : c;
  }

  add(block: DatedResponseBlock): void {
    const n = this.renewalDate.length;
    for (let k = 0; k < block.n; k++) {
      const i = block.account[k];
      if (!(i >= 0 && i < n)) continue;
      const day = block.date[k];
      if (!Number.isFinite(day)) {
        this.undated++;
        continue;
      }
      for (let s = 0; s < this.cutoffs.length; s++) {
        if (!(day < this.ownCutoff(i, this.cutoffs[s]))) {
          this.later[s]++;
          continue;
        }
        const [count, npsSum, npsN, csatSum, csatN, cesSum, cesN] = this.sums[s];
        count[i]++;
        const nps = block.nps[k],
          csat = block.csat[k],
          ces = block.ces[k];
        if (!Number.isNaN(nps)) {
          npsSum[i] += nps;
          npsN[i]++;
        }
        if (!Number.isNaN(csat)) {
          csatSum[i] += csat;
          csatN[i]++;
        }
        if (!Number.isNaN(ces)) {
          cesSum[i] += ces;
          cesN[i]++;
        }
      }
    }
  }

  /**
   * The features of every cut-off. The means are written over the running sums (no copy, so memory stays at 7 numbers
   * per account and cut-off): call once, after the last block.
   */
  features(): TimeHonestFeatures[] {
    const n = this.renewalDate.length;
    return this.cutoffs.map((cutoff, s) => {
      const [count, npsSum, npsN, csatSum, csatN, cesSum, cesN] = this.sums[s];
      const mean = (sum: Float64Array, k: Float64Array) => {
        for (let i = 0; i < n; i++) sum[i] = k[i] > 0 ? sum[i] / k[i] : NaN;
        return sum;
      };
      let none = 0;
      for (let i = 0; i < n; i++) if (count[i] === 0) none++;
      return {
        cutoff,
        nps: mean(npsSum, npsN),
        csat: mean(csatSum, csatN),
        ces: mean(cesSum, cesN),
        responses: count,
        noEarlierResponse: none,
        laterResponses: this.later[s],
        undated: this.undated,
      };
    });
  }
}

/**
 * The time-honest features of one set of responses for each cut-off (one block).
 * @example timeHonestFeatures(Float64Array.of(100), [200], { n: 1, account: [0], date: [120], nps: [10], csat: [NaN], ces: [NaN] })[0].responses // => Float64Array [0]
 */
export function timeHonestFeatures(
  renewalDate: ArrayLike<number>,
  cutoffs: readonly number[],
  responses: DatedResponseBlock,
): TimeHonestFeatures[] {
  const acc = new TimeHonestAccumulator(renewalDate, cutoffs);
  acc.add(responses);
  return acc.features();
}
