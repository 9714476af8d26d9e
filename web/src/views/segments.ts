/** Value segments: satisfaction group × value tier heat map (GET .../segments), and the money in satisfied customers. */
import { client, latestGuard, ok } from "../api";
import type { SegmentCell, Segments } from "../api-types";
import { field, h, help, kpi, pick, select } from "../dom";
import { errorBox } from "../errors";
import { ci, int, money, pct } from "../format";
import { heading, loadWorkspace } from "../workspace";
import type { ScreenCtx } from "./screens";

/** A difference of two rates (fractions) in percentage points: 0.352 → "+35.2 pp". */
const ppText = (x: number | null | undefined) =>
  x === null || x === undefined || !Number.isFinite(x) ? "—" : `${x >= 0 ? "+" : "−"}${Math.abs(100 * x).toFixed(1)} pp`;

type Cell = SegmentCell;

const METRICS: Record<string, { label: string; get: (c: Cell) => number | null; fmt: (x: number | null) => string }> = {
  renewalRate: { label: "Renewal rate", get: (c) => c.renewalRate, fmt: (x) => pct(x, 0) },
  revenueShare: { label: "Revenue share", get: (c) => c.revenueShare, fmt: (x) => pct(x, 1) },
  meanClv: { label: "Mean CLV", get: (c) => c.meanClv, fmt: (x) => money(x, true) },
  accounts: { label: "Accounts", get: (c) => c.accounts, fmt: (x) => int(x) },
};

/** Cell colour: white → blue by the value's position between min and max (set through CSSOM, CSP-safe). */
function shade(t: number): string {
  const a = 0.08 + 0.72 * Math.max(0, Math.min(1, t));
  return `rgba(36, 85, 195, ${a.toFixed(3)})`;
}

