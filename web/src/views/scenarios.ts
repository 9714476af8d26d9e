/** Saved scenarios side by side, and an integrated programme of several (POST .../programs). */
import { client, download, ok } from "../api";
import type { SavedScenario } from "../api-types";
import { field, h, help, numberInput, table } from "../dom";
import { errorBox } from "../errors";
import { changeText, ci, money, pct, scoresText, years } from "../format";
import { wsHash } from "../router";
import { columnCards } from "../stacked";
import { heading, loadWorkspace } from "../workspace";
import type { ScreenCtx } from "./screens";

export async function scenariosView(main: HTMLElement, { ws }: ScreenCtx): Promise<void> {
  const [w, list] = await Promise.all([loadWorkspace(ws), ok(client.GET("/api/workspaces/{ws}/scenarios", { params: { path: { ws } } }))]);
  const all = list.scenarios;
  if (!all.length) {
    main.replaceChildren(
      heading("Saved scenarios", w),
      h(
        "section",
        { class: "card" },
        h("p", {}, "No saved scenarios yet. "),
        h("a", { class: "button", href: wsHash(ws, "whatif") }, "Open the what-if"),
      ),
    );
    return;
  }
  const checks = all.map((s, i) =>
    h("input", { type: "checkbox", id: `cmp-${s.id}`, value: s.id, checked: i < 4, "aria-label": `Include ${s.name}` }),
  );
  const compare = h("div", { id: "compare" });
  const progOut = h("div", { id: "programme", "aria-live": "polite" });
  const overlap = numberInput(0, { id: "programme-overlap", min: 0, max: 100, step: 1 });

  const selected = () => all.filter((_, i) => checks[i].checked);
  function drawCompare() {
    const sel = selected();
    if (!sel.length) {
      compare.replaceChildren(h("p", { class: "muted" }, "Tick scenarios to compare them."));
      return;
    }
    const row = (label: string, f: (s: SavedScenario) => string): string[] => [label, ...sel.map(f)];
    compare.replaceChildren(
      table(
        ["", ...sel.map((s) => s.name)],
        [
          row("Change", changeText),
          row("Scores", scoresText),
          row(
            "Warnings",
            (s) =>
              s.warnings
                .map((w) =>
                  w.code.endsWith("_beyond_observed")
                    ? `${w.code.split("_")[0].toUpperCase()}: larger than any difference seen in your data`
                    : w.code.replace(/_/g, " "),
                )
                .join("; ") || "none",
          ),
          row("Investment", (s) => money(s.request.investment)),
          row("Horizon", (s) => `${s.request.horizonYears} years`),
          row("Gross margin", (s) => pct(s.request.grossMargin, 0)),
          row("Discount rate", (s) => pct(s.request.annualDiscountRate, 1)),
          row("Predicted renewal rate (mean)", (s) => `${pct(s.baseline.renewalRate, 1)} → ${pct(s.scenario.renewalRate, 1)}`),
          row("Revenue gain", (s) => money(s.revenueGain)),
          row("  95% interval", (s) => ci(s.ci95?.revenueGain, (x) => money(x, true))?.replace("95% CI ", "") ?? "—"),
          row("Margin gain", (s) => money(s.marginGain)),
          row(
            "ROI",
            (s) =>
              `${pct(s.roi, 1)}${s.request.investment ? ` (${(s.marginGain / s.request.investment).toFixed(1)}× back in margin)` : ""}`,
          ),
          row("  95% interval", (s) => ci(s.ci95?.roi ?? null, (x) => pct(x, 1))?.replace("95% CI ", "") ?? "—"),
          row("NPV", (s) => money(s.npv)),
          row("Payback", (s) => years(s.paybackYears)),
        ].map((r) => r.map(String)),
        { num: sel.map((_, i) => i + 1), cls: "compare" },
      ),
      h(
        "p",
        { class: "small no-print" },
        sel.map((s) => [h("a", { href: wsHash(ws, "print", `scenario=${encodeURIComponent(s.id)}`) }, `One-pager: ${s.name}`), " · "]),
      ),
    );
    // Narrow screens: one card per scenario instead of the side-by-side table.
    const wide = compare.querySelector<HTMLElement>(".table-wrap");
    if (wide) wide.after(columnCards(wide));
  }
  for (const c of checks) c.addEventListener("change", drawCompare);

  const progForm = h(
    "form",
    { id: "programme-form" },
    field("Overlap between the initiatives' gains (%)", overlap),
    h("div", { class: "row" }, h("button", { type: "submit" }, "Combine ticked scenarios into a programme")),
    progOut,
  );
  progForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    const sel = selected();
    if (!sel.length) {
      progOut.replaceChildren(h("p", { class: "error" }, "Tick at least one scenario."));
      return;
    }
    try {
      const r = await ok(
        client.POST("/api/workspaces/{ws}/programs", {
          params: { path: { ws } },
          body: { scenarioIds: sel.map((s) => s.id), overlap: Number(overlap.value) / 100 },
        }),
      );
      const p = r.programme;
      progOut.replaceChildren(
        table(
          ["Initiative", "Margin gain", "Investment", "ROI", "NPV"],
          [
            ...r.initiatives.map((i) => [i.name, money(i.gain), money(i.investment), pct(i.roi, 1), money(i.npv)]),
            [
              h("strong", {}, "Programme"),
              money(p.gain),
              money(p.investment),
              h("strong", { "data-result": "programme-roi" }, pct(p.roi, 1)),
              money(p.npv),
            ],
          ],
          { num: [1, 2, 3, 4], cls: "programme" },
        ),
        p.roiCi95 ? h("p", { class: "small" }, `Programme ROI ${ci(p.roiCi95, (x) => pct(x, 1))}`) : "",
        help(r.method),
      );
    } catch (err) {
      progOut.replaceChildren(errorBox(err));
    }
  });

  main.replaceChildren(
    heading("Saved scenarios", w),
    h(
      "section",
      { class: "card", "aria-labelledby": "list-title" },
      h("h2", { id: "list-title" }, "Scenarios"),
      table(
        ["Compare", "Name", "Change", "Investment", "ROI", "Saved", ""],
        all.map((s, i) => [
          checks[i],
          s.name,
          changeText(s),
          money(s.request.investment),
          pct(s.roi, 1),
          s.createdAt.slice(0, 16).replace("T", " "),
          h(
            "button",
            {
              type: "button",
              class: "secondary",
              onclick: () =>
                void download(
                  client.GET("/api/workspaces/{ws}/report", { params: { path: { ws }, query: { scenario: s.id } }, parseAs: "blob" }),
                  `business-case-${s.id}.html`,
                ).catch((err) => compare.prepend(errorBox(err))),
            },
            "Report (HTML)",
          ),
        ]),
        { num: [3, 4] },
      ),
    ),
    h("section", { class: "card", "aria-labelledby": "cmp-title" }, h("h2", { id: "cmp-title" }, "Side by side"), compare),
    h(
      "section",
      { class: "card", "aria-labelledby": "prog-title" },
      h("h2", { id: "prog-title" }, "Integrated programme"),
      h(
        "p",
        { class: "small muted" },
        "Several initiatives rarely add up fully: overlap removes the share of their gains that would be counted twice.",
      ),
      progForm,
    ),
  );
  drawCompare();
}
