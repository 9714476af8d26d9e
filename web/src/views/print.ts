/**
 * The one-page business case of a saved scenario. The page shows the server's report (GET .../report?scenario=)
 * itself, styled by the same style sheet (GET /api/report.css): what you print here and the report you download
 * are the same document. The report holds no script; its markup is imported as nodes.
 */
import { client, download, ok } from "../api";
import { h } from "../dom";
import { errorBox } from "../errors";
import { wsHash } from "../router";
import type { ScreenCtx } from "./screens";

function ensureReportCss(): void {
  if (document.getElementById("report-css")) return;
  document.head.append(h("link", { rel: "stylesheet", href: "/api/report.css", id: "report-css" }));
}

export async function printView(main: HTMLElement, { ws, route }: ScreenCtx): Promise<void> {
  const id = route.query.get("scenario");
  if (!id) {
    main.replaceChildren(h("p", {}, "No scenario chosen. ", h("a", { href: wsHash(ws, "scenarios") }, "Pick one")));
    return;
  }
  ensureReportCss();
  // getScenarioReport as a Blob (its HTML), once for the page and again for the download.
  const report = () => client.GET("/api/workspaces/{ws}/report", { params: { path: { ws }, query: { scenario: id } }, parseAs: "blob" });
  const html = await (await ok(report())).text();
  // The embedded <style> is left out (the page links the same sheet): the UI's CSP allows no inline style.
  const doc = new DOMParser().parseFromString(html.replace(/<style>[\s\S]*?<\/style>/g, ""), "text/html");
  const article = doc.getElementById("report");
  const status = h("div", { "aria-live": "polite" });
  const tools = h(
    "div",
    { class: "row no-print" },
    h("button", { type: "button", id: "print-now", onclick: () => window.print() }, "Print / save as PDF"),
    h(
      "button",
      {
        type: "button",
        class: "secondary",
        id: "report-download",
        onclick: () => void download(report(), `business-case-${id}.html`).catch((e) => status.replaceChildren(errorBox(e))),
      },
      "Download this page (HTML)",
    ),
    h("a", { href: wsHash(ws, "scenarios") }, "Back to scenarios"),
    status,
  );
  const page = h("div", { class: "onepager", id: "onepager" }, tools);
  if (article) page.append(document.importNode(article, true));
  else page.append(h("p", { class: "error" }, "The report could not be read."));
  main.replaceChildren(page);
}
