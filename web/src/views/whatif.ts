/**
 * What-if: sliders for the NPS / CSAT change, segment, investment, horizon, margin and discount rate.
 * ROI / NPV / payback and the revenue chart update on every input event (point estimate in the browser with
 * models/scenario/scenario.ts); the 95% band and intervals are recomputed in a Web Worker, debounced.
 * Save → POST .../scenarios (save: true).
 */
import { client, ok } from "../api";
import { canvasBox, onLeave, type Chart } from "../charts/registry";
import { renderRevenue, updateRevenue } from "../charts/revenue";
import { field, h, select, setText } from "../dom";
import { errorBox } from "../errors";
import { ci, int, money, num, pct, years } from "../format";
import { wsHash } from "../router";
import {
  bandDraws,
  changeOf,
  type CsatMode,
  type NpsMode,
  pointEstimate,
  toBook,
  type Book,
  type WhatIfAnswer,
  type WhatIfParams,
} from "../whatif-engine";
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
        const m = await ok(
          client.POST("/api/workspaces/{ws}/models", {
            params: { path: { ws } },
            body: { kind: "logistic", outcome: "renewed", predictors: quick },
          }),
        );
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
  const accounts = await ok(client.GET("/api/workspaces/{ws}/models/{id}/accounts", { params: { path: { ws, id: model.id } } }));
  const book: Book = toBook(accounts);
  let totalArr = 0;
  for (const a of book.arr) totalArr += a;
  const segments = [...new Set(book.segment.filter((s): s is string => !!s))].sort();
  const hasNps = book.terms.includes("nps");
  const hasCsat = book.terms.includes("csat");

  const modelPick = select(
    models.map((m) => [m.id, `${m.outcome} ~ ${m.predictors.join(" + ")} (${int(m.nObs)} accounts)`] as [string, string]),
    model.id,
    { id: "whatif-model" },
  );
  modelPick.addEventListener("change", () => {
    location.hash = wsHash(ws, "whatif", `model=${encodeURIComponent(modelPick.value)}`);
  });
  // The spread seen in the data (largest gap between segments or survey quarters) sets the sliders' marks.
  const spread = accounts.answers.observedSpread;
  const npsSpan = Math.max(20, Math.ceil(((spread.nps?.points ?? 0) * 1.5) / 5) * 5);
  const csatSpan = Math.max(10, Math.ceil(((spread.csat?.points ?? 0) * 1.5) / 5) * 5);
  const seen = (g: { points: number; best: string; worst: string } | undefined, unit: string) =>
    g
      ? ` Largest difference seen in your data: ${g.points.toFixed(1)} ${unit} (${g.best} vs ${g.worst}); beyond it the result is flagged.`
      : "";
  const signedFixed = (v: number, d: number) => `${v >= 0 ? "+" : "−"}${Math.abs(v).toFixed(d)}`;
  const npsMode = select(
    [
      ["score", "NPS score points (−100 to 100)"],
      ["answer", "Points on every 0-10 answer"],
      ["shares", "Move detractors / passives up"],
    ],
    "score",
    { id: "whatif-nps-mode" },
  );
  // The model's NPS is the accounts' mean answer of one survey type (or of all responses): say which.
  const npsKind =
    model.surveyType && model.surveyType !== "all" ? `${model.surveyType[0].toUpperCase()}${model.surveyType.slice(1)} NPS` : "NPS";
  const sNpsScore = slider("whatif-nps-score", `${npsKind} change (score points)`, -npsSpan, npsSpan, 1, 5, (v) => signedFixed(v, 0), [
    "How far the NPS score (% promoters − % detractors, −100 to 100) moves. +10 takes an NPS of 9.5 to 19.5." +
      seen(spread.nps, "NPS score points"),
    "Turned into the shift s of every 0-10 answer that gives this score on your accounts' answers; each account's mean answer then moves by s (capped at 0-10).",
  ]);
  const sNps = slider("whatif-nps", `${npsKind} change (points on every 0-10 answer)`, -3, 3, 0.1, 1, (v) => signedFixed(v, 1), [
    "Points added to every answer to “how likely to recommend” (0-10): +1 moves a 7 to an 8. This moves the NPS score far more than 1 point.",
    "Each account's mean answer x becomes x + change, capped at 0-10.",
  ]);
  const sDet = slider("whatif-det", "Detractors who become passives", 0, 1, 0.05, 0.2, (v) => pct(v, 0), [
    "Share of detractor answers (0-6) that become passives (7).",
    "An account with mean answer x below 7 moves to x + share·(7 − x).",
  ]);
  const sPas = slider("whatif-pas", "Passives who become promoters", 0, 1, 0.05, 0, (v) => pct(v, 0), [
    "Share of passive answers (7-8) that become promoters (9), after the detractors above have moved.",
    "An account with mean answer 7 ≤ x < 9 moves to x + share·(9 − x).",
  ]);
  const csatMode = select(
    [
      ["pp", "Percentage points of satisfied answers"],
      ["answer", "Points on every CSAT answer"],
    ],
    "pp",
    { id: "whatif-csat-mode" },
  );
  const csatScale = accounts.answers.all.csatScale;
  const sCsatPp = slider("whatif-csat-pp", "CSAT change (pp satisfied)", -csatSpan, csatSpan, 0.5, 0, (v) => `${signedFixed(v, 1)} pp`, [
    `How far the share of satisfied answers (${csatScale - 1}-${csatScale} on 1-${csatScale}) moves, in percentage points: +4 takes 61.9% to 65.9%.` +
      seen(spread.csat, "pp"),
    "Turned into the shift s of every CSAT answer that gives this share; each account's mean answer moves by s (capped).",
  ]);
  const sCsat = slider("whatif-csat", `CSAT change (points on 1-${csatScale})`, -2, 2, 0.1, 0, (v) => signedFixed(v, 1), [
    `Points added to every CSAT answer (1-${csatScale}).`,
    "Each account's mean answer x becomes x + change, capped at the scale.",
  ]);
  const npsBox = h("div", { class: "lever" }, field("NPS lever", npsMode), sNpsScore.el, sNps.el, sDet.el, sPas.el);
  const csatBox = h("div", { class: "lever" }, field("CSAT lever", csatMode), sCsatPp.el, sCsat.el);
  const showModes = () => {
    sNpsScore.el.classList.toggle("hidden", npsMode.value !== "score");
    sNps.el.classList.toggle("hidden", npsMode.value !== "answer");
    sDet.el.classList.toggle("hidden", npsMode.value !== "shares");
    sPas.el.classList.toggle("hidden", npsMode.value !== "shares");
    sCsatPp.el.classList.toggle("hidden", csatMode.value !== "pp");
    sCsat.el.classList.toggle("hidden", csatMode.value !== "answer");
  };
  showModes();
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
  if (!hasNps) npsBox.classList.add("hidden");
  if (!hasCsat) csatBox.classList.add("hidden");

  const params = (): WhatIfParams => ({
    npsMode: npsMode.value as NpsMode,
    npsScore: sNpsScore.value(),
    nps: sNps.value(),
    detractorsToPassives: sDet.value(),
    passivesToPromoters: sPas.value(),
    csatMode: csatMode.value as CsatMode,
    csatPp: sCsatPp.value(),
    csat: sCsat.value(),
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
  let lastPoint: WhatIfAnswer | null = null;
  let interval: { revenueGain: [number, number]; roi: [number, number] | null; npv: [number, number] } | null = null;
  const flags = h("ul", { class: "warn", id: "whatif-warnings", "aria-live": "polite" });
  let flagsShown = "";
  const leverWords = h("p", { id: "whatif-lever-words", class: "small" });
  const roiWords = h("p", { id: "whatif-roi-words" });

  // KPI cards are built once and their texts updated in place on every move (no DOM rebuild per input event).
  const cards = {
    nps: kpiCard("NPS", [
      "The NPS score of the accounts changed (% promoters − % detractors, −100 to 100), today → with the change.",
      "Counted on their survey answers with every answer moved as the lever says.",
    ]),
    csat: kpiCard("CSAT", [
      "The share of satisfied CSAT answers of the accounts changed, today → with the change.",
      "Top two boxes of the scale.",
    ]),
    roi: kpiCard("ROI", [
      "What the initiative returns beyond its cost: 100% means it pays back twice its cost in gross margin.",
      "ROI = (margin gain − investment) / investment; margin gain = gross margin × revenue gain. The interval comes from seeded draws of the model's coefficients.",
    ]),
    gain: kpiCard("Revenue gain", [
      "Extra revenue from today's accounts renewing more often, over the horizon, discounted.",
      "Σ over accounts and years of ARR × (p′^(t−1) − p^(t−1)) / (1 + d)^(t−1): p is the model's renewal probability today, p′ with the change.",
    ]),
    npv: kpiCard("NPV", ["What the initiative is worth today after its cost.", "Discounted margin gain − investment."]),
    payback: kpiCard("Payback", [
      "How long until the extra margin covers the investment.",
      "Years until the cumulative margin gain covers the investment; each year's gain accrues evenly over that year.",
    ]),
    rate: kpiCard("Predicted renewal rate (mean)", [
      "The average chance that one of the model's accounts renews at its next renewal, as the model predicts it, before and after the change (not an observed rate).",
      "Mean of logistic(x·β) over the model's accounts.",
    ]),
  };
  if (!hasNps) cards.nps.el.classList.add("hidden");
  if (!hasCsat) cards.csat.el.classList.add("hidden");
  kpiBox.append(...Object.values(cards).map((c) => c.el));
  // Narrow screens: the answer sits below the levers, so a compact copy of it stays at the top while a slider moves:
  // ROI, revenue gain (with their intervals) and the resulting NPS (before → after), else the predicted renewal rate.
  const summary = h(
    "div",
    { class: "whatif-summary", id: "whatif-summary", role: "group", "aria-label": "The answer, kept in view" },
    cards.roi.mirror(),
    cards.gain.mirror(),
    hasNps ? cards.nps.mirror() : cards.rate.mirror("Predicted renewal"),
  );
  const score = (v: number | null | undefined, unit: "nps" | "csat") =>
    v === null || v === undefined ? "—" : unit === "nps" ? num(v, 1) : `${num(v, 1)}%`;
  function showKpis() {
    const { result: r, levers, warnings } = lastPoint!;
    const sn = levers.scores.nps;
    const sc = levers.scores.csat;
    cards.nps.set(
      sn ? `${score(sn.before, "nps")} → ${score(sn.after, "nps")}` : "—",
      levers.shift.nps
        ? `every 0-10 answer ${signedFixed(levers.shift.nps, 2)} points`
        : levers.meanAnswerChange.nps
          ? `answers ${signedFixed(levers.meanAnswerChange.nps, 2)} points on average`
          : null,
      sn?.after ?? null,
    );
    cards.csat.set(
      sc ? `${score(sc.before, "csat")} → ${score(sc.after, "csat")}` : "—",
      levers.shift.csat ? `every answer ${signedFixed(levers.shift.csat, 2)} points` : null,
      sc?.after ?? null,
    );
    cards.roi.set(
      pct(r.roi, 1),
      ci(interval?.roi ?? null, (x) => pct(x, 1)),
      r.roi,
    );
    // Money names its horizon and that it is discounted (the card's label cannot: it does not move with the sliders).
    const pm = params();
    const span = `over ${pm.horizonYears} year${pm.horizonYears === 1 ? "" : "s"}, discounted at ${pct(pm.annualDiscountRate, 1)} a year`;
    const withSpan = (c: string | null) => (c ? `${c}; ${span}` : span);
    cards.gain.set(money(r.revenueGain, true), withSpan(ci(interval?.revenueGain ?? null, (x) => money(x, true))), r.revenueGain);
    cards.npv.set(money(r.npv, true), withSpan(ci(interval?.npv ?? null, (x) => money(x, true))), r.npv);
    cards.payback.set(years(r.paybackYears), null, r.paybackYears);
    cards.rate.set(
      `${pct(r.baseline.renewalRate, 1)} → ${pct(r.scenario.renewalRate, 1)}`,
      `${int(r.changedRows)} of ${int(r.rows)} accounts changed`,
      r.scenario.renewalRate,
    );
    setText(leverWords, levers.explained.join(" "));
    const p = params();
    const multiple = p.investment > 0 ? r.marginGain / p.investment : null;
    setText(
      roiWords,
      (multiple !== null
        ? `Every $1 invested comes back as $${multiple.toFixed(2)} of gross margin over ${p.horizonYears} year${p.horizonYears === 1 ? "" : "s"} (${multiple.toFixed(1)}×; ROI ${pct(r.roi, 0)}). `
        : "No investment entered: ROI needs one. ") +
        "The 95% interval covers the uncertainty in the fitted link between satisfaction and renewal only. It does not show whether raising satisfaction causes the renewals, and it leaves out new sales and price changes.",
    );
    // The warnings' list is rebuilt only when they change (most slider moves keep them).
    const shownFlags = warnings.map((w) => `${w.code}\n${w.message}`).join("\n\n");
    if (shownFlags !== flagsShown) {
      flags.replaceChildren(...warnings.map((w) => h("li", { "data-code": w.code }, w.message)));
      flagsShown = shownFlags;
    }
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
    // The chart first, then the texts: chart.js reads the canvas's style while it lays out, so DOM writes made before it
    // would force a style recalculation mid-frame.
    const d = { baseline: r.result.baseline.revenueByYear, scenario: r.result.scenario.revenueByYear, lo: null, hi: null };
    if (!chart) chart = renderRevenue(canvas, d);
    else updateRevenue(chart, d);
    showKpis();
    setText(bandNote, "Updating the 95% band…");
    delete bandNote.dataset.ready;
    clearTimeout(timer);
    const mySeq = ++seq;
    timer = setTimeout(() => worker.postMessage({ type: "run", seq: mySeq, params: p, draws }), 250);
    kpiBox.dataset.inputs = JSON.stringify(p);
    main.dispatchEvent(new CustomEvent("whatif:updated", { bubbles: true, detail: { ms: performance.now() - t0, computeMs, inputs: p } }));
  }
  for (const s of [sNpsScore, sNps, sDet, sPas, sCsatPp, sCsat, sInv, sH, sM, sD]) s.onInput(schedule);
  seg.addEventListener("change", schedule);
  for (const m of [npsMode, csatMode])
    m.addEventListener("change", () => {
      showModes();
      schedule();
    });

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
    const ch = changeOf(book, p);
    const words: Record<string, (v: number) => string> = {
      npsScore: (v) => `NPS ${signedFixed(v, 0)} score points`,
      nps: (v) => `NPS ${signedFixed(v, 1)} on every answer`,
      detractorsToPassives: (v) => `${pct(v, 0)} detractors → passives`,
      passivesToPromoters: (v) => `${pct(v, 0)} passives → promoters`,
      csatPp: (v) => `CSAT ${signedFixed(v, 1)} pp`,
      csat: (v) => `CSAT ${signedFixed(v, 1)} on every answer`,
    };
    const label =
      name.value.trim() ||
      `${Object.entries(ch)
        .map(([k, v]) => words[k]?.(v) ?? `${k} ${v}`)
        .join(", ")}${p.segment ? ` (${p.segment})` : ""}, ${money(p.investment, true)}`.trim();
    saveOut.replaceChildren(h("p", { class: "muted" }, "Saving (computing the interval on the server)…"));
    try {
      const s = await ok(
        client.POST("/api/workspaces/{ws}/scenarios", {
          params: { path: { ws } },
          body: {
            name: label,
            modelId: model.id,
            change: ch,
            horizonYears: p.horizonYears,
            annualDiscountRate: p.annualDiscountRate,
            grossMargin: p.grossMargin,
            investment: p.investment,
            save: true,
            ...(p.segment ? { segment: p.segment } : {}),
          },
        }),
      );
      // save: true answers 201 with the stored scenario's id (an unsaved what-if, 200, has id null).
      if (s.id === null) throw new Error("The server ran the scenario but did not save it.");
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
        npsBox,
        csatBox,
        field("Apply to", seg),
        sInv.el,
        sH.el,
        sM.el,
        sD.el,
      ),
      h(
        "div",
        {},
        h(
          "section",
          { class: "card", "aria-labelledby": "answer-title" },
          h("h2", { id: "answer-title" }, "The answer"),
          flags,
          kpiBox,
          roiWords,
          leverWords,
          status,
        ),
        h(
          "section",
          { class: "card", "aria-labelledby": "rev-title" },
          h("h2", { id: "rev-title" }, "Revenue by year"),
          h(
            "p",
            { class: "small", id: "whatif-baseline-note" },
            "Both lines fall from year to year because they count only today's accounts, each renewing with its predicted probability: a closed book with no new sales and no price changes.",
          ),
          box,
          bandNote,
        ),
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
