/**
 * The browser's what-if: the same models/scenario code the worker runs (levers.ts turns levers in business units into
 * per-account changes, scenario.ts projects them), on the model's per-account design and answer counts
 * (GET .../models/:id/accounts). Point estimates run on the main thread on every slider move; the 95% band (seeded
 * draws of β) runs in a Web Worker (whatif-worker.js) so the page never stalls.
 */
import {
  type AnswerCounts,
  beyondObservedWarnings,
  type ObservedSpread,
  type ResolvedLevers,
  resolveLevers,
  type Warning,
} from "../../models/scenario/levers";
import { baselineOf, type RowsBaseline, runScenario, type ScenarioInput, type ScenarioResult } from "../../models/scenario/scenario";
import type { ModelAccounts } from "./api-types";

/** How the NPS lever is given: NPS score points, answer points, or shares of detractors / passives. */
export type NpsMode = "score" | "answer" | "shares";
/** How the CSAT lever is given: pp of satisfied answers, or answer points. */
export type CsatMode = "pp" | "answer";

export interface WhatIfParams {
  npsMode: NpsMode;
  /** NPS score points (−100..100), used in mode "score". */
  npsScore: number;
  /** Points on every 0-10 answer, used in mode "answer". */
  nps: number;
  /** Shares 0-1, used in mode "shares". */
  detractorsToPassives: number;
  passivesToPromoters: number;
  csatMode: CsatMode;
  /** pp of satisfied answers, used in mode "pp". */
  csatPp: number;
  /** Points on every CSAT answer, used in mode "answer". */
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
  /** Each account's η and renewal probability under β, computed on the first what-if (they do not move with the levers). */
  baseline?: RowsBaseline;
  answers: { all: AnswerCounts; bySegment: Record<string, AnswerCounts>; observedSpread: ObservedSpread };
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
    answers: a.answers,
  };
}

/** The scenario `change` of the API for these inputs (only CX terms the model has, only non-zero). */
export function changeOf(
  book: Pick<Book, "terms">,
  p: Omit<WhatIfParams, "segment" | "investment" | "horizonYears" | "grossMargin" | "annualDiscountRate">,
): Record<string, number> {
  const c: Record<string, number> = {};
  if (book.terms.includes("nps")) {
    if (p.npsMode === "score" && p.npsScore) c.npsScore = p.npsScore;
    if (p.npsMode === "answer" && p.nps) c.nps = p.nps;
    if (p.npsMode === "shares") {
      if (p.detractorsToPassives) c.detractorsToPassives = p.detractorsToPassives;
      if (p.passivesToPromoters) c.passivesToPromoters = p.passivesToPromoters;
    }
  }
  if (book.terms.includes("csat")) {
    if (p.csatMode === "pp" && p.csatPp) c.csatPp = p.csatPp;
    if (p.csatMode === "answer" && p.csat) c.csat = p.csat;
  }
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

/** The levers resolved on the answers of the accounts the change applies to (all, or the segment's). */
export function leversOf(book: Book, p: WhatIfParams): ResolvedLevers {
  const counts = p.segment ? book.answers.bySegment[p.segment] : book.answers.all;
  return resolveLevers(changeOf(book, p), counts ?? book.answers.all);
}

/** The ScenarioInput of models/scenario/scenario.ts for these slider values. */
export function scenarioInput(book: Book, p: WhatIfParams, draws: number, levers = leversOf(book, p)): ScenarioInput {
  return {
    terms: book.terms,
    beta: book.beta,
    cov: book.cov,
    X: book.X,
    arr: book.arr,
    change: levers.change,
    bands: levers.bands,
    clip: book.clip,
    rowMask: mask(book, p.segment),
    baseline: (book.baseline ??= baselineOf(book.beta, book)),
    horizonYears: p.horizonYears,
    annualDiscountRate: p.annualDiscountRate,
    grossMargin: p.grossMargin,
    investment: p.investment,
    draws,
  };
}

export interface WhatIfAnswer {
  result: ScenarioResult;
  levers: ResolvedLevers;
  warnings: Warning[];
}

/** Point estimate only (draws 0): the fast path for every slider move. */
export function pointEstimate(book: Book, p: WhatIfParams): WhatIfAnswer {
  const levers = leversOf(book, p);
  return {
    result: runScenario(scenarioInput(book, p, 0, levers)),
    levers,
    warnings: beyondObservedWarnings(levers.scores, book.answers.observedSpread),
  };
}

/** With the interval: `draws` seeded draws of β ~ N(β̂, Σ̂). */
export function withInterval(book: Book, p: WhatIfParams, draws: number): ScenarioResult {
  return runScenario(scenarioInput(book, p, draws));
}

/** Draws for the band: as the server (1000) for books up to 20,000 accounts, fewer above to stay quick. */
export const bandDraws = (n: number) => (n <= 20_000 ? 1000 : n <= 100_000 ? 200 : 100);
