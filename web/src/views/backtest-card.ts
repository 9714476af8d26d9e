/**
 * "Would it have predicted the future?": the back-test card of the impact-model screen (POST/GET .../backtests).
 * Shows the newest back-test with the model's outcome and predictors, or (for editors) runs one.
 */
import { client, download, ok } from "../api";
import type { Backtest, BacktestOverview as Overview, BacktestSplit } from "../api-types";
import { renderBacktest } from "../charts/backtest";
import { canvasBox } from "../charts/registry";
import { field, h, help } from "../dom";
import { errorBox } from "../errors";
import { int, money, num, pct } from "../format";

/** The day before an ISO day (windows are stored with an exclusive end). */
export function dayBefore(iso: string): string {
  return new Date(Date.parse(`${iso}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}

/** "2025-01-01 – 2025-03-31" */
export const windowLabel = (s: Pick<BacktestSplit, "testWindow">) => `${s.testWindow.from} – ${dayBefore(s.testWindow.to)}`;

const sameSpec = (b: Backtest, outcome: string, predictors: string[]) =>
  b.outcome === outcome && b.predictors.length === predictors.length && [...b.predictors].sort().join() === [...predictors].sort().join();

/** The newest back-test of a model's outcome and predictors, from the workspace's list. */
export function backtestFor(list: Backtest[], outcome: string, predictors: string[]): Backtest | null {
  return list.find((b) => sameSpec(b, outcome, predictors)) ?? null;
}

const signed = (x: number | null, pctOf: number | null) =>
  x === null ? "—" : `${x >= 0 ? "+" : ""}${money(x)}${pctOf === null ? "" : ` (${x >= 0 ? "+" : ""}${num(pctOf, 1)}%)`}`;

/** The card; fills itself once the back-tests are loaded. */
export function backtestCard(ws: string, model: { outcome: string; predictors: string[] }, canRun: boolean): HTMLElement {
  const body = h("div", {}, h("p", { class: "muted" }, "Loading back-tests…"));
  const card = h(
    "section",
    { class: "card", "aria-labelledby": "bt-title", id: "backtest" },
    h("h2", { id: "bt-title" }, "Would it have predicted the future?"),
    body,
  );
  void (async () => {
    try {
      const o = await ok(client.GET("/api/workspaces/{ws}/backtests", { params: { path: { ws } } }));
      const b = backtestFor(o.backtests, model.outcome, model.predictors);
      body.replaceChildren(...(b ? [renderBacktestResult(ws, b)] : []), ...(canRun ? [runForm(ws, model, o, body)] : []));
      if (!b && !canRun) body.append(h("p", { class: "muted" }, "No back-test of this model yet: an editor can run one here."));
    } catch (err) {
      body.replaceChildren(errorBox(err));
    }
  })();
  return card;
}

function runForm(ws: string, model: { outcome: string; predictors: string[] }, o: Overview, body: HTMLElement): HTMLElement {
  const splits = h("input", { type: "text", id: "bt-splits", value: o.suggestedSplits.join(", "), size: 40 });
  const end = h("input", { type: "date", id: "bt-end" });
  const status = h("div", { "aria-live": "polite" });
  const range =
    o.renewalDates.count > 0
      ? `${int(o.renewalDates.count)} accounts have renewal dates, ${o.renewalDates.first} to ${o.renewalDates.last}.`
      : "The accounts have no renewal dates: a back-test needs a renewal_date column.";
  const form = h(
    "form",
    { id: "bt-form" },
    h("p", { class: "muted small" }, range),
    h("div", { class: "row" }, field("Split dates (YYYY-MM-DD, comma-separated)", splits), field("End of the last window (optional)", end)),
    h("div", { class: "row" }, h("button", { type: "submit", id: "bt-run" }, "Run back-test")),
    status,
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    status.replaceChildren(h("p", { class: "muted" }, "Back-testing…"));
    try {
      const b = await ok(
        client.POST("/api/workspaces/{ws}/backtests", {
          params: { path: { ws } },
          body: {
            kind: "logistic",
            outcome: model.outcome,
            predictors: model.predictors,
            splits: splits.value
              .split(/[,\s]+/)
              .map((s) => s.trim())
              .filter(Boolean),
            ...(end.value ? { end: end.value } : {}),
          },
        }),
      );
      body.replaceChildren(renderBacktestResult(ws, b), runForm(ws, model, o, body));
    } catch (err) {
      status.replaceChildren(errorBox(err));
    }
  });
  return h(
    "details",
    { class: "help", open: o.backtests.length === 0 },
    h("summary", {}, "Run a back-test with this model's predictors"),
    form,
  );
}

/** Bars, the table of predicted vs actual vs baseline per window, segments, warnings and the method. */
export function renderBacktestResult(ws: string, b: Backtest): HTMLElement {
  const chart = canvasBox("Back-test: predicted vs actual vs naive baseline renewed ARR per window", "chart short");
  const rows = b.splits.map((s) =>
    h(
      "tr",
      { "data-split": s.split },
      h(
        "td",
        {},
        windowLabel(s),
        h("div", { class: "muted small" }, `${int(s.testAccounts)} accounts predicted; fitted on ${int(s.trainAccounts)} earlier`),
      ),
      h(
        "td",
        { class: "num", "data-bt": "predicted" },
        money(s.predictedArr),
        s.predictedArrCi95
          ? h("div", { class: "ci" }, `95%: ${money(s.predictedArrCi95[0], true)} to ${money(s.predictedArrCi95[1], true)}`)
          : "",
      ),
      h("td", { class: "num", "data-bt": "actual" }, money(s.actualArr)),
      h("td", { class: "num", "data-bt": "baseline" }, money(s.baselineArr)),
      h("td", { class: "num" }, signed(s.errors.modelArr, s.errors.modelArrPct)),
      h("td", { class: "num" }, signed(s.errors.baselineArr, s.errors.baselineArrPct)),
      h(
        "td",
        { class: "num" },
        `${num(s.predictedRenewals, 1)} vs ${int(s.actualRenewals)}`,
        h("div", { class: "muted small" }, `rate ${pct(s.predictedRate)} vs ${pct(s.actualRate)}`),
      ),
      h("td", { class: "num" }, num(s.auc, 3)),
    ),
  );
  const table = h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { id: "bt-table" },
      h(
        "caption",
        { class: "muted small" },
        "Predicted, actual, baseline and errors: renewed ARR of the accounts renewing in each window, undiscounted, in the accounts file's currency; errors = predicted − actual (% of actual).",
      ),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          [
            "Renewal window",
            "Predicted",
            "Actual",
            "Naive baseline",
            "Model error",
            "Baseline error",
            "Renewals: pred. vs actual",
            "AUC",
          ].map((t, i) => h("th", { scope: "col", class: i ? "num" : "" }, t)),
        ),
      ),
      h("tbody", {}, rows),
    ),
  );
  const warnings = b.splits.flatMap((s) => s.warnings.map((w) => ({ ...w, split: s.split })));
  const segRows = b.splits.flatMap((s) =>
    s.segments.map((g) => [
      windowLabel(s),
      g.segment,
      int(g.testAccounts),
      money(g.predictedArr) + (g.predictedArrCi95 ? ` [${money(g.predictedArrCi95[0], true)}, ${money(g.predictedArrCi95[1], true)}]` : ""),
      money(g.actualArr),
      money(g.baselineArr),
    ]),
  );
  const out = h(
    "div",
    { id: "bt-result" },
    h(
      "p",
      {},
      `A model fitted only on the renewals before each split date, with only the survey answers given before each renewal, predicted the renewals after it. Back-test of ${b.outcome} ~ ${b.predictors.join(" + ")}, run ${b.createdAt.slice(0, 16).replace("T", " ")} UTC.`,
    ),
    chart.box,
    table,
    warnings.length
      ? h(
          "ul",
          { class: "warn", id: "bt-warnings" },
          warnings.map((w) => h("li", { "data-code": w.code }, `${w.split}: ${w.message}`)),
        )
      : "",
    segRows.length
      ? h(
          "details",
          { class: "help" },
          h("summary", {}, "By segment"),
          h(
            "div",
            { class: "table-wrap" },
            h(
              "table",
              {},
              h(
                "thead",
                {},
                h(
                  "tr",
                  {},
                  ["Window", "Segment", "Accounts", "Predicted renewed ARR [95%]", "Actual", "Naive baseline"].map((t) =>
                    h("th", { scope: "col" }, t),
                  ),
                ),
              ),
              h(
                "tbody",
                {},
                segRows.map((r) =>
                  h(
                    "tr",
                    {},
                    r.map((c, i) => h("td", { class: i > 1 ? "num" : "" }, c)),
                  ),
                ),
              ),
            ),
          ),
        )
      : "",
    h(
      "p",
      {},
      h(
        "button",
        {
          type: "button",
          class: "secondary",
          onclick: () =>
            void download(
              client.GET("/api/workspaces/{ws}/export/backtests.csv", {
                params: { path: { ws }, query: { backtest: b.id } },
                parseAs: "blob",
              }),
              `backtest-${b.id}.csv`,
            ),
        },
        "Download CSV",
      ),
    ),
    help(
      `${b.featureRule} The 95% interval covers both the uncertainty of the fitted coefficients (seeded draws) and chance in which accounts renew. ` +
        "The naive baseline is what a finance reviewer would do without the model: last period's renewal rate (the accounts renewing in the period of the same length just before the split) times the later accounts' ARR. " +
        "Accounts with no survey answer before their cut-off are left out of both predicted and actual. This shows whether satisfaction predicted renewals; it is an association, not proof that raising satisfaction causes renewals.",
      "How is this computed?",
    ),
  );
  requestAnimationFrame(() =>
    renderBacktest(chart.canvas, {
      labels: b.splits.map(windowLabel),
      predicted: b.splits.map((s) => s.predictedArr),
      ci: b.splits.map((s) => s.predictedArrCi95),
      actual: b.splits.map((s) => s.actualArr),
      baseline: b.splits.map((s) => s.baselineArr),
    }),
  );
  return out;
}
