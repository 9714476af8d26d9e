/** Tiny DOM builder: no innerHTML, so user data is always text (and CSP-friendly: no inline handlers). */

type Child = Node | string | number | null | undefined | false | Child[];
type Attrs = Record<string, unknown>;

/**
 * Creates an element. `on<event>` attributes with function values become listeners,
 * `for` becomes htmlFor, `true` booleans become empty attributes, null/false/undefined are skipped.
 * @example h("button", { type: "button", onclick: () => go() }, "Fit")
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v as EventListener);
    else if (k === "value" && "value" in el) (el as HTMLInputElement).value = String(v);
    else if (k === "checked" && "checked" in el) (el as HTMLInputElement).checked = Boolean(v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  append(el, children);
  return el;
}

/** Appends children (nested arrays flattened, falsy skipped). */
export function append(el: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.appendChild(typeof c === "object" ? c : document.createTextNode(String(c)));
  }
}

/** Replaces all children of `el`. */
export function replace(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

let uid = 0;
/** A unique id for label/for pairs. */
export const nextId = (prefix = "f") => `${prefix}-${++uid}`;

/** A labelled control: label[for] + control with a fresh id (or the one given). */
export function field(labelText: string, control: HTMLElement, help?: string, cls = "field"): HTMLDivElement {
  if (!control.id) control.id = nextId();
  const wrap = h("div", { class: cls }, h("label", { for: control.id }, labelText), control);
  if (help) {
    const hid = nextId("h");
    control.setAttribute("aria-describedby", hid);
    wrap.appendChild(h("span", { id: hid, class: "muted small" }, help));
  }
  return wrap;
}

/** A number input. */
export function numberInput(value: number | string, attrs: Attrs = {}): HTMLInputElement {
  return h("input", { type: "number", step: "any", inputmode: "decimal", value, ...attrs });
}

/** A select from [value, label] pairs. */
export function select(options: (string | [string, string])[], value?: string, attrs: Attrs = {}): HTMLSelectElement {
  const s = h("select", attrs);
  for (const o of options) {
    const [v, l] = Array.isArray(o) ? o : [o, o];
    s.appendChild(h("option", { value: v }, l));
  }
  if (value !== undefined) s.value = value;
  return s;
}

/**
 * "What is this number and how was it computed": a keyboard-usable disclosure next to a figure.
 */
/** Help text: a sentence in plain words, or [plain words, the formula] (the formula below, smaller). */
export type HelpText = string | Node | readonly [string, string];

export function help(text: HelpText, summary = "What is this?"): HTMLDetailsElement {
  const body = Array.isArray(text)
    ? [h("p", {}, text[0] as string), h("p", { class: "formula small muted" }, text[1] as string)]
    : [h("p", {}, text as string | Node)];
  return h("details", { class: "help" }, h("summary", {}, summary), ...body);
}

/** A key figure with its interval and help text. */
export function kpi(label: string, value: string, ci: string | null, helpText: string, attrs: Attrs = {}): HTMLDivElement {
  return h(
    "div",
    { class: "kpi", ...attrs },
    h("span", { class: "label" }, label),
    h("span", { class: "value", "data-kpi": label }, value),
    ci ? h("span", { class: "ci" }, ci) : null,
    help(helpText),
  );
}

/** A notice box; kind "error" is announced to screen readers. */
export function notice(text: string | Node, kind: "" | "error" | "ok" = ""): HTMLDivElement {
  return h("div", { class: `notice ${kind}`, role: kind === "error" ? "alert" : "status" }, text);
}

/** A simple table from headers and rows; `num` marks numeric columns (right-aligned). */
export function table(
  headers: string[],
  rows: (string | number | Node)[][],
  opts: { num?: number[]; caption?: string; cls?: string; noHead?: boolean } = {},
): HTMLDivElement {
  const num = new Set(opts.num ?? []);
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: opts.cls ?? "" },
      opts.caption ? h("caption", { class: "muted small" }, opts.caption) : null,
      opts.noHead
        ? null
        : h(
            "thead",
            {},
            h(
              "tr",
              {},
              headers.map((t, i) => h("th", { scope: "col", class: num.has(i) ? "num" : "" }, t)),
            ),
          ),
      h(
        "tbody",
        {},
        rows.map((r) =>
          h(
            "tr",
            {},
            r.map((c, i) => h("td", { class: num.has(i) ? "num" : "" }, c)),
          ),
        ),
      ),
    ),
  );
}

/** A select's value as one of the values the API accepts (an enum of the contract), or undefined ("" = the default). */
export function pick<T extends string>(value: string, allowed: readonly T[]): T | undefined {
  return allowed.find((a) => a === value);
}

/** Writes a text only when it changed: an unchanged text left alone costs the next frame no layout (what-if moves). */
export function setText(el: HTMLElement, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}
