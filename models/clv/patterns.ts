/**
 * Collapses customers with identical (frequency, recency, T) into weighted
 * patterns, so the CLV likelihoods cost one evaluation per distinct pattern.
 * Customers without repeat purchases by a direct lookup on T, the others by
 * open addressing on a murmur3-style hash of the doubles' bits: O(n), no strings.
 */

export interface Patterns {
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  /** Number of customers (or summed input weights) with each pattern. */
  w: Float64Array;
  /** Pattern index of each input customer. */
  index: Int32Array;
  count: number;
}

const buf = new Float64Array(3);
const bits = new Uint32Array(buf.buffer);

function hash3(a: number, b: number, c: number): number {
  // +0 normalises −0 so that equal values hash alike. Whole-number doubles have all-zero low words,
  // so every input bit must reach the low bits of the hash.
  buf[0] = a + 0;
  buf[1] = b + 0;
  buf[2] = c + 0;
  let h = 0x811c9dc5;
  for (let k = 0; k < 6; k++) {
    h = Math.imul(h ^ bits[k], 0xcc9e2d51);
    h = Math.imul((h << 15) | (h >>> 17), 0x1b873593);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** What the collapse needs to know of the data before grouping (one pass; `scanPatterns` or a caller's own). */
export interface PatternScan {
  /** Largest T, when `direct`. */
  maxT: number;
  /** Every T a whole number in [0, 2²⁰). */
  direct: boolean;
  /** `direct`, and every repeat buyer's x a whole number below 2¹² and tₓ below 2²⁰. */
  packable: boolean;
  /** Rows with x or tₓ not 0. */
  others: number;
}

/**
 * The scan of `collapsePatterns`, for callers that loop over the rows anyway (fitBgnbd's validation).
 * @example scanPatterns([0, 2], [0, 5], [9, 9]) // => { maxT: 9, direct: true, packable: true, others: 1 }
 */
export function scanPatterns(x: ArrayLike<number>, tx: ArrayLike<number>, T: ArrayLike<number>): PatternScan {
  const acc = new PatternScanner();
  for (let i = 0; i < x.length; i++) acc.add(x[i], tx[i], T[i]);
  return acc.result();
}

/** `scanPatterns` one row at a time. */
export class PatternScanner {
  private maxT = 0;
  private direct = true;
  private packable = true;
  private others = 0;

  add(a: number, b: number, t: number): void {
    if (!(Number.isInteger(t) && t >= 0 && t < 1 << 20)) this.direct = this.packable = false;
    else if (t > this.maxT) this.maxT = t;
    if (a !== 0 || b !== 0) {
      this.others++;
      if (this.packable && !(Number.isInteger(a) && a >= 0 && a < 1 << 12 && Number.isInteger(b) && b >= 0 && b < 1 << 20))
        this.packable = false;
    }
  }

  result(): PatternScan {
    return { maxT: this.maxT, direct: this.direct, packable: this.packable && this.direct, others: this.others };
  }
}

/**
 * Groups identical (x, tₓ, T) triples. Customers with no repeat purchase (x = tₓ = 0, usually most of them)
 * are grouped by a direct lookup on T when T is a whole number below 2²⁰; the others by open addressing.
 * @example collapsePatterns([0, 0, 1], [0, 0, 2], [5, 5, 5]).count // => 2
 */
export function collapsePatterns(
  x: ArrayLike<number>,
  tx: ArrayLike<number>,
  T: ArrayLike<number>,
  weights?: ArrayLike<number>,
  scanned?: PatternScan,
): Patterns {
  const n = x.length;
  const { maxT, direct, packable, others } = scanned ?? scanPatterns(x, tx, T);
  if (packable && direct) return collapsePacked(x, tx, T, weights, maxT, others);
  const zeroSlot = direct ? new Int32Array(maxT + 1).fill(-1) : null;
  let size = 16;
  while (size < 2 * (direct ? others : n)) size *= 2;
  const mask = size - 1;
  const table = new Int32Array(size).fill(-1);
  // At most one pattern per customer, and at most one no-repeat pattern per whole T.
  const cap = direct ? Math.min(n, others + maxT + 1) : n;
  const { px, ptx, pT, pw, index } = patternColumns(cap, n);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const a = x[i],
      b = tx[i],
      c = T[i];
    const wi = weights ? weights[i] : 1;
    if (zeroSlot && a === 0 && b === 0) {
      let e = zeroSlot[c];
      if (e < 0) {
        e = zeroSlot[c] = count++;
        px[e] = 0;
        ptx[e] = 0;
        pT[e] = c;
      }
      pw[e] += wi;
      index[i] = e;
      continue;
    }
    let slot = hash3(a, b, c) & mask;
    for (;;) {
      const e = table[slot];
      if (e < 0) {
        table[slot] = count;
        px[count] = a;
        ptx[count] = b;
        pT[count] = c;
        pw[count] = wi;
        index[i] = count++;
        break;
      }
      if (px[e] === a && ptx[e] === b && pT[e] === c) {
        pw[e] += wi;
        index[i] = e;
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
  return trimmed({ px, ptx, pT, pw, index }, count);
}

/**
 * Whole-number triples (x < 2¹², tₓ and T < 2²⁰) packed exactly into one double, x·2⁴⁰ + tₓ·2²⁰ + T: one
 * comparison and one cache line per probe, the key stored beside its pattern index.
 */
function collapsePacked(
  x: ArrayLike<number>,
  tx: ArrayLike<number>,
  T: ArrayLike<number>,
  weights: ArrayLike<number> | undefined,
  maxT: number,
  others: number,
): Patterns {
  const n = x.length;
  const zeroSlot = new Int32Array(maxT + 1).fill(-1);
  // Load factor at most 3/4 (linear probing stays short there): 16 bytes a slot, so a million customers'
  // table takes 16 MB rather than the 32 MB of a half-empty one.
  let size = 16;
  while (size * 3 < 4 * others) size *= 2;
  const mask = size - 1;
  // Slot s holds its key at 2s and its pattern index at 2s + 1: one cache line per probe.
  const table = new Float64Array(2 * size).fill(-1);
  const cap = Math.min(n, others + maxT + 1);
  const { px, ptx, pT, pw, index } = patternColumns(cap, n);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const a = x[i],
      b = tx[i],
      c = T[i];
    const wi = weights ? weights[i] : 1;
    let e: number;
    if (a === 0 && b === 0) {
      e = zeroSlot[c];
      if (e < 0) {
        e = zeroSlot[c] = count++;
        pT[e] = c;
      }
    } else {
      const key = a * 1099511627776 + b * 1048576 + c;
      // Multiplicative hash of the key's integer parts (exact: key < 2⁵³).
      const hi = (key / 4294967296) >>> 0;
      let h = Math.imul((key >>> 0) ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
      h ^= h >>> 13;
      h = Math.imul(h, 0xc2b2ae35);
      h ^= h >>> 16;
      let slot = h & mask;
      for (;;) {
        const k = table[2 * slot];
        if (k === key) {
          e = table[2 * slot + 1];
          break;
        }
        if (k < 0) {
          table[2 * slot] = key;
          e = count++;
          table[2 * slot + 1] = e;
          px[e] = a;
          ptx[e] = b;
          pT[e] = c;
          break;
        }
        slot = (slot + 1) & mask;
      }
    }
    pw[e] += wi;
    index[i] = e;
  }
  return trimmed({ px, ptx, pT, pw, index }, count);
}

/** Output columns for up to `cap` patterns of `n` customers. */
function patternColumns(cap: number, n: number) {
  return {
    px: new Float64Array(cap),
    ptx: new Float64Array(cap),
    pT: new Float64Array(cap),
    pw: new Float64Array(cap),
    index: new Int32Array(n),
  };
}

/**
 * The first `count` patterns of the output columns: views when they fill at least half the columns (no second
 * copy of a million-customer table at the peak), copies otherwise (the spare capacity is then released).
 */
function trimmed(c: ReturnType<typeof patternColumns>, count: number): Patterns {
  const cut = (a: Float64Array) => (2 * count >= a.length ? a.subarray(0, count) : a.slice(0, count));
  return { x: cut(c.px), tx: cut(c.ptx), T: cut(c.pT), w: cut(c.pw), index: c.index, count };
}
