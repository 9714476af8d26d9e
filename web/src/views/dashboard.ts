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

/** Whose NPS a figure is: one survey type's, or every response's when the file does not say. */
type Which = "relationship" | "transactional" | "all";

const WHICH: Record<Which, { nps: string; title: string; about: string }> = {
  relationship: {
    nps: "Relationship NPS",
    title: "Relationship survey (account health)",
    about:
      "Relationship NPS: accounts asked every quarter or year how likely they are to recommend you. It tracks account health and is what links to renewal; the industry benchmarks are relationship NPS.",
  },
  transactional: {
    nps: "Transactional NPS",
    title: "Transactional survey (after a touchpoint)",
    about:
      "Transactional NPS: asked right after a support case, onboarding or a purchase. It tells which touchpoint to fix; it runs differently from relationship NPS, so it is not compared with the industry benchmarks.",
  },
  all: {
    nps: "NPS",
    title: "All responses (survey type not given)",
    about:
      "The responses do not say whether they are relationship or transactional surveys, so every response counts here. Give a survey_type column or choose the file's survey type at upload to report them apart.",
  },
};

const HELP = {
  nps: "Net Promoter Score = % promoters (9-10) − % detractors (0-6) over the responses counted, on −100..100. 95% interval: NPS ± 1.96·100·√((p + d − (p − d)²)/n), clipped to −100..100.",
  csat: "CSAT = share of positive answers (top two boxes: 4-5 on a 1-5 scale) × 100. 95% interval: Wilson score interval. The mean score is shown too.",
  ces: "Customer Effort Score = mean of the 1-7 effort answers; 95% interval from the t distribution.",
};

type Key = "nps" | "csat" | "ces";
const KEYS: Key[] = ["nps", "csat", "ces"];
const LABEL: Record<Key, string> = { nps: "NPS", csat: "CSAT %", ces: "CES" };
const UNIT: Record<Key, string> = { nps: "NPS points (−100..100)", csat: "% positive answers", ces: "mean answer (1-7)" };
const nOf = (m: Metrics | undefined, k: Key) => m?.[k]?.n ?? 0;
/** A metric's label, NPS named by survey type ("Relationship NPS"). */
const labelOf = (k: Key, which: Which) => (k === "nps" ? WHICH[which].nps : LABEL[k]);
/** The headline value of a metric: NPS and CSAT scores, CES mean. */
const valueOf = (m: Metrics, k: Key) => (k === "ces" ? m.ces?.mean : m[k]?.score) ?? null;

function kpis(o: Metrics, present: Key[], which: Which, id: string): HTMLElement {
  const cards: HTMLElement[] = [];
  if (present.includes("nps"))
    cards.push(
      kpi(
        WHICH[which].nps,
        num(o.nps?.score, 1),
        `${ci(o.nps?.ci95, (x) => num(x, 1)) ?? "no interval"} · n = ${int(o.nps?.n)}`,
        `${WHICH[which].about} ${HELP.nps}`,
      ),
    );
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
    h("div", { class: "kpis", id }, cards),
    absent.length
      ? h(
          "p",
          { class: "small muted", id: `${id}-absent` },
          `${absent.join(" and ")}: not in the responses file (no answers), so not shown.`,
        )
      : "",
  );
}

