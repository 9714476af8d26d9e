import { revenueChartSvg } from "./chart-svg";
import { esc, money, num, pct } from "./html";
import type { StoredModel, StoredScenario } from "../data/models-store";

const range = (ci: [number, number] | null | undefined, f: (v: number) => string) => (ci ? `${f(ci[0])} to ${f(ci[1])}` : "n/a");

/**
 * The one-page business case (HTML with print CSS): the question, the fitted
 * effect with its interval, the money with its interval, the chart, the
 * assumptions and the data it rests on. All user text is escaped.
 */
export function renderReport(workspaceName: string, stored: StoredScenario, model: StoredModel, generatedAt: string): string {
  const s = stored.result;
  const m = model.result;
  const r = s.request;
  const changes =
    Object.entries(r.change)
      .map(([k, v]) => `${v >= 0 ? "+" : ""}${v} ${k.toUpperCase()} points`)
      .join(" and ") || "no change";
  const who = s.segment ? `the ${s.segment} segment (${s.changedRows} accounts)` : `all ${s.accounts} accounts`;
  const question = `If we invest ${money(r.investment)} to lift satisfaction by ${changes} for ${who}, what do we gain over ${r.horizonYears} year${r.horizonYears === 1 ? "" : "s"}?`;
  const effectRows = m.coefficients
    .filter((c) => Object.keys(r.change).includes(c.term))
    .map(
      (c) =>
        `<tr><td>${esc(c.term)}</td><td>${num(c.estimate, 4)}</td><td>${num(c.stdError, 4)}</td><td>${num(c.ci95?.[0], 4)} to ${num(c.ci95?.[1], 4)}</td><td>${c.pValue === null ? "n/a" : c.pValue < 0.001 ? "&lt; 0.001" : num(c.pValue, 3)}</td></tr>`,
    )
    .join("");
  const sentences = m.translation
    .filter((t) => Object.keys(r.change).includes(t.predictor))
    .map((t) => `<p>${esc(t.sentence)}</p>`)
    .join("");
  const yearRows = s.baseline.revenueByYear
    .map(
      (b, t) =>
        `<tr><td>Year ${t + 1}</td><td>${money(b)}</td><td>${money(s.scenario.revenueByYear[t])}</td><td>${money(s.scenario.revenueByYear[t] - b)}</td>` +
        `<td>${s.bandByYear ? `${money(s.bandByYear.lo[t])} to ${money(s.bandByYear.hi[t])}` : "n/a"}</td></tr>`,
    )
    .join("");
  const join = m.data?.join;
  const validation = m.validation.error
    ? `Holdout check not available: ${esc(m.validation.error.message)}`
    : m.validation.auc !== undefined
      ? `Holdout AUC ${num(m.validation.auc ?? null, 3)} on ${m.validation.nTest} accounts left out of the fit.`
      : `Holdout R² ${num(m.validation.holdoutRSquared ?? null, 3)} on ${m.validation.nTest} accounts left out of the fit.`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(stored.name)} — business case</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  body { font: 13px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2328; max-width: 820px; margin: 24px auto; padding: 0 16px; }
  h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 14px; margin: 16px 0 6px; border-bottom: 1px solid #d0d7de; padding-bottom: 2px; }
  .muted { color: #59636e; } .kpis { display: grid; grid-template-columns: repeat(4, 1fr); gap: 8px; }
  .kpi { border: 1px solid #d0d7de; border-radius: 6px; padding: 6px 8px; } .kpi b { display: block; font-size: 17px; }
  table { border-collapse: collapse; width: 100%; } td, th { text-align: right; padding: 2px 6px; border-bottom: 1px solid #eee; }
  td:first-child, th:first-child { text-align: left; } ul { margin: 4px 0; padding-left: 18px; } svg { max-width: 100%; height: auto; }
  @page { size: A4; margin: 10mm; }
  @media print {
    body { margin: 0; max-width: none; font-size: 10.5px; line-height: 1.35; }
    h1 { font-size: 18px; } h2 { break-after: avoid; margin: 10px 0 4px; } p { margin: 4px 0; }
    .kpi, svg, table { break-inside: avoid; } .kpi b { font-size: 15px; }
    /* One A4 page: the chart keeps its aspect ratio at three quarters of the text width. */
    svg { width: 75%; }
  }
</style></head><body>
<h1>${esc(stored.name)}</h1>
<div class="muted">${esc(workspaceName)} · scenario ${esc(stored.id)} · model ${esc(model.id)} · ${esc(generatedAt)}</div>
<h2>The question</h2><p>${esc(question)}</p>
<h2>The fitted effect</h2>
<table><thead><tr><th>Predictor</th><th>Coefficient (log-odds)</th><th>Std. error</th><th>95% interval</th><th>p-value</th></tr></thead><tbody>${effectRows}</tbody></table>
${sentences}
<h2>The money</h2>
<div class="kpis">
  <div class="kpi">Revenue gain<b>${money(s.revenueGain)}</b><span class="muted">95%: ${range(s.ci95?.revenueGain, money)}</span></div>
  <div class="kpi">Margin gain<b>${money(s.marginGain)}</b><span class="muted">95%: ${range(s.ci95?.marginGain, money)}</span></div>
  <div class="kpi">ROI<b>${pct(s.roi)}</b><span class="muted">95%: ${range(s.ci95?.roi, (v) => pct(v))}</span></div>
  <div class="kpi">NPV / payback<b>${money(s.npv)}</b><span class="muted">payback ${s.paybackYears === null ? "not within the horizon" : `${num(s.paybackYears, 2)} years`}</span></div>
</div>
<p>Renewal rate ${pct(s.baseline.renewalRate)} → ${pct(s.scenario.renewalRate)} (mean predicted probability over the book).</p>
${revenueChartSvg(s.baseline.revenueByYear, s.scenario.revenueByYear, s.bandByYear)}
<table><thead><tr><th>Year</th><th>Baseline revenue</th><th>Scenario revenue</th><th>Gain</th><th>Scenario 95% band</th></tr></thead><tbody>${yearRows}</tbody></table>
<h2>Assumptions</h2><ul>${s.assumptions.map((a) => `<li>${esc(a)}</li>`).join("")}</ul>
<h2>The data it rests on</h2><ul>
<li>Model fitted on ${m.nObs} accounts (${m.excluded} left out for missing values); outcome ${esc(m.outcome)}; terms ${esc(m.terms.join(", "))}.</li>
${join ? `<li>Join: ${join.accounts} accounts, ${join.responses} responses, ${join.matchedAccounts} accounts with responses, ${join.orphanResponses} responses without a matching account.</li>` : ""}
<li>Scenario applied to ${s.accounts} accounts with the model's predictors and ARR (${s.excludedAccounts} left out). Datasets: accounts ${esc(s.data.datasets.accounts)}, responses ${esc(s.data.datasets.responses ?? "none")}${s.data.dataChangedSinceFit ? " (newer than the data the model was fitted on)" : ""}.</li>
<li>${validation}</li>
${m.warnings.map((w) => `<li>Warning: ${esc(w)}</li>`).join("")}
</ul>
</body></html>`;
}
