import { describe, expect, it } from "vitest";
import { approxBytes, ByteLru, forgetDatasetInIsolateCaches, registeredLru, releaseIsolateCaches } from "../../worker/data/isolate-cache";

/** The byte-bounded LRU behind the what-if cache (worker/data/isolate-cache.ts). Sizes are given by hand here. */
describe("ByteLru", () => {
  it("evicts the least recently used entries once over its byte budget", async () => {
    const lru = new ByteLru<string>(100);
    const size = () => 40;
    await lru.get("a", async () => "A", size);
    await lru.get("b", async () => "B", size);
    await lru.get("a", async () => "A2", size); // hit: "a" becomes the most recent
    await lru.get("c", async () => "C", size); // 120 > 100: "b" (least recent) goes
    expect(lru.has("a")).toBe(true);
    expect(lru.has("b")).toBe(false);
    expect(lru.has("c")).toBe(true);
    expect(lru.bytes).toBe(80);
    expect(await lru.get("a", async () => "other", size)).toBe("A");
  });

  it("computes a value once for concurrent misses, and keeps neither failures nor values over the budget", async () => {
    const lru = new ByteLru<number>(100);
    let calls = 0;
    const make = async () => {
      calls++;
      await new Promise((r) => setTimeout(r, 5));
      return 7;
    };
    const got = await Promise.all(Array.from({ length: 10 }, () => lru.get("k", make, () => 8)));
    expect(got).toEqual(new Array(10).fill(7));
    expect(calls).toBe(1);

    await expect(
      lru.get(
        "bad",
        () => Promise.reject(new Error("boom")),
        () => 1,
      ),
    ).rejects.toThrow("boom");
    expect(lru.has("bad")).toBe(false);

    expect(
      await lru.get(
        "huge",
        async () => 1,
        () => 101,
      ),
    ).toBe(1);
    expect(lru.has("huge")).toBe(false);
    expect(lru.bytes).toBe(8);
  });

  it("forgets the entries naming an id", async () => {
    const lru = new ByteLru<number>(1000);
    await lru.get(
      "join|w1|d1|d2|",
      async () => 1,
      () => 10,
    );
    await lru.get(
      "book|w1|d1|d2|m1|",
      async () => 2,
      () => 10,
    );
    await lru.get(
      "join|w1|d3|d2|",
      async () => 3,
      () => 10,
    );
    lru.forget("|d1|");
    expect([lru.has("join|w1|d1|d2|"), lru.has("book|w1|d1|d2|m1|"), lru.has("join|w1|d3|d2|")]).toEqual([false, false, true]);
    expect(lru.bytes).toBe(10);
  });

  it("estimates bytes: typed arrays by their length, repeated strings once", () => {
    // 1000 doubles = 8000 bytes; an array of 100 pointers (16 + 800) and two distinct 3-letter strings (2 × 22).
    expect(approxBytes(new Float64Array(1000))).toBe(8000);
    expect(approxBytes(Array.from({ length: 100 }, (_, i) => (i % 2 ? "SMB" : "Ent")))).toBe(16 + 800 + 2 * (16 + 6));
  });
});

describe("the isolate's cache registry", () => {
  it("forgets a deleted dataset's entries in every registered cache and empties them all before big work", async () => {
    const a = registeredLru(new ByteLru<number>(1000));
    const b = registeredLru(new ByteLru<number>(1000));
    const size = () => 10;
    await a.get("book|w1|d_1|d_2|", async () => 1, size);
    await a.get("book|w1|d_3|d_4|", async () => 2, size);
    await b.get("|d_1||month|", async () => 3, size);
    await b.get("|d_5||month|", async () => 4, size);
    forgetDatasetInIsolateCaches("d_1");
    expect([a.has("book|w1|d_1|d_2|"), a.has("book|w1|d_3|d_4|"), b.has("|d_1||month|"), b.has("|d_5||month|")]).toEqual([
      false,
      true,
      false,
      true,
    ]);
    // An id that is only a prefix of another (d_3 vs d_30) is not confused with it.
    await a.get("book|w1|d_30|-|", async () => 5, size);
    forgetDatasetInIsolateCaches("d_3");
    expect(a.has("book|w1|d_30|-|")).toBe(true);
    releaseIsolateCaches();
    expect([a.size, a.bytes, b.size, b.bytes]).toEqual([0, 0, 0, 0]);
  });
});
