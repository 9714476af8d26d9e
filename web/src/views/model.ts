/**
 * Impact model: choose outcome and predictors, fit (POST .../models), read the coefficients in the
 * statsmodels layout, a forest plot, the plain-language translation, and the holdout validation.
 */
import { client, ok } from "../api";
import type { Model } from "../api-types";
import { renderCalibration } from "../charts/calibration";
import { renderForest, type ForestRow } from "../charts/forest";
import { canvasBox } from "../charts/registry";
import { field, h, help, kpi, pick, select, table } from "../dom";
import { errorBox } from "../errors";
import { coef, int, num, pval } from "../format";
import { wsHash } from "../router";
import { heading, listModels, loadWorkspace, newest, type Workspace } from "../workspace";
import { backtestCard } from "./backtest-card";
import type { ScreenCtx } from "./screens";

const NUMERIC_TYPES = /^(money|number|numeric|integer|int|float|fraction|binary|0\/1|bool|boolean|percent)$/i;
const NOT_PREDICTORS = new Set(["account_id", "renewed", "renewal_date", "customer_id", "date"]);

/** Predictors the account-level join offers: CX means, log ARR, and the accounts file's columns. */
export function predictorOptions(w: Workspace): { name: string; categorical: boolean }[] {
  const out: { name: string; categorical: boolean }[] = [];
  const add = (name: string, categorical: boolean) => {
    if (!out.some((o) => o.name === name) && !NOT_PREDICTORS.has(name)) out.push({ name, categorical });
  };
  const resp = newest(w, "responses");
  for (const c of ["nps", "csat", "ces"]) if (!resp || resp.columns.some((x) => x.name === c)) add(c, false);
  add("log_arr", false);
  if (resp) add("responses", false);
  for (const c of newest(w, "accounts")?.columns ?? []) add(c.name, !NUMERIC_TYPES.test(c.type) && c.name !== "arr");
  return out;
}

