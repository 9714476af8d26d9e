/**
 * Cuts CSV text that arrives in chunks into pieces that end at row boundaries, so
 * each piece can be parsed on its own (papaparse via `parseCsv`) while the file is
 * still arriving. A line break is a row boundary unless it lies inside a quoted field;
 * quotes are tracked the way papaparse reads them: a quote opens a quoted field only
 * as the field's first character, `""` inside is an escaped quote, and a closing quote
 * must be followed (after optional spaces) by the delimiter or a line break.
 */

const FIELD_START = 0,
  UNQUOTED = 1,
  QUOTED = 2,
  AFTER_QUOTE = 3;

/** Pieces of at least this many characters are handed on (fewer calls into papaparse). */
const PIECE_CHARS = 1 << 18;

export class CsvChunker {
  /** Text received and not yet handed on, as received (no string concatenation per chunk). */
  private parts: string[] = [];
  private heldChars = 0;
  /** End of the last complete row: characters before it in `parts`. */
  private boundary = 0;
  private state = FIELD_START;
  private readonly delim: number;
  private readonly lb: number;

  /**
   * @param delimiter the file's delimiter (one character)
   * @param lineBreak "\n" (also for CRLF files) or "\r" (old Mac files)
   */
  constructor(delimiter: string, lineBreak: "\n" | "\r") {
    this.delim = delimiter.charCodeAt(0);
    this.lb = lineBreak.charCodeAt(0);
  }

  /** Characters held that are not yet handed on. */
  get held(): number {
    return this.heldChars;
  }

  /** Adds text; returns a piece of complete rows when enough has gathered, else null. */
  push(text: string): string | null {
    if (!text) return null;
    const end = this.scan(text);
    if (end >= 0) this.boundary = this.heldChars + end;
    this.parts.push(text);
    this.heldChars += text.length;
    if (this.boundary >= PIECE_CHARS) return this.take();
    return null;
  }

  /** The rest of the text (at the end of the file), complete rows or not. */
  end(): string {
    const rest = this.parts.join("");
    this.parts = [];
    this.heldChars = this.boundary = 0;
    return rest;
  }

  private take(): string {
    const all = this.parts.join("");
    const piece = all.slice(0, this.boundary);
    const rest = all.slice(this.boundary);
    this.parts = rest ? [rest] : [];
    this.heldChars = rest.length;
    this.boundary = 0;
    return piece;
  }

  /** Runs the quote state machine over `s`; returns the end of the last complete row in it, or −1. */
  private scan(s: string): number {
    const { delim, lb } = this;
    let st = this.state;
    let boundary = -1;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      switch (st) {
        case FIELD_START:
          if (c === 34) st = QUOTED;
          else if (c === lb) boundary = i + 1;
          else if (c !== delim) st = UNQUOTED;
          break;
        case UNQUOTED:
          if (c === delim) st = FIELD_START;
          else if (c === lb) {
            st = FIELD_START;
            boundary = i + 1;
          }
          break;
        case QUOTED:
          if (c === 34) st = AFTER_QUOTE;
          break;
        case AFTER_QUOTE:
          if (c === 34)
            st = QUOTED; // "" = an escaped quote
          else if (c === delim) st = FIELD_START;
          else if (c === lb) {
            st = FIELD_START;
            boundary = i + 1;
          } else if (c === 13 && lb === 10) {
            // CR of a CRLF after the closing quote
          } else if (c !== 32 && c !== 9) st = QUOTED; // papaparse keeps looking for the closing quote
          break;
      }
    }
    this.state = st;
    return boundary;
  }
}

/** The line break papaparse would guess for a file starting with `head` (its guessLineEndings). */
export function guessLineBreak(head: string): "\n" | "\r" {
  const r = head.split("\r");
  const n = head.split("\n");
  const nAppearsFirst = n.length > 1 && n[0].length < r[0].length;
  if (r.length === 1 || nAppearsFirst) return "\n";
  let withN = 0;
  for (let i = 0; i < r.length; i++) if (r[i][0] === "\n") withN++;
  return withN >= r.length / 2 ? "\n" : "\r";
}
