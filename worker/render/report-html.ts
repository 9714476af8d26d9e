import { modelWarnings } from "../../models/regression/warnings";
import { revenueChartSvg } from "./chart-svg";
import { esc, money, num, pct } from "./html";
import type { StoredModel, StoredScenario } from "../data/models-store";
import type { ScenarioBody } from "../linking/scenario-run";

type Score = { before: number | null; after: number | null };

/**
 * The business case's style: one page at A4 or Letter, portrait. The report embeds it; the web UI's print page
 * links it (GET /api/report.css), so the page printed and the report downloaded are the same document.
 */
export const REPORT_CSS = `
.report { font: 13px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2328; max-width: 820px; margin: 0 auto; }
.report h1 { font-size: 20px; margin: 0 0 2px; }
.report h2 { font-size: 14px; margin: 14px 0 6px; border-bottom: 1px solid #d0d7de; padding-bottom: 2px; }
.report .muted { color: #59636e; }
.report .small { font-size: 11px; }
.report .headline { font-size: 15px; line-height: 1.4; margin: 8px 0; }
.report .warn { border: 1px solid #d4a72c; background: #fff8c5; border-radius: 6px; padding: 4px 8px 4px 24px; margin: 6px 0; }
.report .kpis { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 6px; }
.report .kpi { border: 1px solid #d0d7de; border-radius: 6px; padding: 5px 7px; min-width: 0; }
.report .kpi b { display: block; font-size: 16px; }
.report .kpi span { display: block; font-size: 11px; color: #59636e; }
.report table { border-collapse: collapse; width: 100%; font-size: inherit; }
.report th { font-weight: 600; background: none; }
.report td, .report th { text-align: right; padding: 2px 6px; border-bottom: 1px solid #eee; font-size: inherit; }
.report td:first-child, .report th:first-child { text-align: left; }
.report ul { margin: 4px 0; padding-left: 18px; }
.report svg { display: block; width: 100%; max-width: 640px; height: auto; margin: 4px auto; }
@media screen and (max-width: 600px) {
  /* On a phone: two key figures a row; the chart's numbers are also in the table below it. */
  .report .kpis { grid-template-columns: repeat(2, minmax(0, 1fr)); }
  .report td:first-child { white-space: nowrap; }
}
@page { margin: 12mm; }
@media print {
  .report { max-width: none; font-size: 9.5px; line-height: 1.28; }
  .report h1 { font-size: 15px; } .report h2 { font-size: 11.5px; break-after: avoid; margin: 6px 0 2px; } .report p { margin: 2px 0; }
  .report .headline { font-size: 11.5px; margin: 4px 0; }
  .report .kpi, .report svg, .report table, .report .warn { break-inside: avoid; }
  .report .kpi { padding: 3px 6px; } .report .kpi b { font-size: 12px; } .report .kpi span { font-size: 9px; }
  .report td, .report th { padding: 1px 6px; }
  /* Sized for the narrower of A4 and Letter (186 mm of text at 12 mm margins): the chart keeps its aspect ratio. */
  .report svg { max-width: 52%; }
  .report ul, .report .small { font-size: 8.5px; }
}
`;

const range = (ci: [number, number] | null | undefined, f: (v: number) => string) => (ci ? `${f(ci[0])} to ${f(ci[1])}` : "n/a");
const signed = (v: number, d: number) => `${v >= 0 ? "+" : "−"}${Math.abs(v).toFixed(d)}`;
const scoreText = (s: Score | undefined, unit: "nps" | "csat") =>
  s && s.before !== null && s.after !== null
    ? unit === "nps"
      ? `NPS ${num(s.before, 1)} → ${num(s.after, 1)}`
      : `CSAT ${num(s.before, 1)}% → ${num(s.after, 1)}%`
    : null;

