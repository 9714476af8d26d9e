/** Dashboard: NPS / CSAT / CES with intervals, trend by month, breakdowns, and the join report. */
import { client, ok } from "../api";
import type { JoinReport, Metrics, MetricsAnswer, MetricsQuery } from "../api-types";
import { renderBreakdown } from "../charts/breakdown";
import { canvasBox } from "../charts/registry";
import { renderTrend } from "../charts/trend";
import { field, h, help, kpi, numberInput, select, table } from "../dom";
import { ci, int, num } from "../format";
import { npsBenchmarks } from "../metrics";
import { wsHash } from "../router";
import { pref, setPref } from "../store";
import { heading, loadWorkspace } from "../workspace";
import type { ScreenCtx } from "./screens";

const HELP = {
  nps: "Net Promoter Score = % promoters (9-10) − % detractors (0-6) over all responses, on −100..100. 95% interval: NPS ± 1.96·100·√((p + d − (p − d)²)/n), clipped to −100..100.",
  csat: "CSAT = share of positive answers (top two boxes: 4-5 on a 1-5 scale) × 100. 95% interval: Wilson score interval. The mean score is shown too.",
  ces: "Customer Effort Score = mean of the 1-7 effort answers; 95% interval from the t distribution.",
};

type Key = "nps" | "csat" | "ces";
const KEYS: Key[] = ["nps", "csat", "ces"];
const LABEL: Record<Key, string> = { nps: "NPS", csat: "CSAT %", ces: "CES" };
const UNIT: Record<Key, string> = { nps: "NPS points (−100..100)", csat: "% positive answers", ces: "mean answer (1-7)" };
const nOf = (m: Metrics | undefined, k: Key) => m?.[k]?.n ?? 0;
/** The headline value of a metric: NPS and CSAT scores, CES mean. */
const valueOf = (m: Metrics, k: Key) => (k === "ces" ? m.ces?.mean : m[k]?.score) ?? null;

function kpis(o: Metrics, present: Key[]): HTMLElement {
  const cards: HTMLElement[] = [];
  if (present.includes("nps"))
    cards.push(kpi("NPS", num(o.nps?.score, 1), `${ci(o.nps?.ci95, (x) => num(x, 1)) ?? "no interval"} · n = ${int(o.nps?.n)}`, HELP.nps));
  if (present.includes("csat"))
    cards.push(
      kpi(
        "CSAT",
        o.csat?.score == null ? "—" : `${num(o.csat.score, 1)}%`,
        `${ci(o.csat?.ci95, (x) => `${num(x, 1)}%`) ?? "no interval"} · mean ${num(o.csat?.mean, 2)} · n = ${int(o.csat?.n)}`,
        HELP.csat,
      ),
    );
  if (present.includes("ces"))
    cards.push(kpi("CES", num(o.ces?.mean, 2), `${ci(o.ces?.ci95, (x) => num(x, 2)) ?? "no interval"} · n = ${int(o.ces?.n)}`, HELP.ces));
  const absent = KEYS.filter((k) => !present.includes(k)).map((k) => LABEL[k].replace(" %", ""));
  return h(
    "div",
    {},
    h("div", { class: "kpis", id: "kpis" }, cards),
    absent.length
      ? h(
          "p",
          { class: "small muted", id: "kpis-absent" },
          `${absent.join(" and ")}: not in the responses file (no answers), so not shown.`,
        )
      : "",
  );
}

