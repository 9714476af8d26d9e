/**
 * Pareto/NBD and BG/BB against their published fits and an independent numpy/scipy computation:
 * bench/peers/pareto_nbd_bgbb.py (its own likelihoods, Nelder-Mead + BFGS, scipy.special.hyp2f1 / betaln), run once with
 * `python3 bench/peers/pareto_nbd_bgbb.py /work/shared/datasets/cdnow` (numpy 2.4, scipy 1.17).
 */
import { describe, expect, it } from "vitest";
import { fitBgbb } from "../../models/clv/bgbb";
import { fitParetoNbd, lnHyp2f1Unit, paretoNbdConditionalGrowth, paretoNbdPAlive } from "../../models/clv/pareto-nbd";
import { lnHyp2f1 } from "../../models/numeric/hyp2f1";
import { DATA, num, readCsv } from "./published-data";

const c = readCsv(`${DATA}/cdnow/cdnow_customers_summary.csv`);
const cdnow = { frequency: num(c.frequency), recency: num(c.recency), T: num(c.T) };

describe("Pareto/NBD on CDNOW (weeks)", () => {
  const fit = fitParetoNbd(cdnow);
  it("reproduces the published fit r 0.55, α 10.58, s 0.61, β 11.67, LL −9595.0, and the scipy peer to 1e-3", () => {
    // Published (Fader, Hardie & Lee 2005 / Hardie's Pareto/NBD notes; PROVENANCE.md): 2 decimals.
    expect(fit.r).toBeCloseTo(0.55, 2);
    expect(fit.alpha).toBeCloseTo(10.58, 2);
    expect(fit.s).toBeCloseTo(0.61, 2);
    expect(fit.beta).toBeCloseTo(11.67, 2);
    expect(fit.logLik).toBeCloseTo(-9595.0, 0);
    // Peer: 0.5532755, 10.5776124, 0.6062134, 11.6679067, LL −9594.97393.
    expect(Math.abs(fit.r - 0.5532755)).toBeLessThan(1e-3);
    expect(Math.abs(fit.alpha - 10.5776124)).toBeLessThan(1e-3 * 10.58);
    expect(Math.abs(fit.s - 0.6062134)).toBeLessThan(1e-3);
    expect(Math.abs(fit.beta - 11.6679067)).toBeLessThan(1e-3 * 11.67);
    expect(fit.logLik).toBeCloseTo(-9594.97393, 3);
    expect(fit.converged).toBe(true);
  });
  it("P(alive) and the conditional expectation equal the scipy peer", () => {
    const p = { r: 0.5532755355764017, alpha: 10.577612429170994, s: 0.6062134133289159, beta: 11.667906681573118 };
    expect(paretoNbdPAlive(p, 2, 30.43, 38.86)).toBeCloseTo(0.8691187368793105, 9);
    expect(paretoNbdPAlive(p, 0, 0, 38.86)).toBeCloseTo(0.2950971662249431, 9);
    expect(paretoNbdConditionalGrowth(p, 2, 38.86, 39) * paretoNbdPAlive(p, 2, 30.43, 38.86)).toBeCloseTo(1.455113043519015, 9);
  });
});

describe("BG/BB on the donations data (Fader, Hardie & Shang 2010)", () => {
  const d = readCsv(`${DATA}/cdnow/donations.csv`);
  const fit = fitBgbb({ frequency: num(d.frequency), recency: num(d.recency), periods: num(d.periods), weights: num(d.weights) });
  it("reproduces the published fit α 1.204, β 0.750, γ 0.657, δ 2.783, LL −33225.6, and the scipy peer to 1e-3", () => {
    expect(fit.alpha).toBeCloseTo(1.204, 3);
    expect(fit.beta).toBeCloseTo(0.75, 3);
    expect(fit.gamma).toBeCloseTo(0.657, 3);
    expect(fit.delta).toBeCloseTo(2.783, 3);
    expect(fit.logLik).toBeCloseTo(-33225.6, 1);
    // Peer: 1.2035222, 0.7497163, 0.6567183, 2.7834426, LL −33225.58127.
    expect(Math.abs(fit.alpha - 1.2035222)).toBeLessThan(1e-3);
    expect(Math.abs(fit.beta - 0.7497163)).toBeLessThan(1e-3);
    expect(Math.abs(fit.gamma - 0.6567183)).toBeLessThan(1e-3);
    expect(Math.abs(fit.delta - 2.7834426)).toBeLessThan(1e-3);
    expect(fit.logLik).toBeCloseTo(-33225.58127, 3);
    expect(fit.nCustomers).toBe(11104);
  });
  it("rejects a row with recency beyond the periods, naming it", () => {
    expect(() => fitBgbb({ frequency: [1], recency: [7], periods: [6] })).toThrow(/row 1/);
  });
});

describe("ln ₂F₁(1, b; c; z) of the Pareto/NBD's Euler-transformed A₀", () => {
  it("equals the general log-space series (models/numeric/hyp2f1.ts) and the closed form −ln(1−z)/z", () => {
    expect(Math.exp(lnHyp2f1Unit(1, 2, 0.5))).toBeCloseTo(-Math.log(0.5) / 0.5, 14);
    for (const [b, c, z] of [
      [0.8, 3.2, 0.3],
      [2.5, 4.1, 0.95],
      [1.6, 12, 0.999],
    ])
      expect(lnHyp2f1Unit(b, c, z)).toBeCloseTo(lnHyp2f1(1, b, c, z), 10);
  });
});
