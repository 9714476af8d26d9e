/** Calculators page: the stateless /api/calc/* calculators, for people with no data yet. */
import { client, ok } from "../api";
import type { CalcProgramResult } from "../api-types";
import { field, h, help, nextId, numberInput, pick, select } from "../dom";
import { errorBox } from "../errors";
import { ci, int, money, num, pct, years } from "../format";

interface Field {
  name: string;
  label: string;
  value: number | string;
  percent?: boolean;
  help?: string;
  options?: string[];
  textarea?: boolean;
  int?: boolean;
}

/** The form's values: numbers (percent fields as fractions), and the raw text of selects and text areas. */
interface Values {
  n: Record<string, number>;
  s: Record<string, string>;
}

/** One calculator card: `call` sends the form's values to its /api/calc/* operation with the typed client. */
interface Calc {
  id: string;
  title: string;
  intro: string;
  fields: Field[];
  run: (v: Values) => Promise<(Node | string)[]>;
}

/** A calculator whose answer type comes from its operation (the call), read by `result`. */
function calc<R>(c: Omit<Calc, "run"> & { call: (v: Values) => Promise<R>; result: (r: R, v: Values) => (Node | string)[] }): Calc {
  const { call, result, ...rest } = c;
  return { ...rest, run: async (v) => result(await call(v), v) };
}

const scores = (s: string) =>
  s
    .split(/[\s,;]+/)
    .filter(Boolean)
    .map(Number);

const out = (label: string, value: string, explain: string, extra?: string | null) =>
  h(
    "div",
    { class: "kpi" },
    h("span", { class: "label" }, label),
    h("output", { class: "value", "data-result": label }, value),
    extra ? h("span", { class: "ci" }, extra) : null,
    help(explain, "How is this computed?"),
  );

