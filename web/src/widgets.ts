/** Small live widgets of the what-if: a labelled range slider with its value, and a key figure updated in place. */
import { h, help } from "./dom";

export interface Slider { input: HTMLInputElement; el: HTMLElement; value(): number }

export function slider(id: string, label: string, min: number, max: number, step: number, value: number, show: (v: number) => string, helpText: string): Slider {
  const input = h("input", { type: "range", id, min, max, step, value, "aria-valuetext": show(value) });
  const out = h("output", { for: id, id: `${id}-out` }, show(value));
  input.addEventListener("input", () => { out.textContent = show(Number(input.value)); input.setAttribute("aria-valuetext", show(Number(input.value))); });
  const el = h("div", { class: "field slider" }, h("label", { for: id }, label, " ", out), input, help(helpText));
  return { input, el, value: () => Number(input.value) };
}

/** A key figure whose value, interval and raw number are updated in place. */
export function kpiCard(label: string, helpText: string) {
  const value = h("span", { class: "value", "data-kpi": label });
  const ciEl = h("span", { class: "ci" });
  const el = h("div", { class: "kpi" }, h("span", { class: "label" }, label), value, ciEl, help(helpText));
  return {
    el,
    set(v: string, c: string | null, raw: number | null) {
      if (value.textContent !== v) value.textContent = v;
      const ct = c ?? "";
      if (ciEl.textContent !== ct) ciEl.textContent = ct;
      el.dataset.raw = raw === null ? "" : String(raw);
    },
  };
}

