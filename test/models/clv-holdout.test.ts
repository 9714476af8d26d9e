/**
 * The BG/NBD calibration/holdout test on CDNOW_sample in the setting of Fader, Hardie & Lee (2005): calibration
 * 1997-01-01..1997-09-30, holdout to 1998-06-30, in days. Expected values: bench/peers/bgnbd_holdout.py, an independent
 * numpy/scipy computation (its own parsing, Nelder-Mead + BFGS MLE, scipy.special.hyp2f1), run once with
 * `python3 bench/peers/bgnbd_holdout.py /work/shared/datasets/cdnow/CDNOW_sample.txt` (numpy 2.4, scipy 1.17).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fitBgnbd } from "../../models/clv/bgnbd";
import { holdoutInput, holdoutTest } from "../../models/clv/holdout-test";
import { bgnbdModel } from "../../models/clv/transactions-clv";

const day = (d: string) => Date.UTC(+d.slice(0, 4), +d.slice(4, 6) - 1, +d.slice(6, 8)) / 86_400_000;
const rows = readFileSync("/work/shared/datasets/cdnow/CDNOW_sample.txt", "utf8")
  .trim()
  .split(/\r?\n/)
  .map((l) => l.trim().split(/\s+/));

describe("holdout test, CDNOW_sample, calibration end 1997-09-30 (FHL 2005)", () => {
  const inp = holdoutInput(
    rows.map((r) => r[1]),
    rows.map((r) => day(r[2])),
    rows.map((r) => Number(r[4])),
    day("19970930"),
    day("19980630"),
  );
  const fit = fitBgnbd(inp);
  const h = holdoutTest(bgnbdModel(fit), inp);
  it("fits the calibration period as the scipy peer does (days: α = 7 × the weekly 4.4135)", () => {
    expect(inp.customerId.length).toBe(2357);
    expect(fit.r).toBeCloseTo(0.2425945, 5);
    expect(fit.alpha).toBeCloseTo(30.895217, 3);
    expect(fit.a).toBeCloseTo(0.792922, 5);
    expect(fit.b).toBeCloseTo(2.425907, 4);
    expect(fit.logLik).toBeCloseTo(-14363.5304, 3);
  });
  it("mean predicted vs actual holdout repeat purchases by calibration frequency 0..7+", () => {
    const peer = [
      [1411, 0.225087324, 0.236711552],
      [439, 0.523131166, 0.697038724],
      [214, 1.044134115, 1.392523364],
      [100, 1.52027951, 1.56],
      [62, 2.163865797, 2.532258065],
      [38, 2.653845887, 2.947368421],
      [29, 3.504042307, 3.862068966],
      [64, 6.157190522, 6.359375],
    ];
    expect(h.byFrequency.map((r) => r.label)).toEqual(["0", "1", "2", "3", "4", "5", "6", "7+"]);
    h.byFrequency.forEach((r, i) => {
      expect(r.customers).toBe(peer[i][0]);
      expect(r.predicted).toBeCloseTo(peer[i][1], 5);
      expect(r.actual).toBeCloseTo(peer[i][2], 9);
    });
    expect(h.summary.predictedTotal).toBeCloseTo(1653.40869, 2);
    expect(h.summary.actualTotal).toBe(1882);
    expect(h.summary.totalPercentError).toBeCloseTo((100 * (1653.40869 - 1882)) / 1882, 3);
  });
  it("weekly cumulative repeat transactions over 78 weeks (39 calibration)", () => {
    expect(h.weekly.length).toBe(78);
    expect(h.calibrationWeeks).toBe(39);
    // Peer: week 39 predicted 2493.95674, actual 2457 (= Σ calibration frequency, PROVENANCE.md); week 78 4160.60899 / 4339.
    expect(h.weekly[38].predicted).toBeCloseTo(2493.95674, 2);
    expect(h.weekly[38].actual).toBe(2457);
    expect(h.weekly[77].predicted).toBeCloseTo(4160.60899, 2);
    expect(h.weekly[77].actual).toBe(4339);
    // Weeks 10, 50, 60 from the peer.
    for (const [w, p, a] of [
      [10, 427.12139, 504],
      [50, 3036.62434, 3104],
      [60, 3472.85802, 3533],
    ]) {
      expect(h.weekly[w - 1].predicted).toBeCloseTo(p, 2);
      expect(h.weekly[w - 1].actual).toBe(a);
    }
  });
});
