/** CLV on transactions: BG/NBD + Gamma-Gamma (POST .../clv): distribution, P(alive), top customers, CSV export. */
import { client, download, latestGuard, ok } from "../api";
import type { Clv } from "../api-types";
import { renderHistogram } from "../charts/histogram";
import { canvasBox } from "../charts/registry";
import { renderSurvival } from "../charts/survival";
import { field, h, help, kpi, numberInput, select, table } from "../dom";
import { renderClvGroups } from "../charts/clv-groups";
import { errorBox } from "../errors";
import { ci, int, money, num, pct, pval } from "../format";
import { renderHoldoutByFrequency, renderHoldoutWeekly } from "../charts/holdout";
import { wsHash } from "../router";
import { heading, loadWorkspace, newest } from "../workspace";
import type { ScreenCtx } from "./screens";

type ClvResult = Clv;
type HoldoutResult = NonNullable<Clv["holdout"]>;
type Comparison = Clv["comparison"][number];

/** Contractual retention (sBG, GET .../clv/sbg) from the accounts' tenure and renewals, by NPS group. */
async function retentionCard(ws: string): Promise<HTMLElement> {
  const card = h(
    "section",
    { class: "card", "aria-labelledby": "ret-title", id: "retention" },
    h("h2", { id: "ret-title" }, "Renewal retention (subscription CLV)"),
  );
  try {
    const r = await ok(
      client.GET("/api/workspaces/{ws}/clv/sbg", { params: { path: { ws }, query: { splitBy: "nps", horizonYears: 5 } } }),
    );
    const fitted = r.groups.flatMap((g) => (!g.error && g.survival ? [{ ...g, survival: g.survival }] : []));
    const surveyType = (r as { surveyType?: string }).surveyType;
    const which = surveyType && surveyType !== "all" ? `${surveyType} ` : "";
    const c = canvasBox(`Share of accounts still customers after each year, by ${which}NPS group`, "chart short");
    card.append(
      h(
        "p",
        { class: "small muted", id: "retention-survey-type" },
        `Groups by each account's mean ${which ? `${which}NPS answer${surveyType === "relationship" ? " (relationship surveys: account health)" : ""}` : "NPS answer over all its responses (any survey type)"}.`,
      ),
      c.box,
      table(
        [
          "Group",
          "Observed rate at first renewal (sBG fit)",
          "Still customers after 5 years",
          "Expected renewals of a new account (discounted)",
          "Active accounts",
          "Residual value (active)",
        ],
        r.groups.map((g) =>
          g.error
            ? [g.group, g.error.message, "", "", int(g.activeAccounts), ""]
            : [
                g.group,
                pct(g.survival?.[1], 1),
                pct(g.survival?.[Math.min(g.survival.length - 1, Math.round(60 / r.periodMonths))], 1),
                num(g.derlNewCustomer, 2),
                int(g.activeAccounts),
                money(g.residualValue ?? null, true),
              ],
        ),
        { num: [1, 2, 3, 4, 5], cls: "retention" },
      ),
      help(
        `sBG parameters: ${fitted.map((g) => `${g.group} α ${num(g.alpha, 3)}, β ${num(g.beta, 3)}`).join("; ")}. ${r.howComputed.fit ?? ""} ${r.howComputed.periods ?? ""} ${r.howComputed.residualValue ?? ""} Accounts used: ${int(r.accountsUsed)} (${int(r.accountsExcluded)} without tenure or renewal).`,
        "How is this computed?",
      ),
    );
    requestAnimationFrame(() =>
      renderSurvival(
        c.canvas,
        fitted.map((g) => ({ group: g.group, survival: g.survival })),
        r.periodMonths,
      ),
    );
  } catch (err) {
    card.append(errorBox(err));
  }
  return card;
}

/** Money with cents, for per-customer means: "$9.21". */
const cents = (x: number | null) => (x === null || !Number.isFinite(x) ? "—" : (x < 0 ? "−$" : "$") + Math.abs(x).toFixed(2));

const INTERVAL_HELP =
  "The 95% interval covers the uncertainty of the fitted BG/NBD and Gamma-Gamma parameters (delta method on the log scale); it does not cover model misfit (see the holdout test) or each customer's own purchase randomness.";

const MODEL_NAME = { bgnbd: "BG/NBD", "pareto-nbd": "Pareto/NBD" } as const;

