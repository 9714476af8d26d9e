import { env } from "cloudflare:workers";
import Papa from "papaparse";
import { describe, expect, it } from "vitest";
// Real files as distributed (PROVENANCE.md): CDNOW's master log (whitespace-aligned, CRLF) and the IBM Telco sample.
import cdnowMaster from "../../../shared/datasets/cdnow/CDNOW_master.txt?raw";
import telcoCsv from "../../../shared/datasets/telco/telco_cx.csv?raw";
// Survey platforms' exports in their documented layouts (test/worker/fixtures/README.md).
import qualtricsCsv from "./fixtures/qualtrics-nps-csat.csv?raw";
import surveyMonkeyCsv from "./fixtures/surveymonkey-csat-ces.csv?raw";
import { latestDataset, readColumns } from "../../worker/data/datasets";
import { call, createWorkspace, upload, type ErrorJson } from "./helpers";
import { makeXlsx } from "./support/xlsx";

type Skipped = { row: number; reason: string; text: string };
type DatasetJson = {
  id: string | null;
  rows: number;
  columns: { name: string; source: string | null; readAs?: string }[];
  warnings: string[];
  options: Record<string, unknown>;
  skippedRows: Skipped[];
  mappingSource?: string;
  sheets?: { name: string; rows: number; headers: string[] }[];
};
type ErrorWithSheets = ErrorJson & { error: { sheets?: { name: string; rows: number; headers: string[] }[]; headers?: string[] } };
const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

describe("whitespace-aligned text: CDNOW_master.txt as distributed", () => {
  it("uploads unchanged as transactions: 69,659 rows, 23,570 customers, $2,500,315.63 (PROVENANCE.md)", async () => {
    const ws = await createWorkspace();
    const res = await upload(ws, "kind=transactions&name=CDNOW_master.txt", cdnowMaster, "text/plain");
    expect(res.status, await res.clone().text()).toBe(201);
    const body = await res.json<DatasetJson>();
    expect(body.rows).toBe(69659);
    expect(body.options.delimiter).toBe("whitespace");
    expect(body.columns.map((c) => [c.name, c.source])).toEqual([
      ["customer_id", "customer_id"],
      ["date", "date"],
      ["amount", "dollar_value"],
      ["number_of_cds", "number_of_cds"],
    ]);
    const cols = await readColumns(env, (await latestDataset(env, ws.id, "transactions"))!);
    expect(new Set(cols.text.customer_id).size).toBe(23570);
    const total = Array.from(cols.numeric.amount).reduce((a, b) => a + b, 0);
    expect(total).toBeCloseTo(2500315.63, 2);
    // Dates YYYYMMDD: 1997-01-01 .. 1998-06-30.
    const days = Array.from(cols.numeric.date);
    expect(Math.min(...days)).toBe(Date.UTC(1997, 0, 1) / 86400000);
    expect(Math.max(...days)).toBe(Date.UTC(1998, 5, 30) / 86400000);
  });

  it("a file that cannot be read names the separator and the header line seen", async () => {
    const ws = await createWorkspace();
    const res = await upload(ws, "kind=accounts&dryRun=true", "Customer ID~ARR\nA1~100\n");
    expect(res.status).toBe(422);
    const e = await res.json<ErrorJson>();
    expect(e.error.message).toContain('separator "," (comma)');
    expect(e.error.message).toContain('header line seen: "Customer ID~ARR"');
    // Rows wider than the header: the message says how the file was split.
    const wide = await (await upload(ws, "kind=accounts&dryRun=true", "account_id;arr\nA1;100;x\n")).json<ErrorJson>();
    expect(wide.error.message).toContain('separator ";" (semicolon); header line seen: "account_id;arr"');
  });
});

