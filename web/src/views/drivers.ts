/** Drivers: journey stages (touchpoints) ranked by priority = importance for renewal × ARR at risk (POST .../drivers). */
import { client, latestGuard, ok } from "../api";
import type { Drivers } from "../api-types";
import { renderPriority } from "../charts/priority";
import { canvasBox } from "../charts/registry";
import { field, h, help, pick, select, table } from "../dom";
import { errorBox } from "../errors";
import { int, money, num, pct } from "../format";
import { heading, loadWorkspace } from "../workspace";
import type { ScreenCtx } from "./screens";

export async function driversView(main: HTMLElement, { ws }: ScreenCtx): Promise<void> {
  const w = await loadWorkspace(ws);
  const metric = select(
    [
      ["", "Default (NPS if present)"],
      ["nps", "NPS"],
      ["csat", "CSAT"],
      ["ces", "CES"],
    ],
    "",
    { id: "drivers-metric" },
  );
  const method = select(
    [
      ["relative-weights", "Relative weights (joint model)"],
      ["coefficient", "Per-touchpoint logistic effect"],
    ],
    "relative-weights",
    { id: "drivers-method" },
  );
  const surveyType = select(
    [
      ["", "Default (transactional if the responses have some)"],
      ["transactional", "Transactional responses"],
      ["relationship", "Relationship responses"],
      ["all", "All responses"],
    ],
    "",
    { id: "drivers-survey-type" },
  );
  const out = h("div", { id: "drivers-result", "aria-live": "polite" });
  const next = latestGuard();
  async function run() {
    const current = next();
    out.replaceChildren(h("p", { class: "muted" }, "Ranking touchpoints…"));
    try {
      const d = await ok(
        client.POST("/api/workspaces/{ws}/drivers", {
          params: { path: { ws } },
          body: {
            metric: pick(metric.value, ["nps", "csat", "ces"]),
            method: pick(method.value, ["relative-weights", "coefficient"]),
            surveyType: pick(surveyType.value, ["relationship", "transactional", "all"]),
          },
        }),
      );
      if (current()) render(d);
    } catch (err) {
      if (current()) out.replaceChildren(errorBox(err));
    }
  }
  function render(d: Drivers) {
    const ranked = [...d.touchpoints].sort((a, b) => (a.rank ?? 1e9) - (b.rank ?? 1e9));
    const { box, canvas } = canvasBox("Touchpoints by priority: ARR at risk and importance", "chart");
    box.style.height = `${Math.max(200, 48 * ranked.length + 90)}px`;
    const hc = d.howComputed;
    const measure = `${d.surveyType !== "all" ? `${d.surveyType[0].toUpperCase()}${d.surveyType.slice(1)} ` : ""}${d.metric.toUpperCase()}`;
    out.replaceChildren(
      d.warnings.length
        ? h(
            "ul",
            { class: "warn" },
            d.warnings.map((x) => h("li", {}, x)),
          )
        : "",
      h(
        "section",
        { class: "card", "aria-labelledby": "prio-title" },
        h("h2", { id: "prio-title" }, "Fix first"),
        h(
          "p",
          { class: "small muted", id: "drivers-survey-used" },
          d.surveyType === "all"
            ? `From all ${int(d.totals.responsesUsed)} responses with a touchpoint (any survey type).`
            : `From ${int(d.totals.responsesUsed)} ${d.surveyType} responses with a touchpoint.`,
        ),
        ranked[0]?.rank
          ? h(
              "p",
              { id: "drivers-top" },
              h("strong", {}, ranked[0].touchpoint),
              ` is priority 1: ${money(ranked[0].arrAtRisk)} of ARR at risk among ${int(ranked[0].atRiskAccounts)} accounts, importance ${pct(ranked[0].importanceShare, 0)} of what ${measure} explains in ${d.outcome}.`,
            )
          : "",
        box,
      ),
      h(
        "section",
        { class: "card", "aria-labelledby": "tp-title" },
        h("h2", { id: "tp-title" }, "Touchpoints"),
        table(
          ["Rank", "Touchpoint", `Mean ${measure}`, "Gap to best", "Importance", "Accounts", "At-risk accounts", "ARR at risk", "Priority"],
          ranked.map((t) => [
            t.rank ?? "—",
            t.touchpoint + (t.note ? ` (${t.note})` : ""),
            num(t.meanScore, 2),
            num(t.gap, 2),
            pct(t.importanceShare, 1),
            int(t.accounts),
            int(t.atRiskAccounts),
            money(t.arrAtRisk),
            money(t.priority),
          ]),
          { num: [0, 2, 3, 4, 5, 6, 7, 8], cls: "drivers" },
        ),
        h(
          "details",
          { class: "help" },
          h("summary", {}, "How each number is computed"),
          h(
            "dl",
            { class: "small muted" },
            Object.entries(hc).map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]),
          ),
        ),
      ),
    );
    requestAnimationFrame(() =>
      renderPriority(
        canvas,
        ranked.map((t) => ({
          label: `${t.rank ? `#${t.rank} ` : ""}${t.touchpoint}`,
          arrAtRisk: t.arrAtRisk,
          importanceShare: t.importanceShare,
        })),
      ),
    );
  }
  const form = h(
    "form",
    { id: "drivers-form", class: "row" },
    field("Satisfaction measure", metric),
    field("Importance", method),
    field("Responses", surveyType),
    h("button", { type: "submit" }, "Rank touchpoints"),
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void run();
  });
  main.replaceChildren(
    heading("Journey stages to fix first", w),
    h(
      "section",
      { class: "card" },
      form,
      help(
        "For each touchpoint: its satisfaction, how much it matters for renewal (importance), and the ARR of accounts unhappy there (at risk). Priority = importance × ARR at risk. By default only transactional responses count (surveys asked right after a support case, onboarding or a purchase: they say which touchpoint to fix); relationship surveys rate the account overall.",
      ),
    ),
    out,
  );
  await run();
}