function breakdownCard(title: string, id: string, m: MetricsAnswer | null, k: Key, what: string): HTMLElement {
  const groups = (m?.groups ?? []).filter((g) => nOf(g, k) > 0);
  const card = h("section", { class: "card", "aria-labelledby": `${id}-title`, id }, h("h2", { id: `${id}-title` }, title));
  const keyed = groups.filter((g) => g.key !== "(none)");
  if (!keyed.length) {
    card.appendChild(
      h(
        "p",
        { class: "muted", "data-empty": "1" },
        groups.length
          ? `No ${what} to break down by: ${what === "segment" ? "the accounts file has no segment column, or no response matches an account" : "the responses file has no touchpoint column"}.`
          : `No ${LABEL[k]} answers to break down yet.`,
      ),
    );
    return card;
  }
  const { box, canvas } = canvasBox(`${LABEL[k]} ${title.toLowerCase()}`, "chart short");
  card.append(
    box,
    table(
      ["Group", `n (${LABEL[k]})`, "NPS", "CSAT %", "CES"],
      groups.map((g) => [g.key ?? "(none)", int(nOf(g, k)), num(g.nps?.score, 1), num(g.csat?.score, 1), num(g.ces?.mean, 2)]),
      { num: [1, 2, 3, 4] },
    ),
    help(
      what === "segment"
        ? `Responses grouped by the segment of their account; (none) = responses whose account is not in the accounts file. Bars: ${UNIT[k]}; whiskers: 95% interval.`
        : `Responses grouped by touchpoint (journey stage). Bars: ${UNIT[k]}; whiskers: 95% interval.`,
    ),
  );
  requestAnimationFrame(() =>
    renderBreakdown(canvas, {
      labels: groups.map((g) => g.key ?? "(none)"),
      values: groups.map((g) => valueOf(g, k)),
      ci: groups.map((g) => g[k]?.ci95 ?? null),
      metric: LABEL[k],
    }),
  );
  return card;
}

export async function dashboardView(main: HTMLElement, { ws }: ScreenCtx): Promise<void> {
  const w = await loadWorkspace(ws);
  const hasResponses = (w.datasets ?? []).some((d) => d.kind === "responses");
  // Date range, segment, region and comparison (kept in this browser) apply to every card on the screen.
  const from = pref<string>(ws, "from", "");
  const to = pref<string>(ws, "to", "");
  const segment = pref<string>(ws, "segment", "");
  const region = pref<string>(ws, "region", "");
  const compare = pref<string>(ws, "compare", "");
  const filters = { from, to, segment, region };
  // Empty filters are left out of the query (the server reads "from=" as a date to parse).
  const query: MetricsQuery = { from: from || undefined, to: to || undefined, segment: segment || undefined, region: region || undefined };
  const get = (by?: MetricsQuery["by"], extra: Pick<MetricsQuery, "compare"> = {}) =>
    ok(client.GET("/api/workspaces/{ws}/metrics", { params: { path: { ws }, query: { by, ...query, ...extra } } })).catch(() => null);
  const period = pref<"month" | "quarter">(ws, "period", "month");
  const [overall, byMonth, bySegment, byTouchpoint, segments, regions] = hasResponses
    ? await Promise.all([
        get(undefined, (compare === "previous" || compare === "year") && from && to ? { compare } : {}),
        get(period),
        get("segment"),
        get("touchpoint"),
        ok(client.GET("/api/workspaces/{ws}/metrics", { params: { path: { ws }, query: { by: "segment" } } })).catch(() => null),
        ok(client.GET("/api/workspaces/{ws}/metrics", { params: { path: { ws }, query: { by: "region" } } })).catch(() => null),
      ])
    : [null, null, null, null, null, null];
  const present = overall ? KEYS.filter((k) => nOf(overall.overall, k) > 0) : [];
  const stored = pref<Key | "">(ws, "metric", "");
  const metric: Key = stored && present.includes(stored) ? stored : (present[0] ?? "nps");

  const parts: (Node | string)[] = [heading("Dashboard", w)];
  if (hasResponses) parts.push(filterForm(ws, filters, compare, keysOf(segments), keysOf(regions), present, metric, byMonth));
  if (!w.datasets?.length) {
    parts.push(
      h(
        "section",
        { class: "card" },
        h("h2", {}, "Start by uploading your data"),
        h(
          "p",
          {},
          "Upload an accounts file (ARR, renewed) and a survey responses file (NPS, CSAT, CES). ",
          h("a", { href: wsHash(ws, "upload"), class: "button" }, "Upload files"),
        ),
      ),
    );
  }
  if (overall && present.length) {
    parts.push(h("section", { class: "card", "aria-label": "Headline scores" }, kpis(overall.overall, present)));
    if (overall.comparison) parts.push(comparisonCard(overall.comparison, present));
  } else if (overall)
    parts.push(h("p", { class: "notice", id: "no-answers" }, "No answers match the filters: clear them to see every response."));
  else if (w.datasets?.length)
    parts.push(h("p", { class: "notice" }, "No survey responses yet: upload a responses file to see NPS, CSAT and CES."));

  if (byMonth && present.length)
    parts.push(
      trendCard(ws, byMonth, overall?.benchmarks ?? byMonth.benchmarks, period, present, metric, () =>
        window.dispatchEvent(new HashChangeEvent("hashchange")),
      ),
    );
  if (overall && present.length)
    parts.push(
      h(
        "div",
        { class: "grid-2" },
        breakdownCard("By segment", "by-segment", bySegment, metric, "segment"),
        breakdownCard("By touchpoint", "by-touchpoint", byTouchpoint, metric, "touchpoint"),
      ),
    );
  parts.push(joinCard(w.join));
  main.replaceChildren(...parts);
}

