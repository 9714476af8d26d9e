/** CLV on transactions: BG/NBD + Gamma-Gamma (POST .../clv): distribution, P(alive), top customers, CSV export. */
import { client, download, latestGuard, ok } from "../api";
import type { Clv } from "../api-types";
import { renderHistogram } from "../charts/histogram";
import { canvasBox } from "../charts/registry";
import { renderSurvival } from "../charts/survival";
import { field, h, help, kpi, numberInput, table } from "../dom";
import { errorBox } from "../errors";
import { int, money, num, pct } from "../format";
import { wsHash } from "../router";
import { heading, loadWorkspace, newest } from "../workspace";
import type { ScreenCtx } from "./screens";

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
    const c = canvasBox("Share of accounts still customers after each year, by NPS group", "chart short");
    card.append(
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
  const out = h("div", { id: "clv-result", "aria-live": "polite" });
  const form = h(
    "form",
    { id: "clv-form", class: "row" },
    field("Horizon (months)", horizon),
    field("Margin (%)", margin),
    field("Annual discount rate (%)", discount),
    field("Observation end (optional)", obsEnd, "Default: the latest purchase date"),
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
            method: "bgnbd-gg",
            horizonMonths: Number(horizon.value),
            margin: Number(margin.value) / 100,
            annualDiscountRate: Number(discount.value) / 100,
            ...(obsEnd.value ? { observationEnd: obsEnd.value } : {}),
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
        { class: "card" },
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
            "Customers in the newest transactions file.",
          ),
          kpi(
            "Total CLV",
            money(r.totals.clv, true),
            null,
            "Σ margin × expected average value × discounted expected purchases over the horizon (BG/NBD + Gamma-Gamma).",
          ),
          kpi(
            "Expected purchases",
            num(r.totals.expectedPurchases, 0),
            null,
            "Σ of each customer's expected purchases over the horizon (BG/NBD).",
          ),
          kpi("Mean CLV", money(r.totals.customers ? r.totals.clv / r.totals.customers : null), null, "Total CLV / customers."),
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
      h(
        "section",
        { class: "card" },
        h("h2", {}, "Top customers"),
        exp,
        table(
          ["Customer", "Repeat purchases", "P(alive)", "Expected purchases", "Expected avg value", "CLV"],
          top.map((c) => [
            c.customerId,
            int(c.frequency),
            pct(c.pAlive, 0),
            num(c.expectedPurchases, 2),
            money(c.expectedAvgValue),
            money(c.clv),
          ]),
          { num: [1, 2, 3, 4, 5] },
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
