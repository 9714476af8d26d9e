import { env } from "cloudflare:workers";
import { zipSync, strToU8 } from "fflate";
import { describe, expect, it } from "vitest";
import { readColumns, latestDataset } from "../../worker/data/datasets";
import { loadResponses, loadTransactions } from "../../worker/data/join";
import { call, createWorkspace, tokenFor, upload, type ErrorJson, r2Keys } from "./helpers";
import { makeXlsx } from "./support/xlsx";

type DatasetJson = {
  id: string | null;
  kind: string;
  name: string;
  rows: number;
  columns: { name: string; type: string; source: string | null }[];
  warnings: string[];
  preview?: { headers: string[]; rows: string[][] };
};

const ACCOUNTS =
  "account_id,arr,renewed,segment,region,tenure_months,renewal_date,expansion\n" +
  "A1,12000,1,SMB,EMEA,12,2025-01-31,0.1\n" +
  "A2,50000,0,Enterprise,NA,30,2025-03-01,0\n" +
  "A3,8000,1,SMB,APAC,5,2025-06-15,\n";

describe("dataset intake: good files", () => {
  it("stores an accounts file with canonical headers: 201, row count, column types", async () => {
    const ws = await createWorkspace();
    const res = await upload(ws, "kind=accounts&name=book", ACCOUNTS);
    expect(res.status).toBe(201);
    const body = (await res.json()) as DatasetJson;
    expect(body).toMatchObject({ kind: "accounts", name: "book", rows: 3, warnings: [] });
    expect(body.columns.map((c) => [c.name, c.type])).toEqual([
      ["account_id", "text"],
      ["arr", "money"],
      ["renewed", "0/1"],
      ["segment", "text"],
      ["region", "text"],
      ["tenure_months", "number"],
      ["renewal_date", "date"],
      ["expansion", "fraction"],
    ]);
    const meta = (await latestDataset(env, ws.id, "accounts"))!;
    const cols = await readColumns(env, meta);
    expect(Array.from(cols.numeric.arr)).toEqual([12000, 50000, 8000]);
    // 2025-01-31 is day 20119 since 1970-01-01: Date.UTC(2025, 0, 31) / 86400000.
    expect(cols.numeric.renewal_date[0]).toBe(Date.UTC(2025, 0, 31) / 86400000);
    expect(Number.isNaN(cols.numeric.expansion[2])).toBe(true);
    // Raw file and one block in R2 under the agreed keys.
    expect(await r2Keys(`raw/${ws.id}/`)).toEqual([`raw/${ws.id}/${body.id}`]);
    expect(await r2Keys(`cols/${ws.id}/`)).toEqual([`cols/${ws.id}/${body.id}/0.bin`]);
    const list = (await (await call(`/api/workspaces/${ws.id}/datasets`, { token: ws.token })).json()) as { datasets: DatasetJson[] };
    expect(list.datasets.map((d) => d.id)).toEqual([body.id]);
    const one = await call(`/api/workspaces/${ws.id}/datasets/${body.id}`, { token: ws.token });
    expect(((await one.json()) as DatasetJson).rows).toBe(3);
  });

  it("reads a European Excel export: BOM, `;`, CRLF, decimal commas, quoted newline, synonyms, blank trailing rows", async () => {
    const ws = await createWorkspace();
    const csv =
      "\uFEFFCustomer ID;Annual Revenue;Renewal;Notes\r\n" +
      'C1;"1.234,56";yes;"line one\r\nline two"\r\n' +
      "C2;12000;Churned;ok\r\n" +
      'C3;"(1.200,00)";no;neg\r\n' +
      ";;;\r\n\r\n";
    const res = await upload(ws, "kind=accounts", csv);
    // C3 is on file line 5: header 1, C1 spans lines 2-3 (quoted newline), C2 line 4. Its ARR is negative.
    expect(res.status).toBe(422);
    const err = (await res.json()) as ErrorJson;
    expect(err.error.details).toEqual([{ row: 5, column: "arr", message: expect.stringMatching(/negative/) }]);
    const ok = await upload(ws, "kind=accounts", csv.replace("(1.200,00)", "1.200,00"));
    expect(ok.status).toBe(201);
    const body = (await ok.json()) as DatasetJson;
    expect(body.rows).toBe(3);
    expect(body.columns.find((c) => c.name === "arr")?.source).toBe("Annual Revenue");
    expect(body.warnings.join(" ")).toMatch(/Notes/);
    const cols = await readColumns(env, (await latestDataset(env, ws.id, "accounts"))!);
    expect(Array.from(cols.numeric.arr)).toEqual([1234.56, 12000, 1200]);
    expect(Array.from(cols.numeric.renewed)).toEqual([1, 0, 0]);
    expect(cols.text.notes).toEqual(["line one\r\nline two", "ok", "neg"]);
  });

  it("parses money, percentages, accounting negatives, Excel serials and M/D/YYYY in a comma file", async () => {
    const ws = await createWorkspace();
    const csv =
      "account_id,arr,expansion,renewal_date,renewed\n" +
      'X1,"$12,000.00",12%,45688,TRUE\n' +
      'X2,"12,500",-5%,1/31/2025,false\n' +
      "X3,0,0.25,2025-01-31,Renewed\n";
    const res = await upload(ws, "kind=accounts", csv);
    expect(res.status).toBe(201);
    const cols = await readColumns(env, (await latestDataset(env, ws.id, "accounts"))!);
    expect(Array.from(cols.numeric.arr)).toEqual([12000, 12500, 0]);
    expect(Array.from(cols.numeric.expansion)).toEqual([0.12, -0.05, 0.25]);
    // Excel serial 45688 = 2025-01-31 (serial 1 = 1900-01-01 with Excel's 1900 leap-day bug); all three are that day.
    const day = Date.UTC(2025, 0, 31) / 86400000;
    expect(Array.from(cols.numeric.renewal_date)).toEqual([day, day, day]);
    expect(Array.from(cols.numeric.renewed)).toEqual([1, 0, 1]);
  });

  it("takes multipart/form-data with field `file`, the mapping parameter and a 10-point CSAT scale", async () => {
    const ws = await createWorkspace();
    const csv = "Who,When,LTR,Sat,Stage\nA1,2025-01-05,9,10,onboarding\nA1,2025-02-05,6,7,support\nZZ,2025-02-06,10,9,billing\n";
    const form = new FormData();
    form.append("file", new File([csv], "survey.csv", { type: "text/csv" }));
    const mapping = encodeURIComponent(JSON.stringify({ account_id: "Who", date: "When", nps: "LTR", csat: "Sat", touchpoint: "Stage" }));
    const res = await call(`/api/workspaces/${ws.id}/datasets?kind=responses&csatScale=10&mapping=${mapping}`, {
      method: "POST",
      token: ws.token,
      body: form,
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as DatasetJson;
    expect(body.name).toBe("survey.csv");
    expect(body.rows).toBe(3);
    const r = (await loadResponses(env, ws.id))!;
    expect(r.csatScale).toBe(10);
    expect(Array.from(r.nps)).toEqual([9, 6, 10]);
    expect(Array.from(r.csat)).toEqual([10, 7, 9]);
    expect(r.touchpoint).toEqual(["onboarding", "support", "billing"]);
  });

  it("reads an xlsx made in the test: first sheet or sheet=, shared strings, numbers, date-styled cells", async () => {
    const ws = await createWorkspace();
    const xlsx = makeXlsx(
      {
        Notes: [["just a note"]],
        Tx: [
          ["Customer ID", "Order Date", "Amount"],
          ["c1", 45688, 10.5],
          ["c1", "2025-02-01", 20],
          ["c2", 45690, 0],
        ],
      },
      { dateColumn: 1 },
    );
    const first = await upload(ws, "kind=transactions", xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    expect(first.status).toBe(422); // the first sheet has no customer_id/date/amount
    const res = await upload(ws, "kind=transactions&sheet=Tx", xlsx, "application/octet-stream");
    expect(res.status).toBe(201);
    const t = (await loadTransactions(env, ws.id))!;
    expect(t.customerId).toEqual(["c1", "c1", "c2"]);
    expect(Array.from(t.amount)).toEqual([10.5, 20, 0]);
    const d = Date.UTC(2025, 0, 31) / 86400000; // serial 45688 with a date style = 2025-01-31
    expect(Array.from(t.date)).toEqual([d, d + 1, d + 2]);
    const missing = await upload(ws, "kind=transactions&sheet=Nope", xlsx);
    expect(missing.status).toBe(422);
    expect(((await missing.json()) as ErrorJson).error.message).toMatch(/"Notes", "Tx"/);
  });

  it("a file that lacks required columns gets its header row back with the 422 (xlsx and CSV), so the UI can offer a mapping", async () => {
    const ws = await createWorkspace();
    // The header rows are the ones written into the files here.
    const xlsx = makeXlsx(
      {
        Tx: [
          ["Customer ID", "Order Date", "Amount"],
          ["c1", 45688, 10.5],
        ],
      },
      { dateColumn: 1 },
    );
    const res = await upload(ws, "kind=accounts&dryRun=true", xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    expect(res.status).toBe(422);
    const body = (await res.json()) as ErrorJson & { error: { headers?: string[] } };
    expect(body.error.code).toBe("invalid_file");
    expect(body.error.details.map((d) => d.column)).toContain("arr"); // "Customer ID" is a synonym of account_id; no ARR column
    expect(body.error.headers).toEqual(["Customer ID", "Order Date", "Amount"]);
    const csv = await upload(ws, "kind=responses", "Acct;When;Score\nA1;2025-01-02;9\n");
    expect(csv.status).toBe(422);
    expect(((await csv.json()) as { error: { headers?: string[] } }).error.headers).toEqual(["Acct", "When", "Score"]);
  });

  it("dryRun=true validates, previews the first rows with the detected mapping, and stores nothing", async () => {
    const ws = await createWorkspace();
    const res = await upload(ws, "kind=accounts&dryRun=true", ACCOUNTS);
    expect(res.status).toBe(200);
    const body = (await res.json()) as DatasetJson;
    expect(body.id).toBeNull();
    expect(body.rows).toBe(3);
    expect(body.preview!.headers[0]).toBe("account_id");
    expect(body.preview!.rows[1][0]).toBe("A2");
    expect(await r2Keys(`raw/${ws.id}/`)).toEqual([]);
    const list = (await (await call(`/api/workspaces/${ws.id}/datasets`, { token: ws.token })).json()) as { datasets: unknown[] };
    expect(list.datasets).toEqual([]);
  });

  it("deletes a dataset with its R2 objects", async () => {
    const ws = await createWorkspace();
    const id = ((await (await upload(ws, "kind=accounts", ACCOUNTS)).json()) as DatasetJson).id;
    const del = await call(`/api/workspaces/${ws.id}/datasets/${id}`, { method: "DELETE", token: ws.token });
    expect(del.status).toBe(204);
    expect(await r2Keys(`raw/${ws.id}/`)).toEqual([]);
    expect(await r2Keys(`cols/${ws.id}/`)).toEqual([]);
    expect((await call(`/api/workspaces/${ws.id}/datasets/${id}`, { token: ws.token })).status).toBe(404);
  });
});

describe("dataset intake: bad files", () => {
  it("NPS 11 on file row 5 → 422 naming row 5 and column nps; dataset list and bucket unchanged", async () => {
    const ws = await createWorkspace();
    await upload(ws, "kind=accounts", ACCOUNTS);
    const before = await (await call(`/api/workspaces/${ws.id}/datasets`, { token: ws.token })).json();
    const keysBefore = await r2Keys("");
    const csv = "account_id,date,nps,csat\nA1,2025-01-01,9,5\nA2,2025-01-02,7,4\nA3,2025-01-03,3,2\nA1,2025-01-04,11,5\n";
    const res = await upload(ws, "kind=responses", csv);
    expect(res.status).toBe(422);
    const err = (await res.json()) as ErrorJson;
    expect(err.error.code).toBe("invalid_file");
    expect(err.error.details).toEqual([{ row: 5, column: "nps", message: "11 is outside 0-10" }]);
    expect(await (await call(`/api/workspaces/${ws.id}/datasets`, { token: ws.token })).json()).toEqual(before);
    expect(await r2Keys("")).toEqual(keysBefore);
  });

  it("lists every bad cell with its physical file row when quoted fields span lines", async () => {
    const ws = await createWorkspace();
    const csv = 'account_id,arr,renewed\r\n"A\r\n1",abc,maybe\r\nA2,-5,1\r\nA2,10,1\r\n,10,1\r\n';
    const res = await upload(ws, "kind=accounts", csv);
    expect(res.status).toBe(422);
    const err = (await res.json()) as ErrorJson;
    // Lines: header 1; "A\r\n1" spans 2-3; A2 on 4; duplicate A2 on 5; blank id on 6.
    expect(err.error.details.map((d) => [d.row, d.column])).toEqual([
      [2, "arr"],
      [2, "renewed"],
      [4, "arr"],
      [5, "account_id"],
      [6, "account_id"],
    ]);
    expect(err.error.details[3].message).toMatch(/duplicate account_id "A2" \(first on row 4\)/);
  });

  it("answers a mapping to a missing header with 422 naming it, an unknown kind with 400, no required column with 422", async () => {
    const ws = await createWorkspace();
    const m = encodeURIComponent(JSON.stringify({ account_id: "Client Ref" }));
    const res = await upload(ws, `kind=accounts&mapping=${m}`, ACCOUNTS);
    expect(res.status).toBe(422);
    const err = (await res.json()) as ErrorJson;
    expect(err.error.code).toBe("invalid_mapping");
    expect(err.error.details[0].column).toBe("Client Ref");
    expect((await upload(ws, "kind=invoices", ACCOUNTS)).status).toBe(400);
    const noArr = await upload(ws, "kind=accounts", "account_id,foo\nA,1\n");
    expect(noArr.status).toBe(422);
    expect(((await noArr.json()) as ErrorJson).error.details[0]).toMatchObject({ row: 1, column: "arr" });
  });

  it("refuses empty, header-only, binary and unclosed-quote files without storing anything", async () => {
    const ws = await createWorkspace();
    for (const [body, code] of [
      ["", "invalid_file"],
      ["account_id,arr\n", "invalid_file"],
      [new Uint8Array([0, 1, 2, 3, 255, 254, 0, 7, 8, 0, 0, 1]), "invalid_file"],
      ['account_id,arr\nA,"12\n', "invalid_file"],
      [zipSync({ "hello.txt": strToU8("hi") }), "invalid_file"],
    ] as const) {
      const res = await upload(ws, "kind=accounts", body as BodyInit);
      expect(res.status).toBe(422);
      expect(((await res.json()) as ErrorJson).error.code).toBe(code);
    }
    expect(await r2Keys(`raw/${ws.id}/`)).toEqual([]);
  });

  it("a viewer cannot upload (403); another workspace's token gets 404; no token 401", async () => {
    const ws = await createWorkspace();
    const other = await createWorkspace();
    const viewer = await tokenFor(ws, "viewer");
    expect((await upload(ws, "kind=accounts", ACCOUNTS, "text/csv", viewer)).status).toBe(403);
    expect((await upload(ws, "kind=accounts", ACCOUNTS, "text/csv", other.token)).status).toBe(404);
    const none = await call(`/api/workspaces/${ws.id}/datasets?kind=accounts`, { method: "POST", body: ACCOUNTS });
    expect(none.status).toBe(401);
    expect(await r2Keys(`raw/${ws.id}/`)).toEqual([]);
  });
});

// Workbooks written by openpyxl 3.0.9 (test/worker/fixtures/make: see the comment in each test):
// inline strings, a currency and a percent number format, a date-formatted column, a merged header cell,
// a first sheet that is not the data.
const workbooks = import.meta.glob("./fixtures/*.xlsx", { query: "?url&inline", import: "default", eager: true }) as Record<string, string>;
const workbook = (name: string) => {
  const url = workbooks[`./fixtures/${name}`];
  const bin = atob(url.slice(url.indexOf(",") + 1));
  return Uint8Array.from(bin, (ch) => ch.charCodeAt(0));
};

describe("xlsx written by openpyxl", () => {
  it("reads the named sheet with synonyms, date styles and percentages", async () => {
    const ws = await createWorkspace();
    const res = await upload(
      ws,
      "kind=accounts&sheet=Renewals",
      workbook("openpyxl-renewals.xlsx"),
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    );
    expect(res.status).toBe(201);
    const body = (await res.json()) as DatasetJson;
    expect(body.rows).toBe(3);
    expect(body.columns.map((c) => [c.name, c.source])).toEqual([
      ["account_id", "Customer ID"],
      ["arr", "Annual Revenue"],
      ["renewed", "Renewal Status"],
      ["segment", "Segment"],
      ["renewal_date", "Contract End"],
      ["expansion", "Expansion"],
      ["notes", "Notes"],
    ]);
    const cols = await readColumns(env, (await latestDataset(env, ws.id, "accounts"))!);
    // The values the Python script wrote: 12000, 50000.5, 8000; Renewed/Churned; 2025-01-31, 2025-03-01, 2025-06-15; 0.12, -0.05, 0.
    expect(Array.from(cols.numeric.arr)).toEqual([12000, 50000.5, 8000]);
    expect(Array.from(cols.numeric.renewed)).toEqual([1, 0, 1]);
    expect(Array.from(cols.numeric.renewal_date)).toEqual(
      [Date.UTC(2025, 0, 31), Date.UTC(2025, 2, 1), Date.UTC(2025, 5, 15)].map((t) => t / 86400000),
    );
    expect(Array.from(cols.numeric.expansion)).toEqual([0.12, -0.05, 0]);
  });

  it("a formula without a cached value is an empty cell: arr required on row 4", async () => {
    // openpyxl writes "=B2+B3" into B4 with no cached result (Excel would compute it on open).
    const ws = await createWorkspace();
    const res = await upload(ws, "kind=accounts&sheet=2", workbook("openpyxl-renewals-formula.xlsx"));
    expect(res.status).toBe(422);
    const err = (await res.json()) as ErrorJson;
    expect(err.error.details).toEqual([{ row: 4, column: "arr", message: expect.stringMatching(/required.*Annual Revenue/) }]);
  });
});
