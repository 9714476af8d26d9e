import { createRoute, z } from "@hono/zod-openapi";
import { renewalClv } from "../../models/clv/renewal-clv";
import { segmentAccounts } from "../../models/clv/value-segments";
import { newRouter } from "../app";
import { requireRole } from "../auth";
import { loadJoinedAccounts } from "../data/join";
import { ApiError } from "../errors";
import { runClvColumns } from "../linking/clv-run";
import { WarningSchema } from "../linking/schemas";
import { errorResponses as errors, SurveyChoiceSchema, WsParam } from "./schemas";

/** GET .../segments: customer value segmentation (satisfaction group × value tier). */
const segments = newRouter();

const Query = z.object({
  value: z.enum(["arr", "clv"]).default("arr"),
  tiers: z.coerce.number().int().min(1).max(10).default(3),
  by: z.enum(["nps", "csat"]).optional().openapi({ description: "Default: nps when the accounts have NPS, else csat" }),
  surveyType: SurveyChoiceSchema.optional().openapi({
    description: "Responses behind each account's mean score: default relationship when the responses have any, else all",
  }),
  horizonYears: z.coerce.number().int().min(1).max(30).default(3),
  annualDiscountRate: z.coerce.number().min(0).max(1).default(0),
  grossMargin: z.coerce.number().min(0).max(1).default(1),
  clvSource: z.enum(["renewal", "transactions"]).default("renewal").openapi({
    description:
      "renewal: ARR carried by the group's renewal rate; transactions: BG/NBD + Gamma-Gamma CLV of the transactions whose customer_id is the account_id",
  }),
});

const Cell = z.object({
  group: z.string(),
  tier: z.number(),
  accounts: z.number(),
  revenue: z.number(),
  revenueShare: z.number(),
  renewalRate: z.number().nullable(),
  renewalN: z.number(),
  meanClv: z.number().nullable(),
});
const Est = z.object({ estimate: z.number(), ci95: z.tuple([z.number(), z.number()]).nullable() }).nullable();
const SegmentsSchema = z
  .object({
    by: z.enum(["nps", "csat"]),
    surveyType: SurveyChoiceSchema.openapi({ description: "The responses behind the accounts' mean scores" }),
    value: z.enum(["arr", "clv"]),
    groups: z.array(z.string()),
    tierEdges: z.array(z.number()),
    cells: z.array(Cell),
    byGroup: z.array(Cell),
    byTier: z.array(Cell),
    totals: z.object({ accounts: z.number(), revenue: z.number(), unmatched: z.number(), renewalRate: z.number().nullable() }),
    gap: z.object({ high: z.string(), low: z.string(), renewalRateDiff: Est, meanArrDiff: Est, revenueAtStake: Est }),
    howComputed: z.record(z.string(), z.string()),
    warnings: z.array(WarningSchema).openapi({
      description:
        "renewal_gap_interval_collapsed (both groups at 0% or 100%: the gap's ci95 is null), renewal_rate_at_boundary (one group at 0% or 100%)",
    }),
  })
  .openapi("Segments");