const CALCS: Calc[] = [
  calc({
    id: "nps",
    title: "Net Promoter Score",
    intro: "Counts of promoters (9-10), passives (7-8) and detractors (0-6).",
    fields: [
      { name: "promoters", label: "Promoters", value: 200, int: true },
      { name: "passives", label: "Passives", value: 300, int: true },
      { name: "detractors", label: "Detractors", value: 500, int: true },
    ],
    call: ({ n }) => ok(client.POST("/api/calc/nps", { body: { promoters: n.promoters, passives: n.passives, detractors: n.detractors } })),
    result: (r) => [
      out(
        "NPS",
        num(r.score, 1),
        "NPS = % promoters − % detractors, on −100..100. The 95% interval uses var(NPS/100) = (p + d − (p − d)²) / n.",
        `${ci(r.ci95, (x) => num(x, 1)) ?? ""} · n = ${int(r.n)}`,
      ),
    ],
  }),
  calc({
    id: "csat",
    title: "CSAT",
    intro: "Paste individual scores (comma or space separated).",
    fields: [
      { name: "scores", label: "Scores", value: "5 4 4 3 5 2 4 5 1 4", textarea: true },
      { name: "scale", label: "Scale (top score)", value: "5", options: ["5", "7", "10"] },
    ],
    call: ({ s }) => ok(client.POST("/api/calc/csat", { body: { scores: scores(s.scores), scale: Number(s.scale) } })),
    result: (r) => [
      out(
        "CSAT",
        `${num(r.score, 1)}%`,
        "CSAT = share of positive (top-two-box) answers × 100, with the Wilson 95% interval. The mean score is shown beside it.",
        `${ci(r.ci95, (x) => `${num(x, 1)}%`) ?? ""} · mean ${num(r.mean, 2)} · n = ${int(r.n)}`,
      ),
    ],
  }),
  calc({
    id: "sample-size",
    title: "Survey sample size",
    intro: "Responses needed to estimate a mean score within a margin of error.",
    fields: [
      { name: "sigma", label: "Standard deviation of scores (σ)", value: 1.4 },
      { name: "margin", label: "Margin of error (± points)", value: 0.5 },
      { name: "confidence", label: "Confidence", value: "0.95", options: ["0.9", "0.95", "0.99"] },
    ],
    call: ({ n, s }) =>
      ok(client.POST("/api/calc/sample-size", { body: { sigma: n.sigma, margin: n.margin, confidence: Number(s.confidence) } })),
    result: (r) => [
      out(
        "Responses needed",
        int(r.n),
        "n = (z·σ / margin)², rounded up; z = 1.96 at 95%. It does not depend on how many customers you have.",
      ),
    ],
  }),
  calc({
    id: "churn",
    title: "Churn rate",
    intro: "Customers at the start of a period and how many of them are still customers at its end.",
    fields: [
      { name: "start", label: "Customers at start", value: 400, int: true },
      { name: "retained", label: "Still customers at end", value: 380, int: true },
    ],
    call: ({ n }) => ok(client.POST("/api/calc/churn", { body: { start: n.start, retained: n.retained } })),
    result: (r) => [
      out(
        "Churn",
        pct(r.churnRate, 1),
        "Churn = (customers at start − those still there at the end) / customers at start. Renewal rate = 1 − churn.",
        `Renewal rate ${pct(1 - r.churnRate, 1)}`,
      ),
    ],
  }),
  calc({
    id: "clv",
    title: "Customer lifetime value (simple)",
    intro: "Subscription: ARPU × months retained − (CAC + CRC). Transactional: purchases/month × order value × margin × lifespan.",
    fields: [
      { name: "kind", label: "Business", value: "subscription", options: ["subscription", "transactional"] },
      { name: "arpuMonthly", label: "ARPU per month ($)", value: 100, help: "subscription" },
      { name: "monthsRetained", label: "Expected months retained", value: 36, help: "subscription" },
      { name: "cac", label: "Acquisition cost CAC ($)", value: 600, help: "subscription" },
      { name: "crc", label: "Retention cost CRC ($)", value: 200, help: "subscription" },
      { name: "transactionsPerMonth", label: "Purchases per month", value: 2, help: "transactional" },
      { name: "averageOrderValue", label: "Average order value ($)", value: 50, help: "transactional" },
      { name: "grossMargin", label: "Gross margin (%)", value: 30, percent: true, help: "transactional" },
      { name: "lifespanMonths", label: "Lifespan (months)", value: 24, help: "transactional" },
    ],
    call: ({ n, s }) =>
      ok(
        client.POST("/api/calc/clv", {
          body:
            s.kind === "subscription"
              ? { kind: "subscription", arpuMonthly: n.arpuMonthly, monthsRetained: n.monthsRetained, cac: n.cac, crc: n.crc }
              : {
                  kind: "transactional",
                  transactionsPerMonth: n.transactionsPerMonth,
                  averageOrderValue: n.averageOrderValue,
                  grossMargin: n.grossMargin,
                  lifespanMonths: n.lifespanMonths,
                },
        }),
      ),
    result: (r, { s }) => [
      out(
        "CLV",
        money(r.clv),
        s.kind === "subscription"
          ? "CLV = ARPU × expected months retained − (CAC + CRC). It ignores timing and uncertainty; the CLV screen of a workspace fits BG/NBD + Gamma-Gamma on real transactions."
          : "CLV = purchases per month × average order value × gross margin × lifespan in months.",
      ),
    ],
  }),
  calc({
    id: "roi",
    title: "ROI",
    intro: "Net return on an investment: (gain − investment) / investment.",
    fields: [
      { name: "kind", label: "Kind of gain", value: "cost", options: ["cost", "revenue", "clv"] },
      { name: "gain", label: "Gain ($)", value: 150000 },
      { name: "investment", label: "Investment ($)", value: 100000 },
    ],
    call: ({ n, s }) =>
      ok(
        client.POST("/api/calc/roi", { body: { kind: pick(s.kind, ["cost", "revenue", "clv"]), gain: n.gain, investment: n.investment } }),
      ),
    result: (r) => [
      out("ROI", pct(r.roi, 1), "ROI = (gain − investment) / investment: cost savings, revenue increase or CLV increase, as chosen."),
    ],
  }),
  calc({
    id: "renewal-uplift",
    title: "Renewal uplift",
    intro: "The money in a higher renewal rate, when the effect is known (docs/methods.md worked example 7 is filled in).",
    fields: [
      { name: "accounts", label: "Accounts", value: 10000, int: true },
      { name: "arr", label: "ARR per account ($)", value: 12000 },
      { name: "baselineRenewal", label: "Baseline renewal rate (%)", value: 85, percent: true },
      { name: "renewalLift", label: "Renewal lift (percentage points)", value: 6, percent: true },
      { name: "horizonYears", label: "Horizon (years)", value: 3, int: true },
      { name: "grossMargin", label: "Gross margin (%)", value: 80, percent: true },
      { name: "discountRate", label: "Annual discount rate (%)", value: 0, percent: true },
      { name: "investment", label: "Investment ($)", value: 2000000 },
    ],
    call: ({ n }) =>
      ok(
        client.POST("/api/calc/renewal-uplift", {
          body: {
            accounts: n.accounts,
            arr: n.arr,
            baselineRenewal: n.baselineRenewal,
            renewalLift: n.renewalLift,
            horizonYears: n.horizonYears,
            grossMargin: n.grossMargin,
            discountRate: n.discountRate,
            investment: n.investment,
          },
        }),
      ),
    result: (r) => [
      out(
        "Revenue gain",
        money(r.revenueGain),
        "Σ over years t = 1..H of accounts × ARR × (r′^(t−1) − r^(t−1)) / (1 + d)^(t−1); year 1 is already contracted.",
      ),
      out("Margin gain", money(r.marginGain), "Revenue gain × gross margin."),
      out("ROI", pct(r.roi, 2), "(margin gain − investment) / investment."),
      out("NPV", money(r.npv), "Discounted margin gain − investment."),
      out(
        "Payback",
        years(r.paybackYears),
        "Year t's gain accrues over (t−1, t]; payback is when the cumulative gain reaches the investment.",
      ),
    ],
  }),
  calc({
    id: "program",
    title: "Programme ROI",
    intro: "Several initiatives combined; overlap removes the double-counted share of their gains.",
    fields: [
      {
        name: "initiatives",
        label: "Initiatives (one per line: name, gain, investment)",
        value: "Self-service portal, 150000, 100000\nOnboarding redesign, 400000, 250000",
        textarea: true,
      },
      { name: "overlap", label: "Overlap between gains (%)", value: 20, percent: true },
    ],
    call: ({ n, s }) =>
      ok(
        client.POST("/api/calc/program", {
          body: {
            initiatives: s.initiatives
              .split("\n")
              .map((l) => l.trim())
              .filter(Boolean)
              .map((l) => {
                const parts = l.split(",").map((x) => x.trim());
                return { name: parts[0], gain: Number(parts[1]), investment: Number(parts[2]) };
              }),
            overlap: n.overlap,
          },
        }),
      ),
    result: (r) => programmeResult(r),
  }),
];

