/**
 * The browser's what-if: the same models/scenario/scenario.ts the worker runs, on the model's per-account design
 * (GET .../models/:id/accounts). Point estimates run on the main thread on every slider move; the 95% band
 * (seeded draws of β) runs in a Web Worker (whatif-worker.js) so the page never stalls.
 */
import { runScenario, type ScenarioInput, type ScenarioResult } from "../../models/scenario/scenario";
import type { ModelAccounts } from "./api-types";

export interface WhatIfParams {
  nps: number;
  csat: number;
  segment: string;
  investment: number;
  horizonYears: number;
  grossMargin: number;
  annualDiscountRate: number;
}

export interface Book {
  terms: string[];
  beta: number[];
  cov: number[][];
  X: Float64Array;
  arr: Float64Array;
  segment: (string | null)[];
  clip?: Record<string, [number, number]>;
  masks: Map<string, Uint8Array>;
}

/** Typed arrays from the JSON answer (done once per model). */
export function toBook(a: ModelAccounts): Book {
  return {
    terms: a.terms,
    beta: a.beta,
    cov: a.cov,
    X: Float64Array.from(a.X),
    arr: Float64Array.from(a.arr),
    segment: a.segment,
    // The API's [lo, hi] pairs (number[] in the client's JSON types) as the tuples models/ takes.
    clip: Object.fromEntries(Object.entries(a.clip).map(([k, [lo, hi]]): [string, [number, number]] => [k, [lo, hi]])),
    masks: new Map(),
  };
}

/** The change dictionary for the model's terms (only CX terms the model has, only non-zero). */
export function changeOf(book: Pick<Book, "terms">, p: Pick<WhatIfParams, "nps" | "csat">): Record<string, number> {
  const c: Record<string, number> = {};
  if (p.nps && book.terms.includes("nps")) c.nps = p.nps;
  if (p.csat && book.terms.includes("csat")) c.csat = p.csat;
  return c;
}

function mask(book: Book, segment: string): Uint8Array | undefined {
  if (!segment) return undefined;
  let m = book.masks.get(segment);
  if (!m) {
    m = new Uint8Array(book.arr.length);
    for (let i = 0; i < m.length; i++) m[i] = book.segment[i] === segment ? 1 : 0;
    book.masks.set(segment, m);
  }
  return m;
}

/** The ScenarioInput of models/scenario/scenario.ts for these slider values. */
export function scenarioInput(book: Book, p: WhatIfParams, draws: number): ScenarioInput {
  return {
    terms: book.terms,
    beta: book.beta,
    cov: book.cov,
    X: book.X,
    arr: book.arr,
    change: changeOf(book, p),
    clip: book.clip,
    rowMask: mask(book, p.segment),
    horizonYears: p.horizonYears,
    annualDiscountRate: p.annualDiscountRate,
    grossMargin: p.grossMargin,
    investment: p.investment,
    draws,
  };
}

/** Point estimate only (draws 0): the fast path for every slider move. */
export function pointEstimate(book: Book, p: WhatIfParams): ScenarioResult {
  return runScenario(scenarioInput(book, p, 0));
}

/** With the interval: `draws` seeded draws of β ~ N(β̂, Σ̂). */
export function withInterval(book: Book, p: WhatIfParams, draws: number): ScenarioResult {
  return runScenario(scenarioInput(book, p, draws));
}

/** Draws for the band: as the server (1000) for books up to 20,000 accounts, fewer above to stay quick. */
export const bandDraws = (n: number) => (n <= 20_000 ? 1000 : n <= 100_000 ? 200 : 100);
