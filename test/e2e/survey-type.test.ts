/**
 * Relationship and transactional NPS in the browser: the upload's survey type for rows that do not say (shown in
 * the preview), the dashboard's relationship headline and transactional touchpoints, labelled; the model and
 * drivers screens say which responses they used.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openSession, type Session, createWorkspace } from "./browser";

const base = inject("baseUrl");
let s: Session;
let ws = "";
let token = "";

/** 120 accounts; each has one relationship answer (survey_type blank) and two transactional ones (tNPS). */
function book() {
  let x = 7;
  const u = () => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
  let accounts = "account_id,arr,renewed\n";
  let responses = "account_id,nps,csat,touchpoint,survey_type\n";
  const rel: number[] = [];
  const tr: number[] = [];
  for (let i = 0; i < 120; i++) {
    const nps = Math.floor(u() * 11);
    rel.push(nps);
    accounts += `A${i},${1000 + 10 * i},${u() < 1 / (1 + Math.exp(-(-2 + 0.45 * nps))) ? 1 : 0}\n`;
    responses += `A${i},${nps},${1 + Math.floor(u() * 5)},,\n`;
    for (const tp of ["support", "onboarding"]) {
      const t = Math.floor(u() * 11);
      tr.push(t);
      responses += `A${i},${t},${1 + Math.floor(u() * 5)},${tp},tNPS\n`;
    }
  }
  return { accounts, responses, rel, tr };
}
/** NPS by plain counting (promoters 9-10 minus detractors 0-6, in % of answers). */
const npsOf = (xs: number[]) => (100 * (xs.filter((v) => v >= 9).length - xs.filter((v) => v <= 6).length)) / xs.length;
const shown = (v: number) => v.toFixed(1).replace("-", "−");

beforeAll(async () => {
  const w = await createWorkspace(base, "Survey types");
  ws = w.id;
  token = w.token;
  const b = book();
  const res = await fetch(`${base}/api/workspaces/${ws}/datasets?kind=accounts`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "text/csv" },
    body: b.accounts,
  });
  expect(res.status).toBe(201);
  s = await openSession();
});
afterAll(async () => {
  await s?.close();
});

describe("relationship and transactional NPS", () => {
  it("upload with a survey type for blank cells, dashboard labels both, model and drivers say what they used", async () => {
    const b = book();
    await s.page.goto(`${base}/#/w/${ws}/upload?token=${token}`);
    await s.page.locator("#upload-kind").selectOption("responses");
    await s.page.locator("#upload-survey-type").selectOption("relationship");
    await s.page.locator("#upload-file").setInputFiles({ name: "responses.csv", mimeType: "text/csv", buffer: Buffer.from(b.responses) });
    await s.page.locator("#preview-survey-types").waitFor();
    expect(await s.page.locator("#preview-survey-types").textContent()).toBe(
      "Survey type: 120 relationship, 240 transactional, 0 not given (rows whose file does not say are taken as relationship).",
    );
    await s.page.locator("#upload-commit").click();
    await s.page.locator("#upload-done").waitFor();

    await s.page.goto(`${base}/#/w/${ws}`);
    await s.page.locator("#headline").waitFor();
    expect(await s.page.locator("#headline").getAttribute("data-survey-type")).toBe("relationship");
    expect(await s.page.locator("#headline-title").textContent()).toBe("Relationship survey (account health)");
    expect(await s.page.locator('#kpis [data-kpi="Relationship NPS"]').textContent()).toBe(shown(npsOf(b.rel)));
    expect(await s.page.locator('#kpis-transactional [data-kpi="Transactional NPS"]').textContent()).toBe(shown(npsOf(b.tr)));
    expect(await s.page.locator("#by-touchpoint-title").textContent()).toBe("Transactional NPS by touchpoint");
    expect(await s.page.locator("#by-segment-title").textContent()).toBe("Relationship NPS by segment");
    const typeRows = await s.page.locator("#by-survey-type tbody tr").evaluateAll((rs) => rs.map((r) => r.children[0].textContent));
    expect(typeRows).toEqual(["Relationship", "Transactional", "All responses (pooled)"]);
    expect(await s.page.locator("#by-survey-type tbody tr:last-child td:nth-child(3)").textContent()).toBe(
      shown(npsOf([...b.rel, ...b.tr])),
    );
    await s.shot("survey-type-dashboard");

    await s.page.goto(`${base}/#/w/${ws}/model`);
    await s.page.locator("#model-survey-type").waitFor();
    expect(await s.page.locator("#model-survey-type").inputValue()).toBe("relationship");
    await s.page
      .locator("#pred-segment")
      .uncheck()
      .catch(() => undefined);
    await s.page.locator("#pred-log_arr").uncheck();
    await s.page.locator("#model-fit").click();
    await s.page.locator("#model-used-survey-type").waitFor();
    expect(await s.page.locator("#model-used-survey-type").textContent()).toMatch(/^relationship /);
    await s.shot("survey-type-model");

    await s.page.goto(`${base}/#/w/${ws}/drivers`);
    await s.page.locator("#drivers-survey-used").waitFor();
    expect(await s.page.locator("#drivers-survey-used").textContent()).toBe("From 240 transactional responses with a touchpoint.");
    expect(s.errors).toEqual([]);
  });
});