/** BG/NBD and Pareto/NBD side by side: LL, AIC and (with a holdout) their holdout errors. */
function comparisonCard(rows: Comparison[]): HTMLElement {
  return h(
    "section",
    { class: "card", id: "clv-comparison", "aria-labelledby": "cmp-title" },
    h("h2", { id: "cmp-title" }, "Model comparison"),
    table(
      [
        "Purchase model",
        "Log-likelihood",
        "AIC (lower is better)",
        "Holdout total error (%)",
        "Holdout MAE (purchases per customer)",
        "Weekly cumulative MAPE (%)",
      ],
      rows.map((c) => [
        `${MODEL_NAME[c.model]}${c.used ? " (used for the values)" : ""}`,
        num(c.logLik, 2),
        num(c.aic, 2),
        c.holdout ? num(c.holdout.totalPercentError, 1) : "— (give a holdout end)",
        c.holdout ? num(c.holdout.byFrequencyMae, 3) : "—",
        c.holdout ? num(c.holdout.weeklyMape, 1) : "—",
      ]),
      { num: [1, 2, 3, 4, 5], cls: "clv-comparison" },
    ),
    help(
      "Both models fitted by maximum likelihood on the same customers (time in days; 4 parameters each, so AIC = 8 − 2·LL). A holdout end adds each model's out-of-sample errors, the fairer test. BG/NBD is the default: it fits far faster and usually predicts as well.",
      "How are they compared?",
    ),
  );
}

/** CLV by satisfaction group (bySatisfaction): per-group mean CLV with intervals, the LR test and the gap. */
function groupsCard(r: ClvResult): HTMLElement {
  const groups = r.groups ?? [];
  const c = canvasBox("Mean CLV per customer by satisfaction group, with 95% intervals", "chart short");
  const by = r.satisfaction?.by === "csat" ? "CSAT" : "NPS";
  const gap = r.gap;
  const card = h(
    "section",
    { class: "card", id: "clv-groups", "aria-labelledby": "groups-title" },
    h("h2", { id: "groups-title" }, `CLV by ${by} group`),
    h(
      "div",
      { class: "kpis" },
      kpi(
        `CLV gap, ${gap?.from ?? groups[0]?.group} − ${gap?.to ?? groups[groups.length - 1]?.group} ($ per customer, ${r.horizonMonths} months, discounted)`,
        gap ? cents(gap.meanClvDifference) : "— (a group could not be fitted)",
        ci(gap?.ci95, cents),
        "Difference of the two groups' mean CLV per customer; the interval adds both groups' parameter uncertainty (independent fits). Association, not causation: satisfied customers may differ in other ways too.",
      ),
      kpi(
        "Same purchase and spend behaviour in every group?",
        r.test ? `p = ${pval(r.test.pValue)}` : "not tested",
        r.test ? `χ² = ${num(r.test.statistic, 1)} on ${r.test.df} df` : null,
        "Likelihood-ratio test that all groups share the same BG/NBD and Gamma-Gamma parameters (2 × the log-likelihood gained by separate fits). A small p says the groups buy or spend differently.",
      ),
      kpi(
        "Customers linked to a response",
        int(r.satisfaction?.linkedCustomers),
        null,
        `${r.satisfaction?.rule ?? ""} ${int(r.satisfaction?.ungrouped)} customers have no matching response and are left out of the groups.`,
      ),
    ),
    c.box,
    table(
      [
        "Group",
        "Customers",
        "Repeat buyers",
        `Mean CLV ($ per customer, ${r.horizonMonths} months)`,
        "95% interval ($)",
        "BG/NBD r, α (days), a, b",
        "Note",
      ],
      groups.map((g) => [
        g.group,
        int(g.customers),
        int(g.repeatBuyers),
        cents(g.meanClv),
        g.meanClvCi95 ? `${cents(g.meanClvCi95[0])} – ${cents(g.meanClvCi95[1])}` : "—",
        g.bgnbd ? [g.bgnbd.r, g.bgnbd.alpha, g.bgnbd.a, g.bgnbd.b].map((v) => num(v, 3)).join(", ") : "—",
        g.error ? g.error.message : "",
      ]),
      { num: [1, 2, 3], cls: "clv-groups-table" },
    ),
  );
  requestAnimationFrame(() => renderClvGroups(c.canvas, groups, r.horizonMonths));
  return card;
}

