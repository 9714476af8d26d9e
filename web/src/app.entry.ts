/** The UI's entry: hash routing to one view per screen; charts of the previous screen are destroyed. */
import { destroyCharts } from "./charts/registry";
import { h, replace } from "./dom";
import { errorBox } from "./errors";
import { renderNav } from "./nav";
import { parseHash, wsHash } from "./router";
import { autoStack } from "./stacked";
import { saveWorkspace, tokenFor, workspaceRecord } from "./store";
import { calculatorsView } from "./views/calculators";
import { homeView } from "./views/home";
import { WORKSPACE_SCREENS } from "./views/screens";

let generation = 0;

/** After navigating, move focus to the new screen's heading so keyboard and screen-reader users start there. */
function focusHeading(view: HTMLElement): void {
  const h1 = view.querySelector("h1");
  if (!h1) return;
  h1.setAttribute("tabindex", "-1");
  h1.focus({ preventScroll: true });
}

async function render(navigated = false): Promise<void> {
  const gen = ++generation;
  destroyCharts();
  const route = parseHash(location.hash);
  const main = document.getElementById("view") as HTMLElement;
  const navEl = document.getElementById("nav") as HTMLElement;

  // A link `#/w/<id>?token=<token>`: keep the token in this browser and clean it from the address bar.
  if (route.parts[0] === "w" && route.parts[1] && route.query.get("token")) {
    const id = route.parts[1];
    const token = route.query.get("token") as string;
    const prev = workspaceRecord(id);
    saveWorkspace({ id, token, name: prev?.token === token ? prev.name : id, role: prev?.token === token ? prev.role : undefined });
    route.query.delete("token");
    const rest = route.query.toString();
    history.replaceState(null, "", wsHash(id, route.parts.slice(2).join("/"), rest));
  }
  renderNav(navEl, route);
  const view = h("div", { class: "view" });
  main.replaceChildren(view);
  try {
    if (route.parts.length === 0) await homeView(view);
    else if (route.parts[0] === "calc") await calculatorsView(view);
    else if (route.parts[0] === "w" && route.parts[1]) {
      const ws = route.parts[1];
      if (!tokenFor(ws)) {
        replace(
          view,
          h("h1", {}, "No access token"),
          h(
            "p",
            {},
            "This browser has no token for this workspace. Open the link you were given (it contains ?token=…), or ",
            h("a", { href: "#/" }, "create a workspace"),
            ".",
          ),
        );
        return;
      }
      const screen = WORKSPACE_SCREENS.find((s) => s.path === (route.parts[2] ?? "")) ?? WORKSPACE_SCREENS[0];
      document.title = `${screen.title} · CX-to-revenue workspace`;
      await screen.view(view, { ws, route, isCurrent: () => gen === generation });
      // The role is known once the workspace has loaded: redraw the navigation (viewers see no editing screens).
      if (gen === generation) renderNav(navEl, route);
      if (gen === generation && navigated) focusHeading(view);
    } else {
      replace(view, h("h1", {}, "Not found"), h("p", {}, h("a", { href: "#/" }, "Back to the start")));
    }
  } catch (err) {
    if (gen === generation) view.replaceChildren(errorBox(err));
  }
}

window.addEventListener("hashchange", () => {
  void render(true);
});
autoStack(document.getElementById("view") as HTMLElement);
void render();
