import { describe, expect, it } from "vitest";
import { makeRandom } from "../../scripts/synthetic-book.mjs";
import { newRouter, onError } from "../../worker/app";
import { assertFinite, findNonFinite, finiteJson } from "../../worker/finite";
import { call } from "./support/api";
import { jsonProblems, rawTokenProblems, readChecked } from "./support/json-check";
// Published datasets (PROVENANCE.md), bundled by Vite's ?raw import.
import cdnowSummary from "../../../shared/datasets/cdnow/cdnow_customers_summary.csv?raw";
import cdnowZbar from "../../../shared/datasets/cdnow/cdnow_customers_summary_with_transactions.csv?raw";

/**
 * No NaN / Infinity in any JSON: (1) the worker-side guard (worker/finite.ts)
 * turns a non-finite number into a named 422 before serialisation; (2) the
 * test-side walker (support/json-check.ts) catches what a guard would miss
 * (nulls in numeric fields); (3) seeded fuzzing of every /api/calc/* route
 * listed in /api/openapi.json with extreme numbers: 2xx with finite numbers,
 * or a 4xx in the error shape, never a 5xx.
 */
describe("finite guard", () => {
  it("finds the path of the first non-finite number", () => {
    expect(findNonFinite({ a: 1, b: [0, { c: NaN }] })).toBe("$.b[1].c");
    expect(findNonFinite({ x: new Float64Array([1, Infinity]) })).toBe("$.x[1]");
    expect(findNonFinite({ ok: [1, 2, null, "NaN"] })).toBeNull();
    expect(() => assertFinite({ roi: -Infinity })).toThrow(/\$\.roi/);
  });

  it("answers a handler that returns NaN with a named 422, not a silent null", async () => {
    const app = newRouter();
    app.use("*", finiteJson());
    app.get("/nan", (c) => c.json({ roi: 0 / 0, ok: 1 }));
    app.get("/fine", (c) => c.json({ roi: 0.25 }));
    app.onError(onError);
    const bad = await app.request("/nan");
    expect(bad.status).toBe(422);
    const body = await bad.json<{ error: { code: string; details: { column: string }[] } }>();
    expect(body.error.code).toBe("non_finite_result");
    expect(body.error.details[0].column).toBe("roi");
    expect((await app.request("/fine")).status).toBe(200);
  });

  it("the response walker flags nulls in numeric fields and bare tokens", () => {
    expect(jsonProblems({ coefficients: [{ estimate: null }] }).length).toBe(1);
    expect(jsonProblems({ nps: { score: null, n: 3 } }).length).toBe(1);
    expect(jsonProblems({ nps: { score: null, n: 0, ci95: null } })).toEqual([]);
    expect(jsonProblems({ covariance: [[1, null]] }).length).toBe(1);
    expect(jsonProblems({ preview: { rows: [["a", null]] } })).toEqual([]);
    expect(rawTokenProblems('{"a": NaN}').length).toBe(1);
    expect(rawTokenProblems('{"a": "NaN is fine in a string"}')).toEqual([]);
  });
});

/** CDNOW summary (Fader, Hardie & Lee 2005; PROVENANCE.md): the data lifetimes' BG/NBD example converges on. */
function bgnbdSample() {
  const rows = cdnowSummary
    .trim()
    .split("\n")
    .slice(1)
    .map((l) => l.split(",").map(Number));
  return { frequency: rows.map((r) => r[1]), recency: rows.map((r) => r[2]), T: rows.map((r) => r[3]) };
}

/** CDNOW repeat buyers (x > 0) with their mean spend zbar: the published Gamma-Gamma example. */
function gammaGammaSample() {
  const rows = cdnowZbar
    .trim()
    .split("\n")
    .slice(1)
    .map((l) => l.split(",").map(Number))
    .filter((r) => r[1] > 0);
  return { frequency: rows.map((r) => r[1]), monetary: rows.map((r) => r[4]) };
}

