/**
 * Response checker shared by worker tests: every JSON body must parse, hold only
 * finite numbers, and have no null where the API promises a number.
 *
 * Why the null check: JSON.stringify turns NaN / Infinity into null silently, so a
 * NaN computed in the worker reaches the client as a null. worker/finite.ts
 * stops that before serialisation; this walker is the independent check from the
 * outside, by field name (the shapes in docs/api.md).
 */

/** Fields that are always numbers when present (docs/api.md shapes). */
// roi is absent on purpose: API answers null when the investment is 0 (ratio undefined).
const NUMERIC_KEYS = new Set([
  "estimate",
  "stdError",
  "statistic",
  "pValue",
  "logLik",
  "aic",
  "bic",
  "rSquared",
  "adjRSquared",
  "pseudoR2",
  "dydx",
  "revenueGain",
  "marginGain",
  "npv",
  "renewalRate",
  "revenue",
  "rows",
  "nObs",
  "excluded",
  "churnRate",
  "clv",
  "pAlive",
  "expectedPurchases",
  "expectedAvgValue",
  "frequency",
  "recency",
  "monetary",
  "promoters",
  "passives",
  "detractors",
  "n",
  "accounts",
  "responses",
  "matchedAccounts",
  "orphanResponses",
  "accountsWithoutResponses",
  "draws",
  "iterations",
  "seed",
  "alpha",
  "beta",
  "r",
  "a",
  "b",
  "p",
  "q",
  "gamma",
]);
/** Numeric fields that may be null only when their object's `n` is 0 (e.g. a metric over no responses). */
const NULL_WHEN_EMPTY = new Set(["score", "mean", "ci95"]);
/** Arrays of numbers (any depth) that must not hold a null. */
const NUMERIC_ARRAYS = new Set(["covariance", "retention", "survival", "revenueByYear", "stdErrors", "beta", "X", "arr", "lo", "hi"]);

export interface JsonProblem {
  path: string;
  problem: string;
}

/** Does the object carry a count of 0 (n, nObs, renewalN, accounts, responses…) that explains a null statistic? */
function emptyCount(o: Record<string, unknown> | null): boolean {
  if (!o) return false;
  return Object.entries(o).some(([k, v]) => v === 0 && /^(n|n[A-Z]\w*|\w+N|accounts|responses)$/.test(k));
}

function walk(
  v: unknown,
  path: string,
  key: string,
  parent: Record<string, unknown> | null,
  out: JsonProblem[],
  inNumArray: boolean,
  seOk = false,
) {
  if (typeof v === "number") {
    if (!Number.isFinite(v)) out.push({ path, problem: `non-finite number ${v}` });
    return;
  }
  if (typeof v === "string") {
    if ((NUMERIC_KEYS.has(key) || inNumArray) && /^(NaN|-?Infinity)$/.test(v)) out.push({ path, problem: `"${v}" as a string` });
    return;
  }
  if (v === null) {
    if (inNumArray) out.push({ path, problem: "null inside a numeric array" });
    else if (emptyCount(parent))
      return; // a statistic over nothing may be null (e.g. renewalRate with renewalN 0)
    else if (seOk)
      return; // a standard error may be null when the Hessian is singular; estimates may not
    else if (key === "revenue" && parent && "revenueCi95" in parent && parent.revenueCi95 === null)
      return; // a model translation whose outcome is not money
    else if (NUMERIC_KEYS.has(key) && key !== "seed") out.push({ path, problem: `null in numeric field ${key}` });
    else if (NULL_WHEN_EMPTY.has(key) && parent && typeof parent.n === "number" && parent.n > 0)
      out.push({ path, problem: `null ${key} with n = ${parent.n}` });
    return;
  }
  if (Array.isArray(v)) {
    const numeric = inNumArray || NUMERIC_ARRAYS.has(key) || key === "ci95";
    // Elements of a non-numeric array carry no field name (a null cell in a preview row is fine).
    v.forEach((x, i) =>
      walk(x, `${path}[${i}]`, numeric ? key : "", parent, out, numeric && (typeof x === "number" || x === null || Array.isArray(x))),
    );
    return;
  }
  if (typeof v === "object") {
    const o = v as Record<string, unknown>;
    for (const [k, x] of Object.entries(o)) walk(x, `${path}.${k}`, k, o, out, false, key === "stdErrors");
  }
}

/** Problems in a parsed JSON value (empty = clean). */
export function jsonProblems(value: unknown): JsonProblem[] {
  const out: JsonProblem[] = [];
  walk(value, "$", "", null, out, false);
  return out;
}

/** Raw-text check: bare NaN / Infinity tokens outside strings (invalid JSON some serialisers emit). */
export function rawTokenProblems(text: string): JsonProblem[] {
  const noStrings = text.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  const m = /(?<![A-Za-z0-9_])(-?Infinity|NaN)(?![A-Za-z0-9_])/.exec(noStrings);
  return m ? [{ path: "(raw)", problem: `bare token ${m[1]}` }] : [];
}

/** Every response seen by checked tests, for a final summary. */
export const seen = { responses: 0, json: 0 };

/**
 * Reads a response body once and checks it. Returns the text and the parsed JSON
 * (undefined when not JSON). Throws with every problem found.
 */
export async function readChecked(res: Response, label = ""): Promise<{ text: string; json: unknown }> {
  const text = await res.text();
  seen.responses++;
  const type = res.headers.get("Content-Type") ?? "";
  if (!type.includes("json")) return { text, json: undefined };
  seen.json++;
  const problems = rawTokenProblems(text);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`${label}: body is not valid JSON (${(e as Error).message}): ${text.slice(0, 200)}`);
  }
  problems.push(...jsonProblems(json));
  if (problems.length) {
    throw new Error(
      `${label}: JSON has non-finite / null numbers: ${problems
        .slice(0, 5)
        .map((p) => `${p.path} ${p.problem}`)
        .join("; ")}`,
    );
  }
  return { text, json };
}
