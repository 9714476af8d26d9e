/**
 * The one-page business case of a saved scenario, built in the page with print CSS (Ctrl+P gives one A4
 * page). The server's own HTML report (GET .../report?scenario=) can be downloaded from here too.
 */
import { api, download, wsPath } from "../api";
import { canvasBox } from "../charts/registry";
import { renderRevenue } from "../charts/revenue";
import { h, kpi } from "../dom";
import { errorBox } from "../errors";
import { ci, int, money, pct, years } from "../format";
import { translationsOf, type ModelResult } from "../model-types";
import { wsHash } from "../router";
import { changeText, type Scenario } from "../scenario-types";
import { loadWorkspace } from "../workspace";
import { type Backtest, latestPredicted, windowLabel } from "./backtest-card";
import type { ScreenCtx } from "./screens";

export async function printView(main: HTMLElement, { ws, route }: ScreenCtx): Promise<void> {
  const id = route.query.get("scenario");
  if (!id) {
    main.replaceChildren(h("p", {}, "No scenario chosen. ", h("a", { href: wsHash(ws, "scenarios") }, "Pick one")));
    return;
  }
  const [w, s] = await Promise.all([loadWorkspace(ws), api<Scenario>(wsPath(ws, `/scenarios/${encodeURIComponent(id)}`), { ws })]);
  const m = await api<ModelResult>(wsPath(ws, `/models/${encodeURIComponent(s.modelId)}`), { ws }).catch(() => null);
  const backtests = await api<{ backtests: Backtest[] }>(wsPath(ws, "/backtests"), { ws }).catch(() => null);
  const btSplit = m && backtests ? latestPredicted(backtests.backtests, m.outcome, m.predictors ?? []) : undefined;
  const req = s.request;
  const H = req?.horizonYears ?? s.baseline.revenueByYear.length;
  const effects = m
    ? translationsOf(m).filter((t) => Object.keys(req?.change ?? {}).includes(t.predictor) || translationsOf(m).length === 1)
    : [];
  const { box, canvas } = canvasBox("Revenue by year, baseline and scenario with 95% band", "chart");
  const status = h("div", { "aria-live": "polite" });

  main.replaceChildren(
    h(
      "article",
      { class: "onepager", id: "onepager" },
      h(
        "div",
        { class: "row no-print" },
        h("button", { type: "button", id: "print-now", onclick: () => window.print() }, "Print / save as PDF"),
        h(
          "button",
          {
            type: "button",
            class: "secondary",
            onclick: () =>
              void download(wsPath(ws, `/report?scenario=${encodeURIComponent(s.id)}`), ws, `business-case-${s.id}.html`).catch((e) =>
                status.replaceChildren(errorBox(e)),
              ),
          },
          "Download the server report (HTML)",
        ),
        h("a", { href: wsHash(ws, "scenarios") }, "Back to scenarios"),
        status,
      ),
      h("h1", {}, `Business case: ${s.name}`),
      h("p", { class: "muted small" }, `${w.name} · ${(s.createdAt ?? new Date().toISOString()).slice(0, 10)} · model ${s.modelId}`),
      h(
        "section",
        { class: "card" },
        h("h2", {}, "The question"),
        h("p", {}, `If we invest ${money(req?.investment)} to move ${changeText(s)}, what do we gain in renewals over ${H} years?`),
      ),
      h(
        "section",
        { class: "card" },
        h("h2", {}, "The answer"),
        h(
          "div",
          { class: "kpis" },
          kpi(
            "ROI",
            pct(s.roi, 1),
            ci(s.ci95?.roi ?? null, (x) => pct(x, 1)),
            "(margin gain − investment) / investment.",
          ),
          kpi(
            "Revenue gain",
            money(s.revenueGain, true),
            ci(s.ci95?.revenueGain, (x) => money(x, true)),
            "Extra renewal revenue over the horizon, discounted.",
          ),
          kpi(
            "NPV",
            money(s.npv, true),
            ci(s.ci95?.npv ?? null, (x) => money(x, true)),
            "Discounted margin gain − investment.",
          ),
          kpi("Payback", years(s.paybackYears), null, "When the cumulative margin gain covers the investment."),
          kpi(
            "Renewal rate",
            `${pct(s.baseline.renewalRate, 1)} → ${pct(s.scenario.renewalRate, 1)}`,
            null,
            "Mean predicted renewal probability.",
          ),
        ),
      ),
      h("section", { class: "card" }, h("h2", {}, "Revenue by year"), box),
      effects.length || btSplit
        ? h(
            "section",
            { class: "card" },
            h("h2", {}, "The fitted effect"),
            h(
              "ul",
              {},
              effects.map((t) => h("li", {}, t.sentence ?? "")),
              btSplit
                ? h(
                    "li",
                    { id: "backtest-line" },
                    `Back-tested on renewals ${windowLabel(btSplit)}: predicted ${money(btSplit.predictedArr)}` +
                      (btSplit.predictedArrCi95 ? ` [${money(btSplit.predictedArrCi95[0])}, ${money(btSplit.predictedArrCi95[1])}]` : "") +
                      `, actual ${money(btSplit.actualArr)} of renewed ARR (undiscounted; a model fitted only on the renewals before ${btSplit.split}).`,
                  )
                : "",
            ),
          )
        : "",
      h(
        "section",
        { class: "card" },
        h("h2", {}, "Assumptions and data"),
        h(
          "ul",
          { class: "small" },
          (
            s.assumptions ?? [
              `Gross margin ${pct(req?.grossMargin, 0)}, discount rate ${pct(req?.annualDiscountRate, 1)}, horizon ${H} years.`,
            ]
          ).map((a) => h("li", {}, a)),
          m
            ? h(
                "li",
                {},
                `Model: logistic regression of ${m.outcome} on ${(m.predictors ?? []).join(", ")}; ${int(m.nObs)} accounts (${int(m.excluded)} excluded for missing values).`,
              )
            : "",
        ),
      ),
    ),
  );
  requestAnimationFrame(() =>
    renderRevenue(canvas, {
      baseline: s.baseline.revenueByYear,
      scenario: s.scenario.revenueByYear,
      lo: s.bandByYear?.lo ?? null,
      hi: s.bandByYear?.hi ?? null,
    }),
  );
}