segments.openapi(
  createRoute({
    method: "get",
    path: "/api/workspaces/{ws}/segments",
    operationId: "getSegments",
    tags: ["models"],
    summary: "Satisfaction group × value tier: accounts, revenue share, renewal rate, mean CLV, and the promoter–detractor gap",
    security: [{ bearer: [] }],
    middleware: [requireRole("viewer")] as const,
    request: { params: WsParam, query: Query },
    responses: {
      200: { description: "The segment table", content: { "application/json": { schema: SegmentsSchema } } },
      ...errors(400, 401, 403, 404, 422),
    },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const joined = await loadJoinedAccounts(c.env, c.var.workspaceId, q.surveyType);
    const hasNps = joined.numeric.nps.some((v) => Number.isFinite(v));
    const by = q.by ?? (hasNps ? "nps" : "csat");
    const satisfaction = joined.numeric[by];
    if (!satisfaction.some((v) => Number.isFinite(v))) {
      throw new ApiError(422, "no_responses", `No account has ${by} responses: upload responses that match the accounts' ids.`, [
        { column: by, message: "no matched scores" },
      ]);
    }
    const arr = joined.numeric.arr;
    const renewed = joined.numeric.renewed;
    const clvOptions = { horizonYears: q.horizonYears, annualDiscountRate: q.annualDiscountRate, grossMargin: q.grossMargin };
    const clv =
      q.clvSource === "renewal"
        ? renewalClv({ by, satisfaction, arr, renewed, csatScale: joined.csatScale, ...clvOptions })
        : new Float64Array(joined.n).fill(NaN);
    let clvNote = `Renewal-based CLV = ${q.grossMargin} · ARR · Σ_{t=1..${q.horizonYears}} r_g^(t−1) / (1 + ${q.annualDiscountRate})^(t−1), r_g the account's satisfaction group's observed renewal rate.`;
    if (q.clvSource === "transactions") {
      const r = await runClvColumns(c.env, c.var.workspaceId, {
        horizonMonths: 12 * q.horizonYears,
        annualDiscountRate: q.annualDiscountRate,
        margin: q.grossMargin,
      });
      const byId = new Map(
        Array.from(r.customer, (code, j) => [r.ids.name(code), Number.isFinite(r.values.clv[j]) ? r.values.clv[j] : null]),
      );
      const ids = joined.text.account_id;
      let matched = 0;
      for (let i = 0; i < joined.n; i++) {
        const v = ids[i] === null ? undefined : byId.get(ids[i] as string);
        if (v !== undefined && v !== null) {
          clv[i] = v;
          matched++;
        }
      }
      if (matched === 0) {
        throw new ApiError(
          422,
          "no_transactions",
          "No account_id matches a customer_id of the transactions: CLV from transactions needs the same ids.",
          [{ column: "customer_id", message: "no match with account_id" }],
        );
      }
      clvNote = `BG/NBD + Gamma-Gamma CLV over ${12 * q.horizonYears} months (margin ${q.grossMargin}, annual discount ${q.annualDiscountRate}) of the transactions whose customer_id is the account_id (${matched} of ${joined.n} accounts matched; the others have no CLV${q.value === "clv" ? " and are left out of the tiers" : ""}).`;
    }
    const result = segmentAccounts({
      by,
      satisfaction,
      arr,
      value: q.value === "clv" ? clv : arr,
      renewed,
      clv,
      tiers: q.tiers,
      csatScale: joined.csatScale,
    });
    return c.json(
      {
        ...result,
        surveyType: joined.surveyType,
        value: q.value,
        howComputed: {
          groups:
            (by === "nps"
              ? "Account's mean NPS of its responses: promoter ≥ 9, passive 7 to < 9, detractor < 7."
              : `Account's mean CSAT on 1-${joined.csatScale}: satisfied ≥ ${joined.csatScale - 1} (top two boxes), dissatisfied < ${(1 + joined.csatScale) / 2}, else neutral.`) +
            (joined.surveyType === "all"
              ? " All responses count (any survey type)."
              : ` Only ${joined.surveyType} survey responses count.`),
          tiers: `Tertiles (for tiers=3) of ${q.value === "clv" ? "CLV" : "ARR"} among matched accounts, as pandas.qcut: tier k holds values in (edge k−1, edge k].`,
          revenueShare: "Cell ARR / ARR of all matched accounts (accounts with a satisfaction score); shares add up to 1.",
          renewalRate: "Renewed accounts / accounts with a known renewal outcome in the cell.",
          meanClv: clvNote,
          gap: "High minus low group: renewal rate difference with a Wald 95% interval; mean ARR difference with a Welch (normal) interval; revenue at stake = low group's ARR × renewal-rate difference.",
        },
      },
      200,
    );
  },
);

export default segments;