export async function segmentsView(main: HTMLElement, { ws }: ScreenCtx): Promise<void> {
  const w = await loadWorkspace(ws);
  const by = select(
    [
      ["", "Default (NPS groups)"],
      ["nps", "NPS groups"],
      ["csat", "CSAT bands"],
    ],
    "",
    { id: "seg-by" },
  );
  const hasTx = w.datasets.some((d) => d.kind === "transactions");
  const value = select(
    [["arr", "ARR"], ["clv", "CLV (renewal-based)"], ...(hasTx ? [["clv-tx", "CLV (BG/NBD on transactions)"] as [string, string]] : [])],
    "arr",
    { id: "seg-value" },
  );
  const tiers = select(["2", "3", "4", "5"], "3", { id: "seg-tiers" });
  const metric = select(
    Object.entries(METRICS).map(([k, v]) => [k, v.label] as [string, string]),
    "renewalRate",
    { id: "seg-metric" },
  );
  const out = h("div", { id: "segments-result", "aria-live": "polite" });
  let data: Segments | null = null;

  const next = latestGuard();
  async function load() {
    const current = next();
    out.replaceChildren(h("p", { class: "muted" }, "Segmenting…"));
    try {
      const d = await ok(
        client.GET("/api/workspaces/{ws}/segments", {
          params: {
            path: { ws },
            query: {
              by: pick(by.value, ["nps", "csat"]),
              value: value.value === "clv-tx" ? "clv" : pick(value.value, ["arr", "clv"]),
              clvSource: value.value === "clv-tx" ? "transactions" : undefined,
              tiers: Number(tiers.value),
            },
          },
        }),
      );
      if (!current()) return;
      data = d;
      draw();
    } catch (err) {
      if (current()) out.replaceChildren(errorBox(err));
    }
  }
  function draw() {
    const d = data!;
    const m = METRICS[metric.value];
    const k = d.tierEdges.length ? d.tierEdges.length - 1 : Math.max(...d.cells.map((c) => c.tier));
    const vals = d.cells.map(m.get).filter((x): x is number => x !== null && Number.isFinite(x));
    const lo = Math.min(...vals),
      hi = Math.max(...vals);
    const tierLabel = (t: number) =>
      d.tierEdges.length > t ? `Tier ${t}: ${money(d.tierEdges[t - 1], true)}–${money(d.tierEdges[t], true)}` : `Tier ${t}`;
    const heat = h(
      "table",
      { class: "heatmap", id: "heatmap" },
      h(
        "caption",
        { class: "small muted" },
        `${m.label} by ${d.surveyType !== "all" ? `${d.surveyType} ` : ""}${d.by === "nps" ? "NPS group" : "CSAT band"} (rows) and ${d.value.toUpperCase()} tier (columns, low to high)`,
      ),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { scope: "col" }, ""),
          Array.from({ length: k }, (_, i) => h("th", { scope: "col", class: "num" }, tierLabel(i + 1))),
          h("th", { scope: "col", class: "num" }, "All tiers"),
        ),
      ),
      h(
        "tbody",
        {},
        d.groups.map((g) =>
          h(
            "tr",
            {},
            h("th", { scope: "row" }, g),
            Array.from({ length: k }, (_, i) => {
              const c = d.cells.find((x) => x.group === g && x.tier === i + 1);
              const v = c ? m.get(c) : null;
              const td = h(
                "td",
                {
                  class: "heat",
                  title: c ? `${int(c.accounts)} accounts, ${pct(c.revenueShare, 1)} of revenue, renewal ${pct(c.renewalRate, 0)}` : "",
                },
                h("strong", {}, m.fmt(v)),
                h("br", {}),
                h("span", { class: "small" }, c ? `${int(c.accounts)} acc.` : "—"),
              );
              if (v !== null && hi > lo) td.style.backgroundColor = shade((v - lo) / (hi - lo));
              return td;
            }),
            h("td", { class: "num" }, m.fmt(((c) => (c ? m.get(c) : null))(d.byGroup.find((x) => x.group === g)))),
          ),
        ),
      ),
    );
    const gap = d.gap;
    out.replaceChildren(
      h(
        "section",
        { class: "card", "aria-labelledby": "heat-title" },
        h("h2", { id: "heat-title" }, "Satisfaction × value"),
        h("div", { class: "table-wrap" }, heat),
        help(`${d.howComputed.groups ?? ""} ${d.howComputed.tiers ?? ""} ${m.label}: ${d.howComputed[metric.value] ?? ""}`),
      ),
      h(
        "section",
        { class: "card", "aria-labelledby": "gap-title" },
        h("h2", { id: "gap-title" }, `The money in satisfied customers: ${gap.high} vs ${gap.low}`),
        d.warnings.length
          ? h(
              "ul",
              { class: "warn", id: "segments-warnings" },
              d.warnings.map((w) => h("li", { "data-code": w.code }, w.message)),
            )
          : "",
        h(
          "div",
          { class: "kpis" },
          kpi(
            "Renewal rate gap",
            ppText(gap.renewalRateDiff?.estimate),
            gap.renewalRateDiff && !gap.renewalRateDiff.ci95 ? "no interval: see the warning above" : ci(gap.renewalRateDiff?.ci95, ppText),
            `How many percentage points (pp) more often ${gap.high} accounts renew than ${gap.low} accounts. ${gap.high} renewal rate minus ${gap.low} renewal rate, with a Wald 95% interval.`,
          ),
          kpi(
            "Mean ARR gap",
            money(gap.meanArrDiff?.estimate),
            ci(gap.meanArrDiff?.ci95, (x) => money(x, true)),
            "Difference in mean ARR per account (Welch interval).",
          ),
          kpi(
            "Revenue at stake a year",
            money(gap.revenueAtStake?.estimate, true),
            gap.revenueAtStake && !gap.revenueAtStake.ci95
              ? "no interval: see the warning above"
              : ci(gap.revenueAtStake?.ci95, (x) => money(x, true)),
            d.howComputed.gap ?? "Low group's ARR × renewal-rate gap.",
          ),
          kpi(
            "Matched accounts",
            int(d.totals.accounts),
            `${int(d.totals.unmatched)} without a score`,
            "Accounts with at least one survey answer; the others are left out of this table.",
          ),
        ),
      ),
    );
  }
  for (const s of [by, value, tiers]) s.addEventListener("change", () => void load());
  metric.addEventListener("change", () => {
    if (data) draw();
  });
  main.replaceChildren(
    heading("Value segments", w),
    h(
      "section",
      { class: "card" },
      h("div", { class: "row" }, field("Satisfaction", by), field("Value", value), field("Tiers", tiers), field("Colour by", metric)),
    ),
    out,
  );
  await load();
}