describe("every metric first-class: a CSAT-only file (Telco satisfaction_score, unchanged)", () => {
  it("stores with satisfaction_score as csat; metrics: CSAT n = 7,043, NPS n = 0; the error names nps, csat or ces", async () => {
    const ws = await createWorkspace();
    const res = await upload(ws, "kind=responses&name=telco_cx.csv", telcoCsv);
    expect(res.status, await res.clone().text()).toBe(201);
    const body = await res.json<DatasetJson>();
    expect(body.columns.find((c) => c.name === "csat")?.source).toBe("satisfaction_score");
    expect(body.columns.some((c) => c.name === "nps")).toBe(false);
    const m = await (
      await call(`/api/workspaces/${ws.id}/metrics`, { token: ws.token })
    ).json<{
      overall: { nps: { n: number; score: number | null }; csat: { n: number; score: number } };
    }>();
    // Independent count with papaparse: answers of 4 or 5 on the 1-5 scale.
    const rows = Papa.parse<Record<string, string>>(telcoCsv, { header: true, skipEmptyLines: true }).data;
    const top2 = rows.filter((r) => Number(r.satisfaction_score) >= 4).length;
    expect(m.overall.csat.n).toBe(7043);
    expect(m.overall.csat.score).toBeCloseTo((100 * top2) / 7043, 6);
    expect(m.overall.nps.n).toBe(0);
    expect(m.overall.nps.score).toBeNull();

    const none = await upload(ws, "kind=responses&dryRun=true", "account_id,comment\nA1,fine\n");
    const e = await none.json<ErrorJson>();
    expect(e.error.details[0].column).toBe("nps, csat or ces");
    expect(e.error.details[0].message).toMatch(/any one is enough/);
  });
});

describe("totals and notes rows", () => {
  const FILE = [
    "Customer ID,Annual Revenue,Renewed,Segment",
    "ACME-1,12000,yes,SMB",
    "ACME-2,50000.50,no,Enterprise",
    "ACME-3,8000,yes,SMB",
    "Total,70000.50,,",
    ",70000.50,,All segments",
    "",
    "Source: CRM export 2025-03-31,,,",
    "* ARR in USD",
  ].join("\n");

  it("dryRun lists them (file rows), stores none of them, and the stored dataset reports them", async () => {
    const ws = await createWorkspace();
    const dry = await upload(ws, "kind=accounts&dryRun=true", FILE);
    expect(dry.status, await dry.clone().text()).toBe(200);
    const d = await dry.json<DatasetJson>();
    expect(d.rows).toBe(3);
    expect(d.skippedRows.map((s) => s.row)).toEqual([5, 6, 8, 9]);
    expect(d.skippedRows[0].reason).toMatch(/totals row \(id "Total"\)/);
    expect(d.skippedRows[1].reason).toMatch(/sum of all rows above/);
    expect(d.skippedRows[2].reason).toMatch(/note/);

    const res = await upload(ws, "kind=accounts", FILE);
    expect(res.status).toBe(201);
    const stored = await res.json<DatasetJson>();
    expect(stored.rows).toBe(3);
    expect(stored.skippedRows.map((s) => s.row)).toEqual([5, 6, 8, 9]);
    expect(stored.warnings.join(" ")).toMatch(/4 rows left out as totals or notes \(not stored\): rows 5, 6, 8, 9/);
    const cols = await readColumns(env, (await latestDataset(env, ws.id, "accounts"))!);
    expect(Array.from(cols.numeric.arr)).toEqual([12000, 50000.5, 8000]);
  });

  it("a subtotal per group is left out, and the grand total of the kept rows too", async () => {
    const ws = await createWorkspace();
    const file = "customer_id,date,amount\nC1,2025-01-02,10\nC2,2025-01-03,15\nSubtotal January,,25\nC1,2025-02-01,5\nGrand total,,30\n";
    const d = await (await upload(ws, "kind=transactions&dryRun=true", file)).json<DatasetJson>();
    expect(d.rows).toBe(3);
    expect(d.skippedRows.map((s) => s.row)).toEqual([4, 6]);
  });

  it("a one-cell row followed by data is data (judged as such), not a note", async () => {
    const ws = await createWorkspace();
    const res = await upload(ws, "kind=accounts&dryRun=true", "account_id,arr\nA1,10\nNew accounts below\nA2,20\n");
    expect(res.status).toBe(422);
    const e = await res.json<ErrorJson>();
    expect(e.error.details[0].row).toBe(3);
  });
});