/** Valid bodies per docs/api.md#calculators; the fuzzer mutates their numbers. */
const CALC_BODIES: Record<string, unknown[]> = {
  "/api/calc/nps": [{ promoters: 50, passives: 30, detractors: 20 }, { scores: [0, 5, 9, 10, 10, 7] }],
  "/api/calc/csat": [{ scores: [1, 2, 4, 5, 5], scale: 5 }],
  "/api/calc/sample-size": [{ sigma: 2, margin: 0.5, confidence: 0.95 }],
  "/api/calc/churn": [{ start: 1000, retained: 900 }],
  "/api/calc/roi": [{ kind: "revenue", gain: 150, investment: 100 }],
  "/api/calc/clv": [
    { kind: "subscription", arpuMonthly: 100, monthsRetained: 24, cac: 300, crc: 50 },
    { kind: "transactional", transactionsPerMonth: 2, averageOrderValue: 40, grossMargin: 0.3, lifespanMonths: 36 },
  ],
  "/api/calc/renewal-uplift": [
    {
      accounts: 1000,
      arr: 50000,
      baselineRenewal: 0.85,
      renewalLift: 0.02,
      horizonYears: 3,
      grossMargin: 0.8,
      discountRate: 0.1,
      investment: 500000,
    },
  ],
  "/api/calc/sbg": [{ survivors: [1000, 631, 468, 382, 326, 289, 262, 241], horizon: 12 }],
  "/api/calc/regression": [
    {
      kind: "linear",
      data: { y: [1, 3, 2, 5, 4, 6, 8, 7], x: [1, 2, 3, 4, 5, 6, 7, 8] },
      outcome: "y",
      predictors: ["x"],
      covariance: "nonrobust",
    },
    { kind: "logistic", data: { y: [0, 0, 1, 0, 1, 1, 0, 1, 1, 1], x: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] }, outcome: "y", predictors: ["x"] },
  ],
  "/api/calc/bgnbd": [bgnbdSample()],
  "/api/calc/gamma-gamma": [gammaGammaSample()],
  "/api/calc/bgnbd/predict": [{ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426, frequency: 2, recency: 30.43, T: 38.86, t: 39, n: 3 }],
  // The first 300 CDNOW customers: the finite-difference Pareto/NBD fit is slower than BG/NBD's.
  "/api/calc/pareto-nbd": [
    (({ frequency, recency, T }) => ({ frequency: frequency.slice(0, 300), recency: recency.slice(0, 300), T: T.slice(0, 300) }))(
      bgnbdSample(),
    ),
  ],
  // Fader, Hardie & Shang (2010) donations patterns (PROVENANCE.md), the first 8.
  "/api/calc/bgbb": [
    {
      frequency: [0, 1, 1, 1, 1, 1, 1, 2],
      recency: [0, 1, 2, 3, 4, 5, 6, 2],
      periods: [6, 6, 6, 6, 6, 6, 6, 6],
      weights: [3464, 1091, 277, 129, 78, 119, 129, 613],
    },
  ],
  "/api/calc/program": [
    {
      initiatives: [
        { name: "a", gain: 100, investment: 50 },
        { name: "b", gain: 10, investment: 20 },
      ],
      overlap: 0.2,
    },
  ],
};

/** JSON texts of extreme numbers; 1e309 and -1e309 parse to ±Infinity in the worker. */
const EXTREMES = [
  "0",
  "-0",
  "-1",
  "1e308",
  "-1e308",
  "1e309",
  "-1e309",
  "5e-324",
  "1e-300",
  "0.5",
  "2147483648",
  "9007199254740993",
  "null",
  '"NaN"',
  '"Infinity"',
  '"12"',
  "[]",
  "{}",
  "true",
];

/** Seeded uniforms: the mulberry32 generator of scripts/synthetic-book.mjs. */
const mulberry32 = (seed: number) => makeRandom(seed).uniform;

/** JSON text of `body` with some numbers replaced by extreme literals. */
function mutate(body: unknown, r: () => number, rate: number): string {
  const walk = (v: unknown): string => {
    if (typeof v === "number") return r() < rate ? EXTREMES[Math.floor(r() * EXTREMES.length)] : JSON.stringify(v);
    if (Array.isArray(v)) return `[${v.map(walk).join(",")}]`;
    if (v && typeof v === "object")
      return `{${Object.entries(v)
        .map(([k, x]) => `${JSON.stringify(k)}:${walk(x)}`)
        .join(",")}}`;
    return JSON.stringify(v);
  };
  return walk(body);
}