/** Responses of one survey type (or all) grouped by the account's segment or by touchpoint, for metric k. */
function breakdownCard(id: string, m: MetricsAnswer | null, k: Key, what: "segment" | "touchpoint", which: Which): HTMLElement {
  const title = `${labelOf(k, which)} by ${what}`;
  const whose = which === "all" ? "Responses" : `${which[0].toUpperCase()}${which.slice(1)} responses`;
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
  const { box, canvas } = canvasBox(title, "chart short");
  card.append(
    box,
    table(
      ["Group", `n (${LABEL[k]})`, WHICH[which].nps, "CSAT %", "CES"],
      groups.map((g) => [g.key ?? "(none)", int(nOf(g, k)), num(g.nps?.score, 1), num(g.csat?.score, 1), num(g.ces?.mean, 2)]),
      { num: [1, 2, 3, 4] },
    ),
    help(
      what === "segment"
        ? `${whose} grouped by the segment of their account; (none) = responses whose account is not in the accounts file. Bars: ${UNIT[k]}; whiskers: 95% interval.`
        : `${whose} grouped by touchpoint (journey stage). Bars: ${UNIT[k]}; whiskers: 95% interval.`,
    ),
  );
  requestAnimationFrame(() =>
    renderBreakdown(canvas, {
      labels: groups.map((g) => g.key ?? "(none)"),
      values: groups.map((g) => valueOf(g, k)),
      ci: groups.map((g) => g[k]?.ci95 ?? null),
      metric: labelOf(k, which),
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
  const get = (by: MetricsQuery["by"], which: Which, extra: Pick<MetricsQuery, "compare"> = {}) =>
    ok(
      client.GET("/api/workspaces/{ws}/metrics", {
        params: { path: { ws }, query: { by, ...query, surveyType: which === "all" ? undefined : which, ...extra } },
      }),
    ).catch(() => null);
  const period = pref<"month" | "quarter">(ws, "period", "month");
  // The headline is relationship NPS when the responses have any; touchpoints read transactional NPS when there is some.
  const byType = hasResponses ? await get("surveyType", "all") : null;
  const typed = (t: Which) => (byType?.groups ?? []).some((g) => g.key === t && (g.nps.n || g.csat.n || g.ces.n));
  const head: Which = typed("relationship") ? "relationship" : typed("transactional") ? "transactional" : "all";
  const touch: Which = typed("transactional") ? "transactional" : head;
  const [overall, byMonth, bySegment, byTouchpoint, second, segments, regions] = hasResponses
    ? await Promise.all([
        get(undefined, head, (compare === "previous" || compare === "year") && from && to ? { compare } : {}),
        get(period, head),
        get("segment", head),
        get("touchpoint", touch),
        head === "relationship" && touch === "transactional" ? get(undefined, "transactional") : null,
        ok(client.GET("/api/workspaces/{ws}/metrics", { params: { path: { ws }, query: { by: "segment" } } })).catch(() => null),
        ok(client.GET("/api/workspaces/{ws}/metrics", { params: { path: { ws }, query: { by: "region" } } })).catch(() => null),
      ])
    : [null, null, null, null, null, null, null];
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
    parts.push(
      h(
        "section",
        { class: "card", "aria-labelledby": "headline-title", id: "headline", "data-survey-type": head },
        h("h2", { id: "headline-title" }, WHICH[head].title),
        kpis(overall.overall, present, head, "kpis"),
      ),
    );
    const secondPresent = second ? KEYS.filter((k) => nOf(second.overall, k) > 0) : [];
    if (second && secondPresent.length)
      parts.push(
        h(
          "section",
          { class: "card", "aria-labelledby": "second-title", id: "transactional", "data-survey-type": "transactional" },
          h("h2", { id: "second-title" }, WHICH.transactional.title),
          kpis(second.overall, secondPresent, "transactional", "kpis-transactional"),
        ),
      );
    if (byType && head !== "all") parts.push(surveyTypeCard(byType));
    if (overall.comparison) parts.push(comparisonCard(overall.comparison, present, head));
  } else if (overall)
    parts.push(h("p", { class: "notice", id: "no-answers" }, "No answers match the filters: clear them to see every response."));
  else if (w.datasets?.length)
    parts.push(h("p", { class: "notice" }, "No survey responses yet: upload a responses file to see NPS, CSAT and CES."));

  if (byMonth && present.length)
    parts.push(
      trendCard(ws, byMonth, overall?.benchmarks ?? byMonth.benchmarks, period, present, metric, head, () =>
        window.dispatchEvent(new HashChangeEvent("hashchange")),
      ),
    );
  if (overall && present.length)
    parts.push(
      h(
        "div",
        { class: "grid-2" },
        breakdownCard("by-segment", bySegment, metric, "segment", head),
        breakdownCard("by-touchpoint", byTouchpoint, metric, "touchpoint", touch),
      ),
    );
  parts.push(joinCard(w.join));
  main.replaceChildren(...parts);
}

const keysOf = (m: MetricsAnswer | null) => (m?.groups ?? []).map((g) => g.key).filter((k) => k !== "(none)");

type Comparison = NonNullable<MetricsAnswer["comparison"]>;

function comparisonCard(c: Comparison, present: Key[], which: Which): HTMLElement {
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
          labelOf(k, which),
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
      present.map((k) => h("li", {}, `${labelOf(k, which).replace(" %", "")}: ${c[k].statement}`)),
    ),
    help(
      "The two periods are treated as independent samples. NPS: normal interval from each period's variance; CSAT: Newcombe's interval for a difference of two shares; CES: Welch's t interval. “More than noise” means the 95% interval of the change does not include 0; it says nothing about what caused the change.",
    ),
  );
}

