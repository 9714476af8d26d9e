/** Columns separated by runs of spaces (whitespace-aligned or fixed-width text, e.g. CDNOW_master.txt). */
export const WHITESPACE = "whitespace";

const NAMES: Record<string, string> = { ",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe" };

const tokens = (line: string) =>
  line
    .trim()
    .split(/[ \t]+/)
    .filter(Boolean);

/**
 * The most frequent of `,` `;` tab `|` outside quotes in the header line (`,` on a tie or none). A header with none
 * of them but several words separated by spaces, whose next lines split into as many words, is whitespace-aligned
 * text: `WHITESPACE`.
 * @example guessDelimiter("a;b;c") // => ";"
 * @example guessDelimiter(" customer_id  date  dollar_value", [" 00001 19970101  11.77"]) // => "whitespace"
 */
export function guessDelimiter(line: string, next: string[] = []): string {
  const counts: Record<string, number> = { ",": 0, ";": 0, "\t": 0, "|": 0 };
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch in counts) counts[ch]++;
  }
  let best = ",";
  for (const d of [";", "\t", "|"]) if (counts[d] > counts[best]) best = d;
  if (counts[best] === 0 && !line.includes('"')) {
    const width = tokens(line).length;
    const rows = next.filter((l) => l.trim() !== "");
    if (width >= 2 && rows.length > 0 && rows.every((l) => tokens(l).length === width)) return WHITESPACE;
  }
  return best;
}

/** Whitespace-aligned text as tab-separated: each line trimmed, each run of spaces or tabs one tab. */
export function whitespaceToTabs(text: string): string {
  return text
    .replace(/^[ \t]+/gm, "")
    .replace(/[ \t]+(?=\r?$)/gm, "")
    .replace(/[ \t]+/g, "\t");
}

/** How a file was read, for messages about its header: the separator by name and the header line as seen. */
export function describeSeparator(delimiter: string, headerLine: string): string {
  const sep =
    delimiter === WHITESPACE
      ? "columns separated by spaces"
      : `separator "${delimiter === "\t" ? "\\t" : delimiter}" (${NAMES[delimiter] ?? "other"})`;
  const shown = headerLine.length > 160 ? `${headerLine.slice(0, 160)}…` : headerLine;
  return `read with ${sep}; header line seen: ${JSON.stringify(shown)}`;
}
