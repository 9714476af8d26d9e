/**
 * An integrated programme of saved scenarios (docs/methods.md#programme-roi, as /api/calc/program):
 * programme gain = (1 − overlap) · Σ gain, investment = Σ investment,
 * ROI = (gain − investment) / investment, shown beside each initiative's own.
 */
export interface Initiative {
  id: string;
  name: string;
  /** Margin gain of the scenario. */
  gain: number;
  investment: number;
  /** 95% interval of the margin gain, when the scenario has one. */
  gainCi95: [number, number] | null;
}

const roiOf = (gain: number, investment: number) => (investment > 0 ? (gain - investment) / investment : null);

/** Combines initiatives with an overlap share (0 = gains add up, 0.2 = 20% of the summed gain double-counted). */
export function combineProgram(initiatives: Initiative[], overlap: number) {
  const sumGain = initiatives.reduce((s, x) => s + x.gain, 0);
  const investment = initiatives.reduce((s, x) => s + x.investment, 0);
  const gain = (1 - overlap) * sumGain;
  const allCi = initiatives.every((x) => x.gainCi95 !== null);
  const lo = allCi ? (1 - overlap) * initiatives.reduce((s, x) => s + x.gainCi95![0], 0) : null;
  const hi = allCi ? (1 - overlap) * initiatives.reduce((s, x) => s + x.gainCi95![1], 0) : null;
  return {
    initiatives: initiatives.map((x) => ({ ...x, roi: roiOf(x.gain, x.investment), npv: x.gain - x.investment })),
    programme: {
      gain,
      investment,
      roi: roiOf(gain, investment),
      npv: gain - investment,
      overlap,
      gainCi95: lo !== null && hi !== null ? ([lo, hi] as [number, number]) : null,
      roiCi95:
        lo !== null && hi !== null && investment > 0
          ? ([(lo - investment) / investment, (hi - investment) / investment] as [number, number])
          : null,
    },
    method:
      "gain = margin gain of each saved scenario; programme gain = (1 − overlap) · Σ gain, investment = Σ investment, " +
      "ROI = (gain − investment) / investment. The programme interval adds the initiatives' bounds (they share the fitted " +
      "model, so their uncertainties move together; this is the conservative, fully dependent case).",
  };
}
