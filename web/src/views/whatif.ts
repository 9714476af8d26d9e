/**
 * What-if: sliders for the NPS / CSAT change, segment, investment, horizon, margin and discount rate.
 * ROI / NPV / payback and the revenue chart update on every input event (point estimate in the browser with
 * models/scenario/scenario.ts); the 95% band and intervals are recomputed in a Web Worker, debounced.
 * Save → POST .../scenarios (save: true).
 */
import { api, wsPath } from "../api";
import { canvasBox, onLeave, type Chart } from "../charts/registry";
import { renderRevenue, updateRevenue } from "../charts/revenue";
import { field, h, select } from "../dom";
import { errorBox } from "../errors";
import { ci, int, money, pct, years } from "../format";
import type { ModelAccounts, ModelResult } from "../model-types";
import { wsHash } from "../router";
import { bandDraws, changeOf, pointEstimate, toBook, type Book, type WhatIfParams } from "../whatif-engine";
import { kpiCard, slider } from "../widgets";
import { heading, listModels, loadWorkspace } from "../workspace";
import { predictorOptions } from "./model";
import type { ScreenCtx } from "./screens";

const niceCeil = (x: number) => {
  if (!(x > 0)) return 1_000_000;
  const p = 10 ** Math.floor(Math.log10(x));
  return Math.ceil(x / p) * p;
};

