/**
 * README "Use the API": the TypeScript example (examples/renewal-roi.ts, the generated typed client) and the curl flow
 * (examples/renewal-roi.sh) run as an outside client would, against the local server of the e2e suite.
 */
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, inject, it } from "vitest";

const base = inject("baseUrl");
const root = path.resolve(import.meta.dirname, "../..");
const run = promisify(execFile);
const env = { ...process.env, NO_COLOR: "1" };

const dollars = (s: string) => Number(s.replace(/[$,]/g, ""));
/** The revenue gain (dollars) and the ROI with its interval (percent) as the example prints them. */
function answer(out: string) {
  const gain = out.match(/revenue gain (\$[\d,]+) over 3 years, undiscounted \(95% interval (\$[\d,]+) to (\$[\d,]+)\)/);
  const roi = out.match(/ROI (-?[\d.]+)% .*?\(95% interval (-?[\d.]+)% to (-?[\d.]+)%\)/);
  expect(gain, out).not.toBeNull();
  expect(roi, out).not.toBeNull();
  return { gain: gain!.slice(1).map(dollars), roi: roi!.slice(1).map(Number) };
}

describe("the API examples of the README", () => {
  let tsAnswer: ReturnType<typeof answer>;

  it("examples/renewal-roi.ts creates a workspace, uploads the demo book, fits, runs a scenario and prints the ROI with its interval", async () => {
    const { stdout } = await run(path.join(root, "node_modules/.bin/tsx"), ["examples/renewal-roi.ts", base], { cwd: root, env });
    expect(stdout).toMatch(/uploaded accounts: 2000 rows/);
    expect(stdout).toMatch(/uploaded responses: \d+ rows/);
    expect(stdout).toMatch(/does not prove that raising NPS causes the renewals/);
    tsAnswer = answer(stdout);
    const [gain, gainLo, gainHi] = tsAnswer.gain;
    const [roi, roiLo, roiHi] = tsAnswer.roi;
    // ROI = (gross margin × revenue gain − investment) / investment (createScenario in /api/openapi.json), recomputed from the printed
    // revenue gain with the example's inputs: margin 0.8, investment $1,000,000 (printed values are rounded to $1 and 0.1%).
    expect(roi).toBeCloseTo((100 * (0.8 * gain - 1_000_000)) / 1_000_000, 0);
    expect(gainLo).toBeLessThan(gain);
    expect(gain).toBeLessThan(gainHi);
    expect(roiLo).toBeLessThan(roi);
    expect(roi).toBeLessThan(roiHi);
  });

  it("the curl flow (examples/renewal-roi.sh) gives the same answer on the same data and seed", async () => {
    const { stdout } = await run("bash", ["examples/renewal-roi.sh", base], { cwd: root, env });
    expect(stdout).toMatch(/uploaded accounts: 2000 rows/);
    expect(answer(stdout)).toEqual(tsAnswer);
  });
});
