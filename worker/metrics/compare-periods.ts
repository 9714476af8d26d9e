import { cesDifference, csatDifference, npsDifference } from "../../models/survey/compare";
import type { Env } from "../env";
import { ApiError } from "../errors";
import { isoDate, type SurveyType } from "../intake/cells";
import type { Partial } from "./aggregate";
import { computeMetrics } from "./compute";

/**
 * The period before `from..to` (compare=previous: as many whole calendar months before when from..to are whole months,
 * else as many days) or a year earlier (compare=year), in days since 1970-01-01.
 */
export function previousPeriod(from: number, to: number, compare: "previous" | "year"): [number, number] {
  const f = new Date(from * 86400000);
  if (compare === "year") {
    const back = (d: number) => {
      const t = new Date(d * 86400000);
      return Date.UTC(t.getUTCFullYear() - 1, t.getUTCMonth(), t.getUTCDate()) / 86400000;
    };
    return [back(from), back(to)];
  }
  const t = new Date((to + 1) * 86400000);
  const months = (t.getUTCFullYear() - f.getUTCFullYear()) * 12 + t.getUTCMonth() - f.getUTCMonth();
  if (f.getUTCDate() === 1 && t.getUTCDate() === 1 && months > 0)
    return [Date.UTC(f.getUTCFullYear(), f.getUTCMonth() - months, 1) / 86400000, from - 1];
  return [from - (to - from + 1), from - 1];
}

/**
 * GET .../metrics?compare=: current − previous per metric with its 95% interval and a plain statement.
 * @throws ApiError 400 when from or to is missing
 */
export async function comparePeriods(
  env: Env,
  ws: string,
  range: { from?: number; to?: number },
  compare: "previous" | "year",
  filters: { segment?: string; region?: string; surveyType?: SurveyType },
  current: Partial,
) {
  const { from, to } = range;
  if (from === undefined || to === undefined) {
    throw new ApiError(400, "invalid_request", "compare needs from and to (the current period).", [
      { column: "from", message: "required with compare" },
    ]);
  }
  const [pFrom, pTo] = previousPeriod(from, to, compare);
  const prev = (await computeMetrics(env, ws, { from: pFrom, to: pTo, ...filters })).partial!;
  return {
    current: { from: isoDate(from), to: isoDate(to) },
    previous: { from: isoDate(pFrom), to: isoDate(pTo) },
    nps: npsDifference(current, prev),
    csat: csatDifference({ positive: current.csatPositive, n: current.csatN }, { positive: prev.csatPositive, n: prev.csatN }),
    ces: cesDifference(current.ces, prev.ces),
  };
}
