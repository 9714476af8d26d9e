/**
 * Upload: drop or pick a CSV / xlsx, choose its kind, preview it with `dryRun=true` (first rows, detected
 * column mapping the user can correct), then commit. Transfer progress is real (XHR upload events);
 * processing is shown as running until the server answers (or from the dataset's progress when it reports one).
 */
import { client, HttpError, latestGuard, ok, uploadChunked, uploadFile, type UploadProgress } from "../api";
import type { Dataset, UploadQuery, UploadResult } from "../api-types";
import { field, h, help, pick, select, table } from "../dom";
import { errorBox } from "../errors";
import { int } from "../format";
import { wsHash } from "../router";
import { CANONICAL, chunkThreshold, partBytes, contentType, csvHeaders, guessKind, PREVIEW_BYTES, previewSample } from "../files";
import { heading, loadWorkspace } from "../workspace";
import type { ScreenCtx } from "./screens";

/** A labelled progress bar with a percentage; `set(null)` shows it as running (indeterminate). */
function progressBar(label: string, id: string) {
  const bar = h("progress", { id, max: 100, value: 0, "aria-label": label });
  const pctEl = h("span", { class: "small muted", id: `${id}-pct` }, "0%");
  const row = h("div", { class: "progress-row" }, h("span", { class: "small" }, label), bar, pctEl);
  return {
    row,
    set(v: number | null, text?: string) {
      if (v === null) {
        bar.removeAttribute("value");
        pctEl.textContent = text ?? "working…";
        return;
      }
      bar.value = Math.max(0, Math.min(100, v));
      pctEl.textContent = text ?? `${Math.round(bar.value)}%`;
    },
  };
}

