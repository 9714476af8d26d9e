/**
 * Collapses customers with identical (frequency, recency, T) into weighted
 * patterns, so the CLV likelihoods cost one evaluation per distinct pattern.
 * Open-addressing hash on the bits of the three doubles: O(n), no strings.
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

/**
 * Groups identical (x, tₓ, T) triples.
 * @example collapsePatterns([0, 0, 1], [0, 0, 2], [5, 5, 5]).count // => 2
 */
export function collapsePatterns(
  x: ArrayLike<number>,
  tx: ArrayLike<number>,
  T: ArrayLike<number>,
  weights?: ArrayLike<number>,
): Patterns {
  const n = x.length;
  let size = 16;
  while (size < 2 * n) size *= 2;
  const mask = size - 1;
  const table = new Int32Array(size).fill(-1);
  const px = new Float64Array(n);
  const ptx = new Float64Array(n);
  const pT = new Float64Array(n);
  const pw = new Float64Array(n);
  const index = new Int32Array(n);
  const buf = new Float64Array(3);
  const bits = new Uint32Array(buf.buffer);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const a = x[i], b = tx[i], c = T[i];
    // +0 normalises −0 so that equal values hash alike.
    buf[0] = a + 0;
    buf[1] = b + 0;
    buf[2] = c + 0;
    let h = 0x811c9dc5;
    for (let k = 0; k < 6; k++) h = Math.imul(h ^ bits[k], 0x01000193);
    h ^= h >>> 15;
    let slot = h & mask;
    for (;;) {
      const e = table[slot];
      if (e < 0) {
        table[slot] = count;
        px[count] = a;
        ptx[count] = b;
        pT[count] = c;
        pw[count] = weights ? weights[i] : 1;
        index[i] = count++;
        break;
      }
      if (px[e] === a && ptx[e] === b && pT[e] === c) {
        pw[e] += weights ? weights[i] : 1;
        index[i] = e;
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
  return { x: px.slice(0, count), tx: ptx.slice(0, count), T: pT.slice(0, count), w: pw.slice(0, count), index, count };
}
