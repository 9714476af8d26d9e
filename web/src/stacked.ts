/**
 * Tables that read on a phone (style.css applies these below 600 px wide):
 * - `autoStack`: a table too wide for its box becomes one small card per row, each cell led by its column's
 *   header (data-label), instead of scrolling sideways; it goes back to a table when its box is wide enough.
 *   Grids that only read as grids (coefficient tables, heat maps, compared columns, a file's preview) keep scrolling.
 * - `columnCards`: a table whose columns are the things compared (a header per item, a label per row)
 *   is also drawn as one card per column, so items are read one after the other instead of side by side.
 */
import { h } from "./dom";

const KEEP = "table.coef, table.heatmap, table.compare, table.preview";

function labelCells(table: HTMLTableElement): void {
  const heads = [...table.querySelectorAll("thead th")].map((th) => th.textContent?.trim() ?? "");
  for (const tr of table.querySelectorAll("tbody tr"))
    [...tr.children].forEach((td, i) => {
      if (heads[i]) td.setAttribute("data-label", heads[i]);
    });
}

/** Stacks (or unstacks) the table in `wrap` by whether its natural width fits the box. */
function fit(wrap: Element): void {
  const table = wrap.querySelector(":scope > table") as HTMLTableElement | null;
  if (!table || table.matches(KEEP) || !table.tHead) return;
  if (!table.classList.contains("stack")) {
    if (table.scrollWidth <= wrap.clientWidth + 1) return;
    table.dataset.width = String(table.scrollWidth);
    labelCells(table);
    table.classList.add("stack");
  } else if (wrap.clientWidth >= Number(table.dataset.width)) table.classList.remove("stack");
}

/** Watches `root` for tables (in .table-wrap boxes) and keeps each stacked exactly while it is too wide. */
export function autoStack(root: HTMLElement): void {
  if (typeof ResizeObserver !== "function") return;
  const sizes = new ResizeObserver((entries) => entries.forEach((e) => fit(e.target)));
  const watch = (n: Node) => {
    if (!(n instanceof Element)) return;
    if (n.matches(".table-wrap")) sizes.observe(n);
    n.querySelectorAll(".table-wrap").forEach((w) => sizes.observe(w));
  };
  new MutationObserver((records) => records.forEach((r) => r.addedNodes.forEach(watch))).observe(root, { childList: true, subtree: true });
  watch(root);
}

/** One card per compared column (header = its title; rows = label: value), shown instead of the table when narrow. */
export function columnCards(wrap: HTMLElement): HTMLElement {
  const table = wrap instanceof HTMLTableElement ? wrap : wrap.querySelector("table");
  const out = h("div", { class: "column-cards" });
  if (!table) return out;
  wrap.classList.add("has-column-cards");
  const heads = [...table.querySelectorAll("thead th")].map((th) => th.textContent ?? "");
  const rows = [...table.querySelectorAll("tbody tr")].map((tr) => [...tr.children].map((td) => td.textContent ?? ""));
  for (let c = 1; c < heads.length; c++)
    out.append(
      h(
        "section",
        { class: "column-card", "aria-label": heads[c] },
        h("h3", {}, heads[c]),
        h(
          "dl",
          {},
          rows.map((r) => [h("dt", {}, r[0].trim()), h("dd", {}, r[c] ?? "")]),
        ),
      ),
    );
  return out;
}
