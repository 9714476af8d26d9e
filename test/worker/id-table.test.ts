/** The compact id table (worker/data/id-table.ts) against a plain Map<string, number> as the reference. */
import { describe, expect, it } from "vitest";
import { IdTable } from "../../worker/data/id-table";

describe("IdTable", () => {
  it("gives the same codes as a Map in insertion order and reads every id back, through many rehashes", () => {
    const t = new IdTable();
    const ref = new Map<string, number>();
    // 300,000 ids (the table starts at 2,048 slots, so it rehashes many times) with repeats, non-ASCII text,
    // surrogate pairs, a long id (over the 4,096-unit chunk of name()) and ids that differ only at the end.
    const ids: string[] = [];
    for (let i = 0; i < 300_000; i++) ids.push(i % 7 === 0 ? `C${i % 1000}` : `C${i}`);
    ids.push("Zoë", "客户-42", "😀x", "😀y", "x".repeat(10_000), "x".repeat(9_999) + "y", " ", "C0 ");
    const got: number[] = [],
      want: number[] = [];
    for (const id of ids) {
      if (!ref.has(id)) ref.set(id, ref.size);
      got.push(t.add(id));
      want.push(ref.get(id)!);
    }
    expect(got).toEqual(want);
    expect(t.size).toBe(ref.size);
    const keys = [...ref.keys()];
    expect(keys.map((id) => t.get(id))).toEqual([...ref.values()]);
    expect(keys.map((_, c) => t.name(c))).toEqual(keys);
    expect(t.get("C300000")).toBe(-1);
    expect(t.get("x".repeat(9_998))).toBe(-1);
    t.freeze();
    expect(t.name(ref.get("😀y")!)).toBe("😀y");
  });
});