describe("mappings remembered", () => {
  const FILE = "Kunde,Jahresumsatz,Verlängert\nK1,1000,ja\nK2,2000,nein\n".replace(/ja/, "yes").replace(/nein/, "no");
  const mapping = JSON.stringify({ account_id: "Kunde", arr: "Jahresumsatz", renewed: "Verlängert" });

  it("a mapping that stored a file is listed and used for the next file with the same headers", async () => {
    const ws = await createWorkspace();
    const first = await upload(ws, "kind=accounts&mapping=" + encodeURIComponent(mapping), FILE);
    expect(first.status, await first.clone().text()).toBe(201);
    const list = await (
      await call(`/api/workspaces/${ws.id}/mappings`, { token: ws.token })
    ).json<{
      mappings: { kind: string; headers: string[]; mapping: Record<string, string> }[];
    }>();
    expect(list.mappings).toEqual([
      expect.objectContaining({
        kind: "accounts",
        headers: ["Kunde", "Jahresumsatz", "Verlängert"],
        mapping: { account_id: "Kunde", arr: "Jahresumsatz", renewed: "Verlängert" },
      }),
    ]);
    // Same headers (other case and spacing), no mapping parameter: read with the saved mapping.
    const again = "KUNDE , jahresumsatz,Verlängert\nK3,3000,yes\n";
    const dry = await (await upload(ws, "kind=accounts&dryRun=true", again)).json<DatasetJson>();
    expect(dry.mappingSource).toBe("saved");
    const res = await upload(ws, "kind=accounts", again);
    expect(res.status, await res.clone().text()).toBe(201);
    expect((await res.json<DatasetJson>()).columns.map((c) => c.name)).toEqual(["account_id", "arr", "renewed"]);
    // Another kind does not use it.
    const other = await upload(ws, "kind=transactions&dryRun=true", "Kunde,Jahresumsatz,Verlängert\nK1,1000,yes\n");
    expect(other.status).toBe(422);
  });

  it("a saved mapping keeps a churn column read as churn (Yes = did not renew) on the next file", async () => {
    // The file's own meaning: "Gekündigt" (cancelled) Yes = the account left, so renewed = 0 for K1 and 1 for K2.
    const ws = await createWorkspace();
    const churnFile = "Kunde,Jahresumsatz,Gekündigt\nK1,1000,Yes\nK2,2000,No\n";
    const churnMapping = JSON.stringify({ account_id: "Kunde", arr: "Jahresumsatz", churned: "Gekündigt" });
    const first = await upload(ws, "kind=accounts&mapping=" + encodeURIComponent(churnMapping), churnFile);
    expect(first.status, await first.clone().text()).toBe(201);
    const list = await (
      await call(`/api/workspaces/${ws.id}/mappings`, { token: ws.token })
    ).json<{
      mappings: { mapping: Record<string, string> }[];
    }>();
    expect(list.mappings[0].mapping).toEqual({ account_id: "Kunde", arr: "Jahresumsatz", churned: "Gekündigt" });
    const res = await upload(ws, "kind=accounts", "Kunde,Jahresumsatz,Gekündigt\nK3,3000,Yes\nK4,4000,No\n");
    expect(res.status, await res.clone().text()).toBe(201);
    const stored = await res.json<DatasetJson>();
    expect(stored.options.mappingSource).toBe("saved");
    expect(stored.columns.find((c) => c.name === "renewed")?.readAs).toMatch(/read as churn/);
    const ds = (await latestDataset(env, ws.id, "accounts"))!;
    const cols = await readColumns(env, ds, ["renewed"]);
    expect(Array.from(cols.numeric.renewed)).toEqual([0, 1]);
  });
});