export async function whatifView(main: HTMLElement, { ws, route }: ScreenCtx): Promise<void> {
  const w = await loadWorkspace(ws);
  const models = (await listModels(ws)).filter((m) => m.kind === "logistic" && m.outcome === "renewed");
  const wanted = route.query.get("model");
  const model = models.find((m) => m.id === wanted) ?? models[models.length - 1];
  if (!model) {
    const quick = ["nps", "csat", "log_arr", "segment"].filter((c) => c === "log_arr" || predictorOptions(w).some((o) => o.name === c));
    const status = h("div", { "aria-live": "polite" });
    const fitNow = h("button", { type: "button", id: "whatif-quick-fit" }, `Fit renewed ~ ${quick.join(" + ")} now`);
    fitNow.addEventListener("click", async () => {
      fitNow.disabled = true;
      status.replaceChildren(h("p", { class: "muted" }, "Fitting…"));
      try {
        const m = await api<ModelResult>(wsPath(ws, "/models"), { ws, body: { kind: "logistic", outcome: "renewed", predictors: quick } });
        location.hash = wsHash(ws, "whatif", `model=${encodeURIComponent(m.id)}`);
      } catch (err) {
        fitNow.disabled = false;
        status.replaceChildren(errorBox(err));
      }
    });
    main.replaceChildren(
      heading("What-if", w),
      h(
        "section",
        { class: "card" },
        h("p", {}, "What-ifs run on a fitted renewal model (logistic regression of renewed on satisfaction and controls)."),
        w.role === "viewer"
          ? h("p", { class: "muted" }, "Ask an editor to fit one: your link is read-only.")
          : h(
              "div",
              { class: "row" },
              fitNow,
              h("a", { class: "button secondary", href: wsHash(ws, "model") }, "Choose the predictors myself"),
            ),
        status,
      ),
    );
    return;
  }
  main.replaceChildren(heading("What-if", w), h("p", { class: "muted" }, "Loading the accounts…"));
  const accounts = await api<ModelAccounts>(wsPath(ws, `/models/${encodeURIComponent(model.id)}/accounts`), { ws });
  const book: Book = toBook(accounts);
  let totalArr = 0;
  for (const a of book.arr) totalArr += a;
  const segments = [...new Set(book.segment.filter((s): s is string => !!s))].sort();
  const hasNps = book.terms.includes("nps");
  const hasCsat = book.terms.includes("csat");

  const modelPick = select(
    models.map(
      (m) =>
        [
          m.id,
          `${m.outcome} ~ ${(m.predictors ?? m.coefficients.map((c) => c.term).filter((t) => t !== "Intercept")).join(" + ")} (${int(m.nObs)} accounts)`,
        ] as [string, string],
    ),
    model.id,
    { id: "whatif-model" },
  );
  modelPick.addEventListener("change", () => {
    location.hash = wsHash(ws, "whatif", `model=${encodeURIComponent(modelPick.value)}`);
  });
  const sNps = slider(
    "whatif-nps",
    "NPS change (points on 0-10)",
    -3,
    3,
    0.1,
    1,
    (v) => `${v >= 0 ? "+" : "−"}${Math.abs(v).toFixed(1)}`,
    "Points added to each account's mean answer to “how likely to recommend” (0-10), clipped to the scale. +1 moves a 7 to an 8.",
  );
  const sCsat = slider(
    "whatif-csat",
    "CSAT change (points on 1-5)",
    -2,
    2,
    0.1,
    0,
    (v) => `${v >= 0 ? "+" : "−"}${Math.abs(v).toFixed(1)}`,
    "Points added to each account's mean CSAT answer (1-5), clipped to the scale.",
  );
  const invMax = niceCeil(totalArr * 0.1);
  const sInv = slider(
    "whatif-investment",
    "Investment",
    0,
    invMax,
    invMax / 200,
    niceCeil(totalArr * 0.01) / 2,
    (v) => money(v),
    "What the initiative costs, in the currency of the upload. ROI = (margin gain − investment) / investment.",
    "Exact amount",
  );
  const sH = slider(
    "whatif-horizon",
    "Horizon",
    1,
    10,
    1,
    3,
    (v) => `${v} year${v === 1 ? "" : "s"}`,
    "Years of revenue counted. Year 1 is already contracted; a higher renewal probability pays from year 2 on.",
  );
  const sM = slider(
    "whatif-margin",
    "Gross margin",
    0,
    1,
    0.01,
    0.8,
    (v) => pct(v, 0),
    "Share of revenue kept after the cost of serving it; gains are counted on margin.",
  );
  const sD = slider(
    "whatif-discount",
    "Discount rate (annual)",
    0,
    0.2,
    0.005,
    0.1,
    (v) => pct(v, 1),
    "Year t revenue is divided by (1 + rate)^(t−1) for NPV.",
  );
  const seg = select([["", "All accounts"], ...segments.map((s) => [s, s] as [string, string])], "", { id: "whatif-segment" });
  if (!hasNps) sNps.el.classList.add("hidden");
  if (!hasCsat) sCsat.el.classList.add("hidden");

  const params = (): WhatIfParams => ({
    nps: hasNps ? sNps.value() : 0,
    csat: hasCsat ? sCsat.value() : 0,
    segment: seg.value,
    investment: sInv.value(),
    horizonYears: sH.value(),
    grossMargin: sM.value(),
    annualDiscountRate: sD.value(),
  });

  const kpiBox = h("div", { class: "kpis", id: "whatif-kpis" });
  const bandNote = h("p", { class: "muted small", id: "whatif-band-note", "aria-live": "polite" });
  const { box, canvas } = canvasBox("Revenue by year: baseline and scenario with 95% band", "chart tall");
  let chart: Chart | null = null;
  let lastPoint: ReturnType<typeof pointEstimate> | null = null;
  let interval: { revenueGain: [number, number]; roi: [number, number] | null; npv: [number, number] } | null = null;

  // KPI cards are built once and their texts updated in place on every move (no DOM rebuild per input event).
  const cards = {
    roi: kpiCard(
      "ROI",
      "(margin gain − investment) / investment. Margin gain = gross margin × revenue gain. The interval comes from seeded draws of the model's coefficients.",
    ),
    gain: kpiCard(
      "Revenue gain",
      "Σ over accounts and years of ARR × (p′^(t−1) − p^(t−1)) / (1 + d)^(t−1): p is the model's renewal probability today, p′ with the change.",
    ),
    npv: kpiCard("NPV", "Discounted margin gain − investment."),
    payback: kpiCard(
      "Payback",
      "Years until the cumulative margin gain covers the investment; each year's gain accrues evenly over that year.",
    ),
    rate: kpiCard("Renewal rate", "Mean predicted renewal probability over the model's accounts, before and after the change."),
  };
  kpiBox.append(...Object.values(cards).map((c) => c.el));
  // Narrow screens: the answer sits below the levers, so a compact copy of it stays at the top while a slider moves:
  // ROI, revenue gain (with their intervals) and the resulting NPS where the page shows one, else the renewal rate.
  const resulting = hasNps ? (cards as Record<string, ReturnType<typeof kpiCard>>).nps : undefined;
  const summary = h(
    "div",
    { class: "whatif-summary", id: "whatif-summary", role: "group", "aria-label": "The answer, kept in view" },
    cards.roi.mirror(),
    cards.gain.mirror(),
    (resulting ?? cards.rate).mirror(),
  );
  function showKpis() {
    const r = lastPoint!;
    cards.roi.set(
      pct(r.roi, 1),
      ci(interval?.roi ?? null, (x) => pct(x, 1)),
      r.roi,
    );
    cards.gain.set(
      money(r.revenueGain, true),
      ci(interval?.revenueGain ?? null, (x) => money(x, true)),
      r.revenueGain,
    );
    cards.npv.set(
      money(r.npv, true),
      ci(interval?.npv ?? null, (x) => money(x, true)),
      r.npv,
    );
    cards.payback.set(years(r.paybackYears), null, r.paybackYears);
    cards.rate.set(
      `${pct(r.baseline.renewalRate, 1)} → ${pct(r.scenario.renewalRate, 1)}`,
      `${int(r.changedRows)} of ${int(r.rows)} accounts changed`,
      r.scenario.renewalRate,
    );
  }

  // The band: Web Worker, debounced; stale answers (older sequence numbers) are dropped.
  const worker = new Worker("/whatif-worker.js", { type: "module" });
  onLeave(() => worker.terminate());
  worker.postMessage({ type: "init", accounts });
  let seq = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const draws = bandDraws(book.arr.length);
  worker.onmessage = (e) => {
    const { seq: s, result, error } = e.data;
    if (s !== seq) return;
    if (error) {
      bandNote.textContent = `Interval not available: ${error}`;
      return;
    }
    interval = result.ci95;
    if (chart)
      updateRevenue(chart, {
        baseline: result.baseline.revenueByYear,
        scenario: result.scenario.revenueByYear,
        lo: result.bandByYear?.lo ?? null,
        hi: result.bandByYear?.hi ?? null,
      });
    showKpis();
    bandNote.textContent = `95% band and intervals from ${int(result.draws)} seeded draws of the coefficients (seed ${result.seed}).`;
    bandNote.dataset.ready = String(s);
  };

  const status = h("div", { "aria-live": "polite", id: "whatif-status" });
  // Slider input events are coalesced to one recompute per animation frame; the page reports each update
  // (event "whatif:updated" with the work time, and the inputs on #whatif-kpis) for tests and the benchmark.
  let frame = 0;
  const schedule = () => {
    if (!frame)
      frame = requestAnimationFrame(() => {
        frame = 0;
        recompute();
      });
  };
  function recompute() {
    const t0 = performance.now();
    const p = params();
    let r;
    try {
      r = pointEstimate(book, p);
    } catch (err) {
      status.replaceChildren(errorBox(err));
      return;
    }
    const computeMs = performance.now() - t0;
    if (status.firstChild) status.replaceChildren();
    lastPoint = r;
    interval = null;
    showKpis();
    const d = { baseline: r.baseline.revenueByYear, scenario: r.scenario.revenueByYear, lo: null, hi: null };
    if (!chart) chart = renderRevenue(canvas, d);
    else updateRevenue(chart, d);
    bandNote.textContent = "Updating the 95% band…";
    delete bandNote.dataset.ready;
    clearTimeout(timer);
    const mySeq = ++seq;
    timer = setTimeout(() => worker.postMessage({ type: "run", seq: mySeq, params: p, draws }), 250);
    kpiBox.dataset.inputs = JSON.stringify(p);
    main.dispatchEvent(new CustomEvent("whatif:updated", { bubbles: true, detail: { ms: performance.now() - t0, computeMs, inputs: p } }));
  }
  for (const s of [sNps, sCsat, sInv, sH, sM, sD]) s.onInput(schedule);
  seg.addEventListener("change", schedule);

  // Save, then compare / print.
  const name = h("input", { type: "text", id: "whatif-name", value: "", placeholder: "e.g. Onboarding programme +1 NPS" });
  const saveOut = h("div", { "aria-live": "polite", id: "whatif-saved" });
  const saveForm = h(
    "form",
    { id: "whatif-save", class: "no-print" },
    field("Scenario name", name),
    h(
      "div",
      { class: "row" },
      h("button", { type: "submit" }, "Save scenario"),
      h("button", { type: "button", class: "secondary", id: "whatif-print", onclick: () => window.print() }, "Print this page"),
    ),
    saveOut,
  );
  saveForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    const p = params();
    const label =
      name.value.trim() ||
      `${p.nps ? `NPS ${p.nps > 0 ? "+" : ""}${p.nps}` : ""}${p.csat ? ` CSAT ${p.csat > 0 ? "+" : ""}${p.csat}` : ""}${p.segment ? ` (${p.segment})` : ""}, ${money(p.investment, true)}`.trim();
    saveOut.replaceChildren(h("p", { class: "muted" }, "Saving (computing the interval on the server)…"));
    try {
      const body: Record<string, unknown> = {
        name: label,
        modelId: model.id,
        change: changeOf(book, p),
        horizonYears: p.horizonYears,
        annualDiscountRate: p.annualDiscountRate,
        grossMargin: p.grossMargin,
        investment: p.investment,
        save: true,
      };
      if (p.segment) body.segment = p.segment;
      const s = await api<{ id: string; roi: number | null }>(wsPath(ws, "/scenarios"), { ws, body });
      saveOut.replaceChildren(
        h(
          "p",
          { class: "ok" },
          `Saved “${label}” (ROI ${pct(s.roi, 1)}). `,
          h("a", { href: wsHash(ws, "scenarios") }, "Compare saved scenarios"),
          " · ",
          h("a", { href: wsHash(ws, "print", `scenario=${encodeURIComponent(s.id)}`), id: "whatif-onepager" }, "One-page business case"),
        ),
      );
    } catch (err) {
      saveOut.replaceChildren(errorBox(err));
    }
  });

  main.replaceChildren(
    heading("What-if", w),
    h(
      "div",
      { class: "whatif" },
      h(
        "section",
        { class: "card", "aria-labelledby": "levers-title" },
        h("h2", { id: "levers-title" }, "Levers"),
        summary,
        field("Renewal model", modelPick),
        sNps.el,
        sCsat.el,
        field("Apply to", seg),
        sInv.el,
        sH.el,
        sM.el,
        sD.el,
      ),
      h(
        "div",
        {},
        h("section", { class: "card", "aria-labelledby": "answer-title" }, h("h2", { id: "answer-title" }, "The answer"), kpiBox, status),
        h("section", { class: "card", "aria-labelledby": "rev-title" }, h("h2", { id: "rev-title" }, "Revenue by year"), box, bandNote),
        w.role === "viewer"
          ? h(
              "section",
              { class: "card no-print" },
              h("p", { class: "muted" }, "Read-only link: what-ifs run here, but saving needs an editor link."),
              h("button", { type: "button", class: "secondary", onclick: () => window.print() }, "Print this page"),
            )
          : h(
              "section",
              { class: "card no-print", "aria-labelledby": "save-title" },
              h("h2", { id: "save-title" }, "Keep this scenario"),
              saveForm,
            ),
      ),
    ),
  );
  recompute();
}
