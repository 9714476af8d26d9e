/**
 * The main navigation: every destination as a list of links, the current page marked with aria-current.
 * On narrow screens (style.css) the list sits behind a "Menu" button (a disclosure: aria-expanded, Escape
 * or a click elsewhere closes it, focus returns to the button); on wide screens the button is hidden.
 */
import { h } from "./dom";
import { wsHash, type Route } from "./router";
import { workspaceRecord } from "./store";
import { WORKSPACE_SCREENS } from "./views/screens";

function navList(route: Route): HTMLUListElement {
  const items: [string, string][] = [
    ["#/", "Workspaces"],
    ["#/calc", "Calculators"],
  ];
  const ws = route.parts[0] === "w" ? route.parts[1] : null;
  const viewer = ws ? workspaceRecord(ws)?.role === "viewer" : false;
  if (ws) for (const s of WORKSPACE_SCREENS.filter((s) => s.nav && !(viewer && s.editor))) items.push([wsHash(ws, s.path), s.title]);
  const here = location.hash.split("?")[0] || "#/";
  return h(
    "ul",
    { id: "nav-list" },
    items.map(([href, label]) =>
      h("li", {}, h("a", { href, "aria-current": href === here || (href === "#/" && here === "") ? "page" : false }, label)),
    ),
  );
}

let toggle: HTMLButtonElement | null = null;
const here = h("span", { class: "nav-here" });

function setOpen(navEl: HTMLElement, open: boolean): void {
  navEl.classList.toggle("open", open);
  toggle?.setAttribute("aria-expanded", String(open));
}

function mount(navEl: HTMLElement): HTMLButtonElement {
  const btn = h(
    "button",
    { type: "button", class: "nav-toggle", id: "nav-toggle", "aria-expanded": "false", "aria-controls": "nav-list" },
    h("span", { class: "nav-icon", "aria-hidden": "true" }, "☰"),
    " Menu",
    here,
  );
  btn.addEventListener("click", () => setOpen(navEl, !navEl.classList.contains("open")));
  navEl.addEventListener("keydown", (e) => {
    if (e.key !== "Escape" || !navEl.classList.contains("open")) return;
    setOpen(navEl, false);
    btn.focus();
  });
  // A link to the page already shown fires no hashchange: close on any link click too.
  navEl.addEventListener("click", (e) => {
    if ((e.target as Element).closest("a")) setOpen(navEl, false);
  });
  document.addEventListener("click", (e) => {
    if (navEl.classList.contains("open") && !navEl.contains(e.target as Node)) setOpen(navEl, false);
  });
  return btn;
}

/** (Re)draws the navigation for the route; the menu is closed after every navigation. */
export function renderNav(navEl: HTMLElement, route: Route): void {
  toggle ??= mount(navEl);
  const list = navList(route);
  const current = list.querySelector('a[aria-current="page"]')?.textContent;
  here.textContent = current ? ` · ${current}` : "";
  navEl.replaceChildren(toggle, list);
  setOpen(navEl, false);
}
