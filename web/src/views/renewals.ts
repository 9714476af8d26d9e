/**
 * Renewals ahead: accounts renewing in the next 30 / 90 / 180 days with their predicted renewal probability (newest
 * logistic renewal model), ARR at risk = ARR × (1 − p), satisfaction and responses; sortable, exportable (CSV).
 */
import { client, download, latestGuard, ok } from "../api";
import type { Renewals } from "../api-types";
import { field, h, help, kpi, select } from "../dom";
import { errorBox } from "../errors";
import { int, money, num, pct } from "../format";
import { wsHash } from "../router";
import { pref, setPref } from "../store";
import { heading, loadWorkspace } from "../workspace";
import type { ScreenCtx } from "./screens";

type Row = Renewals["accounts"][number];

type SortKey = keyof Row;
const COLUMNS: [SortKey, string, boolean][] = [
  ["accountId", "Account", false],
  ["renewalDate", "Renews on", false],
  ["daysToRenewal", "In days", true],
  ["arr", "ARR ($/year)", true],
  ["pRenew", "P(renew)", true],
  ["arrAtRisk", "ARR at risk ($/year)", true],
  ["nps", "Mean NPS answer (0-10)", true],
  ["csat", "Mean CSAT answer", true],
  ["responses", "Responses", true],
  ["segment", "Segment", false],
];

