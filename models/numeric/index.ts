/**
 * Numerical building blocks shared by the models: linear algebra, maximum likelihood, distributions, seeded
 * randomness, and the named error every model throws.
 *
 * - qrPivoted, cholesky, cholSolve, cholInverse (linalg.ts): the one dense linear-algebra stack.
 * - symmetricEigen (eigen.ts): Jacobi eigendecomposition of small symmetric matrices.
 * - maximiseLogParams (newton.ts): damped Newton on log parameters, with standard errors.
 * - normalQuantile, tQuantile, chi2Sf, lnGamma, digamma, … (distributions.ts): special functions and distributions.
 * - logistic (logistic.ts): numerically stable 1 / (1 + e^−x).
 * - makeRng, covarianceFactor, drawMvn, quantileSorted (rng.ts): seeded streams and multivariate normal draws.
 * - tidy, tidyDeep (precision.ts): rounding of printed results.
 * - ModelError (errors.ts): a named error whose message says what to do.
 *
 * @example
 * import { logistic } from "./index";
 * logistic(0) // => 0.5
 */
export { chi2Sf, digamma, lnGamma, normalCdf, normalQuantile, normalTwoSided, tCdf, tQuantile, tTwoSided, trigamma } from "./distributions";
export { symmetricEigen, type SymmetricEigen } from "./eigen";
export { ModelError, type ModelErrorCode } from "./errors";
export { cholesky, cholInverse, cholSolve, qrPivoted, type PivotedQr } from "./linalg";
export { logistic } from "./logistic";
export { maximiseLogParams, type MaximumLikelihood, type Objective } from "./newton";
export { tidy, tidyDeep } from "./precision";
export { covarianceFactor, drawMvn, makeRng, quantileSorted, type Rng } from "./rng";
