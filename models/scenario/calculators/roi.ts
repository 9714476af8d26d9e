/**
 * Return on investment (docs/methods.md#roi): cost reduction, revenue growth and
 * CLV ROI are all net, (gain − investment) / investment, where the gain is the
 * cost savings, the revenue increase or the increase in total CLV.
 */
import { ModelError } from "../../numeric/errors";
import { tidyDeep } from "../../numeric/precision";

export type RoiKind = "cost" | "revenue" | "clv";

/**
 * Net ROI as a fraction (0.5 = 50 %).
 * @throws ModelError invalid_input when the investment is not > 0 or the gain is not a number
 * @example roi({ kind: "cost", gain: 150_000, investment: 100_000 }) // => { kind: "cost", roi: 0.5, net: 50_000 }
 *   (docs/methods.md#example-6)
 */
export function roi(input: { kind: RoiKind; gain: number; investment: number }): { kind: RoiKind; roi: number; net: number } {
  const { kind, gain, investment } = input;
  if (!(investment > 0 && Number.isFinite(investment)))
    throw new ModelError("invalid_input", `investment must be > 0 (got ${investment}).`, ["investment"]);
  if (!Number.isFinite(gain)) throw new ModelError("invalid_input", `gain must be a number (got ${gain}).`, ["gain"]);
  return tidyDeep({ kind, roi: (gain - investment) / investment, net: gain - investment });
}