const keysOf = (m: MetricsAnswer | null) => (m?.groups ?? []).map((g) => g.key).filter((k) => k !== "(none)");

type Comparison = NonNullable<MetricsAnswer["comparison"]>;

function comparisonCard(c: Comparison, present: Key[]): HTMLElement {
  const digits = (k: Key) => (k === "ces" ? 2 : 1);
  const unit = (k: Key) => (k === "nps" ? "NPS points" : k === "csat" ? "percentage points" : "answer points");
  return h(
    "section",
    { class: "card", "aria-labelledby": "compare-title", id: "comparison" },
    h("h2", { id: "compare-title" }, `${c.current.from} – ${c.current.to} compared with ${c.previous.from} – ${c.previous.to}`),
    table(
      ["Metric", "This period", "Previous period", "Change", "Change 95% interval", "More than noise?"],
      present.map((k) => {
        const d = c[k];
        return [
          LABEL[k],
          num(d.current, digits(k)),
          num(d.previous, digits(k)),
          d.difference === null ? "—" : `${d.difference > 0 ? "+" : ""}${num(d.difference, digits(k))} ${unit(k)}`,
          d.ci95 ? `[${num(d.ci95[0], digits(k))}, ${num(d.ci95[1], digits(k))}]` : "—",
          h(
            "span",
            { title: d.statement },
            d.verdict === null ? "not enough answers" : d.verdict === "more than noise" ? "Yes" : "No: could be chance",
          ),
        ];
      }),
      { num: [1, 2, 3], cls: "compare-table" },
    ),
    h(
      "ul",
      { class: "small" },
      present.map((k) => h("li", {}, `${LABEL[k].replace(" %", "")}: ${c[k].statement}`)),
    ),
    help(
      "The two periods are treated as independent samples. NPS: normal interval from each period's variance; CSAT: Newcombe's interval for a difference of two shares; CES: Welch's t interval. “More than noise” means the 95% interval of the change does not include 0; it says nothing about what caused the change.",
    ),
  );
}