/** Renders the programme answer: a table of initiatives and the total. */
export function programmeResult(r: CalcProgramResult): (Node | string)[] {
  const prog = r.program;
  const rows = r.initiatives.map((i) =>
    h(
      "tr",
      {},
      h("td", {}, i.name),
      h("td", { class: "num" }, money(i.gain)),
      h("td", { class: "num" }, money(i.investment)),
      h("td", { class: "num" }, pct(i.roi, 1)),
    ),
  );
  return [
    h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        {},
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            ["Initiative", "Gain", "Investment", "ROI"].map((t, i) => h("th", { scope: "col", class: i ? "num" : "" }, t)),
          ),
        ),
        h(
          "tbody",
          {},
          rows,
          h(
            "tr",
            {},
            h("th", { scope: "row" }, "Programme"),
            h("td", { class: "num" }, money(prog.gain)),
            h("td", { class: "num" }, money(prog.investment)),
            h("td", { class: "num", "data-result": "Programme ROI" }, pct(prog.roi, 1)),
          ),
        ),
      ),
    ),
    help(
      "Programme gain = (1 − overlap) × Σ gains; investment = Σ investments; ROI = (gain − investment) / investment, shown beside each initiative's own ROI.",
      "How is this computed?",
    ),
  ];
}

function calcCard(c: Calc): HTMLElement {
  const controls: Record<string, HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement> = {};
  const fieldEls: Record<string, HTMLElement> = {};
  const result = h("div", { class: "result", "aria-live": "polite", id: `${c.id}-result` });
  const form = h("form", { id: `calc-${c.id}`, novalidate: true });
  for (const f of c.fields) {
    const ctl = f.options
      ? select(f.options, String(f.value), { name: f.name })
      : f.textarea
        ? h("textarea", { name: f.name, rows: 3 }, String(f.value))
        : numberInput(f.value, { name: f.name, step: f.int ? "1" : "any", min: "0" });
    ctl.id = nextId(c.id);
    controls[f.name] = ctl;
    fieldEls[f.name] = field(f.label, ctl);
    form.appendChild(fieldEls[f.name]);
  }
  const kind = controls.kind;
  const syncKind = () => {
    for (const f of c.fields)
      if (f.help === "subscription" || f.help === "transactional") fieldEls[f.name].classList.toggle("hidden", f.help !== kind.value);
  };
  if (c.id === "clv") {
    kind.addEventListener("change", syncKind);
    syncKind();
  }
  form.appendChild(h("div", { class: "row" }, h("button", { type: "submit" }, "Calculate")));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const v: Values = { n: {}, s: {} };
    for (const f of c.fields) {
      const raw = controls[f.name].value;
      if (f.options || f.textarea) v.s[f.name] = raw;
      else v.n[f.name] = f.percent ? Number(raw) / 100 : Number(raw);
    }
    result.replaceChildren(h("p", { class: "muted" }, "Calculating…"));
    try {
      result.replaceChildren(...(await c.run(v)));
    } catch (err) {
      result.replaceChildren(errorBox(err));
    }
  });
  return h(
    "section",
    { class: "card", "aria-labelledby": `${c.id}-title` },
    h("h2", { id: `${c.id}-title` }, c.title),
    h("p", { class: "muted small" }, c.intro),
    form,
    result,
  );
}

/** The calculators page. */
export async function calculatorsView(main: HTMLElement): Promise<void> {
  main.replaceChildren(
    h("h1", {}, "Calculators"),
    h(
      "p",
      { class: "muted" },
      "No data needed: type numbers, get the answer and how it is computed. Each calculator opens with a textbook example filled in.",
    ),
    h("div", { class: "grid" }, CALCS.map(calcCard)),
  );
}
