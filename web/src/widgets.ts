/** Small live widgets of the what-if: a labelled range slider with its value, and a key figure updated in place. */
import { h, help, type HelpText, setText } from "./dom";

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
  const input = h("input", { type: "range", id, min, max, step: touchStep(min, max, step, value), value, "aria-valuetext": show(value) });
  guardTaps(input);
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
  // A click on the track or the thumb keeps the value (the browser would jump to the pointer); dragging moves the value by
  // the distance dragged, and the keyboard steps as usual.
  input.addEventListener("pointerdown", (e) => {
    if (e.button !== 0) return;
    e.preventDefault();
    input.focus();
    input.setPointerCapture(e.pointerId);
    const startX = e.clientX;
    const startValue = Number(input.value);
    const width = Math.max(1, input.getBoundingClientRect().width);
    const move = (m: PointerEvent) => {
      const raw = startValue + ((m.clientX - startX) / width) * (max - min);
      const snapped = Math.min(max, Math.max(min, min + Math.round((raw - min) / step) * step));
      const v = Number(snapped.toFixed(10));
      if (v === Number(input.value)) return;
      input.value = String(v);
      input.dispatchEvent(new Event("input", { bubbles: true }));
    };
    const up = () => {
      input.removeEventListener("pointermove", move);
      input.removeEventListener("pointerup", up);
      input.removeEventListener("pointercancel", up);
      input.dispatchEvent(new Event("change", { bubbles: true }));
    };
    input.addEventListener("pointermove", move);
    input.addEventListener("pointerup", up);
    input.addEventListener("pointercancel", up);
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

/**
 * A key figure whose value, interval and raw number are updated in place. `mirror()` makes a compact copy
 * (label, value, interval) updated by the same `set`, for a summary kept in view on narrow screens.
 */
export function kpiCard(label: string, helpText: HelpText) {
  const value = h("span", { class: "value", "data-kpi": label });
  const ciEl = h("span", { class: "ci" });
  const el = h("div", { class: "kpi" }, h("span", { class: "label" }, label), value, ciEl, help(helpText));
  const copies: { value: HTMLElement; ci: HTMLElement }[] = [];
  return {
    el,
    set(v: string, c: string | null, raw: number | null) {
      const ct = c ?? "";
      for (const t of [{ value, ci: ciEl }, ...copies]) {
        setText(t.value, v);
        setText(t.ci, ct);
      }
      const r = raw === null ? "" : String(raw);
      if (el.dataset.raw !== r) el.dataset.raw = r;
    },
    mirror(shortLabel = label): HTMLElement {
      const copy = { value: h("span", { class: "value" }, value.textContent), ci: h("span", { class: "ci" }, ciEl.textContent) };
      copies.push(copy);
      return h("div", { class: "summary-item", "data-summary": label }, h("span", { class: "label" }, shortLabel), copy.value, copy.ci);
    },
  };
}

/** A touch screen's main pointer (a finger): sliders get a coarser step and ignore taps away from the thumb. */
const coarse = () => typeof matchMedia === "function" && matchMedia("(pointer: coarse)").matches;

/**
 * The slider's step on a touch screen: the smallest round step (1, 2 or 5 × 10^k, at least the fine step) that
 * leaves at most 40 positions, so one is about a finger's width apart on a phone, and that still lands on the
 * default and on both ends; the fine step when none does (the value shown at first never moves).
 */
export function touchStep(min: number, max: number, step: number, value: number): number {
  if (!coarse()) return step;
  const onGrid = (x: number, s: number) => Math.abs(x / s - Math.round(x / s)) < 1e-9;
  for (let k = Math.floor(Math.log10(step)); k <= Math.ceil(Math.log10(max - min)); k++)
    for (const m of [1, 2, 5]) {
      const s = Number((m * 10 ** k).toPrecision(12));
      if (s < step || (max - min) / s > 40) continue;
      if (onGrid(max - min, s) && onGrid(value - min, s)) return s;
    }
  return step;
}

/**
 * On a touch screen a range input jumps to wherever the finger lands. A touch that starts away from the thumb
 * (more than a fingertip, 24 px) leaves the value as it was; a touch on the thumb drags it as usual.
 */
function guardTaps(input: HTMLInputElement): void {
  let held: string | null = null;
  input.addEventListener("pointerdown", (e) => {
    held = null;
    if (e.pointerType === "mouse") return;
    const r = input.getBoundingClientRect();
    const min = Number(input.min);
    const max = Number(input.max);
    const thumb = 28; // the thumb's width on touch screens (style.css)
    const x = r.left + thumb / 2 + ((Number(input.value) - min) / (max - min || 1)) * (r.width - thumb);
    if (Math.abs(e.clientX - x) > 24) held = input.value;
  });
  const release = () => {
    if (held !== null) input.value = held;
    held = null;
  };
  input.addEventListener("pointerup", release);
  input.addEventListener("pointercancel", release);
  for (const type of ["input", "change"])
    input.addEventListener(type, (e) => {
      if (held === null) return;
      input.value = held;
      e.stopImmediatePropagation();
    });
}
