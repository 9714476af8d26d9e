/**
 * POST .../clv reads the transactions block by block (worker/data/transactions-rfm.ts) instead of loading every
 * row. The independent computation is the in-memory `summariseTransactions` of models/clv/rfm.ts (its own tests
 * reproduce CDNOW's published summary) and `clvTable` of models/clv/transactions-clv.ts, run here on the very
 * transactions the test generates and uploads (about 140,000 rows: three 65,536-row blocks).
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { clvTable } from "../../models/clv/transactions-clv";
import { bgnbdExpectedPurchasesNew } from "../../models/clv/bgnbd-predict";
import { type RfmSummary, summariseTransactions } from "../../models/clv/rfm";
import { latestDataset } from "../../worker/data/datasets";
import { summariseTransactionBlocks } from "../../worker/data/transactions-rfm";
import { call, createWorkspace, type ErrorJson, upload } from "./helpers";

const json = (body: unknown) => ({ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
const DAY0 = Date.UTC(2020, 0, 1) / 86_400_000;
const iso = (day: number) => new Date(day * 86_400_000).toISOString().slice(0, 10);
/** Observation end of the calibration-period requests: 60 days before the last generated purchase day. */
const END = DAY0 + 700;

interface Tx {
  id: string[];
  day: number[];
  amount: number[];
}

/** A seeded log (LCG): 8,500 customers buying at their own rate and typical spend until they drop out, 15% same-day repeats. */
function generate(): Tx {
  let s = 12345;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0), s / 4294967296);
  const rows: [string, number, number][] = [];
  let spend = 0;
  const push = (id: string, d: number) => rows.push([id, d, Number((spend * (0.5 + u())).toFixed(2))]);
  for (let c = 0; c < 8500; c++) {
    const id = `C${c}`;
    spend = 5 + 200 * u() * u(); // each customer's own typical spend (Gamma-Gamma's heterogeneity)
    const rate = 0.01 + 0.08 * u();
    const p = 0.01 + 0.1 * u();
    let t = DAY0 + Math.floor(u() * 400);
    for (;;) {
      push(id, t);
      if (u() < 0.15) push(id, t); // a second purchase the same day: merged into one
      t += Math.floor(-Math.log(1 - u()) / rate);
      if (t > DAY0 + 760 || u() < p) break;
    }
  }
  // Edge customers: first purchase on the observation end (T = 0), only purchases after it, same-day rows on
  // the first and on a repeat day.
  rows.push(["NEW", END, 10], ["NEW", END + 3, 11], ["LATE", END + 1, 12], ["LATE", END + 9, 13]);
  rows.push(
    ["SAME", DAY0 + 10, 1],
    ["SAME", DAY0 + 10, 2],
    ["SAME", DAY0 + 10, 4],
    ["SAME", DAY0 + 50, 8],
    ["SAME", DAY0 + 50, 16],
    ["SAME", DAY0 + 90, 32],
  );
  // Date order (stable), as an export would be: customers' purchases then span all the blocks.
  const order = rows.map((_, i) => i).sort((a, b) => rows[a][1] - rows[b][1] || a - b);
  return { id: order.map((i) => rows[i][0]), day: order.map((i) => rows[i][1]), amount: order.map((i) => rows[i][2]) };
}

/** The same rows in a seeded shuffled order (Fisher-Yates): not in date order per customer. */
function shuffled(tx: Tx): Tx {
  let s = 777;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0), s / 4294967296);
  const idx = tx.id.map((_, i) => i);
  for (let i = idx.length - 1; i > 0; i--) {
    const j = Math.floor(u() * (i + 1));
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  return { id: idx.map((i) => tx.id[i]), day: idx.map((i) => tx.day[i]), amount: idx.map((i) => tx.amount[i]) };
}

const csv = (tx: Tx) =>
  ["customer_id,date,amount", ...tx.id.map((id, i) => `${id},${iso(tx.day[i])},${tx.amount[i].toFixed(2)}`)].join("\n") + "\n";

/** The in-memory summary without the T = 0 customers, as the route values only customers with T > 0 (docs/methods.md#transactions-clv). */
function kept(s: RfmSummary) {
  const keep = s.customerId.map((_, i) => i).filter((i) => s.T[i] > 0);
  const pick = (a: Float64Array) => Float64Array.from(keep, (i) => a[i]);
  return {
    customerId: keep.map((i) => s.customerId[i]),
    frequency: pick(s.frequency),
    recency: pick(s.recency),
    T: pick(s.T),
    monetary: pick(s.monetary),
    dropped: s.customerId.length - keep.length,
  };
}

type Customer = {
  customerId: string;
  frequency: number;
  recency: number;
  T: number;
  monetary: number;
  pAlive: number | null;
  expectedPurchases: number | null;
  clv: number | null;
};
type ClvJson = {
  observationEnd: string;
  excludedTransactions: number;
  excludedNewCustomers: number;
  newCustomers: number;
  bgnbd: { r: number; alpha: number; a: number; b: number };
  gammaGamma: { p: number; q: number; gamma: number };
  customers: Customer[];
  customersTotal: number;
  customersTruncated: boolean;
  totals: { customers: number; expectedPurchases: number; clv: number };
};

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1e-300, Math.abs(b));

