/** Small live widgets of the what-if: a labelled range slider with its value, and a key figure updated in place. */
import { h, help, type HelpText } from "./dom";

export interface Slider {
  input: HTMLInputElement;
  el: HTMLElement;
  value(): number;
  onInput(fn: () => void): void;
}

/**
 * A range slider with its value shown beside the label. With `exactLabel`, a number input lets the user type an
 * exact value (any number ≥ 0, not snapped to the slider's step); moving the slider replaces it.
 */
export function slider(
  id: string,
  label: string,
  min: number,
  max: number,
  step: number,
  value: number,
  show: (v: number) => string,
  helpText: HelpText,
  exactLabel?: string,
): Slider {
  const input = h("input", { type: "range", id, min, max, step, value, "aria-valuetext": show(value) });
  const out = h("output", { for: id, id: `${id}-out` }, show(value));
  let exactValue: number | null = null;
  const listeners: (() => void)[] = [];
  const shown = (v: number) => {
    out.textContent = show(v);
    input.setAttribute("aria-valuetext", show(v));
  };
  const exact = exactLabel ? h("input", { type: "number", id: `${id}-exact`, min: 0, step: "any", inputmode: "decimal", value }) : null;
  input.addEventListener("input", () => {
    exactValue = null;
    shown(Number(input.value));
    if (exact) exact.value = input.value;
    for (const fn of listeners) fn();
  });
  exact?.addEventListener("input", () => {
    const v = Number(exact.value);
    if (exact.value === "" || !Number.isFinite(v) || v < 0) return;
    exactValue = v;
    input.value = String(Math.min(max, v));
    shown(v);
    for (const fn of listeners) fn();
  });
  const el = h(
    "div",
    { class: "field slider" },
    h("label", { for: id }, label, " ", out),
    input,
    exact ? h("div", { class: "field inline" }, h("label", { for: exact.id, class: "small" }, exactLabel), exact) : null,
    help(helpText),
  );
  return { input, el, value: () => exactValue ?? Number(input.value), onInput: (fn) => listeners.push(fn) };
}

/** A key figure whose value, interval and raw number are updated in place. */
export function kpiCard(label: string, helpText: HelpText) {
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