export async function renewalsView(main: HTMLElement, { ws }: ScreenCtx): Promise<void> {
  const w = await loadWorkspace(ws);
  const within = select(
    [
      ["30", "Next 30 days"],
      ["90", "Next 90 days"],
      ["180", "Next 180 days"],
      ["365", "Next 365 days"],
    ],
    pref(ws, "renewalsWithin", "90"),
    { id: "renewals-within" },
  );
  const asOf = h("input", { type: "date", id: "renewals-asof", value: pref(ws, "renewalsAsOf", "") });
  const out = h("div", { id: "renewals-out", "aria-live": "polite" });
  let data: Renewals | null = null;
  let sortKey: SortKey = pref<SortKey>(ws, "renewalsSort", "arrAtRisk");
  let desc = pref<boolean>(ws, "renewalsDesc", true);
  const next = latestGuard();

  const query = () => ({ withinDays: Number(within.value), asOf: asOf.value || undefined });
  async function load() {
    const current = next();
    setPref(ws, "renewalsWithin", within.value);
    setPref(ws, "renewalsAsOf", asOf.value);
    out.replaceChildren(h("p", { class: "muted" }, "Loading renewals…"));
    try {
      const r = await ok(client.GET("/api/workspaces/{ws}/renewals", { params: { path: { ws }, query: query() } }));
      if (!current()) return;
      data = r;
      draw();
    } catch (err) {
      if (current()) out.replaceChildren(errorBox(err));
    }
  }

  function sorted(rows: Row[]): Row[] {
    const k = sortKey;
    return [...rows].sort((a, b) => {
      const x = a[k],
        y = b[k];
      if (x === null && y === null) return 0;
      if (x === null) return 1; // missing values last either way
      if (y === null) return -1;
      const c = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
      return desc ? -c : c;
    });
  }

  function draw() {
    if (!data) return;
    const r = data;
    const headRow = h(
      "tr",
      {},
      COLUMNS.map(([k, label, numeric]) => {
        const active = k === sortKey;
        return h(
          "th",
          { class: numeric ? "num" : "", "aria-sort": active ? (desc ? "descending" : "ascending") : "none" },
          h(
            "button",
            {
              type: "button",
              class: "link sort",
              "data-sort": k,
              onclick: () => {
                desc = k === sortKey ? !desc : numeric;
                sortKey = k;
                setPref(ws, "renewalsSort", sortKey);
                setPref(ws, "renewalsDesc", desc);
                draw();
              },
            },
            label,
            active ? (desc ? " ▼" : " ▲") : "",
          ),
        );
      }),
    );
    const rows = sorted(r.accounts).map((a) =>
      h(
        "tr",
        { "data-account": a.accountId },
        h("td", {}, a.accountId),
        h("td", {}, a.renewalDate),
        h("td", { class: "num" }, int(a.daysToRenewal)),
        h("td", { class: "num" }, money(a.arr)),
        h("td", { class: "num" }, a.pRenew === null ? "—" : pct(a.pRenew, 0)),
        h("td", { class: "num", "data-warn": a.pRenew !== null && a.pRenew < 0.5 ? "1" : "0" }, money(a.arrAtRisk)),
        h("td", { class: "num" }, num(a.nps, 1)),
        h("td", { class: "num" }, num(a.csat, 1)),
        h("td", { class: "num" }, int(a.responses)),
        h("td", {}, a.segment ?? "—"),
      ),
    );
    out.replaceChildren(
      h(
        "section",
        { class: "card", "aria-label": "Totals" },
        h(
          "div",
          { class: "kpis" },
          kpi(
            "Accounts renewing",
            int(r.totals.accounts),
            `${r.asOf} + ${r.withinDays} days`,
            "Accounts whose renewal_date falls in the window.",
          ),
          kpi("ARR renewing", money(r.totals.arr), "$ per year", "Sum of the ARR of those accounts."),
          kpi(
            "ARR at risk",
            money(r.totals.arrAtRisk),
            r.totals.withoutPrediction ? `$ per year · ${int(r.totals.withoutPrediction)} accounts without a prediction` : "$ per year",
            "Σ ARR × (1 − p), p the predicted renewal probability: the ARR expected to be lost if the model is right on average. Association, not cause: a low p says an account looks like past churners, not why.",
          ),
        ),
        r.warnings.length
          ? h(
              "ul",
              { class: "warn small" },
              r.warnings.map((x) => h("li", {}, x)),
            )
          : "",
        r.model
          ? h(
              "p",
              { class: "small muted" },
              `P(renew) from the logistic renewal model fitted ${r.model.createdAt.slice(0, 16).replace("T", " ")} UTC.`,
            )
          : h("p", {}, h("a", { href: wsHash(ws, "model"), class: "button" }, "Fit a renewal model")),
      ),
      h(
        "section",
        { class: "card", "aria-labelledby": "renewals-title" },
        h("h2", { id: "renewals-title" }, `${int(r.accounts.length)} accounts renewing by ${addDays(r.asOf, r.withinDays)}`),
        r.accounts.length
          ? h("div", { class: "table-wrap" }, h("table", { id: "renewals-table" }, h("thead", {}, headRow), h("tbody", {}, rows)))
          : h("p", { class: "muted" }, "No account renews in this window. Try a longer window or another start date."),
        help(
          "Click a column title to sort (again to reverse). Mean NPS / CSAT are the account's average answers (NPS 0-10 answer points, CSAT on the upload's scale). ARR at risk = ARR × (1 − P(renew)).",
        ),
      ),
    );
  }

  const exportBtn = h(
    "button",
    {
      type: "button",
      class: "secondary",
      id: "export-renewals",
      onclick: () => {
        void download(
          client.GET("/api/workspaces/{ws}/export/renewals.csv", { params: { path: { ws }, query: query() }, parseAs: "blob" }),
          `renewals-${within.value}d.csv`,
        ).catch((e) => out.prepend(errorBox(e)));
      },
    },
    "Download CSV",
  );
  // The newest ready accounts file must carry renewal dates; without them the list is not asked for (the API would
  // answer 422 no_renewal_dates), and the screen says what to upload instead.
  const accounts = w.datasets.find((d) => d.kind === "accounts" && (d.status ?? "ready") === "ready");
  if (!accounts?.columns.some((c) => c.name === "renewal_date")) {
    main.replaceChildren(
      heading("Renewals ahead", w),
      h(
        "section",
        { class: "card", id: "renewals-none" },
        h(
          "p",
          { class: "notice" },
          accounts
            ? `The accounts file “${accounts.name}” has no renewal_date column, so there are no renewals to list. Upload it again with each account's next renewal date (a column such as “Renewal date”).`
            : "No accounts file yet: upload one with each account's ARR and next renewal date (renewal_date) to see who renews soon.",
        ),
        w.role !== "viewer" ? h("a", { href: wsHash(ws, "upload"), class: "button" }, "Upload files") : "",
      ),
    );
    return;
  }
  within.addEventListener("change", () => void load());
  asOf.addEventListener("change", () => void load());
  main.replaceChildren(
    heading("Renewals ahead", w),
    h(
      "section",
      { class: "card no-print" },
      h("div", { class: "row" }, field("Window", within), field("From (blank = today)", asOf), exportBtn),
    ),
    out,
  );
  await load();
}

const addDays = (iso: string, days: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86400000).toISOString().slice(0, 10);
