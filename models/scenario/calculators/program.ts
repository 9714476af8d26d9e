/**
 * The programme ROI calculator (POST /api/calc/program): `combineProgram`
 * (models/scenario/program.ts, docs/methods.md#programme-roi) on initiatives typed in by hand, with their inputs checked.
 */
import { ModelError } from "../../numeric/errors";
import { tidyDeep } from "../../numeric/precision";
import { combineProgram } from "../program";

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
  initiatives.forEach((it, i) => {
    if (!(it.investment > 0 && Number.isFinite(it.investment)))
      throw new ModelError("invalid_input", `initiative ${i + 1} (${it.name}): investment must be > 0 (got ${it.investment}).`, [
        `initiatives.${i}.investment`,
      ]);
    if (!Number.isFinite(it.gain))
      throw new ModelError("invalid_input", `initiative ${i + 1} (${it.name}): gain must be a number.`, [`initiatives.${i}.gain`]);
  });
  // Every investment is > 0 (checked), so each ROI is a number.
  const { initiatives: rows, programme } = combineProgram(
    initiatives.map(({ name, gain, investment }) => ({ name, gain, investment })),
    overlap,
  );
  return tidyDeep({
    initiatives: rows.map(({ name, gain, investment, roi }) => ({ name, gain, investment, roi: roi! })),
    program: { gain: programme.gain, investment: programme.investment, roi: programme.roi!, overlap },
  });
}