/** Route answer vs the in-memory summary: the same customers in the same order, the same RFM columns and fits. */
function expectSameAsMemory(r: ClvJson, s: RfmSummary) {
  // Every customer has a row, those first seen on the end day (T = 0) too; the fits use the T > 0 customers.
  const k = { ...s, dropped: kept(s).dropped };
  expect(r.observationEnd).toBe(iso(s.observationEnd));
  expect(r.excludedTransactions).toBe(s.excludedTransactions);
  expect(r.newCustomers).toBe(k.dropped);
  expect(r.excludedNewCustomers).toBe(0);
  expect(r.customersTotal).toBe(k.customerId.length);
  expect(r.customers.map((c) => c.customerId)).toEqual(k.customerId);
  let worst = 0;
  r.customers.forEach((c, j) => {
    expect([c.frequency, c.recency, c.T]).toEqual([k.frequency[j], k.recency[j], k.T[j]]);
    worst = Math.max(worst, Math.abs(c.monetary - k.monetary[j]) / Math.max(1, k.monetary[j]));
  });
  expect(worst).toBeLessThan(1e-12); // sums of the same cents in a possibly different order
  const mem = clvTable(k, { horizonMonths: 12, annualDiscountRate: 0.1, margin: 0.3 });
  for (const p of ["r", "alpha", "a", "b"] as const) expect(rel(r.bgnbd[p], mem.bgnbd[p])).toBeLessThan(1e-9);
  for (const p of ["p", "q", "gamma"] as const) expect(rel(r.gammaGamma[p], mem.gammaGamma[p])).toBeLessThan(1e-9);
  expect(rel(r.totals.clv, mem.totals.clv)).toBeLessThan(1e-9);
  expect(r.totals.customers).toBe(mem.totals.customers);
}

