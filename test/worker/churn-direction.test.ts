import { describe, expect, it } from "vitest";
import { syntheticBook } from "../../scripts/synthetic-book.mjs";
import { call, createWorkspace, upload } from "./helpers";

/**
 * A churn column is read as churn: the demo book's accounts written once with `Renewed` 1/0 and once with
 * `Churned?` Yes/No (Yes = did not renew, the file's own meaning) must give the same stored outcome and so the
 * same fit, coefficient for coefficient. The expected direction comes from the generator's own renewed flag.
 */
const book = syntheticBook({ accounts: 600, seed: 7 });
const json = (body: unknown) => ({ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

function accountsCsv(header: string, cell: (renewed: number) => string): string {
  const lines = [`account_id,arr,${header},segment`];
  for (const a of book.accounts) lines.push(`${a.account_id},${a.arr},${cell(a.renewed)},${a.segment}`);
  return lines.join("\n") + "\n";
}

async function fitOn(accounts: string) {
  const ws = await createWorkspace("churn");
  expect((await upload(ws, "kind=accounts", accounts)).status).toBe(201);
  expect((await upload(ws, "kind=responses", book.responsesCsv)).status).toBe(201);
  const res = await call(`/api/workspaces/${ws.id}/models`, {
    ...json({ kind: "logistic", outcome: "renewed", predictors: ["nps", "csat", "segment"] }),
    token: ws.token,
  });
  expect(res.status).toBe(201);
  return res.json<{ coefficients: { term: string; estimate: number }[]; warnings: { code: string; message: string }[] }>();
}

describe("churn headers are read as churn", () => {
  it("the preview says which header was read as what, and Yes → did not renew", async () => {
    const ws = await createWorkspace("churn-preview");
    const csv = accountsCsv("Churned?", (r) => (r === 1 ? "No" : "Yes"));
    const res = await upload(ws, "kind=accounts&dryRun=true", csv);
    expect(res.status).toBe(200);
    const body = await res.json<{ columns: { name: string; source: string; readAs?: string }[]; warnings: string[] }>();
    const col = body.columns.find((c) => c.name === "renewed")!;
    expect(col.source).toBe("Churned?");
    expect(col.readAs).toMatch(/read as churn/);
    expect(col.readAs).toMatch(/Yes \/ 1 \/ true → did not renew/);
    expect(body.warnings.join(" ")).toMatch(/"Churned\?" read as churn: stored as renewed = 1 − churn/);
  });

  it("Churned? Yes/No gives the same fit as Renewed 1/0 (coefficients to 1e-9)", async () => {
    const a = (await fitOn(accountsCsv("Renewed", (r) => String(r)))).coefficients;
    const b = (await fitOn(accountsCsv("Churned?", (r) => (r === 1 ? "No" : "Yes")))).coefficients;
    expect(b.map((c) => c.term)).toEqual(a.map((c) => c.term));
    for (let k = 0; k < a.length; k++) expect(Math.abs(b[k].estimate - a[k].estimate)).toBeLessThan(1e-9);
  });

  it("other churn headers and a churned mapping invert too; outcome words are read as they say", async () => {
    for (const [header, query] of [
      ["cancelled", ""],
      ["Closed Lost", ""],
      ["Status", `&mapping=${encodeURIComponent(JSON.stringify({ churned: "Status" }))}`],
    ]) {
      const ws = await createWorkspace("churn-headers");
      const csv = accountsCsv(header, (r) => (r === 1 ? "0" : "1"));
      const res = await upload(ws, `kind=accounts&dryRun=true${query}`, csv);
      expect(res.status).toBe(200);
      const body = await res.json<{ columns: { name: string; readAs?: string }[] }>();
      expect(body.columns.find((c) => c.name === "renewed")?.readAs, header).toMatch(/read as churn/);
    }
    // "churned" / "renewed" values under a churn header mean what they say (not flipped twice).
    const a = (await fitOn(accountsCsv("Renewed", (r) => String(r)))).coefficients;
    const b = (await fitOn(accountsCsv("Churn", (r) => (r === 1 ? "renewed" : "churned")))).coefficients;
    for (let k = 0; k < a.length; k++) expect(Math.abs(b[k].estimate - a[k].estimate)).toBeLessThan(1e-9);
  });

  it("a churn flag uploaded under a renewal header gives a significantly negative NPS effect and a named warning", async () => {
    // The generator's truth has NPS raising renewal (TRUTH.nps = 0.25 > 0); writing churn as "Renewed" flips it.
    const right = await fitOn(accountsCsv("Renewed", (r) => String(r)));
    expect(right.warnings.map((w) => w.code)).not.toContain("satisfaction_effect_reversed");
    const flipped = await fitOn(accountsCsv("Renewed", (r) => String(1 - r)));
    const w = flipped.warnings.find((x) => x.code === "satisfaction_effect_reversed");
    expect(w?.message).toMatch(/NPS .* goes with fewer renewals/);
    expect(w?.message).toMatch(/Check the direction of "renewed"/);
  });
});
