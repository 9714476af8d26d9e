/** Start page: create a workspace, reopen one this browser knows, or open a shared link. */
import { client, HttpError, ok } from "../api";
import { field, h } from "../dom";
import { errorBox } from "../errors";
import { parseHash, wsHash } from "../router";
import { forgetWorkspace, saveWorkspace, savedWorkspaces } from "../store";

export async function homeView(main: HTMLElement): Promise<void> {
  const name = h("input", {
    type: "text",
    name: "name",
    required: true,
    autocomplete: "organization",
    placeholder: "e.g. Acme renewals 2025",
  });
  const status = h("div", { "aria-live": "polite" });
  // Deployments that set ADMIN_TOKEN need it to create a workspace; the field appears when the server asks for it.
  const admin = h("input", { type: "password", id: "admin-token", autocomplete: "off" });
  const adminField = field("Administrator token", admin, "This server only lets its administrator create workspaces.");
  adminField.classList.add("hidden");
  const create = h(
    "form",
    { id: "create-workspace" },
    field("Workspace name", name),
    adminField,
    h("div", { class: "row" }, h("button", { type: "submit" }, "Create workspace")),
    status,
  );
  create.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (!name.value.trim()) {
      name.focus();
      return;
    }
    try {
      const adminToken = admin.value.trim();
      const ws = await ok(
        client.POST("/api/workspaces", {
          body: { name: name.value.trim() },
          headers: adminToken ? { authorization: `Bearer ${adminToken}` } : {},
        }),
      );
      saveWorkspace({ id: ws.id, name: ws.name, token: ws.token, role: "owner" });
      location.hash = wsHash(ws.id, "upload");
    } catch (err) {
      if (err instanceof HttpError && err.status === 401 && adminField.classList.contains("hidden")) {
        adminField.classList.remove("hidden");
        status.replaceChildren(
          h("p", { class: "warn" }, "This server needs the administrator token to create a workspace. Enter it and try again."),
        );
        admin.focus();
        return;
      }
      status.replaceChildren(errorBox(err));
    }
  });

  const link = h("input", { type: "url", name: "link", placeholder: "https://…/#/w/<id>?token=…" });
  const openStatus = h("div", { "aria-live": "polite" });
  const open = h(
    "form",
    { id: "open-workspace" },
    field("Workspace link", link, "Paste a link someone shared with you."),
    h("div", { class: "row" }, h("button", { type: "submit", class: "secondary" }, "Open")),
    openStatus,
  );
  open.addEventListener("submit", (e) => {
    e.preventDefault();
    const raw = link.value.trim();
    const hash = raw.includes("#") ? raw.slice(raw.indexOf("#")) : "";
    const r = parseHash(hash);
    if (r.parts[0] === "w" && r.parts[1] && r.query.get("token")) location.hash = hash;
    else
      openStatus.replaceChildren(
        h("p", { class: "error" }, "That does not look like a workspace link (it should contain #/w/<id>?token=…)."),
      );
  });

  const known = savedWorkspaces();
  main.replaceChildren(
    h("h1", {}, "CX-to-revenue workspace"),
    h(
      "p",
      { class: "muted" },
      "Upload survey responses and revenue data, see what satisfaction is worth in renewals, and build a printable business case.",
    ),
    h(
      "div",
      { class: "grid" },
      h(
        "section",
        { class: "card", "aria-labelledby": "new-title" },
        h("h2", { id: "new-title" }, "New workspace"),
        h("p", { class: "small muted" }, "You become its owner; the access token is kept in this browser."),
        create,
      ),
      h("section", { class: "card", "aria-labelledby": "open-title" }, h("h2", { id: "open-title" }, "Open a shared workspace"), open),
      h(
        "section",
        { class: "card", "aria-labelledby": "calc-title" },
        h("h2", { id: "calc-title" }, "No data yet?"),
        h(
          "p",
          {},
          "Try the ",
          h("a", { href: "#/calc" }, "calculators"),
          ": NPS, CSAT, sample size, churn, CLV, ROI, renewal uplift and programme ROI.",
        ),
      ),
    ),
    h(
      "section",
      { class: "card", "aria-labelledby": "known-title" },
      h("h2", { id: "known-title" }, "Workspaces in this browser"),
      known.length
        ? h(
            "ul",
            { id: "known-workspaces" },
            known.map((w) =>
              h(
                "li",
                {},
                h("a", { href: wsHash(w.id) }, w.name || w.id),
                " ",
                h("span", { class: "tag" }, w.role ?? "member"),
                " ",
                h(
                  "button",
                  {
                    type: "button",
                    class: "secondary small",
                    "aria-label": `Forget ${w.name || w.id} in this browser`,
                    onclick: () => {
                      forgetWorkspace(w.id);
                      void homeView(main);
                    },
                  },
                  "Forget",
                ),
              ),
            ),
          )
        : h("p", { class: "muted" }, "None yet."),
    ),
  );
}
