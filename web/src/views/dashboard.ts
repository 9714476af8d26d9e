/** Dashboard: NPS / CSAT / CES with intervals, trend by month, breakdowns, and the join report. */
import { client, ok } from "../api";
import type { JoinReport, Metrics, MetricsAnswer } from "../api-types";
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

function kpis(o: Metrics, which: Which, id: string): HTMLElement {
  return h(
    "div",
    { class: "kpis", id },
    kpi(
      WHICH[which].nps,
      num(o.nps.score, 1),
      `${ci(o.nps.ci95, (x) => num(x, 1)) ?? "no interval"} · n = ${int(o.nps.n)}`,
      `${WHICH[which].about} ${HELP.nps}`,
    ),
    kpi(
      "CSAT",
      o.csat.score == null ? "—" : `${num(o.csat.score, 1)}%`,
      `${ci(o.csat.ci95, (x) => `${num(x, 1)}%`) ?? "no interval"} · mean ${num(o.csat.mean, 2)} · n = ${int(o.csat.n)}`,
      HELP.csat,
    ),
    kpi("CES", num(o.ces.mean, 2), `${ci(o.ces.ci95, (x) => num(x, 2)) ?? "no interval"} · n = ${int(o.ces.n)}`, HELP.ces),
  );
}

function breakdownCard(title: string, id: string, m: MetricsAnswer | null, helpText: string): HTMLElement {
  const groups = (m?.groups ?? []).filter((g) => (g.nps.n ?? 0) > 0 || (g.csat.n ?? 0) > 0);
  const card = h("section", { class: "card", "aria-labelledby": `${id}-title`, id }, h("h2", { id: `${id}-title` }, title));
  if (!groups.length) {
    card.appendChild(h("p", { class: "muted" }, "No responses to break down yet."));
    return card;
  }
  const { box, canvas } = canvasBox(title, "chart short");
  card.append(
    box,
    table(
      ["Group", "n", "NPS", "CSAT %", "CES"],
      groups.map((g) => [g.key, int(g.nps.n), num(g.nps.score, 1), num(g.csat.score, 1), num(g.ces.mean, 2)]),
      { num: [1, 2, 3, 4] },
    ),
    help(helpText),
  );
  requestAnimationFrame(() =>
    renderBreakdown(canvas, {
      labels: groups.map((g) => g.key),
      values: groups.map((g) => g.nps.score ?? null),
      ci: groups.map((g) => g.nps.ci95 ?? null),
      metric: title.replace(/ by .*$/, ""),
    }),
  );
  return card;
}

