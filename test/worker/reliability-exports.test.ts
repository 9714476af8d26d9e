import { describe, expect, it } from "vitest";
import { auth, call, newWorkspace, upload } from "./support/api";
import { readChecked } from "./support/json-check";
import { cdnowTransactionsCsv } from "./support/cdnow";

/**
 * CSV injection (OWASP "CSV Injection"): text that reaches an export must not
 * start with = + - @ (or tab / CR), which a spreadsheet would run as a formula.
 * Hostile ids and segments are uploaded, then both CSV exports are parsed and
 * every text cell is checked. Numbers we write (e.g. -0.25) are left alone.
 */
const HOSTILE = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "=cmd|' /C calc'!A0", "\t=1+1"];

/** RFC 4180 parse (quoted fields, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(cell);
      cell = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
    } else cell += ch;
  }
  if (cell || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

function dangerous(cell: string): boolean {
  if (/^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(cell)) return false; // a plain number
  return /^[=+\-@\t\r]/.test(cell);
}

describe("CSV exports neutralise formula-like text", () => {
  it("accounts.csv", async () => {
    const ws = await newWorkspace("Injection");
    const acc = ["account_id,arr,renewed,segment"];
    const res = ["account_id,nps"];
    for (let i = 0; i < 40; i++) {
      const id = i < HOSTILE.length ? HOSTILE[i] : `A${i}`;
      const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
      acc.push(`${q(id)},${1000 + i * 10},${i % 3 === 0 ? 0 : 1},${q(HOSTILE[i % HOSTILE.length])}`);
      res.push(`${q(id)},${i % 11}`);
    }
    for (const [kind, body] of [
      ["accounts", acc],
      ["responses", res],
    ] as const) {
      const r = await upload(ws.id, ws.token, body.join("\n") + "\n", { kind });
      const { text } = await readChecked(r, kind);
      expect(r.status, text).toBe(201);
    }
    const fit = await call(`/api/workspaces/${ws.id}/models`, {
      method: "POST",
      headers: { ...auth(ws.token), "Content-Type": "application/json" },
      body: JSON.stringify({ kind: "logistic", outcome: "renewed", predictors: ["nps"] }),
    });
    const { json, text } = await readChecked(fit, "fit");
    expect(fit.status, text).toBe(201);
    const exp = await call(`/api/workspaces/${ws.id}/export/accounts.csv?model=${(json as { id: string }).id}`, {
      headers: auth(ws.token),
    });
    expect(exp.status).toBe(200);
    const rows = parseCsv(await exp.text());
    expect(rows.length).toBe(41);
    const seen = new Set<string>();
    for (const row of rows)
      for (const cell of row) {
        expect(dangerous(cell), `export cell ${JSON.stringify(cell)}`).toBe(false);
        seen.add(cell);
      }
    // The hostile values are still there, neutralised with a leading quote, not dropped.
    // Intake trims surrounding whitespace, so "\t=1+1" arrives as "=1+1".
    for (const h of HOSTILE) expect(seen.has(`'${h.trim()}`), `'${h.trim()} in the export`).toBe(true);
  });

  it("clv.csv", async () => {
    const ws = await newWorkspace("Injection CLV");
    // The CDNOW sample (PROVENANCE.md; BG/NBD converges on it), with the first customers renamed to hostile ids.
    const csv = cdnowTransactionsCsv((n, id) => (n < HOSTILE.length ? HOSTILE[n] : `C${id}`));
    const r = await upload(ws.id, ws.token, csv, { kind: "transactions" });
    expect(r.status, (await readChecked(r, "tx")).text).toBe(201);
    const exp = await call(`/api/workspaces/${ws.id}/export/clv.csv`, { headers: auth(ws.token) });
    const body = await exp.text();
    expect(exp.status, body).toBe(200);
    const rows = parseCsv(body);
    const seen = new Set<string>();
    for (const row of rows)
      for (const cell of row) {
        expect(dangerous(cell), `export cell ${JSON.stringify(cell)}`).toBe(false);
        seen.add(cell);
      }
    // Intake trims surrounding whitespace, so "\t=1+1" arrives as "=1+1".
    for (const h of HOSTILE) expect(seen.has(`'${h.trim()}`), `'${h.trim()} in the export`).toBe(true);
  });
});