/** The holdout test (POST .../clv with holdoutEnd): summary, by-frequency bars, weekly cumulative curve. */
function holdoutCard(ho: HoldoutResult): HTMLElement {
  const c1 = canvasBox("Mean repeat purchases per customer in the holdout, by calibration frequency", "chart short");
  const c2 = canvasBox("Cumulative repeat transactions by week, predicted and actual", "chart short");
  const s = ho.summary;
  const card = h(
    "section",
    { class: "card", id: "clv-holdout", "aria-labelledby": "holdout-title" },
    h("h2", { id: "holdout-title" }, `Holdout test: fitted to ${ho.calibrationEnd}, checked against ${ho.holdoutEnd}`),
    h(
      "div",
      { class: "kpis" },
      kpi(
        `Repeat purchases in the ${ho.holdoutDays}-day holdout`,
        `${int(s.predictedTotal)} predicted vs ${int(s.actualTotal)} actual`,
        null,
        "Repeat purchase days of the customers known at the calibration end, predicted by the model fitted on the calibration period only.",
      ),
      kpi(
        "Error of the holdout total",
        s.totalPercentError === null ? "—" : `${num(s.totalPercentError, 1)}%`,
        null,
        "(predicted − actual) / actual, in % of the actual repeat purchases.",
      ),
      kpi(
        "Mean absolute error by frequency",
        `${num(s.byFrequencyMae, 2)} purchases per customer`,
        null,
        "Average over the calibration-frequency groups 0..7+ of |mean predicted − mean actual| holdout repeat purchases.",
      ),
      kpi(
        "Weekly cumulative error (MAPE)",
        s.weeklyMape === null ? "—" : `${num(s.weeklyMape, 1)}%`,
        null,
        "Mean absolute percentage error of the cumulative repeat-transaction curve over the holdout weeks.",
      ),
    ),
    h("div", { class: "grid-2" }, c1.box, c2.box),
    table(
      ["Calibration repeat purchases", "Customers", "Predicted mean (holdout purchases)", "Actual mean (holdout purchases)"],
      ho.byFrequency.map((b) => [b.label, int(b.customers), num(b.predicted, 3), num(b.actual, 3)]),
      { num: [1, 2, 3], cls: "clv-holdout-table" },
    ),
    help(
      `As in Fader, Hardie & Lee (2005), figures 3 and 4: the model is fitted on purchases up to ${ho.calibrationEnd} and predicts each customer's repeat purchases up to ${ho.holdoutEnd}. ${ho.newInHoldout ? `${int(ho.newInHoldout)} customers first bought in the holdout period and are not part of the test.` : ""} Weeks count 7 days from the first purchase in the data; the red line marks the calibration end.`,
      "How is this computed?",
    ),
  );
  requestAnimationFrame(() => {
    renderHoldoutByFrequency(c1.canvas, ho.byFrequency, ho.holdoutDays);
    renderHoldoutWeekly(c2.canvas, ho.weekly, ho.calibrationWeeks);
  });
  return card;
}