describe("CLV over transaction blocks", () => {
  const tx = generate();
  const mixed = shuffled(tx);
  let ordered: { id: string; token: string };
  let unordered: { id: string; token: string };
  beforeAll(async () => {
    expect(tx.id.length).toBeGreaterThan(2 * 65_536); // three blocks
    ordered = await createWorkspace("Tx in date order");
    unordered = await createWorkspace("Tx shuffled");
    for (const [ws, t] of [
      [ordered, tx],
      [unordered, mixed],
    ] as const) {
      const res = await upload(ws, "kind=transactions&name=tx", csv(t));
      expect(res.status, await res.clone().text()).toBe(201);
      expect((await latestDataset(env, ws.id, "transactions"))!.blockCount).toBe(3);
    }
  });

  const clv = (ws: { id: string; token: string }, body: Record<string, unknown>) =>
    call(`/api/workspaces/${ws.id}/clv`, {
      ...json({ method: "bgnbd-gg", horizonMonths: 12, annualDiscountRate: 0.1, margin: 0.3, ...body }),
      token: ws.token,
    });

  it("date-ordered file, explicit observationEnd: equals the in-memory summary (exclusions, T = 0, same-day merges)", async () => {
    const res = await clv(ordered, { observationEnd: iso(END), limit: 100_000 });
    expect(res.status, await res.clone().text()).toBe(200);
    const r = await res.json<ClvJson>();
    const s = summariseTransactions(tx.id, tx.day, tx.amount, END);
    expect(s.excludedTransactions).toBeGreaterThan(1000); // the end cuts the last 60 days off
    expectSameAsMemory(r, s);
    expect(r.customersTruncated).toBe(false);
    // Hand check of the merges (docs/methods.md#rfm-summary: same-day purchases are one purchase, amounts summed; monetary = mean of
    // the repeat days): SAME bought on days 10 (1+2+4), 50 (8+16) and 90 (32) → frequency 2, recency 80, monetary (24+32)/2.
    const same = r.customers.find((c) => c.customerId === "SAME")!;
    expect([same.frequency, same.recency, same.T, same.monetary]).toEqual([2, 80, 690, 28]);
    expect(r.customers.some((c) => c.customerId === "LATE")).toBe(false);
    // NEW, first purchase on the end day, gets a row from the fitted population (lifetimes' prediction for T = 0):
    // P(alive) 1 and the expected purchases of a new customer over 12 months = 365.25 days (FHL 2005 eq. 7).
    expect(r.newCustomers).toBe(1);
    const fresh = r.customers.find((c) => c.customerId === "NEW")!;
    expect([fresh.frequency, fresh.recency, fresh.T, fresh.pAlive]).toEqual([0, 0, 0, 1]);
    expect(fresh.expectedPurchases).toBeCloseTo(bgnbdExpectedPurchasesNew(r.bgnbd, 365.25), 10);
    expect(fresh.clv).toBeGreaterThan(0);
  });

  it("shuffled file, default observationEnd (latest date): the extra sorted passes give the same answer", async () => {
    const res = await clv(unordered, { limit: 100_000 });
    expect(res.status, await res.clone().text()).toBe(200);
    const r = await res.json<ClvJson>();
    const s = summariseTransactions(mixed.id, mixed.day, mixed.amount);
    expect(s.observationEnd).toBe(tx.day[tx.day.length - 1]); // the date-ordered log ends on the latest day
    expectSameAsMemory(r, s);
  });

  it("shuffled file split into many customer ranges (small row budget) still equals the in-memory summary", async () => {
    const meta = (await latestDataset(env, unordered.id, "transactions"))!;
    const b = await summariseTransactionBlocks(env, meta, END, 20_000);
    expect(b.passes).toBeGreaterThan(7); // one pass, then ≥ 140,000 / 20,000 ranges
    const s = summariseTransactions(mixed.id, mixed.day, mixed.amount, END);
    expect(Array.from(b.customer, (c) => b.ids.name(c))).toEqual(s.customerId);
    expect(Array.from(b.frequency)).toEqual(Array.from(s.frequency));
    expect(Array.from(b.recency)).toEqual(Array.from(s.recency));
    expect(Array.from(b.T)).toEqual(Array.from(s.T));
    s.monetary.forEach((m, i) => expect(Math.abs(b.monetary[i] - m)).toBeLessThan(1e-12 * Math.max(1, m)));
    expect(b.excludedTransactions).toBe(s.excludedTransactions);
    // The date-ordered file takes one pass.
    const one = await summariseTransactionBlocks(env, (await latestDataset(env, ordered.id, "transactions"))!, END);
    expect(one.passes).toBe(1);
  });

  it("limit bounds the listed customers; customersTotal and totals still cover everyone", async () => {
    const all = await (await clv(ordered, { observationEnd: iso(END), limit: 100_000 })).json<ClvJson>();
    const n = all.customers.length;
    expect(n).toBeGreaterThan(8000);
    const res = await clv(ordered, { observationEnd: iso(END), limit: 50 });
    expect(res.status).toBe(200);
    const r = await res.json<ClvJson>();
    expect(r.customers).toHaveLength(50);
    expect(r.customersTotal).toBe(n);
    expect(r.customersTruncated).toBe(true);
    expect(r.totals).toEqual(all.totals);
    // The 50 listed are the 50 highest CLVs of the full list (ranked here independently), in file order.
    const pos = new Map(all.customers.map((c, i) => [c.customerId, i]));
    const top = [...all.customers].sort((a, b) => (b.clv ?? -Infinity) - (a.clv ?? -Infinity)).slice(0, 50);
    expect(new Set(r.customers.map((c) => c.customerId))).toEqual(new Set(top.map((c) => c.customerId)));
    const at = r.customers.map((c) => pos.get(c.customerId)!);
    expect(at).toEqual([...at].sort((a, b) => a - b));
    r.customers.forEach((c) => expect(c).toEqual(all.customers[pos.get(c.customerId)!]));
    // Default limit (10,000) lists all of these customers; limit 0 lists none; over 100,000 is a 400.
    const dflt = await (await clv(ordered, { observationEnd: iso(END) })).json<ClvJson>();
    expect([dflt.customers.length, dflt.customersTruncated]).toEqual([n, false]);
    const none = await (await clv(ordered, { observationEnd: iso(END), limit: 0 })).json<ClvJson>();
    expect([none.customers.length, none.customersTotal, none.customersTruncated]).toEqual([0, n, true]);
    const big = await clv(ordered, { limit: 100_001 });
    expect(big.status).toBe(400);
    expect((await big.json<ErrorJson>()).error.details.some((d) => d.column === "limit")).toBe(true);
  });

  it("export/clv.csv streams every customer: customersTotal rows after the header, in file order", async () => {
    const r = await (await clv(ordered, { observationEnd: iso(END), limit: 10 })).json<ClvJson>();
    const res = await call(`/api/workspaces/${ordered.id}/export/clv.csv?observationEnd=${iso(END)}`, { token: ordered.token });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/csv/);
    const lines = (await res.text()).split("\r\n");
    expect(lines.pop()).toBe(""); // ends with CRLF
    expect(lines[0]).toBe(
      "customer_id,frequency,recency_days,T_days,monetary,p_alive,expected_purchases,expected_avg_value,clv,clv_ci95_low,clv_ci95_high",
    );
    expect(lines).toHaveLength(r.customersTotal + 1);
    const s = summariseTransactions(tx.id, tx.day, tx.amount, END);
    // Money to cents: at most two decimals in monetary, expected_avg_value, clv and its interval.
    for (const l of lines.slice(1, 200)) for (const k of [4, 7, 8, 9, 10]) expect(l.split(",")[k]).toMatch(/^(-?\d+(\.\d{1,2})?)?$/);
    expect(lines.slice(1).map((l) => l.split(",")[0])).toEqual(s.customerId);
  });
});
