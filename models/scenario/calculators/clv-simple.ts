/**
 * The simple CLV formulas (docs/methods.md#simple-clv), which ignore
 * timing and uncertainty (the probabilistic models are in models/clv/sbg.ts and
 * models/clv/transactions-clv.ts):
 * subscription CLV = ARPU × months retained − (CAC + CRC);
 * non-subscription CLV = transactions per month × AOV × gross margin × lifespan in months.
 */
import { ModelError } from "../../numeric/errors";
import { tidyDeep } from "../../numeric/precision";

export type SimpleClvInput =
  | { kind: "subscription"; arpuMonthly: number; monthsRetained: number; cac: number; crc: number }
  | { kind: "transactional"; transactionsPerMonth: number; averageOrderValue: number; grossMargin: number; lifespanMonths: number };

function need(name: string, v: number, min = 0): void {
  if (!(Number.isFinite(v) && v >= min)) throw new ModelError("invalid_input", `${name} must be a number ≥ ${min} (got ${v}).`, [name]);
}

/**
 * CLV by the simple formula of its kind; `clvToCac` (the ≥ 3 health line) for subscriptions with CAC > 0.
 * @throws ModelError invalid_input on a negative or missing figure, or a gross margin outside 0..1
 * @example simpleClv({ kind: "transactional", transactionsPerMonth: 2, averageOrderValue: 50, grossMargin: 0.4, lifespanMonths: 24 }) // => { clv: 960, clvToCac: null }
 */
export function simpleClv(input: SimpleClvInput): { kind: SimpleClvInput["kind"]; clv: number; clvToCac: number | null } {
  if (input.kind === "subscription") {
    const { arpuMonthly, monthsRetained, cac, crc } = input;
    need("arpuMonthly", arpuMonthly);
    need("monthsRetained", monthsRetained);
    need("cac", cac);
    need("crc", crc);
    const clv = arpuMonthly * monthsRetained - (cac + crc);
    return tidyDeep({ kind: "subscription" as const, clv, clvToCac: cac > 0 ? clv / cac : null });
  }
  if (input.kind === "transactional") {
    const { transactionsPerMonth, averageOrderValue, grossMargin, lifespanMonths } = input;
    need("transactionsPerMonth", transactionsPerMonth);
    need("averageOrderValue", averageOrderValue);
    need("lifespanMonths", lifespanMonths);
    if (!(grossMargin >= 0 && grossMargin <= 1))
      throw new ModelError("invalid_input", `grossMargin must be a fraction between 0 and 1 (got ${grossMargin}).`, ["grossMargin"]);
    return tidyDeep({
      kind: "transactional" as const,
      clv: transactionsPerMonth * averageOrderValue * grossMargin * lifespanMonths,
      clvToCac: null,
    });
  }
  throw new ModelError("invalid_input", `kind must be "subscription" or "transactional".`, ["kind"]);
}