describe("calculators under extreme numbers", () => {
  it("answer 2xx with finite numbers or a 4xx error, never a 5xx (seeded, 25 mutations per body)", async () => {
    const doc = await (await call("/api/openapi.json")).json<{ paths: Record<string, Record<string, unknown>> }>();
    const routes = Object.keys(doc.paths).filter((p) => p.startsWith("/api/calc/") && doc.paths[p].post);
    const r = mulberry32(7);
    let sent = 0;
    const failures: string[] = [];
    for (const path of routes) {
      const bodies = CALC_BODIES[path];
      if (!bodies) {
        failures.push(`${path}: no example body in CALC_BODIES (add one)`);
        continue;
      }
      for (const body of bodies) {
        // The unmutated body first: it must succeed.
        // About 3 numbers changed per request, whatever the body's size.
        const count = (JSON.stringify(body).match(/-?\d+(\.\d+)?(e[+-]?\d+)?/gi) ?? []).length;
        const rate = Math.min(0.35, 3 / Math.max(count, 1));
        const texts = [JSON.stringify(body), ...Array.from({ length: 25 }, () => mutate(body, r, rate))];
        for (const text of texts) {
          const res = await call(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: text });
          sent++;
          try {
            const { json } = await readChecked(res, `${path} ${text}`);
            if (res.status >= 500) failures.push(`${path} ${text} -> ${res.status} ${JSON.stringify(json)}`);
            else if (res.status >= 400 && !(json as { error?: { code?: string } })?.error?.code)
              failures.push(`${path} ${text} -> ${res.status} without an error code`);
            else if (text === texts[0] && res.status !== 200)
              failures.push(`${path} valid body ${text} -> ${res.status} ${JSON.stringify(json)}`);
          } catch (e) {
            failures.push((e as Error).message.slice(0, 400));
          }
        }
      }
    }
    console.log(`no-nan: ${routes.length} calc routes, ${sent} requests`);
    expect(routes.length, "the calculators of docs/api.md are listed in /api/openapi.json").toBeGreaterThanOrEqual(10);
    expect(failures, failures.join("\n")).toEqual([]);
  });
});

/**
 * Seeded random requests to the workspace computations (models, scenarios, drivers, CLV,
 * sBG retention, segments, metrics) with edge-of-range parameters, on a workspace seeded with
 * the good fixtures and the CDNOW transactions: each answer is 2xx with clean JSON (finite
 * numbers, no null where a number is promised) or a 4xx with an error code; never a 5xx.
 */
