import { describe, expect, it } from "vitest";
import {
  betaInc,
  chi2Sf,
  digamma,
  trigamma,
  fSf,
  gammaP,
  gammaQ,
  lnGamma,
  normalCdf,
  normalQuantile,
  normalTwoSided,
  tQuantile,
  tTwoSided,
} from "../../models/numeric/distributions";

// Every expected value below was computed independently with scipy 1.10 (Debian python3-scipy):
// scipy.special.gammaln / betainc / gammaincc / gammainc and scipy.stats norm / t / chi2 / f.
const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe("special functions (vs scipy.special)", () => {
  it("lnGamma", () => {
    expect(rel(lnGamma(0.5), 0.5723649429247)).toBeLessThan(1e-12);
    expect(rel(lnGamma(100.5), 361.43554046777757)).toBeLessThan(1e-13);
    expect(rel(lnGamma(1e-3), 6.907178885383853)).toBeLessThan(1e-12);
  });
  it("regularized incomplete beta and gamma", () => {
    expect(rel(betaInc(0.3, 2.5, 0.5), 0.018927124071945658)).toBeLessThan(1e-12);
    expect(rel(betaInc(0.999996, 500000, 0.5), 0.04550010192315519)).toBeLessThan(1e-7); // huge df: lnBeta cancellation
    expect(rel(gammaQ(3.5, 7.2), 0.04450749951455075)).toBeLessThan(1e-12);
    expect(rel(gammaP(0.5, 0.01), 0.11246291601828491)).toBeLessThan(1e-12);
  });
});

describe("digamma and trigamma (vs scipy.special.digamma / polygamma(1, x))", () => {
  it("matches", () => {
    expect(rel(digamma(0.3), -3.502524222200133)).toBeLessThan(1e-13);
    expect(rel(digamma(7.5), 1.9467574842460866)).toBeLessThan(1e-14);
    expect(rel(digamma(123.4), 4.8113737751162775)).toBeLessThan(1e-14);
    expect(rel(trigamma(0.3), 12.245364546107734)).toBeLessThan(1e-13);
    expect(rel(trigamma(7.5), 0.1426158966967038)).toBeLessThan(1e-13);
    expect(rel(trigamma(123.4), 0.0081366516108652628)).toBeLessThan(1e-13);
  });
});

describe("distributions (vs scipy.stats)", () => {
  it("normal", () => {
    expect(rel(normalCdf(-8.3), 5.2055697448902465e-17)).toBeLessThan(1e-10);
    expect(rel(normalQuantile(0.975), 1.959963984540054)).toBeLessThan(1e-14);
    expect(rel(normalQuantile(1e-10), -6.361340902404056)).toBeLessThan(1e-12);
    expect(rel(normalTwoSided(1.959963984540054), 0.05)).toBeLessThan(1e-12);
  });
  it("Student t", () => {
    expect(rel(tTwoSided(2.5, 7), 0.04099221858575289)).toBeLessThan(1e-12);
    expect(rel(tTwoSided(12, 15), 4.322734113447168e-9)).toBeLessThan(1e-10);
    expect(rel(tQuantile(0.975, 1), 12.706204736174694)).toBeLessThan(1e-12);
    expect(rel(tQuantile(0.975, 3), 3.1824463052837078)).toBeLessThan(1e-12);
    expect(rel(tQuantile(0.975, 394), 1.966003201348867)).toBeLessThan(1e-12);
    expect(rel(tQuantile(0.975, 1e6), 1.959966356814107)).toBeLessThan(1e-9);
  });
  it("chi-squared and F", () => {
    expect(rel(chi2Sf(41.46, 5), 7.574755678512338e-8)).toBeLessThan(1e-10);
    expect(rel(fSf(3.2, 4, 30), 0.02657153288592041)).toBeLessThan(1e-12);
    expect(rel(fSf(185330865.995752, 2, 37), 3.0594453828579712e-130)).toBeLessThan(1e-8);
  });
});
