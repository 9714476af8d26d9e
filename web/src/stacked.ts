/**
 * Tables that read on a phone (style.css shows these below 600 px wide):
 * - `stackRows`: each row becomes a small card, each cell led by its column's header (data-label);
 * - `columnCards`: a table whose columns are the things compared (a header per item, a label per row)
 *   is also drawn as one card per column, so items are read one after the other instead of side by side.
 */
import { h } from "./dom";

/** Marks a table (or its .table-wrap) for row cards on narrow screens: every cell gets its header as a label. */
export function stackRows<T extends HTMLElement>(wrap: T): T {
  const table = wrap instanceof HTMLTableElement ? wrap : wrap.querySelector("table");
  if (!table) return wrap;
  const heads = [...table.querySelectorAll("thead th")].map((th) => th.textContent?.trim() ?? "");
  table.classList.add("stack");
  for (const tr of table.querySelectorAll("tbody tr"))
    [...tr.children].forEach((td, i) => {
      if (heads[i]) td.setAttribute("data-label", heads[i]);
    });
  return wrap;
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
