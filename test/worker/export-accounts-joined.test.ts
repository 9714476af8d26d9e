import { describe, expect, it } from "vitest";
import { auth, call, newWorkspace, upload } from "./support/api";
import { readChecked } from "./support/json-check";

/**
 * GET .../export/accounts.csv with neither `model` nor `scenario`: the contract
 * has no required parameter, so it exports the joined accounts.
 * Expected values are worked by hand from the uploaded rows: NPS is the mean
 * of each account's 0-10 answers, an account without responses has none.
 */
describe("accounts.csv without a model: the joined accounts", () => {
  it("one row per account, its columns and the mean of its responses", async () => {
    const ws = await newWorkspace("Joined export");
    const accounts = [
      "account_id,arr,renewed,segment,renewal_date",
      "A1,1000,1,SMB,2025-03-31",
      "A2,2500,0,Enterprise,2025-06-30",
      "A3,400,1,SMB,2025-01-15",
    ];
    // A1: 9 and 10 (mean 9.5); A2: 3 (mean 3); A3: no responses; Z9 matches no account.
    const responses = ["account_id,nps", "A1,9", "A1,10", "A2,3", "Z9,8"];
    for (const [kind, rows] of [
      ["accounts", accounts],
      ["responses", responses],
    ] as const) {
      const r = await upload(ws.id, ws.token, rows.join("\n") + "\n", { kind });
      expect(r.status, (await readChecked(r, kind)).text).toBe(201);
    }
    const res = await call(`/api/workspaces/${ws.id}/export/accounts.csv`, { headers: auth(ws.token) });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/csv");
    const lines = (await res.text()).trimEnd().split("\r\n");
    const header = lines[0].split(",");
    expect(header.slice(0, 3)).toEqual(["account_id", "segment", "arr"]);
    expect(lines.length).toBe(1 + 3);
    const rows = lines.slice(1).map((l) => Object.fromEntries(l.split(",").map((v, j) => [header[j], v])));
    const byId = Object.fromEntries(rows.map((r) => [r.account_id, r]));
    expect(Object.keys(byId).sort()).toEqual(["A1", "A2", "A3"]);
    expect(byId.A1).toMatchObject({ segment: "SMB", arr: "1000", renewed: "1", nps: "9.5", renewal_date: "2025-03-31" });
    expect(byId.A2).toMatchObject({ segment: "Enterprise", arr: "2500", renewed: "0", nps: "3", renewal_date: "2025-06-30" });
    expect(byId.A3).toMatchObject({ segment: "SMB", arr: "400", renewed: "1", nps: "", renewal_date: "2025-01-15" });
  });
});
