// The demo workspace's impact model and its back-test, so the impact-model screen's "Would it have predicted the
// future?" card and the business case's back-test line show something on first run. Used by scripts/start.mjs and
// the browser test (test/e2e/backtest.test.ts).

/** The demo's renewal model: the generator's truth has these terms (scripts/synthetic-book.mjs TRUTH). */
export const DEMO_PREDICTORS = ["nps", "csat", "log_arr", "segment"];

/**
 * Fits the demo model (when `modelId` is not given) and back-tests it on the suggested split dates
 * (GET .../backtests → suggestedSplits). Throws with the server's answer when a call fails.
 * @param {(method: string, url: string, opts?: { token?: string, body?: string, contentType?: string }) => Promise<{ status: number, json: any, text: string }>} api
 * @param {{ id: string, token: string }} demo
 * @param {string} [modelId] a fitted model to back-test instead of fitting one
 * @returns {Promise<{ modelId: string, backtestId: string, splits: string[] }>}
 */
export async function demoModelAndBacktest(api, demo, modelId) {
  const post = (path, body) =>
    api("POST", `/api/workspaces/${demo.id}${path}`, { token: demo.token, body: JSON.stringify(body), contentType: "application/json" });
  if (!modelId) {
    const fit = await post("/models", { kind: "logistic", outcome: "renewed", predictors: DEMO_PREDICTORS, name: "Demo renewal model" });
    if (fit.status !== 201) throw new Error(`fitting the demo model: ${fit.status} ${fit.text.slice(0, 300)}`);
    modelId = fit.json.id;
  }
  const list = await api("GET", `/api/workspaces/${demo.id}/backtests`, { token: demo.token });
  if (list.status !== 200) throw new Error(`listing back-tests: ${list.status} ${list.text.slice(0, 300)}`);
  const splits = list.json.suggestedSplits;
  if (!splits.length) throw new Error("the demo accounts have no renewal dates to back-test on");
  const bt = await post("/backtests", { kind: "logistic", outcome: "renewed", predictors: DEMO_PREDICTORS, splits });
  if (bt.status !== 201) throw new Error(`back-testing the demo model: ${bt.status} ${bt.text.slice(0, 300)}`);
  return { modelId, backtestId: bt.json.id, splits };
}
