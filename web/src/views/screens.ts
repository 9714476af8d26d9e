/** The screens of a workspace, in navigation order. */
import type { Route } from "../router";
import { clvView } from "./clv";
import { dashboardView } from "./dashboard";
import { driversView } from "./drivers";
import { modelView } from "./model";
import { printView } from "./print";
import { renewalsView } from "./renewals";
import { scenariosView } from "./scenarios";
import { segmentsView } from "./segments";
import { shareView } from "./share";
import { uploadView } from "./upload";
import { whatifView } from "./whatif";

export interface ScreenCtx {
  ws: string;
  route: Route;
  isCurrent: () => boolean;
}
export interface Screen {
  path: string;
  title: string;
  nav: boolean;
  editor?: boolean;
  view: (main: HTMLElement, ctx: ScreenCtx) => Promise<void>;
}

export const WORKSPACE_SCREENS: Screen[] = [
  { path: "", title: "Dashboard", nav: true, view: dashboardView },
  { path: "upload", title: "Upload", nav: true, editor: true, view: uploadView },
  { path: "model", title: "Impact model", nav: true, view: modelView },
  { path: "renewals", title: "Renewals", nav: true, view: renewalsView },
  { path: "drivers", title: "Drivers", nav: true, view: driversView },
  { path: "segments", title: "Segments", nav: true, view: segmentsView },
  { path: "clv", title: "CLV", nav: true, view: clvView },
  { path: "whatif", title: "What-if", nav: true, view: whatifView },
  { path: "scenarios", title: "Scenarios", nav: true, view: scenariosView },
  { path: "share", title: "Share", nav: true, editor: true, view: shareView },
  { path: "print", title: "Business case", nav: false, view: printView },
];