describe("workbooks: a dry run lists the sheets", () => {
  const book = makeXlsx({
    Summary: [["Renewals Q1"], ["Total ARR", 62000]],
    Accounts: [
      ["Customer ID", "ARR", "Renewed"],
      ["A1", 12000, "yes"],
      ["A2", 50000, "no"],
      ["Total", 62000, ""],
    ],
  });

  it("first sheet unreadable: 422 with sheets [{name, rows, headers}]; sheet=Accounts: 200 with them and the totals row left out", async () => {
    const ws = await createWorkspace();
    const bad = await upload(ws, "kind=accounts&dryRun=true", book, XLSX);
    expect(bad.status).toBe(422);
    const e = await bad.json<ErrorWithSheets>();
    expect(e.error.sheets?.map((s) => [s.name, s.rows, s.headers])).toEqual([
      ["Summary", 1, ["Renewals Q1"]],
      ["Accounts", 3, ["Customer ID", "ARR", "Renewed"]],
    ]);
    expect(e.error.message).toContain('sheet "Summary"');
    const ok = await upload(ws, "kind=accounts&dryRun=true&sheet=Accounts", book, XLSX);
    expect(ok.status).toBe(200);
    const d = await ok.json<DatasetJson>();
    expect(d.sheets?.map((s) => s.name)).toEqual(["Summary", "Accounts"]);
    expect(d.rows).toBe(2);
    expect(d.skippedRows).toEqual([expect.objectContaining({ row: 4 })]);
  });
});

describe("survey platforms' exports in their documented layouts", () => {
  it("Qualtrics (three header rows): question text maps Q1 to nps and Q2 to csat; answers from file row 4", async () => {
    const ws = await createWorkspace();
    const res = await upload(ws, "kind=responses", qualtricsCsv);
    expect(res.status, await res.clone().text()).toBe(201);
    const body = await res.json<DatasetJson>();
    expect(body.rows).toBe(8);
    const src = Object.fromEntries(body.columns.map((c) => [c.name, c.source]));
    expect(src).toMatchObject({ account_id: "account_id", date: "RecordedDate", nps: "Q1", csat: "Q2" });
    expect(body.options.layout).toBe("qualtrics");
    const m = await (
      await call(`/api/workspaces/${ws.id}/metrics`, { token: ws.token })
    ).json<{
      overall: { nps: { n: number; score: number }; csat: { n: number; score: number } };
    }>();
    // By hand from the fixture: NPS 10 9 7 6 3 10 8 0 → 3 promoters, 3 detractors of 8 → 0; CSAT 4-5: 4 of 8 → 50%.
    expect(m.overall.nps).toMatchObject({ n: 8, score: 0 });
    expect(m.overall.csat).toMatchObject({ n: 8, score: 50 });
    // A bad answer is reported on its file row (header rows 1-3).
    const bad = qualtricsCsv.replace(/,10,3,5,Support/, ",11,3,5,Support");
    const e = await (await upload(ws, "kind=responses&dryRun=true", bad)).json<ErrorJson>();
    expect(e.error.details[0]).toMatchObject({ row: 4, column: "nps" });
  });

  it("SurveyMonkey (two header rows): csat and ces from the question text, End Date as the date", async () => {
    const ws = await createWorkspace();
    const res = await upload(ws, "kind=responses&csatScale=5", surveyMonkeyCsv);
    expect(res.status, await res.clone().text()).toBe(201);
    const body = await res.json<DatasetJson>();
    expect(body.rows).toBe(5);
    const src = Object.fromEntries(body.columns.map((c) => [c.name, c.source]));
    expect(src).toMatchObject({
      account_id: "account",
      date: "End Date",
      csat: "How satisfied are you with our support?",
      ces: "How easy was it to get your issue resolved?",
    });
    expect(body.columns.map((c) => c.source)).toContain("Which products do you use? - Product B");
    const m = await (
      await call(`/api/workspaces/${ws.id}/metrics?by=month`, { token: ws.token })
    ).json<{
      overall: { csat: { n: number; score: number }; ces: { n: number; mean: number } };
      groups: { key: string }[];
    }>();
    // By hand: CSAT 5 4 2 5 3 → 3 of 5 in the top two boxes = 60%; CES (6+5+2+7+4)/5 = 4.8; all in April 2024.
    expect(m.overall.csat).toMatchObject({ n: 5, score: 60 });
    expect(m.overall.ces.n).toBe(5);
    expect(m.overall.ces.mean).toBeCloseTo(4.8, 12);
    expect(m.groups.map((g) => g.key)).toEqual(["2024-04"]);
  });
});