export async function modelView(main: HTMLElement, { ws, route }: ScreenCtx): Promise<void> {
  const w = await loadWorkspace(ws);
  const opts = predictorOptions(w);
  const accCols = (newest(w, "accounts")?.columns ?? []).map((c) => c.name);
  const outcomes: [string, string][] = [["renewed", "renewed (logistic: probability of renewal)"]];
  for (const o of ["log_arr", "expansion", "arr", "tenure_months"])
    if (o === "log_arr" || accCols.includes(o)) outcomes.push([o, `${o} (linear)`]);
  const outcome = select(outcomes, "renewed", { id: "model-outcome" });
  const covariance = select(
    [
      ["nonrobust", "Classical (nonrobust)"],
      ["HC3", "Robust (HC3)"],
    ],
    "nonrobust",
    { id: "model-cov" },
  );
  // Account health reads relationship responses when there are some (the API's default, said here and changeable).
  const counts = newest(w, "responses")?.options.surveyTypes as
    { relationship: number; transactional: number; unspecified: number } | undefined;
  const surveyType = select(
    [
      ["relationship", `Relationship responses${counts ? ` (${int(counts.relationship)})` : ""}`],
      ["transactional", `Transactional responses${counts ? ` (${int(counts.transactional)})` : ""}`],
      [
        "all",
        `All responses${counts ? ` (${int(counts.relationship + counts.transactional + counts.unspecified)}, any survey type)` : ""}`,
      ],
    ],
    counts && counts.relationship > 0 ? "relationship" : "all",
    { id: "model-survey-type" },
  );
  const defaults = new Set(["nps", "csat", "log_arr", "segment"]);
  const boxes = opts.map((o) => {
    const cb = h("input", { type: "checkbox", id: `pred-${o.name}`, value: o.name, checked: defaults.has(o.name) });
    return h(
      "div",
      { class: "field inline" },
      cb,
      h("label", { for: cb.id }, o.name, o.categorical ? h("span", { class: "muted small" }, " (categories)") : ""),
    );
  });
  const status = h("div", { "aria-live": "polite", id: "model-status" });
  const out = h("div", { id: "model-result" });
  const form = h(
    "form",
    { id: "model-form" },
    h("div", { class: "row" }, field("Outcome", outcome), field("Standard errors", covariance), field("NPS / CSAT / CES from", surveyType)),
    h("fieldset", {}, h("legend", {}, "Predictors"), h("div", { class: "row" }, boxes)),
    help(
      "Logistic regression for renewed (0/1), linear otherwise. NPS, CSAT and CES are each account's mean of its survey answers (0-10, 1-5, 1-7), from the survey type chosen: relationship surveys (account health, asked every quarter or year) by default when the responses have some, as they are what links to renewal; transactional answers (after a support case or purchase) would average touchpoint moments into account health. All = every response, including those whose file did not give a survey type. log_arr = ln(ARR) controls for size; text columns such as segment become categories against the alphabetically first level. Accounts missing any chosen value are left out and counted.",
      "What goes into the model?",
    ),
    h("div", { class: "row" }, h("button", { type: "submit", id: "model-fit" }, "Fit model")),
    status,
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const predictors = boxes
      .map((b) => b.querySelector("input") as HTMLInputElement)
      .filter((c) => c.checked)
      .map((c) => c.value);
    const kind = outcome.value === "renewed" ? "logistic" : "linear";
    status.replaceChildren(h("p", { class: "muted" }, "Fitting…"));
    try {
      const m = await ok(
        client.POST("/api/workspaces/{ws}/models", {
          params: { path: { ws } },
          body: {
            kind,
            outcome: outcome.value,
            predictors,
            covariance: covariance.value === "HC3" ? "HC3" : "nonrobust",
            surveyType: pick(surveyType.value, ["relationship", "transactional", "all"]),
          },
        }),
      );
      status.replaceChildren();
      history.replaceState(null, "", wsHash(ws, "model", `id=${encodeURIComponent(m.id)}`));
      document
        .getElementById("model-list")
        ?.prepend(
          h(
            "li",
            {},
            h("a", { href: wsHash(ws, "model", `id=${encodeURIComponent(m.id)}`) }, `${m.outcome} ~ ${m.predictors.join(" + ")}`),
            h("span", { class: "muted small" }, " · just fitted"),
          ),
        );
      renderModel(out, m, ws, !viewer);
    } catch (err) {
      status.replaceChildren(errorBox(err));
      out.replaceChildren();
    }
  });

  const list = await listModels(ws).catch(() => []);
  const past = list.length
    ? h(
        "section",
        { class: "card", "aria-labelledby": "past-title" },
        h("h2", { id: "past-title" }, "Fitted models"),
        h(
          "ul",
          { id: "model-list" },
          [...list]
            .reverse()
            .map((m) =>
              h(
                "li",
                {},
                h("a", { href: wsHash(ws, "model", `id=${encodeURIComponent(m.id)}`) }, `${m.outcome} ~ ${m.predictors.join(" + ")}`),
                h(
                  "span",
                  { class: "muted small" },
                  ` · ${m.kind} · ${int(m.nObs)} accounts · ${m.createdAt.slice(0, 16).replace("T", " ")}`,
                ),
              ),
            ),
        ),
      )
    : "";
  const viewer = w.role === "viewer";
  main.replaceChildren(
    heading("Impact model", w, " · ", h("a", { href: wsHash(ws, "whatif") }, "What-if")),
    viewer
      ? h(
          "section",
          { class: "card" },
          h("p", {}, "You have a read-only (viewer) link: you can read the fitted models below and run what-ifs, but not fit new ones."),
        )
      : h("section", { class: "card", "aria-labelledby": "fit-title" }, h("h2", { id: "fit-title" }, "What drives renewal?"), form),
    past,
    out,
  );

  const id = route.query.get("id");
  if (id) {
    try {
      renderModel(out, await ok(client.GET("/api/workspaces/{ws}/models/{id}", { params: { path: { ws, id } } })), ws, !viewer);
    } catch (err) {
      out.replaceChildren(errorBox(err));
    }
  }
}

