/**
 * Churn for a period (docs/methods.md#churn-rate): (customers at start − those of
 * them still customers at the end) / customers at start; retention = 1 − churn.
 */
import { ModelError } from "../../numeric/errors";
import { tidyDeep } from "../../numeric/precision";

/**
 * Churn and retention rates as fractions.
 * @throws ModelError invalid_input when start is not > 0 or retained is outside 0..start
 * @example churnRate({ start: 400, retained: 380 }) // => { churnRate: 0.05, retentionRate: 0.95, churned: 20 } (docs/methods.md#example-5)
 */
export function churnRate(input: { start: number; retained: number }): { churnRate: number; retentionRate: number; churned: number } {
  const { start, retained } = input;
  if (!(start > 0 && Number.isFinite(start))) throw new ModelError("invalid_input", `start must be a count > 0 (got ${start}).`, ["start"]);
  if (!(retained >= 0 && retained <= start))
    throw new ModelError(
      "invalid_input",
      `retained must be between 0 and start = ${start} (got ${retained}): count only customers who were there at the start.`,
      ["retained"],
    );
  const churned = start - retained;
  return tidyDeep({ churnRate: churned / start, retentionRate: retained / start, churned });
}