/** What the scenario moves, in the business's words: scores before → after where the API gave them. */
function changeWords(s: ScenarioBody): string {
  const c = s.request.change;
  const parts: string[] = [];
  const nps = s.scores?.nps;
  if (nps && nps.before !== null && nps.after !== null && nps.after !== nps.before) {
    parts.push(`NPS from ${num(nps.before, 1)} to ${num(nps.after, 1)} (${signed(nps.after - nps.before, 1)} score points)`);
  } else if (c.nps) parts.push(`every NPS answer by ${signed(c.nps, 1)} points on 0-10`);
  const csat = s.scores?.csat;
  if (csat && csat.before !== null && csat.after !== null && csat.after !== csat.before) {
    parts.push(`CSAT from ${num(csat.before, 1)}% to ${num(csat.after, 1)}% satisfied (${signed(csat.after - csat.before, 1)} pp)`);
  } else if (c.csat) parts.push(`every CSAT answer by ${signed(c.csat, 1)} points`);
  for (const [k, v] of Object.entries(c)) {
    if (!v || ["nps", "csat", "npsScore", "csatPp", "detractorsToPassives", "passivesToPromoters"].includes(k)) continue;
    parts.push(`${k} by ${signed(v, 2)}`);
  }
  return parts.join(" and ") || "nothing";
}

/**
 * The one-page business case (HTML with print CSS): the answer in one sentence, warnings, the money with its
 * interval and what the interval covers, the chart, the fitted effect (and the back-test line: would a model fitted on
 * earlier renewals have called the later ones), assumptions in words, the data, and the
 * internal references last. All user text is escaped.
 */