function trendCard(
  ws: string,
  m: MetricsAnswer,
  benchmarks: MetricsAnswer["benchmarks"],
  period: string,
  present: Key[],
  chosen: Key,
  reload: () => void,
): HTMLElement {
  const periodSel = select(
    [
      ["month", "Month"],
      ["quarter", "Quarter"],
    ],
    period,
    { id: "trend-period" },
  );
  periodSel.addEventListener("change", () => {
    setPref(ws, "period", periodSel.value);
    reload();
  });
  const undated = m.groups.find((g) => g.key === "(none)");
  const groups = m.groups.filter((g) => g.key !== "(none)").sort((a, b) => String(a.key).localeCompare(String(b.key)));
  if (!groups.length) {
    return h(
      "section",
      { class: "card", "aria-labelledby": "trend-title", id: "trend" },
      h("h2", { id: "trend-title" }, "Trend over time"),
      h(
        "p",
        { class: "notice", id: "trend-no-dates", "data-empty": "1" },
        "The responses file has no dates, so there is no trend over time. Upload it with a date column (e.g. “Response date”) to see scores by month or quarter.",
      ),
    );
  }
  const bms = npsBenchmarks(benchmarks);
  const metric = select(
    present.map((k) => [k, LABEL[k]] as [string, string]),
    chosen,
    { id: "trend-metric" },
  );
  const bench = select(
    bms.map((b) => [b.label, `${b.label} (${b.value})`] as [string, string]),
    pref(ws, "benchmark", bms.find((b) => /software/i.test(b.label))?.label ?? bms[0]?.label),
    { id: "trend-benchmark" },
  );
  const firstScored = (k: Key) => {
    const g = groups.find((x) => valueOf(x, k) !== null);
    return g ? valueOf(g, k) : null;
  };
  const goal = numberInput(pref<number | string>(ws, "goal", ""), { id: "trend-goal", step: "1", placeholder: "e.g. 40" });
  const { box, canvas } = canvasBox(`Score by ${period} with baseline, goal and benchmark`, "chart tall");
  let chart: { destroy(): void } | null = null;
  const draw = () => {
    chart?.destroy();
    const k = metric.value as Key;
    const b = bms.find((x) => x.label === bench.value) ?? null;
    const g = goal.value === "" ? null : Number(goal.value);
    const shown = groups.filter((x) => nOf(x, k) > 0);
    chart = renderTrend(canvas, {
      labels: shown.map((x) => x.key),
      values: shown.map((x) => valueOf(x, k)),
      lo: shown.map((x) => x[k]?.ci95?.[0] ?? null),
      hi: shown.map((x) => x[k]?.ci95?.[1] ?? null),
      metric: LABEL[k],
      baseline: firstScored(k),
      goal: g !== null && Number.isFinite(g) ? g : null,
      benchmark: k === "nps" ? b : k === "csat" ? { label: "CSAT excellent", value: 80 } : null,
      period,
    });
  };
  metric.addEventListener("change", () => {
    setPref(ws, "metric", metric.value);
    reload();
  });
  bench.addEventListener("change", () => {
    setPref(ws, "benchmark", bench.value);
    draw();
  });
  goal.addEventListener("change", () => {
    setPref(ws, "goal", goal.value === "" ? "" : Number(goal.value));
    draw();
  });
  requestAnimationFrame(draw);
  return h(
    "section",
    { class: "card", "aria-labelledby": "trend-title", id: "trend" },
    h("h2", { id: "trend-title" }, `Trend by ${period}`),
    h(
      "div",
      { class: "row no-print" },
      field("By", periodSel),
      field("Metric", metric),
      chosen === "nps" ? field("Industry benchmark (NPS)", bench) : "",
      field("Goal", goal),
    ),
    box,
    undated && KEYS.some((k) => nOf(undated, k) > 0)
      ? h(
          "p",
          { class: "small muted", id: "trend-undated" },
          `${int(Math.max(...KEYS.map((k) => nOf(undated, k))))} responses without a date are not in the trend.`,
        )
      : "",
    h(
      "details",
      { class: "help" },
      h("summary", {}, "Show the numbers"),
      table(
        ["Period", ...present.flatMap((k) => [`n (${LABEL[k]})`, LABEL[k], `${LABEL[k]} 95% interval`])],
        groups.map((g) => [
          g.key,
          ...present.flatMap((k) => [
            int(nOf(g, k)),
            num(valueOf(g, k), k === "ces" ? 2 : 1),
            g[k]?.ci95 ? `[${num(g[k].ci95![0], 1)}, ${num(g[k].ci95![1], 1)}]` : "—",
          ]),
        ]),
        { num: present.flatMap((_, i) => [1 + 3 * i, 2 + 3 * i]), cls: "trend-table" },
      ),
    ),
    help(
      "Each point is the period's score with its 95% interval (shaded). The dashed purple line is the straight-line trend (least squares of the scores on the period number; its slope, in points per period, is in the legend): a description of the direction, not a forecast. Baseline = the score of the first period with responses. Goal is yours to set (kept in this browser). Benchmarks are industry average NPS (docs/methods.md: e.g. software 34); for CSAT the line is the 80% “excellent” mark; CES has no benchmark line. Units: NPS in NPS points (−100..100), CSAT in % positive answers, CES as the mean answer (1-7).",
      "How to read this chart",
    ),
  );
}

function joinCard(j: JoinReport): HTMLElement {
  const card = h(
    "section",
    { class: "card", "aria-labelledby": "join-title", id: "join-report" },
    h("h2", { id: "join-title" }, "How the files join"),
  );
  card.append(
    h(
      "div",
      { class: "kpis" },
      kpi("Accounts", int(j.accounts), null, "Rows of the newest accounts file."),
      kpi("Responses", int(j.responses), null, "Rows of the newest responses file."),
      kpi(
        "Matched accounts",
        int(j.matchedAccounts),
        j.accounts ? `${num((100 * j.matchedAccounts) / j.accounts, 1)}% of accounts` : null,
        "Accounts with at least one survey response (matched on account_id). Their mean NPS / CSAT / CES become the model's features.",
      ),
      kpi(
        "Orphan responses",
        int(j.orphanResponses),
        null,
        "Responses whose account_id is not in the accounts file. They count in the scores above but cannot be linked to revenue: check for id typos or a missing accounts export.",
        { "data-warn": j.orphanResponses > 0 ? "1" : "0" },
      ),
      kpi(
        "Accounts without responses",
        int(j.accountsWithoutResponses),
        null,
        "Accounts nobody answered a survey for. Models exclude them when a satisfaction predictor is used (counted as excluded).",
      ),
    ),
  );
  return card;
}

