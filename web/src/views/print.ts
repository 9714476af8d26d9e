/**
 * The one-page business case of a saved scenario, built in the page with print CSS (Ctrl+P gives one A4
 * page). The server's own HTML report (GET .../report?scenario=) can be downloaded from here too.
 */
import { client, download, ok } from "../api";
import { canvasBox } from "../charts/registry";
import { renderRevenue } from "../charts/revenue";
import { h, kpi } from "../dom";
import { errorBox } from "../errors";
import { changeText, ci, int, money, pct, years } from "../format";
import { wsHash } from "../router";
import { loadWorkspace } from "../workspace";
import type { ScreenCtx } from "./screens";

export async function printView(main: HTMLElement, { ws, route }: ScreenCtx): Promise<void> {
  const id = route.query.get("scenario");
  if (!id) {
    main.replaceChildren(h("p", {}, "No scenario chosen. ", h("a", { href: wsHash(ws, "scenarios") }, "Pick one")));
    return;
  }
  const [w, s] = await Promise.all([
    loadWorkspace(ws),
    ok(client.GET("/api/workspaces/{ws}/scenarios/{id}", { params: { path: { ws, id } } })),
  ]);
  const m = await ok(client.GET("/api/workspaces/{ws}/models/{id}", { params: { path: { ws, id: s.modelId } } })).catch(() => null);
  const req = s.request;
  const H = req.horizonYears;
  const effects = m ? m.translation.filter((t) => Object.keys(req.change).includes(t.predictor) || m.translation.length === 1) : [];
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
              void download(
                client.GET("/api/workspaces/{ws}/report", { params: { path: { ws }, query: { scenario: id } }, parseAs: "blob" }),
                `business-case-${id}.html`,
              ).catch((e) => status.replaceChildren(errorBox(e))),
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
        h("p", {}, `If we invest ${money(req.investment)} to move ${changeText(s)}, what do we gain in renewals over ${H} years?`),
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
      effects.length
        ? h(
            "section",
            { class: "card" },
            h("h2", {}, "The fitted effect"),
            h(
              "ul",
              {},
              effects.map((t) => h("li", {}, t.sentence)),
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
          s.assumptions.map((a) => h("li", {}, a)),
          m
            ? h(
                "li",
                {},
                `Model: logistic regression of ${m.outcome} on ${m.predictors.join(", ")}; ${int(m.nObs)} accounts (${int(m.excluded)} excluded for missing values).`,
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
