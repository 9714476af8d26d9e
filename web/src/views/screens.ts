/** The screens of a workspace, in navigation order. */
import type { Route } from "../router";
import { dashboardView } from "./dashboard";
import { shareView } from "./share";
import { uploadView } from "./upload";

export interface ScreenCtx { ws: string; route: Route; isCurrent: () => boolean }
export interface Screen { path: string; title: string; nav: boolean; view: (main: HTMLElement, ctx: ScreenCtx) => Promise<void> }

export const WORKSPACE_SCREENS: Screen[] = [
  { path: "", title: "Dashboard", nav: true, view: dashboardView },
  { path: "upload", title: "Upload", nav: true, view: uploadView },
  { path: "share", title: "Share", nav: true, view: shareView },
];
