/** Turns API errors into readable messages that say what to do next. */
import { HttpError } from "./api";
import { h, notice, table } from "./dom";

/** What to do for each named error code (docs/api.md#errors; the server's message is shown too). */
const ADVICE: Record<string, string> = {
  perfect_separation:
    "A predictor splits renewed and churned accounts perfectly, so its effect cannot be estimated. Remove the predictor named below (or merge its categories) and fit again.",
  collinear_predictors:
    "Some predictors carry the same information (for example NPS and a score derived from it). Remove one of the terms named below and fit again.",
  too_few_rows: "There are not enough accounts with all the chosen columns filled. Upload more data, or choose fewer predictors.",
  no_variance: "A column has the same value for every account, so it cannot explain anything. Remove it, or check the upload.",
  not_converged: "The fit did not settle. Try fewer predictors, or check for extreme values.",
  invalid_input: "The input cannot be used as given; see the details.",
  no_transactions: "This workspace has no transactions file. Upload one (customer_id, date, amount) on the Upload page.",
  no_repeat_buyers: "No customer bought twice, so repeat-purchase models cannot be fitted. Use a longer period of transactions.",
  no_accounts: "This workspace has no accounts file yet. Upload one on the Upload page.",
  invalid_file: "The file was not stored. Fix the cells listed below (row = line in the file, header = line 1) and upload it again.",
  unauthorized: "The link or token is not valid. Ask the workspace owner for a new link.",
  forbidden:
    "Your link's role does not allow this: viewers read and run what-ifs, editors also upload, fit and save, owners also share. Ask the workspace owner for a link with more access.",
  not_found: "Not found. The workspace or item may have been deleted, or the link is for another workspace.",
  too_large: "The file is too large for one upload. Split it, or ask the administrator to raise the limit.",
  network_error: "Check your connection and try again.",
};

/** A readable message for any thrown value. */
export function describe(err: unknown): { title: string; advice: string; details: HttpError["details"] } {
  if (err instanceof HttpError) {
    const byStatus =
      err.status === 401 ? ADVICE.unauthorized : err.status === 403 ? ADVICE.forbidden : err.status === 404 ? ADVICE.not_found : "";
    return { title: err.message, advice: ADVICE[err.code] ?? byStatus, details: err.details ?? [] };
  }
  return { title: err instanceof Error ? err.message : String(err), advice: "", details: [] };
}

/** An alert box with the message, the advice and (for cell errors) a table of row / column / problem. */
export function errorBox(err: unknown): HTMLElement {
  const d = describe(err);
  const code = err instanceof HttpError ? err.code : "error";
  const rows = d.details.filter((x) => x.row !== undefined);
  // Details without a row name columns or model terms (e.g. the predictor behind perfect separation).
  const named = d.details.filter((x) => x.row === undefined && x.column !== undefined);
  const extra = [...new Set(named.map((x) => x.message).filter((m) => m && m !== d.title))];
  return notice(
    h(
      "div",
      { "data-error-code": code },
      h("strong", {}, d.title),
      d.advice ? h("p", {}, d.advice) : null,
      named.length
        ? h(
            "p",
            { class: "at-fault" },
            "At fault: ",
            named.map((x, i) => [i ? ", " : "", h("code", {}, x.column ?? "")]),
          )
        : null,
      extra.length
        ? h(
            "ul",
            {},
            extra.map((m) => h("li", {}, m)),
          )
        : null,
      rows.length
        ? table(
            ["Row", "Column", "Problem"],
            rows.slice(0, 200).map((x) => [x.row ?? "—", x.column ?? "—", x.message]),
            {
              num: [0],
              caption: rows.length > 200 ? `First 200 of ${rows.length} problems` : `${rows.length} problem(s)`,
              cls: "bad-rows",
            },
          )
        : null,
    ),
    "error",
  );
}