const SURVEY_USED: Record<string, string> = {
  relationship: "relationship (account means of relationship NPS / CSAT / CES)",
  transactional: "transactional (account means of transactional NPS / CSAT / CES)",
  all: "all (every response, any survey type)",
};

/** The summary block, coefficient table, forest plot, translation and validation of one model. */
export function renderModel(out: HTMLElement, m: Model, ws: string, canEdit = true): void {
  const logistic = m.kind === "logistic";
  const f = m.fit;
  const stat = logistic ? "z" : "t";
  const summary = table(
    ["", "", "", ""],
    [
      ["Dep. Variable:", m.outcome, "No. Observations:", int(m.nObs)],
      ["Model:", logistic ? "Logit" : "OLS", "Excluded (missing values):", int(m.excluded)],
      ["Covariance Type:", m.covarianceType, logistic ? "Pseudo R-squ.:" : "R-squared:", num("pseudoR2" in f ? f.pseudoR2 : f.rSquared, 4)],
      ["Converged:", String(f.converged), "Log-Likelihood:", num(f.logLik, 2)],
      ["AIC:", num(f.aic, 2), "BIC:", num(f.bic, 2)],
      ["Survey responses:", h("span", { id: "model-used-survey-type" }, SURVEY_USED[m.surveyType ?? "all"]), "", ""],
    ],
    { cls: "coef summary", noHead: true },
  );
  const coefTable = table(
    ["", "coef", "std err", stat, `P>|${stat}|`, "[0.025", "0.975]"],
    m.coefficients.map((c) => [
      c.term,
      coef(c.estimate),
      coef(c.stdError),
      num(c.statistic, 3),
      pval(c.pValue),
      coef(c.ci95?.[0]),
      coef(c.ci95?.[1]),
    ]),
    { num: [1, 2, 3, 4, 5, 6], cls: "coef" },
  );
  const finite = (x: number | null | undefined): x is number => typeof x === "number" && Number.isFinite(x);
  const rows: ForestRow[] = m.coefficients.flatMap(({ term, estimate, ci95 }) => {
    const [lo, hi] = ci95 ?? [];
    return term !== "Intercept" && finite(lo) && finite(hi) ? [{ term, estimate, ci95: [lo, hi] }] : [];
  });
  const { box, canvas } = canvasBox("Forest plot of coefficients with 95% intervals", "chart");
  box.style.height = `${Math.max(160, 34 * rows.length + 70)}px`;

  const tr = m.translation;
  const val = m.validation;
  const parts: (Node | string)[] = [];
  parts.push(
    h(
      "section",
      { class: "card", "aria-labelledby": "tr-title", id: "translation" },
      h("h2", { id: "tr-title" }, "In plain language"),
      h(
        "p",
        { class: "small muted", id: "translation-survey-type" },
        m.surveyType && m.surveyType !== "all"
          ? `NPS, CSAT and CES points here are points of each account's mean ${m.surveyType} survey answer (${m.surveyType} NPS 0-10, CSAT, CES).`
          : "NPS, CSAT and CES points here are points of each account's mean answer over all its responses (any survey type).",
      ),
      tr.length
        ? h(
            "ul",
            {},
            tr.map((t) =>
              h(
                "li",
                { "data-predictor": t.predictor },
                h("strong", {}, t.sentence),
                t.perScorePoint ? h("div", { class: "score-point" }, t.perScorePoint.sentence) : "",
                help(t.method, "How is this computed?"),
              ),
            ),
          )
        : h(
            "p",
            { class: "muted" },
            "Add nps, csat or ces as a predictor to get the effect of one satisfaction point in renewal and revenue.",
          ),
      logistic && m.outcome === "renewed"
        ? h(
            "p",
            {},
            h(
              "a",
              { class: "button", href: wsHash(ws, "whatif", `model=${encodeURIComponent(m.id)}`), id: "to-whatif" },
              "Run what-ifs with this model",
            ),
          )
        : h("p", { class: "muted small" }, "What-ifs run on renewal models (outcome renewed, logistic)."),
    ),
  );
  if (val) {
    const card = h(
      "section",
      { class: "card", "aria-labelledby": "val-title", id: "validation" },
      h("h2", { id: "val-title" }, "Does it predict? (holdout)"),
    );
    if (val.error) card.appendChild(h("p", { class: "warn" }, `Holdout fit failed: ${val.error.message}`));
    const k = h("div", { class: "kpis" });
    if (val.auc !== undefined)
      k.appendChild(
        kpi(
          "Holdout AUC",
          num(val.auc, 3),
          `${int(val.nTest)} held-out accounts`,
          "Probability that a randomly chosen renewed account gets a higher predicted renewal probability than a randomly chosen churned one, on accounts the model did not see (0.5 = coin toss, 1 = perfect). " +
            val.method,
        ),
      );
    if (val.holdoutRSquared !== undefined)
      k.appendChild(
        kpi(
          "Holdout R²",
          num(val.holdoutRSquared, 3),
          `${int(val.nTest)} held-out accounts`,
          "Share of the outcome's variance explained on accounts the model did not see. " + val.method,
        ),
      );
    card.appendChild(k);
    if (val.calibration?.length) {
      const c = canvasBox("Calibration plot: observed vs predicted renewal by decile", "chart short");
      card.append(
        h("h3", {}, "Calibration"),
        c.box,
        help(
          "Held-out accounts sorted by predicted renewal probability and cut into deciles; a well calibrated model has its points on the diagonal.",
        ),
      );
      requestAnimationFrame(() => renderCalibration(c.canvas, val.calibration!));
    }
    parts.push(card);
  }
  if (logistic && m.outcome === "renewed") parts.push(backtestCard(ws, { outcome: m.outcome, predictors: m.predictors }, canEdit));
  const warnings = m.warnings;
  out.replaceChildren(
    ...parts,
    h(
      "section",
      { class: "card", "aria-labelledby": "coef-title" },
      h("h2", { id: "coef-title" }, `${logistic ? "Logit" : "OLS"} Regression Results`),
      warnings.length
        ? h(
            "ul",
            { class: "warn" },
            warnings.map((x) => h("li", { "data-code": x.code }, x.message)),
          )
        : "",
      summary,
      coefTable,
      help(
        `coef: the estimated effect of one unit of the term on the ${logistic ? "log-odds of renewal" : m.outcome}; std err: its standard error (${m.covarianceType}); ${stat} = coef / std err; P>|${stat}|: two-sided p-value; [0.025, 0.975]: the 95% interval. Same layout as statsmodels' summary().`,
      ),
    ),
    h(
      "section",
      { class: "card", "aria-labelledby": "forest-title" },
      h("h2", { id: "forest-title" }, "Forest plot"),
      box,
      help("Each dot is a coefficient, the whiskers its 95% interval. Blue: the interval excludes zero. The intercept is left out."),
    ),
    m.marginalEffects.length
      ? h(
          "section",
          { class: "card", "aria-labelledby": "me-title" },
          h("h2", { id: "me-title" }, "Average marginal effects"),
          table(
            ["term", "dy/dx", "std err"],
            m.marginalEffects.map((e) => [e.term, coef(e.dydx), coef(e.stdError)]),
            { num: [1, 2], cls: "coef" },
          ),
          help("Average change in the predicted renewal probability for one unit more of the term (0.01 = 1 percentage point)."),
        )
      : "",
  );
  requestAnimationFrame(() => renderForest(canvas, rows, logistic ? "Effect on log-odds of renewal" : `Effect on ${m.outcome}`));
}
