/** Parser for NIST StRD linear regression .dat files (certified values and data). */
import { readFileSync } from "node:fs";

export interface NistCase {
  name: string;
  /** Certified estimates and their standard deviations, B0.. in order. */
  estimates: number[];
  stdDevs: number[];
  residualSd: number;
  rSquared: number;
  /** F statistic from the ANOVA table (Infinity for exact fits). */
  fStatistic: number;
  y: number[];
  /** Data columns after y (one for the polynomial and no-intercept files, six for Longley). */
  x: number[][];
}

export const NIST_DIR = "/work/shared/datasets/nist";

export function readNist(name: string): NistCase {
  const lines = readFileSync(`${NIST_DIR}/${name}.dat`, "utf8").split(/\r?\n/);
  const head = lines.slice(0, 15).join("\n");
  const cert = /Certified Values\s*\(lines (\d+) to (\d+)\)/.exec(head)!;
  const dat = /Data\s*\(lines (\d+) to (\d+)\)/.exec(head)!;
  const estimates: number[] = [];
  const stdDevs: number[] = [];
  let residualSd = NaN;
  let rSquared = NaN;
  let fStatistic = NaN;
  for (const line of lines.slice(+cert[1] - 1, +cert[2])) {
    const b = /^\s*B\d+\s+(\S+)\s+(\S+)/.exec(line);
    if (b) {
      estimates.push(Number(b[1]));
      stdDevs.push(Number(b[2]));
    }
    const sd = /Standard Deviation\s+(\S+)/.exec(line);
    if (sd && !/Parameter|of Estimate/.test(line)) residualSd = Number(sd[1]);
    const r2 = /R-Squared\s+(\S+)/.exec(line);
    if (r2) rSquared = Number(r2[1]);
    const f = /^Regression\s+\d+\s+\S+\s+\S+\s+(\S+)/.exec(line);
    if (f) fStatistic = f[1] === "Infinity" ? Infinity : Number(f[1]);
  }
  const rows = lines.slice(+dat[1] - 1, +dat[2]).map((l) => l.trim().split(/\s+/).map(Number));
  const y = rows.map((r) => r[0]);
  const x = rows[0].slice(1).map((_, j) => rows.map((r) => r[j + 1]));
  return { name, estimates, stdDevs, residualSd, rSquared, fStatistic, y, x };
}

/** Log relative error (NIST / McCullough): −log10(|q − c| / |c|), or −log10|q| when c = 0; capped at 15. */
export function lre(q: number, c: number): number {
  if (q === c) return 15;
  const v = c === 0 ? -Math.log10(Math.abs(q)) : -Math.log10(Math.abs(q - c) / Math.abs(c));
  return Math.min(15, v);
}
