// Types of scripts/synthetic-book.mjs (plain JS with JSDoc) for the TypeScript tests that import it.

/** mulberry32 uniforms with Box–Muller normals, Poisson and integer draws: the same seed, the same stream. */
export function makeRandom(seed: number): {
  uniform: () => number;
  normal: () => number;
  int: (n: number) => number;
  poisson: (mean: number) => number;
};

export const TRUTH: Readonly<Record<"Intercept" | "nps" | "csat" | "log_arr" | "segment[T.Mid-Market]" | "segment[T.SMB]", number>>;
export const SEGMENTS: readonly ["SMB", "Mid-Market", "Enterprise"];
export const REGIONS: readonly ["NA", "EMEA", "APAC", "LATAM"];
export const TOUCHPOINTS: readonly ["onboarding", "support", "billing", "renewal"];

export interface AccountRow {
  account_id: string;
  arr: number;
  renewed: number;
  segment: string;
  region: string;
  tenure_months: number;
  renewal_date: string;
  expansion: number;
  [extra: string]: unknown;
}
export interface ResponseRow {
  account_id: string;
  date: string;
  nps: number;
  csat: number;
  ces: number;
  touchpoint: string;
}
export interface BookOptions {
  accounts?: number;
  seed?: number;
  start?: string;
  days?: number;
  renewalStart?: string;
  renewalDays?: number;
  afterRenewal?: number;
  [option: string]: unknown;
}
export function syntheticBook(options?: BookOptions): {
  accounts: AccountRow[];
  responses: ResponseRow[];
  accountsCsv: string;
  responsesCsv: string;
  truth: typeof TRUTH;
  seed: number;
};
export function toCsv(rows: Record<string, unknown>[], columns: string[]): string;