export async function clvView(main: HTMLElement, { ws }: ScreenCtx): Promise<void> {
  const w = await loadWorkspace(ws);
  // Retention needs each account's tenure and renewal outcome: only ask for it when the accounts file has both.
  const accCols = (newest(w, "accounts")?.columns ?? []).map((c) => c.name);
  const hasAccounts = accCols.includes("tenure_months") && accCols.includes("renewed");
  if (!w.datasets.some((d) => d.kind === "transactions")) {
    main.replaceChildren(
      heading("Customer lifetime value", w),
      hasAccounts ? await retentionCard(ws) : "",
      h(
        "section",
        { class: "card" },
        h("p", {}, "Purchase-based CLV (BG/NBD + Gamma-Gamma) needs a transactions file (customer_id, date, amount). "),
        h("a", { class: "button", href: wsHash(ws, "upload") }, "Upload transactions"),
      ),
    );
    return;
  }
  const horizon = numberInput(12, { id: "clv-horizon", min: 1, max: 120, step: 1 });
  const margin = numberInput(30, { id: "clv-margin", min: 0, max: 100, step: 1 });
  const discount = numberInput(10, { id: "clv-discount", min: 0, max: 100, step: 0.5 });
  const obsEnd = h("input", { type: "date", id: "clv-end" });
  const holdEnd = h("input", { type: "date", id: "clv-holdout-end" });
  const method = select(
    [
      ["bgnbd-gg", "BG/NBD + Gamma-Gamma (default)"],
      ["pareto-nbd-gg", "Pareto/NBD + Gamma-Gamma"],
    ],
    "bgnbd-gg",
    { id: "clv-method" },
  );
  const bySat = select(
    [
      ["", "No split"],
      ["nps", "By NPS group (promoters / passives / detractors)"],
      ["csat", "By CSAT (satisfied / not)"],
    ],
    "",
    { id: "clv-by" },
  );
  const out = h("div", { id: "clv-result", "aria-live": "polite" });
  const form = h(
    "form",
    { id: "clv-form", class: "row" },
    field("Horizon (months)", horizon),
    field("Margin (%)", margin),
    field("Annual discount rate (%)", discount),
    field("Observation end (optional)", obsEnd, "Default: the latest purchase date; the calibration end of a holdout test"),
    field(
      "Holdout end (optional)",
      holdEnd,
      "Fit up to the observation end, then compare predicted and actual repeat purchases up to this date",
    ),
    field("Purchase model", method, "Both are fitted and compared; this one gives the values"),
    field("Satisfaction split", bySat, "Needs responses whose account_id is the transactions' customer_id"),
    h("button", { type: "submit" }, "Fit CLV"),
  );
  const next = latestGuard();
  async function run() {
    const current = next();
    out.replaceChildren(h("p", { class: "muted" }, "Fitting BG/NBD and Gamma-Gamma…"));
    try {
      const r = await ok(
        client.POST("/api/workspaces/{ws}/clv", {
          params: { path: { ws } },
          body: {
            method: method.value as "bgnbd-gg" | "pareto-nbd-gg",
            ...(bySat.value ? { bySatisfaction: bySat.value as "nps" | "csat" } : {}),
            horizonMonths: Number(horizon.value),
            margin: Number(margin.value) / 100,
            annualDiscountRate: Number(discount.value) / 100,
            ...(obsEnd.value ? { observationEnd: obsEnd.value } : {}),
            ...(holdEnd.value ? { holdoutEnd: holdEnd.value } : {}),
          },
        }),
      );
      if (current()) render(r);
    } catch (err) {
      if (current()) out.replaceChildren(errorBox(err));
    }
  }
  function render(r: Clv) {
    const top = [...r.customers].sort((a, b) => (b.clv ?? -Infinity) - (a.clv ?? -Infinity)).slice(0, 20);
    const c1 = canvasBox("Distribution of CLV across customers", "chart short");
    const c2 = canvasBox("Distribution of P(alive)", "chart short");
    // Over 10,000 customers the API lists the 10,000 highest CLVs (totals still cover everyone; the CSV has all rows).
    const shown = r.customersTruncated
      ? h(
          "p",
          { class: "muted small", id: "clv-truncated" },
          `Showing ${int(r.customers.length)} of ${int(r.customersTotal)} customers (those with the highest CLV) in the charts and table; the totals cover all customers and the CSV export has every row.`,
        )
      : null;
    const exp = h(
      "button",
      {
        type: "button",
        class: "secondary",
        id: "clv-export",
        onclick: () =>
          void download(client.GET("/api/workspaces/{ws}/export/clv.csv", { params: { path: { ws } }, parseAs: "blob" }), "clv.csv").catch(
            (e) => out.prepend(errorBox(e)),
          ),
      },
      "Export all customers (CSV)",
    );
    out.replaceChildren(
      h(
        "section",
        { class: "card", id: "clv-summary" },
        r.warnings.length
          ? h(
              "ul",
              { class: "warn", id: "clv-warnings" },
              r.warnings.map((w) => h("li", { "data-code": w.code }, w.message)),
            )
          : "",
        h(
          "div",
          { class: "kpis" },
          kpi(
            "Customers",
            int(r.totals.customers),
            `${int(r.repeatBuyers)} bought more than once`,
            `Every customer with a purchase on or before the observation end, in the newest transactions file${r.newCustomers ? `; ${int(r.newCustomers)} first bought on the observation end and are valued from the fitted population (no history of their own yet)` : ""}.`,
          ),
          kpi(
            `Total CLV (${r.horizonMonths} months, discounted)`,
            money(r.totals.clv, true),
            ci(r.totals.clvCi95, (x) => money(x, true)),
            `Σ margin × expected average value × discounted expected purchases over the horizon (BG/NBD + Gamma-Gamma). ${INTERVAL_HELP}`,
          ),
          kpi(
            `Expected purchases (${r.horizonMonths} months)`,
            num(r.totals.expectedPurchases, 0),
            null,
            "Σ of each customer's expected purchases over the horizon (BG/NBD), a count of purchase days, not discounted.",
          ),
          kpi(
            `Mean CLV per customer (${r.horizonMonths} months, discounted)`,
            cents(r.totals.customers ? r.totals.clv / r.totals.customers : null),
            ci(r.totals.meanClvCi95, cents),
            `Total CLV / customers. ${INTERVAL_HELP}`,
          ),
        ),
        shown,
      ),
      h(
        "section",
        { class: "card", "aria-labelledby": "fit-title" },
        h("h2", { id: "fit-title" }, "Fitted models"),
        table(
          ["Model", "Parameter", "Estimate"],
          [
            ["BG/NBD", "r", num(r.bgnbd.r, 4)],
            ["BG/NBD", "α (days)", num(r.bgnbd.alpha, 4)],
            ["BG/NBD", "a", num(r.bgnbd.a, 4)],
            ["BG/NBD", "b", num(r.bgnbd.b, 4)],
            ...(r.paretoNbd
              ? [
                  ["Pareto/NBD", "r", num(r.paretoNbd.r, 4)],
                  ["Pareto/NBD", "α (days)", num(r.paretoNbd.alpha, 4)],
                  ["Pareto/NBD", "s", num(r.paretoNbd.s, 4)],
                  ["Pareto/NBD", "β (days)", num(r.paretoNbd.beta, 4)],
                ]
              : []),
            ["Gamma-Gamma", "p", num(r.gammaGamma.p, 4)],
            ["Gamma-Gamma", "q", num(r.gammaGamma.q, 4)],
            ["Gamma-Gamma", "γ", num(r.gammaGamma.gamma, 4)],
          ],
          { num: [2], cls: "clv-params" },
        ),
        help(
          "BG/NBD (Fader, Hardie & Lee 2005) for how often customers buy and when they silently stop; Gamma-Gamma (Fader, Hardie & Lee 2005, “RFM and CLV”) for how much they spend. Both fitted by maximum likelihood on each customer's frequency, recency and age, with lifetimes' conventions (time in days).",
        ),
      ),
      h(
        "div",
        { class: "grid-2" },
        h("section", { class: "card" }, h("h2", {}, "CLV distribution"), c1.box),
        h(
          "section",
          { class: "card" },
          h("h2", {}, "P(alive)"),
          c2.box,
          help("Probability that the customer is still active (has not silently churned), given their purchase history."),
        ),
      ),
      r.comparison && r.comparison.length ? comparisonCard(r.comparison) : "",
      r.holdout ? holdoutCard(r.holdout) : "",
      r.groups ? groupsCard(r) : "",
      h(
        "section",
        { class: "card" },
        h("h2", {}, "Top customers"),
        exp,
        table(
          [
            "Customer",
            "Repeat purchases (count)",
            "P(alive)",
            `Expected purchases (${r.horizonMonths} months)`,
            "Expected avg value ($ per purchase)",
            `CLV ($, ${r.horizonMonths} months, discounted)`,
            "CLV 95% interval ($)",
          ],
          top.map((c) => [
            c.customerId,
            int(c.frequency),
            pct(c.pAlive, 0),
            num(c.expectedPurchases, 2),
            money(c.expectedAvgValue),
            money(c.clv),
            c.clvCi95 ? `${money(c.clvCi95[0])} – ${money(c.clvCi95[1])}` : "—",
          ]),
          { num: [1, 2, 3, 4, 5, 6], cls: "clv-top" },
        ),
      ),
    );
    requestAnimationFrame(() => {
      renderHistogram(
        c1.canvas,
        r.customers.map((c) => c.clv ?? NaN),
        "CLV (top 2% of customers in the last bar)",
        20,
        0.98,
      );
      renderHistogram(
        c2.canvas,
        r.customers.map((c) => c.pAlive ?? NaN),
        "P(alive)",
        10,
      );
    });
  }
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void run();
  });
  const retention = h("div", {});
  main.replaceChildren(heading("Customer lifetime value", w), h("section", { class: "card" }, form), out, retention);
  await Promise.all([run(), hasAccounts ? retentionCard(ws).then((c) => retention.replaceChildren(c)) : null]);
}
