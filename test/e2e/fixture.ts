import { makeRandom } from "../../scripts/synthetic-book.mjs";
/**
 * A small seeded SaaS book for the browser tests: accounts (ARR, renewed, segment, tenure) and survey
 * responses (NPS, CSAT, CES, touchpoint, date), where renewal follows a known logistic truth in the account's
 * mean NPS. Includes orphan responses (unknown account ids) and accounts without responses, so the join
 * report has something to say.
 */

/** Seeded uniforms: the mulberry32 generator of scripts/synthetic-book.mjs. */
const mulberry32 = (seed: number) => makeRandom(seed).uniform;

export interface Book {
  accountsCsv: string;
  responsesCsv: string;
  accounts: number;
  responses: number;
  orphans: number;
  silentAccounts: number;
}

/**
 * Truth: logit P(renew) = −2 + 0.45·meanNPS(0-10) + 0.3·[Enterprise].
 * `separating`: adds an account column `save_desk_score` that is 10 for every renewed account and 0 otherwise
 * (it perfectly separates the outcome, so a logistic fit on it must fail with perfect_separation).
 */
export function makeBook(nAccounts = 300, seed = 7, separating = false): Book {
  const rnd = mulberry32(seed);
  const segments = ["SMB", "Mid-Market", "Enterprise"];
  const touchpoints = ["onboarding", "support", "billing", "renewal"];
  const acc: string[] = [`account_id,arr,renewed,segment,tenure_months${separating ? ",save_desk_score" : ""}`];
  const resp: string[] = ["account_id,date,nps,csat,ces,touchpoint"];
  let responses = 0;
  let silent = 0;
  for (let i = 1; i <= nAccounts; i++) {
    const id = `A${String(i).padStart(5, "0")}`;
    const seg = segments[Math.floor(rnd() * 3)];
    const arr = Math.round((seg === "Enterprise" ? 60000 : seg === "Mid-Market" ? 20000 : 6000) * (0.5 + rnd()));
    const tenure = Math.floor(rnd() * 60);
    const loyalty = 0.3 + 0.7 * rnd(); // latent satisfaction (NPS answers mostly 3-10)
    const k = i % 10 === 0 ? 0 : 1 + Math.floor(rnd() * 3); // every 10th account never answered
    if (k === 0) silent++;
    let sum = 0;
    for (let j = 0; j < k; j++) {
      const nps = Math.max(0, Math.min(10, Math.round(loyalty * 10 + (rnd() - 0.5) * 4)));
      const csat = Math.max(1, Math.min(5, Math.round(1 + loyalty * 4 + (rnd() - 0.5) * 1.5)));
      const ces = Math.max(1, Math.min(7, Math.round(7 - loyalty * 5 + (rnd() - 0.5) * 2)));
      const month = 1 + Math.floor(rnd() * 12);
      const day = 1 + Math.floor(rnd() * 28);
      resp.push(
        `${id},2025-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")},${nps},${csat},${ces},${touchpoints[Math.floor(rnd() * 4)]}`,
      );
      responses++;
      sum += nps;
    }
    const meanNps = k ? sum / k : loyalty * 10;
    const eta = -2 + 0.45 * meanNps + (seg === "Enterprise" ? 0.3 : 0);
    const renewed = rnd() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
    acc.push(`${id},${arr},${renewed},${seg},${tenure}${separating ? `,${renewed * 10}` : ""}`);
  }
  const orphans = 5;
  for (let j = 0; j < orphans; j++) {
    resp.push(`Z${900 + j},2025-06-15,3,2,6,support`);
    responses++;
  }
  return {
    accountsCsv: acc.join("\n") + "\n",
    responsesCsv: resp.join("\n") + "\n",
    accounts: nAccounts,
    responses,
    orphans,
    silentAccounts: silent,
  };
}
