import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { decodeBlock, encodeBlock, encodeText, textAt } from "../../worker/data/blocks";
import { latestDataset, readColumns, storeDataset } from "../../worker/data/datasets";
import { loadJoinedAccounts, loadResponses } from "../../worker/data/join";
import { createWorkspace } from "./helpers";

describe("columnar blocks", () => {
  it("round-trips numbers (NaN kept), dates and dictionary-encoded text", () => {
    const text = encodeText(["a", null, "b", "a", ""]);
    expect(Array.from(text.codes)).toEqual([1, 0, 2, 1, 0]);
    expect(text.dict).toEqual(["a", "b"]);
    const bytes = encodeBlock({
      rows: 5,
      firstRow: 65536,
      columns: [
        { name: "x", storage: "num", values: Float64Array.from([1.5, NaN, -2, 0, 1e300]) },
        { name: "t", storage: "text", ...text },
        { name: "d", storage: "date", values: Float64Array.from([0, 1, NaN, 20000, -1]) },
      ],
    });
    const copy = bytes.slice().buffer; // a fresh buffer as R2 returns it
    const b = decodeBlock(copy);
    expect([b.rows, b.firstRow]).toEqual([5, 65536]);
    const [x, t, d] = b.columns;
    expect(x.storage === "num" && Array.from(x.values)).toEqual([1.5, NaN, -2, 0, 1e300]);
    expect(t.storage === "text" && [0, 1, 2, 3, 4].map((i) => textAt(t, i))).toEqual(["a", null, "b", "a", null]);
    expect(d.storage === "date" && Array.from(d.values)).toEqual([0, 1, NaN, 20000, -1]);
    expect(decodeBlock(copy, ["t"]).columns.map((c) => c.name)).toEqual(["t"]);
    expect(() => decodeBlock(new ArrayBuffer(16))).toThrow(/CXB1/);
  });

  it("stores blocks in R2, reads columns back across blocks, and joins accounts with response means", async () => {
    const ws = await createWorkspace("blocks");
    const ids = ["A", "B", "C"];
    await storeDataset(env, {
      id: "d_acc",
      workspaceId: ws.id,
      kind: "accounts",
      name: "acc",
      rows: 3,
      columns: [
        { name: "account_id", type: "text", source: "account_id", storage: "text" },
        { name: "arr", type: "money", source: "arr", storage: "num" },
      ],
      warnings: [],
      options: {},
      blockRows: 2,
      raw: new TextEncoder().encode("raw"),
      contentType: "text/csv",
      blocks: [
        {
          rows: 2,
          firstRow: 0,
          columns: [
            { name: "account_id", storage: "text", ...encodeText(ids.slice(0, 2)) },
            { name: "arr", storage: "num", values: Float64Array.from([100, 0]) },
          ],
        },
        {
          rows: 1,
          firstRow: 2,
          columns: [
            { name: "account_id", storage: "text", ...encodeText(ids.slice(2)) },
            { name: "arr", storage: "num", values: Float64Array.from([Math.E]) },
          ],
        },
      ],
    });
    await storeDataset(env, {
      id: "d_resp",
      workspaceId: ws.id,
      kind: "responses",
      name: "resp",
      rows: 4,
      columns: [
        { name: "account_id", type: "text", source: "account_id", storage: "text" },
        { name: "nps", type: "integer", source: "nps", storage: "num" },
      ],
      warnings: [],
      options: { csatScale: 10 },
      blockRows: 65536,
      raw: new TextEncoder().encode("raw"),
      contentType: "text/csv",
      blocks: [
        {
          rows: 4,
          firstRow: 0,
          columns: [
            { name: "account_id", storage: "text", ...encodeText(["A", "A", "Z", "C"]) },
            { name: "nps", storage: "num", values: Float64Array.from([10, 7, 3, NaN]) },
          ],
        },
      ],
    });
    const acc = await readColumns(env, (await latestDataset(env, ws.id, "accounts"))!);
    expect(acc.text.account_id).toEqual(ids);
    const resp = await loadResponses(env, ws.id);
    expect(resp!.csatScale).toBe(10);
    expect(Array.from(resp!.csat).every(Number.isNaN)).toBe(true); // no csat column: all missing
    const j = await loadJoinedAccounts(env, ws.id);
    // Hand computation: A has nps 10 and 7 → mean 8.5, 2 responses; B none; C one response without nps.
    expect(Array.from(j.numeric.nps)).toEqual([8.5, NaN, NaN]);
    expect(Array.from(j.numeric.responses)).toEqual([2, 0, 1]);
    expect(j.numeric.log_arr[0]).toBeCloseTo(Math.log(100), 12);
    expect(Number.isNaN(j.numeric.log_arr[1])).toBe(true); // ln(0) is not finite: missing
    expect(j.numeric.log_arr[2]).toBeCloseTo(1, 12);
    expect(j.report).toEqual({ accounts: 3, responses: 4, matchedAccounts: 2, orphanResponses: 1, accountsWithoutResponses: 1 });
  });
});