export async function uploadView(main: HTMLElement, { ws }: ScreenCtx): Promise<void> {
  const w = await loadWorkspace(ws);
  let file: File | null = null;
  let mapping: Record<string, string> = {};

  const kind = select(
    [
      ["accounts", "Accounts (one row per account: ARR, renewed, segment…)"],
      ["responses", "Survey responses (NPS, CSAT, CES, touchpoint…)"],
      ["transactions", "Transactions (customer, date, amount)"],
    ],
    "accounts",
    { name: "kind", id: "upload-kind" },
  );
  const name = h("input", { type: "text", id: "upload-name", name: "name", placeholder: "defaults to the file name" });
  const csatScale = select(
    [
      ["5", "1-5"],
      ["7", "1-7"],
      ["10", "1-10"],
    ],
    "5",
    { id: "upload-csat-scale" },
  );
  const csatField = field("CSAT scale", csatScale);
  const surveyType = select(
    [
      ["", "Not given (unspecified)"],
      ["relationship", "Relationship (account health, every quarter or year)"],
      ["transactional", "Transactional (after a support case, onboarding, purchase)"],
    ],
    "",
    { id: "upload-survey-type" },
  );
  const surveyField = field("Survey type, where the file does not say", surveyType);
  const syncScale = () => {
    csatField.classList.toggle("hidden", kind.value !== "responses");
    surveyField.classList.toggle("hidden", kind.value !== "responses");
  };
  const picker = h("input", {
    type: "file",
    id: "upload-file",
    accept: ".csv,.tsv,.txt,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  });
  const chosen = h("p", { class: "small", id: "upload-chosen", "aria-live": "polite" }, "No file chosen yet.");
  const drop = h(
    "div",
    { class: "drop", id: "drop-zone" },
    h("p", {}, h("strong", {}, "Drop a CSV or Excel (.xlsx) file here")),
    h("p", { class: "muted small" }, "or"),
    field("Choose a file", picker),
    chosen,
  );
  const transfer = progressBar("Transfer", "progress-transfer");
  const processing = progressBar("Processing", "progress-processing");
  let inFlight: AbortController | null = null;
  const cancel = h(
    "button",
    { type: "button", class: "secondary hidden", id: "upload-cancel", onclick: () => inFlight?.abort() },
    "Cancel upload",
  );
  const progress = h("div", { class: "hidden", id: "upload-progress" }, transfer.row, processing.row, cancel);
  const result = h("div", { id: "upload-result", "aria-live": "polite" });
  const preview = h("div", { id: "upload-preview" });

  drop.addEventListener("dragover", (e) => {
    e.preventDefault();
    drop.classList.add("over");
  });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    const f = e.dataTransfer?.files?.[0];
    if (f) choose(f);
  });
  picker.addEventListener("change", () => {
    if (picker.files?.[0]) choose(picker.files[0]);
  });
  kind.addEventListener("change", () => {
    mapping = {};
    syncScale();
    if (file) void runPreview();
  });
  csatScale.addEventListener("change", () => {
    if (file) void runPreview();
  });
  surveyType.addEventListener("change", () => {
    if (file) void runPreview();
  });
  syncScale();

  function choose(f: File) {
    file = f;
    mapping = {};
    const g = guessKind(f.name);
    if (g && kind.value !== g) {
      kind.value = g;
      syncScale();
    }
    if (!name.value) name.placeholder = f.name;
    chosen.textContent = `${f.name} · ${int(f.size)} bytes`;
    void runPreview();
  }

  function onProgress(p: UploadProgress) {
    progress.classList.remove("hidden");
    cancel.classList.toggle("hidden", p.phase !== "transfer");
    if (p.phase === "transfer") {
      transfer.set(p.total ? (100 * p.loaded) / p.total : 0, `${Math.round(p.total ? (100 * p.loaded) / p.total : 0)}%`);
      processing.set(0, "waiting");
    } else if (p.phase === "processing") {
      transfer.set(100);
      processing.set(null, "checking rows…");
    } else {
      transfer.set(100);
      processing.set(100);
    }
  }

  const kindValue = () => pick(kind.value, ["accounts", "responses", "transactions"]) ?? "accounts";
  /** The upload's survey type for rows that do not say (responses only; none = unspecified). */
  const surveyTypeValue = () => (kind.value === "responses" ? pick(surveyType.value, ["relationship", "transactional"]) : undefined);
  function query(dryRun: boolean): UploadQuery {
    return {
      kind: kindValue(),
      name: name.value.trim() || file?.name,
      mapping: Object.keys(mapping).length ? JSON.stringify(mapping) : undefined,
      csatScale: kind.value === "responses" ? csatScale.value : undefined,
      surveyType: surveyTypeValue(),
      dryRun: dryRun ? "true" : undefined,
    };
  }

  const nextPreview = latestGuard();
  async function runPreview() {
    if (!file) return;
    const current = nextPreview();
    result.replaceChildren();
    preview.replaceChildren(h("p", { class: "muted" }, "Checking the file…"));
    try {
      const sample = await previewSample(file);
      const r = await uploadFile(ws, sample.blob, contentType(file), query(true), onProgress);
      if (current()) preview.replaceChildren(previewCard(r, sample.partial));
    } catch (err) {
      if (!current()) return;
      processing.set(0, "rejected");
      // The server sends the header row when columns are missing (the only way to get an xlsx file's headers);
      // otherwise a CSV's first line is read here.
      const headers =
        err instanceof HttpError && err.status === 422 && file ? (err.headers.length ? err.headers : await csvHeaders(file)) : [];
      preview.replaceChildren(errorBox(err), headers.length ? mappingCard(headers, []) : "");
    }
  }

  async function commit() {
    if (!file) return;
    result.replaceChildren(h("p", { class: "muted" }, "Uploading…"));
    try {
      inFlight = new AbortController();
      let r: Dataset;
      if (file.size > chunkThreshold()) {
        // Over the threshold: sent in parts, parsed by a background job whose progress is polled below.
        const q = query(false);
        const started = await uploadChunked(
          ws,
          file,
          {
            kind: q.kind,
            name: q.name,
            contentType: contentType(file),
            ...(Object.keys(mapping).length ? { mapping } : {}),
            ...(kind.value === "responses" ? { csatScale: Number(csatScale.value) } : {}),
            ...(surveyTypeValue() ? { surveyType: surveyTypeValue() } : {}),
          },
          onProgress,
          inFlight.signal,
          partBytes(),
        );
        r = await followProcessing(started.datasetId, { rowsDone: 0, rowsTotal: started.rowsTotal, errorsSoFar: 0 });
      } else {
        r = await uploadFile(ws, file, contentType(file), query(false), onProgress, inFlight.signal);
      }
      processing.set(100);
      preview.replaceChildren();
      await refreshList();
      result.replaceChildren(
        h(
          "div",
          { class: "notice ok", role: "status", id: "upload-done" },
          h("strong", {}, `Stored ${r.kind} “${r.name}”: ${int(r.rows)} rows.`),
          " ",
          h("a", { href: wsHash(ws) }, "See the dashboard"),
          " or upload the next file.",
        ),
        r.warnings.length
          ? h(
              "ul",
              { class: "warn" },
              r.warnings.map((x) => h("li", {}, x)),
            )
          : "",
      );
      file = null;
      picker.value = "";
      chosen.textContent = "No file chosen yet.";
    } catch (err) {
      processing.set(0, "rejected");
      cancel.classList.add("hidden");
      result.replaceChildren(errorBox(err));
    }
  }

  /** A chunked upload is parsed by a background job (status processing): poll the dataset (getDataset) for its progress. */
  async function followProcessing(id: string, first: NonNullable<Dataset["progress"]>): Promise<Dataset> {
    let progress = first;
    for (;;) {
      const { rowsDone: done, rowsTotal: total, errorsSoFar: errs } = progress;
      processing.set(
        total > 0 ? Math.min(99, (100 * done) / total) : null,
        total > 0 ? `${int(done)} / ~${int(total)} rows${errs ? `, ${int(errs)} bad cells so far` : ""}` : undefined,
      );
      await new Promise((res) => setTimeout(res, 500));
      // A poll that gets no answer within 10 s is dropped and asked again (the job goes on regardless).
      let cur: Dataset;
      try {
        cur = await ok(
          client.GET("/api/workspaces/{ws}/datasets/{id}", { params: { path: { ws, id } }, signal: AbortSignal.timeout(10_000) }),
        );
      } catch (err) {
        if (err instanceof DOMException && (err.name === "TimeoutError" || err.name === "AbortError")) continue;
        throw err;
      }
      if (cur.status === "failed")
        throw new HttpError(
          422,
          cur.error?.code ?? "invalid_file",
          cur.error?.message ?? "Processing failed; nothing was stored.",
          cur.error?.details ?? [],
        );
      if (cur.status !== "processing") return cur;
      if (cur.progress) progress = cur.progress;
    }
  }

  /** The mapping of canonical columns to the file's headers, from a preview (its headers and detected columns). */
  function mappingCard(headers: string[], columns: Dataset["columns"]): HTMLElement {
    const detected: Record<string, string> = {};
    for (const c of columns) if (c.source) detected[c.name] = c.source;
    const canon = CANONICAL[kind.value] ?? [];
    if (!headers.length) {
      return h("p", { class: "muted small" }, "Once the file can be read, its columns appear here so you can correct the mapping.");
    }
    const rows = canon.map((c) => {
      const s = select(
        [["", "— not in file —"], ...headers.map((x) => [x, x] as [string, string])],
        mapping[c.name] ?? detected[c.name] ?? headers.find((x) => x.toLowerCase() === c.name) ?? "",
        { id: `map-${c.name}`, "data-canonical": c.name },
      );
      s.addEventListener("change", () => {
        if (s.value) mapping[c.name] = s.value;
        else delete mapping[c.name];
      });
      return h(
        "tr",
        {},
        h("td", {}, h("label", { for: s.id }, c.name), c.required ? h("span", { class: "small muted" }, " required") : ""),
        h("td", { class: "small muted" }, c.note),
        h("td", {}, s),
      );
    });
    const recheck = h(
      "button",
      { type: "button", class: "secondary", id: "upload-recheck", onclick: () => void runPreview() },
      "Check again with this mapping",
    );
    return h(
      "section",
      { class: "card", "aria-labelledby": "map-title" },
      h("h2", { id: "map-title" }, "Column mapping"),
      h(
        "p",
        { class: "small muted" },
        "Detected from the headers (case-insensitive, common synonyms). Correct any that are wrong; other columns are kept as extra columns.",
      ),
      h(
        "div",
        { class: "table-wrap" },
        h(
          "table",
          {},
          h("thead", {}, h("tr", {}, h("th", {}, "Column"), h("th", {}, "Expects"), h("th", {}, "Header in your file"))),
          h("tbody", {}, rows),
        ),
      ),
      h("div", { class: "row" }, recheck),
    );
  }

  function previewCard(r: UploadResult, partial = false): HTMLElement {
    const headers = r.preview?.headers ?? [];
    const rows = r.preview?.rows ?? [];
    const commitBtn = h(
      "button",
      { type: "button", id: "upload-commit", onclick: () => void commit() },
      partial ? `Upload the whole file (${int(file?.size)} bytes)` : `Upload ${int(r.rows)} rows`,
    );
    return h(
      "div",
      {},
      h(
        "section",
        { class: "card", "aria-labelledby": "preview-title" },
        h("h2", { id: "preview-title" }, "Preview"),
        partial
          ? h(
              "p",
              {},
              `The first ${int(r.rows)} rows (the first ${int(PREVIEW_BYTES / 1048576)} MB) read, no bad cells. `,
              h("span", { class: "muted small" }, `The rest is checked when you upload. Showing the first ${rows.length}.`),
            )
          : h(
              "p",
              {},
              `${int(r.rows)} rows read, no bad cells. `,
              h("span", { class: "muted small" }, `Showing the first ${rows.length}.`),
            ),
        r.warnings.length
          ? h(
              "ul",
              { class: "warn small" },
              r.warnings.map((x) => h("li", {}, x)),
            )
          : "",
        table(headers, rows, { cls: "preview" }),
        surveyTypeSummary(r.options),
        h("h3", {}, "Columns understood"),
        table(
          ["Column", "Type", "From header", "Read as"],
          r.columns.map((c) => [c.name, c.type, c.source ?? "—", c.readAs ?? "as written"]),
        ),
        h("div", { class: "row" }, commitBtn),
      ),
      mappingCard(headers, r.columns),
    );
  }

  /** The preview's count of responses per survey type (after the upload's default). */
  function surveyTypeSummary(o: Record<string, unknown>): HTMLElement | string {
    const c = o.surveyTypes as { relationship: number; transactional: number; unspecified: number } | undefined;
    if (!c) return "";
    return h(
      "p",
      { id: "preview-survey-types" },
      `Survey type: ${int(c.relationship)} relationship, ${int(c.transactional)} transactional, ${int(c.unspecified)} not given`,
      o.surveyType ? ` (rows whose file does not say are taken as ${o.surveyType}).` : ".",
    );
  }

  const list = h("div", { id: "dataset-list" });
  async function refreshList() {
    const cur = await loadWorkspace(ws);
    const ds = cur.datasets;
    list.replaceChildren(
      ds.length
        ? table(
            ["Kind", "Name", "Rows", "Columns", ""],
            ds.map((d) => [
              d.kind,
              d.name + (d.status && d.status !== "ready" ? ` (${d.status})` : ""),
              int(d.rows),
              d.columns.map((c) => c.name).join(", "),
              h(
                "button",
                {
                  type: "button",
                  class: "secondary",
                  "aria-label": `Delete ${d.name}`,
                  onclick: async () => {
                    if (!confirm(`Delete ${d.name}?`)) return;
                    try {
                      await ok(client.DELETE("/api/workspaces/{ws}/datasets/{id}", { params: { path: { ws, id: d.id } } }));
                    } catch (err) {
                      list.prepend(errorBox(err));
                      return;
                    }
                    await refreshList();
                  },
                },
                "Delete",
              ),
            ]),
            { num: [2] },
          )
        : h("p", { class: "muted" }, "No datasets yet. Start with the accounts file, then the survey responses."),
    );
  }

  main.replaceChildren(
    heading("Upload data", w),
    h(
      "section",
      { class: "card", "aria-labelledby": "file-title" },
      h("h2", { id: "file-title" }, "1. Choose a file"),
      h("div", { class: "row" }, field("What is in the file?", kind), field("Name (optional)", name), csatField, surveyField),
      help(
        "Accounts: one row per account with account_id and arr (and renewed to fit renewal models). Responses: one row per survey answer with account_id and nps, csat or ces. Transactions: customer_id, date, amount for CLV. Money like $12,000.00 or 1.234,56, dates like 2025-03-31, 3/31/2025 or Excel serials are understood.",
        "Which columns are needed?",
      ),
      help(
        "Relationship surveys ask an account every quarter or year how likely it is to recommend you (account health, what links to renewal); transactional surveys ask right after a support case, onboarding or a purchase (which touchpoint to fix). A survey_type column (or survey type, type, program) says it per row (relationship / transactional, rNPS / tNPS). Where the file does not say, the survey type chosen here applies; left unspecified, those responses count only in figures over all responses.",
        "Relationship or transactional?",
      ),
      drop,
      progress,
    ),
    preview,
    result,
    h(
      "section",
      { class: "card", "aria-labelledby": "ds-title" },
      h("h2", { id: "ds-title" }, "Datasets in this workspace"),
      h("p", { class: "small muted" }, "The newest dataset of each kind is the one models use."),
      list,
    ),
  );
  await refreshList();
}
