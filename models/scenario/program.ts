/**
 * An integrated CX programme of initiatives: its ROI is that of the summed
 * gains and costs, shown beside each initiative's own; overlap removes the
 * share of the gains that several initiatives claim twice:
 * programme gain = (1 − overlap) · Σ gain, investment = Σ investment,
 * ROI = (gain − investment) / investment, NPV = gain − investment (docs/methods.md#programme-roi).
 */

export interface ProgramInitiative {
  name: string;
  /** Margin gain of the initiative. */
  gain: number;
  investment: number;
  /** 95% interval of the gain, when the initiative has one. */
  gainCi95?: [number, number] | null;
}

/** ROI = (gain − investment) / investment; null without an investment. @example roiOf(150, 100) // => 0.5 */
export const roiOf = (gain: number, investment: number): number | null => (investment > 0 ? (gain - investment) / investment : null);

export interface ProgramCombined<T extends ProgramInitiative> {
  initiatives: (T & { roi: number | null; npv: number })[];
  programme: {
    gain: number;
    investment: number;
    roi: number | null;
    npv: number;
    overlap: number;
    /** (1 − overlap) · Σ of the initiatives' bounds, when every initiative has an interval. */
    gainCi95: [number, number] | null;
    roiCi95: [number, number] | null;
  };
  method: string;
}

/**
 * Combines initiatives with an overlap share (0 = gains add up, 0.2 = 20% of the summed gain double-counted).
 * The programme interval adds the initiatives' bounds: they share one fitted model, so their uncertainties move
 * together, and this is the conservative, fully dependent case.
 * @example combineProgram([{ name: "portal", gain: 150_000, investment: 100_000 }, { name: "training", gain: 90_000, investment: 50_000 }], 0.2).programme.roi // => 0.28
 */
export function combineProgram<T extends ProgramInitiative>(initiatives: T[], overlap: number): ProgramCombined<T> {
  const sumGain = initiatives.reduce((s, x) => s + x.gain, 0);
  const investment = initiatives.reduce((s, x) => s + x.investment, 0);
  const gain = (1 - overlap) * sumGain;
  const allCi = initiatives.every((x) => x.gainCi95);
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
      gainCi95: lo !== null && hi !== null ? [lo, hi] : null,
      roiCi95: lo !== null && hi !== null && investment > 0 ? [(lo - investment) / investment, (hi - investment) / investment] : null,
    },
    method:
      "gain = margin gain of each saved scenario; programme gain = (1 − overlap) · Σ gain, investment = Σ investment, " +
      "ROI = (gain − investment) / investment. The programme interval adds the initiatives' bounds (they share the fitted " +
      "model, so their uncertainties move together; this is the conservative, fully dependent case).",
  };
}
