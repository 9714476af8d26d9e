/// <reference lib="webworker" />
/** Web Worker: recomputes the what-if's 95% band (seeded β draws) off the main thread. */
import { toBook, withInterval, type Book, type WhatIfParams } from "./whatif-engine";
import type { ModelAccounts } from "./api-types";

let book: Book | null = null;

self.onmessage = (e: MessageEvent) => {
  const msg = e.data as { type: "init"; accounts: ModelAccounts } | { type: "run"; seq: number; params: WhatIfParams; draws: number };
  if (msg.type === "init") {
    book = toBook(msg.accounts);
    return;
  }
  if (!book) return;
  try {
    const t0 = performance.now();
    const r = withInterval(book, msg.params, msg.draws);
    (self as unknown as Worker).postMessage({ seq: msg.seq, result: r, ms: performance.now() - t0 });
  } catch (err) {
    (self as unknown as Worker).postMessage({ seq: msg.seq, error: err instanceof Error ? err.message : String(err) });
  }
};
