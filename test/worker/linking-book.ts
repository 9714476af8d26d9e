import { makeRng } from "../../models/numeric/rng";

/**
 * A synthetic SaaS book from a KNOWN logistic truth on the account-level
 * means (what the join computes): logit P(renewed) = TRUTH.Intercept
 * + TRUTH.nps · mean NPS + TRUTH.csat · mean CSAT + TRUTH["segment[T.SMB]"] · [SMB].
 * Written separately from the fit code; used until scripts/synthetic-book.mjs is wired in.
 */
export const TRUTH = { Intercept: -4, nps: 0.45, csat: 0.35, "segment[T.SMB]": -0.5 } as const;

export function syntheticBook(nAccounts: number, seed: number) {
  const rng = makeRng(seed);
  const accountId: string[] = [];
  const arr = new Float64Array(nAccounts);
  const renewed = new Float64Array(nAccounts);
  const segment: string[] = [];
  const respId: string[] = [];
  const respNps: number[] = [];
  const respCsat: number[] = [];
  const meanNps = new Float64Array(nAccounts);
  const meanCsat = new Float64Array(nAccounts);
  for (let i = 0; i < nAccounts; i++) {
    const id = `A${String(i).padStart(5, "0")}`;
    accountId.push(id);
    const smb = rng.uniform() < 0.5;
    segment.push(smb ? "SMB" : "Enterprise");
    arr[i] = Math.round((smb ? 5000 : 40000) * Math.exp(0.5 * rng.normal()));
    const k = 1 + rng.int(3);
    const level = rng.uniform();
    let sn = 0,
      sc = 0;
    for (let r = 0; r < k; r++) {
      const nps = Math.min(10, Math.max(0, Math.round(level * 10 + 2 * rng.normal())));
      const csat = Math.min(5, Math.max(1, Math.round(1 + level * 4 + 0.8 * rng.normal())));
      respId.push(id);
      respNps.push(nps);
      respCsat.push(csat);
      sn += nps;
      sc += csat;
    }
    meanNps[i] = sn / k;
    meanCsat[i] = sc / k;
    const eta = TRUTH.Intercept + TRUTH.nps * meanNps[i] + TRUTH.csat * meanCsat[i] + (smb ? TRUTH["segment[T.SMB]"] : 0);
    renewed[i] = rng.uniform() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
  }
  return {
    accounts: { account_id: accountId, arr, renewed, segment },
    responses: { account_id: respId, nps: Float64Array.from(respNps), csat: Float64Array.from(respCsat) },
    meanNps,
    meanCsat,
  };
}
