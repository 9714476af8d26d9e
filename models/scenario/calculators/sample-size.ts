/**
 * Sample size for estimating a mean score within ±margin
 * (docs/methods.md#sample-size): n = (z·σ/ε)², rounded up; it does not depend on the
 * customer count.
 */
import { normalQuantile } from "../../numeric/distributions";
import { ModelError } from "../../numeric/errors";
import { tidyDeep } from "../../numeric/precision";

export interface SampleSizeInput {
  /** Standard deviation of the score. */
  sigma: number;
  /** Margin of error ε, in score points. */
  margin: number;
  /** Two-sided confidence level (default 0.95), or give `z` directly. */
  confidence?: number;
  /** Critical value; overrides `confidence` (worked example 4 uses 1.96). */
  z?: number;
}

/**
 * Responses needed: ⌈(z·σ/ε)²⌉ with z = Φ⁻¹(1 − (1 − confidence)/2).
 * @throws ModelError invalid_input when sigma or margin is not > 0 or confidence is outside (0, 1)
 * @example sampleSize({ sigma: 1.4, margin: 0.5, z: 1.96 }) // => { n: 31, z: 1.96, exact: 30.1154 } (docs/methods.md#example-4)
 */
export function sampleSize(input: SampleSizeInput): { n: number; z: number; exact: number } {
  const { sigma, margin } = input;
  const confidence = input.confidence ?? 0.95;
  if (!(sigma > 0 && Number.isFinite(sigma)))
    throw new ModelError("invalid_input", `sigma must be a number > 0 (got ${sigma}).`, ["sigma"]);
  if (!(margin > 0 && Number.isFinite(margin)))
    throw new ModelError("invalid_input", `margin must be a number > 0 (got ${margin}).`, ["margin"]);
  if (input.z === undefined && !(confidence > 0 && confidence < 1))
    throw new ModelError("invalid_input", `confidence must be between 0 and 1, e.g. 0.95 (got ${confidence}).`, ["confidence"]);
  const z = input.z ?? normalQuantile(1 - (1 - confidence) / 2);
  if (!(z > 0 && Number.isFinite(z))) throw new ModelError("invalid_input", `z must be a number > 0 (got ${z}).`, ["z"]);
  const exact = ((z * sigma) / margin) ** 2;
  // Guard against 121.00000000000001 from rounding in (z·σ/ε)² when the exact value is a whole number.
  const n = Math.ceil(exact * (1 - 1e-12));
  return tidyDeep({ n, z, exact });
}
