/**
 * The shared inner kernel of the Gram pass (gram.ts) and the HC3 meat (ols-hc3.ts): adds to rows a and a + 1 of a
 * row-major matrix `out` (row length `stride`) the dot products of two vectors u = U[ou …] and v = U[ov …] with the
 * columns b = 0 … a + 1 of a column block Z (column b at Z[b · ld …]), over `nb` entries, two rows by four columns
 * per sweep: six loads feed eight products. out[a][b] gets u·z_b for b ≤ a, out[a + 1][b] gets v·z_b for b ≤ a + 1;
 * a four-column sweep that reaches past the diagonal also adds out[a][a + 1] (and beyond), which callers ignore (they
 * mirror the lower triangle afterwards).
 * @example addPairProducts(blk, 0, 256, blk, 256, 10, out, 3, 0) // rows 0 and 1 of a 3 × 3 Gram from a 10-row block
 */
export function addPairProducts(
  U: Float64Array,
  ou: number,
  ov: number,
  Z: Float64Array,
  ld: number,
  nb: number,
  out: Float64Array,
  stride: number,
  a: number,
): void {
  let b = 0;
  for (; b + 3 <= a + 1; b += 4) {
    const o0 = b * ld;
    let s0 = 0,
      s1 = 0,
      s2 = 0,
      s3 = 0,
      t0 = 0,
      t1 = 0,
      t2 = 0,
      t3 = 0;
    for (let i = 0; i < nb; i++) {
      const u = U[ou + i];
      const v = U[ov + i];
      const z0 = Z[o0 + i];
      const z1 = Z[o0 + ld + i];
      const z2 = Z[o0 + 2 * ld + i];
      const z3 = Z[o0 + 3 * ld + i];
      s0 += u * z0;
      s1 += u * z1;
      s2 += u * z2;
      s3 += u * z3;
      t0 += v * z0;
      t1 += v * z1;
      t2 += v * z2;
      t3 += v * z3;
    }
    const m = a * stride + b;
    out[m] += s0;
    out[m + 1] += s1;
    out[m + 2] += s2;
    out[m + 3] += s3;
    out[m + stride] += t0;
    out[m + stride + 1] += t1;
    out[m + stride + 2] += t2;
    out[m + stride + 3] += t3;
  }
  for (; b <= a + 1; b++) {
    const ob = b * ld;
    let s = 0,
      t = 0;
    for (let i = 0; i < nb; i++) {
      const z = Z[ob + i];
      s += U[ou + i] * z;
      t += U[ov + i] * z;
    }
    if (b <= a) out[a * stride + b] += s;
    out[(a + 1) * stride + b] += t;
  }
}
