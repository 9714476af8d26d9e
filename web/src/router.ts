/** Hash routing: `#/calc`, `#/w/<id>`, `#/w/<id>/<screen>?a=b`. */

export interface Route {
  parts: string[];
  query: URLSearchParams;
}

/** Parses `location.hash` into path parts and a query. */
export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#/, "");
  const q = raw.indexOf("?");
  const path = q >= 0 ? raw.slice(0, q) : raw;
  const query = new URLSearchParams(q >= 0 ? raw.slice(q + 1) : "");
  const parts = path
    .split("/")
    .filter(Boolean)
    .map((p) => decodeURIComponent(p));
  return { parts, query };
}

/** The hash of a workspace screen. */
export const wsHash = (ws: string, screen = "", query = "") =>
  `#/w/${encodeURIComponent(ws)}${screen ? `/${screen}` : ""}${query ? `?${query}` : ""}`;

/** The full link that opens a workspace with a token (the form `npm start` prints). */
export const shareLink = (ws: string, token: string) =>
  `${location.origin}/#/w/${encodeURIComponent(ws)}?token=${encodeURIComponent(token)}`;