export async function dashboardView(main: HTMLElement, { ws }: ScreenCtx): Promise<void> {
  const w = await loadWorkspace(ws);
  const hasResponses = w.datasets.some((d) => d.kind === "responses");
  // An optional date range (kept in this browser) applies to every figure on the screen.
  const from = pref<string>(ws, "from", "");
  const to = pref<string>(ws, "to", "");
  const get = (by?: "month" | "quarter" | "segment" | "touchpoint" | "surveyType", which?: Which) =>
    ok(
      client.GET("/api/workspaces/{ws}/metrics", {
        params: {
          path: { ws },
          query: { by, from: from || undefined, to: to || undefined, surveyType: which === "all" ? undefined : which },
        },
      }),
    ).catch(() => null);
  const period = pref<"month" | "quarter">(ws, "period", "month");
  // The headline is relationship NPS when the responses have any; touchpoints read transactional NPS when there is some.
  const byType = hasResponses ? await get("surveyType") : null;
  const typed = (t: Which) => (byType?.groups ?? []).some((g) => g.key === t && (g.nps.n || g.csat.n || g.ces.n));
  const head: Which = typed("relationship") ? "relationship" : typed("transactional") ? "transactional" : "all";
  const touch: Which = typed("transactional") ? "transactional" : head;
  const [overall, byMonth, bySegment, byTouchpoint, second] = hasResponses
    ? await Promise.all([
        get(undefined, head),
        get(period, head),
        get("segment", head),
        get("touchpoint", touch),
        head === "relationship" && touch === "transactional" ? get(undefined, "transactional") : null,
      ])
    : [null, null, null, null, null];

  const parts: (Node | string)[] = [heading("Dashboard", w)];
  if (hasResponses) parts.push(rangeForm(ws, from, to));
  if (!w.datasets.length) {
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
  if (overall) {
    parts.push(
      h(
        "section",
        { class: "card", "aria-labelledby": "headline-title", id: "headline", "data-survey-type": head },
        h("h2", { id: "headline-title" }, WHICH[head].title),
        kpis(overall.overall, head, "kpis"),
      ),
    );
    if (second)
      parts.push(
        h(
          "section",
          { class: "card", "aria-labelledby": "second-title", id: "transactional", "data-survey-type": "transactional" },
          h("h2", { id: "second-title" }, WHICH.transactional.title),
          kpis(second.overall, "transactional", "kpis-transactional"),
        ),
      );
    if (byType && head !== "all") parts.push(surveyTypeCard(byType));
  } else if (w.datasets.length)
    parts.push(h("p", { class: "notice" }, "No survey responses yet: upload a responses file to see NPS, CSAT and CES."));

  if (byMonth && byMonth.groups.length)
    parts.push(trendCard(ws, byMonth, byMonth.benchmarks, period, head, () => window.dispatchEvent(new HashChangeEvent("hashchange"))));
  if (overall)
    parts.push(
      h(
        "div",
        { class: "grid-2" },
        breakdownCard(
          `${WHICH[head].nps} by segment`,
          "by-segment",
          bySegment,
          `${head === "all" ? "All responses" : `${head[0].toUpperCase()}${head.slice(1)} responses`} grouped by the segment of their account; (none) = responses whose account is not in the accounts file. Whiskers: 95% interval of NPS.`,
        ),
        breakdownCard(
          `${WHICH[touch].nps} by touchpoint`,
          "by-touchpoint",
          byTouchpoint,
          `${touch === "all" ? "All responses" : `${touch[0].toUpperCase()}${touch.slice(1)} responses`} grouped by touchpoint (journey stage). Whiskers: 95% interval of NPS.`,
        ),
      ),
    );
  parts.push(joinCard(w.join));
  main.replaceChildren(...parts);
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
  const groups = [...m.groups].sort((a, b) => String(a.key).localeCompare(String(b.key)));
  const bms = npsBenchmarks(benchmarks);
  const metric = select(
    [
      ["nps", WHICH[which].nps],
      ["csat", "CSAT %"],
    ],
    pref(ws, "trendMetric", "nps"),
    { id: "trend-metric" },
  );
  const bench = select(
    bms.map((b) => [b.label, `${b.label} (${b.value})`] as [string, string]),
    pref(ws, "benchmark", bms.find((b) => /software/i.test(b.label))?.label ?? bms[0]?.label),
    { id: "trend-benchmark" },
  );
  const firstScored = (k: "nps" | "csat") => groups.find((g) => g[k].score != null)?.[k].score ?? null;
  const goal = numberInput(pref<number | string>(ws, "goal", ""), { id: "trend-goal", step: "1", placeholder: "e.g. 40" });
  const { box, canvas } = canvasBox(`Score by ${period} with baseline, goal and benchmark`, "chart tall");
  let chart: { destroy(): void } | null = null;
  const draw = () => {
    chart?.destroy();
    const k = metric.value as "nps" | "csat";
    const b = bms.find((x) => x.label === bench.value) ?? null;
    const g = goal.value === "" ? null : Number(goal.value);
    chart = renderTrend(canvas, {
      labels: groups.map((x) => x.key),
      values: groups.map((x) => x[k].score ?? null),
      lo: groups.map((x) => x[k].ci95?.[0] ?? null),
      hi: groups.map((x) => x[k].ci95?.[1] ?? null),
      metric: k === "nps" ? WHICH[which].nps : "CSAT %",
      baseline: firstScored(k),
      goal: g !== null && Number.isFinite(g) ? g : null,
      benchmark: k === "nps" ? b : { label: "CSAT excellent", value: 80 },
      period,
    });
  };
  metric.addEventListener("change", () => {
    setPref(ws, "trendMetric", metric.value);
    draw();
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
      field("Industry benchmark (relationship NPS)", bench),
      field("Goal", goal),
    ),
    box,
    h(
      "details",
      { class: "help" },
      h("summary", {}, "Show the numbers"),
      table(
        ["Period", "Responses", WHICH[which].nps, "NPS 95% interval", "CSAT %", "CSAT 95% interval"],
        groups.map((g) => [
          g.key,
          int(g.nps.n),
          num(g.nps.score, 1),
          g.nps.ci95 ? `[${num(g.nps.ci95[0], 1)}, ${num(g.nps.ci95[1], 1)}]` : "—",
          num(g.csat.score, 1),
          g.csat.ci95 ? `[${num(g.csat.ci95[0], 1)}, ${num(g.csat.ci95[1], 1)}]` : "—",
        ]),
        { num: [1, 2, 3, 4, 5], cls: "trend-table" },
      ),
    ),
    help(
      "Each point is the period's score with its 95% interval (shaded). The dashed purple line is the straight-line trend (least squares of the scores on the period number; its slope, in points per period, is in the legend): a description of the direction, not a forecast. Baseline = the score of the first period with responses. Goal is yours to set (kept in this browser). Benchmarks are industry average relationship NPS (docs/methods.md: e.g. software 34): compare them with relationship NPS, not with transactional NPS; for CSAT the line is the 80% “excellent” mark.",
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

/** From / to dates for the survey responses counted on the dashboard (blank = all). */
function rangeForm(ws: string, from: string, to: string): HTMLElement {
  const f = h("input", { type: "date", id: "range-from", value: from });
  const t = h("input", { type: "date", id: "range-to", value: to });
  const form = h(
    "form",
    { class: "row no-print", id: "range-form" },
    field("Responses from", f),
    field("to", t),
    h("button", { type: "submit", class: "secondary" }, "Apply"),
    from || to
      ? h(
          "button",
          {
            type: "button",
            class: "secondary",
            id: "range-clear",
            onclick: () => {
              setPref(ws, "from", "");
              setPref(ws, "to", "");
              window.dispatchEvent(new HashChangeEvent("hashchange"));
            },
          },
          "All dates",
        )
      : "",
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    setPref(ws, "from", f.value);
    setPref(ws, "to", t.value);
    window.dispatchEvent(new HashChangeEvent("hashchange"));
  });
  return h(
    "section",
    { class: "card", "aria-label": "Date range" },
    form,
    from || to
      ? h(
          "p",
          { class: "small muted" },
          `Showing responses ${from ? `from ${from}` : ""} ${to ? `to ${to}` : ""}; the join report below covers the whole files.`,
        )
      : "",
  );
}
