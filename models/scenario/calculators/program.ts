/**
 * An integrated CX programme (docs/methods.md#programme-roi): its ROI is that of the summed
 * gains and costs of its initiatives, shown beside each initiative's own;
 * overlap removes the share of the gains that several initiatives claim
 * twice: programme gain = (1 − overlap) · Σ gain, investment = Σ investment.
 */
import { ModelError } from "../../numeric/errors";
import { tidyDeep } from "../../numeric/precision";

export interface Initiative {
  name: string;
  gain: number;
  investment: number;
}

export interface ProgramResult {
  initiatives: { name: string; gain: number; investment: number; roi: number }[];
  program: { gain: number; investment: number; roi: number; overlap: number };
}

/**
 * Each initiative's net ROI and the programme's.
 * @throws ModelError invalid_input when there is no initiative, an investment is not > 0, or overlap is outside [0, 1)
 * @example programRoi([{ name: "portal", gain: 150_000, investment: 100_000 }, { name: "training", gain: 90_000, investment: 50_000 }], 0.2).program.roi // => 0.28
 */
export function programRoi(initiatives: Initiative[], overlap = 0): ProgramResult {
  if (!initiatives.length) throw new ModelError("invalid_input", "Add at least one initiative.", ["initiatives"]);
  if (!(overlap >= 0 && overlap < 1))
    throw new ModelError("invalid_input", `overlap must be a fraction in [0, 1) (got ${overlap}).`, ["overlap"]);
  let gain = 0;
  let investment = 0;
  const rows = initiatives.map((it, i) => {
    if (!(it.investment > 0 && Number.isFinite(it.investment)))
      throw new ModelError("invalid_input", `initiative ${i + 1} (${it.name}): investment must be > 0 (got ${it.investment}).`, [
        `initiatives.${i}.investment`,
      ]);
    if (!Number.isFinite(it.gain))
      throw new ModelError("invalid_input", `initiative ${i + 1} (${it.name}): gain must be a number.`, [`initiatives.${i}.gain`]);
    gain += it.gain;
    investment += it.investment;
    return { name: it.name, gain: it.gain, investment: it.investment, roi: (it.gain - it.investment) / it.investment };
  });
  const programGain = (1 - overlap) * gain;
  return tidyDeep({ initiatives: rows, program: { gain: programGain, investment, roi: (programGain - investment) / investment, overlap } });
}
