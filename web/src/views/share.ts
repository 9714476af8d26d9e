/** Share: create a viewer (read-only) or editor link to this workspace (POST .../tokens, owner only). */
import { client, ok } from "../api";
import { field, h, select } from "../dom";
import { errorBox } from "../errors";
import { shareLink } from "../router";
import { heading, loadWorkspace } from "../workspace";
import type { ScreenCtx } from "./screens";

export async function shareView(main: HTMLElement, { ws }: ScreenCtx): Promise<void> {
  const w = await loadWorkspace(ws);
  const role = select(
    [
      ["viewer", "Viewer: can read and run unsaved what-ifs"],
      ["editor", "Editor: can also upload, fit and save"],
    ],
    "viewer",
  );
  const out = h("div", { "aria-live": "polite", id: "share-result" });
  const form = h(
    "form",
    { id: "share-form" },
    field("Access", role),
    h("div", { class: "row" }, h("button", { type: "submit" }, "Create link")),
    out,
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      const t = await ok(
        client.POST("/api/workspaces/{ws}/tokens", {
          params: { path: { ws } },
          body: { role: role.value === "editor" ? "editor" : "viewer" },
        }),
      );
      const url = shareLink(ws, t.token);
      const box = h("input", { type: "text", readonly: true, value: url, id: "share-link", "aria-label": "Share link" });
      const copy = h("button", { type: "button", class: "secondary" }, "Copy");
      copy.addEventListener("click", async () => {
        box.select();
        try {
          await navigator.clipboard.writeText(url);
          copy.textContent = "Copied";
        } catch {
          copy.textContent = "Press Ctrl+C";
        }
      });
      out.replaceChildren(
        h("p", { class: "ok" }, `A ${t.role} link was created. Anyone with it has ${t.role} access; send it privately.`),
        h("div", { class: "row" }, h("div", { class: "field grow" }, box), copy),
      );
    } catch (err) {
      out.replaceChildren(errorBox(err));
    }
  });
  main.replaceChildren(
    heading("Share this workspace", w),
    h(
      "section",
      { class: "card" },
      h(
        "p",
        {},
        "A link carries its own access token. Viewer links are read-only: good for executives reading the dashboard and running what-ifs.",
      ),
      form,
    ),
  );
}
