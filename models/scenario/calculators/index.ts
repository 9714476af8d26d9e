/** The stateless calculators of `/api/calc/*` (docs/api.md#calculators), as pure functions. */
export { sampleSize, type SampleSizeInput } from "./sample-size";
export { churnRate } from "./churn";
export { roi, type RoiKind } from "./roi";
export { simpleClv, type SimpleClvInput } from "./clv-simple";
export { programRoi, type Initiative, type ProgramResult } from "./program";
export { renewalUplift, type RenewalUpliftInput, type RenewalUpliftResult } from "./renewal-uplift";