describe("workspace computations under edge-of-range inputs", () => {
  it("answer clean JSON or a named 4xx (seeded, ~100 requests)", async () => {
    const { newWorkspace, upload, auth } = await import("./support/api");
    const { goodBytes } = await import("./support/fixtures");
    const { cdnowTransactionsCsv } = await import("./support/cdnow");
    const ws = await newWorkspace("Edges");
    for (const [kind, body] of [
      ["accounts", goodBytes("accounts.csv")],
      ["responses", goodBytes("responses.csv")],
      ["transactions", cdnowTransactionsCsv()],
    ] as const) {
      const r = await upload(ws.id, ws.token, body, { kind });
      expect(r.status, await r.text()).toBe(201);
    }
    const post = (path: string, body: unknown) =>
      call(`/api/workspaces/${ws.id}${path}`, {
        method: "POST",
        headers: { ...auth(ws.token), "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
    const get = (path: string) => call(`/api/workspaces/${ws.id}${path}`, { headers: auth(ws.token) });
    const fit = await post("/models", { kind: "logistic", outcome: "renewed", predictors: ["nps", "log_arr", "segment"] });
    const { json: model } = await readChecked(fit, "fit");
    expect(fit.status, JSON.stringify(model)).toBe(201);
    const modelId = (model as { id: string }).id;

    const r = mulberry32(2026);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
    const some = <T>(xs: readonly T[]): T[] => xs.filter(() => r() < 0.4);
    const predictors = ["nps", "csat", "ces", "log_arr", "arr", "segment", "region", "tenure_months", "responses", "expansion"] as const;
    const requests: { label: string; send: () => Promise<Response> }[] = [];
    for (let i = 0; i < 20; i++) {
      const body = {
        kind: pick(["linear", "logistic"] as const),
        outcome: pick(["renewed", "arr", "nps", "tenure_months", "expansion", "segment"]),
        predictors: some(predictors),
        covariance: pick(["nonrobust", "HC3"]),
      };
      requests.push({ label: `models ${JSON.stringify(body)}`, send: () => post("/models", body) });
    }
    for (let i = 0; i < 30; i++) {
      const body = {
        modelId,
        change: { nps: pick([-100, -10, -1, 0, 0.5, 1, 5, 10, 100]) },
        segment: pick([undefined, null, "SMB", "Enterprise", "Nope"]),
        horizonYears: pick([1, 2, 3, 10, 30]),
        annualDiscountRate: pick([0, 0.1, 1]),
        grossMargin: pick([0, 0.5, 1]),
        investment: pick([0, 1, 1000, 1e15]),
        draws: pick([0, 1, 2, 50, 200]),
        seed: pick([0, 1, 4294967295]),
        save: false,
      };
      requests.push({ label: `scenarios ${JSON.stringify(body)}`, send: () => post("/scenarios", body) });
    }
    for (let i = 0; i < 12; i++) {
      const body = {
        metric: pick([undefined, "nps", "csat", "ces"]),
        method: pick(["relative-weights", "coefficient"]),
        outcome: pick(["renewed", "arr", "expansion", "nope"]),
        minAccounts: pick([5, 30, 100000]),
      };
      requests.push({ label: `drivers ${JSON.stringify(body)}`, send: () => post("/drivers", body) });
    }
    for (let i = 0; i < 6; i++) {
      const body = {
        method: "bgnbd-gg",
        horizonMonths: pick([1, 12, 600]),
        annualDiscountRate: pick([0, 0.1, 1]),
        margin: pick([0, 0.3, 1]),
        observationEnd: pick([undefined, "1997-01-02", "1997-09-30", "1998-06-30", "2030-01-01"]),
      };
      requests.push({ label: `clv ${JSON.stringify(body)}`, send: () => post("/clv", body) });
    }
    for (let i = 0; i < 10; i++) {
      const q = `value=${pick(["arr", "clv"])}&tiers=${pick([1, 3, 10])}&horizonYears=${pick([1, 30])}&annualDiscountRate=${pick([0, 1])}&grossMargin=${pick([0, 1])}&clvSource=${pick(["renewal", "transactions"])}${r() < 0.5 ? `&by=${pick(["nps", "csat"])}` : ""}`;
      requests.push({ label: `segments ${q}`, send: () => get(`/segments?${q}`) });
    }
    for (let i = 0; i < 8; i++) {
      const q = `periodMonths=${pick([1, 12, 60])}&horizonYears=${pick([1, 30])}&annualDiscountRate=${pick([0, 1])}&splitBy=${pick(["nps", "csat", "none"])}`;
      requests.push({ label: `clv/sbg ${q}`, send: () => get(`/clv/sbg?${q}`) });
    }
    for (let i = 0; i < 12; i++) {
      const parts = [
        r() < 0.7 ? `by=${pick(["month", "quarter", "touchpoint", "segment"])}` : "",
        r() < 0.5 ? `from=${pick(["2025-01-01", "2025-06-30", "2030-01-01"])}` : "",
        r() < 0.5 ? `to=${pick(["2024-12-31", "2025-03-31", "2025-12-31"])}` : "",
      ];
      const q = parts.filter(Boolean).join("&");
      requests.push({ label: `metrics ${q}`, send: () => get(`/metrics?${q}`) });
    }
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    for (const { label, send } of requests) {
      const res = await send();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      try {
        const { json } = await readChecked(res, label);
        if (res.status >= 500) failures.push(`${label} -> ${res.status} ${JSON.stringify(json).slice(0, 300)}`);
        else if (res.status >= 400 && !(json as { error?: { code?: string } })?.error?.code)
          failures.push(`${label} -> ${res.status} without an error code`);
      } catch (e) {
        failures.push((e as Error).message.slice(0, 500));
      }
    }
    console.log(`no-nan workspace: ${requests.length} requests, statuses ${JSON.stringify([...statuses])}`);
    expect(failures, failures.join("\n")).toEqual([]);
    // The edges must not all be rejected: most of these requests are valid.
    expect((statuses.get(200) ?? 0) + (statuses.get(201) ?? 0)).toBeGreaterThan(requests.length / 3);
  }, 300_000);
});