/** Filters applied to every card: response dates, the account's segment and region, and a comparison period. */
function filterForm(
  ws: string,
  f: { from: string; to: string; segment: string; region: string },
  compare: string,
  segments: string[],
  regions: string[],
  present: Key[],
  metric: Key,
  byMonth: MetricsAnswer | null,
): HTMLElement {
  const from = h("input", { type: "date", id: "range-from", value: f.from });
  const to = h("input", { type: "date", id: "range-to", value: f.to });
  const seg = select([["", "All segments"], ...segments.map((s) => [s, s] as [string, string])], f.segment, { id: "filter-segment" });
  const reg = select([["", "All regions"], ...regions.map((s) => [s, s] as [string, string])], f.region, { id: "filter-region" });
  const cmp = select(
    [
      ["", "No comparison"],
      ["previous", "With the period before"],
      ["year", "With a year earlier"],
    ],
    compare,
    { id: "filter-compare" },
  );
  const reload = () => window.dispatchEvent(new HashChangeEvent("hashchange"));
  const save = (v: Record<string, string>) => {
    for (const [k, x] of Object.entries(v)) setPref(ws, k, x);
    reload();
  };
  // The newest quarter with dated answers, compared with the one before (quarter on quarter).
  const months = (byMonth?.groups ?? [])
    .map((g) => g.key)
    .filter((k) => /^\d{4}-\d{2}$/.test(k))
    .sort();
  const latest = months[months.length - 1];
  const quarterPreset = latest
    ? (() => {
        const [y, m] = latest.split("-").map(Number);
        const q0 = Math.floor((m - 1) / 3) * 3;
        const start = new Date(Date.UTC(y, q0, 1)).toISOString().slice(0, 10);
        const end = new Date(Date.UTC(y, q0 + 3, 0)).toISOString().slice(0, 10);
        return h(
          "button",
          { type: "button", class: "secondary", id: "preset-quarter", onclick: () => save({ from: start, to: end, compare: "previous" }) },
          `Latest quarter vs the one before`,
        );
      })()
    : "";
  const form = h(
    "form",
    { class: "row no-print", id: "range-form" },
    field("Responses from", from),
    field("to", to),
    segments.length ? field("Segment", seg) : "",
    regions.length ? field("Region", reg) : "",
    field("Compare", cmp),
    present.length > 1
      ? field(
          "Metric for the charts",
          (() => {
            const m = select(
              present.map((k) => [k, LABEL[k]] as [string, string]),
              metric,
              { id: "dash-metric" },
            );
            m.addEventListener("change", () => save({ metric: m.value }));
            return m;
          })(),
        )
      : "",
    h("button", { type: "submit", class: "secondary" }, "Apply"),
    quarterPreset,
    f.from || f.to || f.segment || f.region || compare
      ? h(
          "button",
          {
            type: "button",
            class: "secondary",
            id: "range-clear",
            onclick: () => save({ from: "", to: "", segment: "", region: "", compare: "" }),
          },
          "Clear filters",
        )
      : "",
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    save({ from: from.value, to: to.value, segment: seg.value, region: reg.value, compare: cmp.value });
  });
  const active = [
    f.from || f.to ? `responses ${f.from ? `from ${f.from}` : ""} ${f.to ? `to ${f.to}` : ""}`.trim() : "",
    f.segment ? `segment ${f.segment}` : "",
    f.region ? `region ${f.region}` : "",
  ].filter(Boolean);
  return h(
    "section",
    { class: "card", "aria-label": "Filters" },
    form,
    compare && !(f.from && f.to) ? h("p", { class: "small muted" }, "Set both dates to compare a period with the one before.") : "",
    active.length
      ? h(
          "p",
          { class: "small muted", id: "filters-active" },
          `Every card shows ${active.join(", ")}; the join report below covers the whole files.`,
        )
      : "",
  );
}