export function renderReport(
  workspaceName: string,
  stored: StoredScenario,
  model: StoredModel,
  generatedAt: string,
  backtestLine: string | null = null,
): string {
  const s = stored.result;
  const m = model.result;
  const r = s.request;
  const H = r.horizonYears;
  const yearsText = `${H} year${H === 1 ? "" : "s"}`;
  const who = s.segment
    ? `the ${s.segment} segment's ${s.changedRows.toLocaleString("en-US")} accounts`
    : `all ${s.accounts.toLocaleString("en-US")} accounts`;
  const multiple = r.investment > 0 ? s.marginGain / r.investment : null;
  const headline =
    `Investing $${Math.round(r.investment).toLocaleString("en-US")} to move ${changeWords(s)} across ${who} goes with ${money(s.revenueGain)} more renewal revenue over ${yearsText}` +
    ` (95% interval ${range(s.ci95?.revenueGain, money)})` +
    (multiple !== null ? `: an ROI of ${pct(s.roi, 0)}, every $1 invested returning $${multiple.toFixed(2)} of gross margin.` : ".");
  const warnings = [
    ...(s.warnings ?? []),
    ...modelWarnings({
      ...(m as unknown as Parameters<typeof modelWarnings>[0]),
      kind: model.kind as "logistic" | "linear",
      outcome: model.outcome,
    }).filter((w) => w.code !== "rows_excluded"),
  ];
  const changed = Object.keys(r.change).map((k) =>
    k === "npsScore" || k.endsWith("ToPassives") || k.endsWith("ToPromoters") ? "nps" : k === "csatPp" ? "csat" : k,
  );
  const sentences = m.translation
    .filter((t) => changed.includes(t.predictor))
    .map((t) => `<li>${esc(t.sentence)}</li>${t.perScorePoint ? `<li>${esc(t.perScorePoint.sentence)}</li>` : ""}`)
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
      ? `Holdout check: AUC ${num(m.validation.auc ?? null, 3)} on ${m.validation.nTest} accounts left out of the fit (0.5 = no better than chance, 1 = perfect ranking).`
      : `Holdout check: R² ${num(m.validation.holdoutRSquared ?? null, 3)} on ${m.validation.nTest} accounts left out of the fit.`;
  const kpi = (label: string, value: string, sub: string) => `<div class="kpi">${esc(label)}<b>${value}</b><span>${sub}</span></div>`;
  const scoreKpis = [scoreText(s.scores?.nps, "nps"), scoreText(s.scores?.csat, "csat")]
    .filter((x): x is string => x !== null)
    .map((t) => {
      const [label, ...rest] = t.split(" ");
      return kpi(label, esc(rest.join(" ")), label === "NPS" ? "score points, −100 to 100" : "% satisfied answers");
    })
    .join("");
  const body = `<article class="report" id="report">
<h1>Business case: ${esc(stored.name)}</h1>
<div class="muted small">${esc(workspaceName)} · ${esc(generatedAt)}</div>
<p class="headline">${esc(headline)}</p>
${warnings.length ? `<ul class="warn" id="report-warnings">${warnings.map((w) => `<li data-code="${esc(w.code)}">${esc(w.message)}</li>`).join("")}</ul>` : ""}
<h2>The money</h2>
<div class="kpis">
  ${kpi("ROI", pct(s.roi), `95% interval ${range(s.ci95?.roi, (v) => pct(v))}${multiple !== null ? `; ${multiple.toFixed(1)}× the investment back in margin` : ""}`)}
  ${kpi("Revenue gain", money(s.revenueGain), `over ${yearsText}, discounted; 95% interval ${range(s.ci95?.revenueGain, money)}`)}
  ${kpi("Margin gain", money(s.marginGain), `gross margin ${pct(r.grossMargin, 0)} of the revenue gain`)}
  ${kpi("NPV", money(s.npv), `payback ${s.paybackYears === null ? "not within the horizon" : `${num(s.paybackYears, 1)} years`}`)}
  ${kpi("Predicted renewal rate", `${pct(s.baseline.renewalRate)} → ${pct(s.scenario.renewalRate)}`, "mean predicted chance an account renews at its next renewal")}
  ${scoreKpis}
</div>
<p id="report-interval"><b>What the interval covers.</b> The 95% intervals cover the uncertainty in the fitted link between satisfaction and renewal only. They do not show whether raising satisfaction causes the renewals (the model measures association in past data), and they leave out new sales and price changes.</p>
<h2>Revenue by year</h2>
<p class="small">Both lines fall from year to year because they count only today's accounts, each renewing with its predicted probability: a closed book with no new sales and no price changes.</p>
${revenueChartSvg(s.baseline.revenueByYear, s.scenario.revenueByYear, s.bandByYear)}
<table><thead><tr><th>Year</th><th>Baseline revenue</th><th>Scenario revenue</th><th>Gain</th><th>Scenario 95% band</th></tr></thead><tbody>${yearRows}</tbody></table>
${sentences || backtestLine ? `<h2>The fitted effect</h2><ul>${sentences}${backtestLine ? `<li id="backtest-line">${esc(backtestLine)}</li>` : ""}</ul>` : ""}
<h2>Assumptions</h2><ul class="small">${s.assumptions.map((a) => `<li>${esc(a)}</li>`).join("")}</ul>
<h2>The data it rests on</h2><ul class="small">
<li>Model fitted on ${m.nObs.toLocaleString("en-US")} accounts (${m.excluded.toLocaleString("en-US")} left out for missing values); outcome ${esc(m.outcome)}; predictors ${esc(m.terms.filter((t) => t !== "Intercept").join(", "))}.</li>
${join ? `<li>Join: ${join.accounts.toLocaleString("en-US")} accounts, ${join.responses.toLocaleString("en-US")} survey responses, ${join.matchedAccounts.toLocaleString("en-US")} accounts with responses, ${join.orphanResponses.toLocaleString("en-US")} responses without a matching account.</li>` : ""}
<li>Projected for ${s.accounts.toLocaleString("en-US")} accounts with the model's predictors and ARR (${s.excludedAccounts.toLocaleString("en-US")} left out)${s.data.dataChangedSinceFit ? "; the data are newer than those the model was fitted on" : ""}.</li>
<li>${validation}</li>
</ul>
<p class="muted small">Reference: scenario ${esc(stored.id)}, model ${esc(model.id)}, ${r.draws} draws with seed ${r.seed}; datasets ${esc(s.data.datasets.accounts)}${s.data.datasets.responses ? `, ${esc(s.data.datasets.responses)}` : ""}.</p>
</article>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(stored.name)} — business case</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body { margin: 24px 16px; } @media print { body { margin: 0; } }${REPORT_CSS}</style></head><body>
${body}
</body></html>`;
}