/** Relationship and transactional side by side, and the responses that say neither. */
function surveyTypeCard(m: MetricsAnswer): HTMLElement {
  const label = (k: string) => (k === "relationship" ? "Relationship" : k === "transactional" ? "Transactional" : "Not given");
  const interval = (c: [number, number] | number[] | null) => (c ? `[${num(c[0], 1)}, ${num(c[1], 1)}]` : "—");
  const rows = m.groups.map((g) => [
    label(g.key),
    int(g.nps.n),
    num(g.nps.score, 1),
    interval(g.nps.ci95),
    num(g.csat.score, 1),
    num(g.ces.mean, 2),
  ]);
  const o = m.overall;
  rows.push(["All responses (pooled)", int(o.nps.n), num(o.nps.score, 1), interval(o.nps.ci95), num(o.csat.score, 1), num(o.ces.mean, 2)]);
  return h(
    "section",
    { class: "card", "aria-labelledby": "by-survey-type-title", id: "by-survey-type" },
    h("h2", { id: "by-survey-type-title" }, "By survey type"),
    table(["Survey type", "Responses", "NPS", "NPS 95% interval", "CSAT %", "CES (1-7)"], rows, { num: [1, 2, 3, 4, 5] }),
    help(
      `${WHICH.relationship.about} ${WHICH.transactional.about} "Not given": responses whose file says neither; they count only in the pooled row. The pooled row counts every response once (not an average of the two NPS).`,
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
  which: Which,
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
    present.map((k) => [k, labelOf(k, which)] as [string, string]),
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
      metric: labelOf(k, which),
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
    h("h2", { id: "trend-title" }, `Trend by ${period}: ${which === "all" ? "all responses" : `${which} survey`}`),
    h(
      "div",
      { class: "row no-print" },
      field("By", periodSel),
      field("Metric", metric),
      chosen === "nps" ? field("Industry benchmark (relationship NPS)", bench) : "",
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
        ["Period", ...present.flatMap((k) => [`n (${LABEL[k]})`, labelOf(k, which), `${labelOf(k, which)} 95% interval`])],
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
      "Each point is the period's score with its 95% interval (shaded). The dashed purple line is the straight-line trend (least squares of the scores on the period number; its slope, in points per period, is in the legend): a description of the direction, not a forecast. Baseline = the score of the first period with responses. Goal is yours to set (kept in this browser). Benchmarks are industry average relationship NPS (docs/methods.md: e.g. software 34): compare them with relationship NPS, not with transactional NPS; for CSAT the line is the 80% “excellent” mark; CES has no benchmark line. Units: NPS in NPS points (−100..100), CSAT in % positive answers, CES as the mean answer (1-7).",
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
