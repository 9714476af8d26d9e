/** The most frequent of `,` `;` tab `|` outside quotes in the header line (`,` on a tie or none). */
export function guessDelimiter(line: string): string {
  const counts: Record<string, number> = { ",": 0, ";": 0, "\t": 0, "|": 0 };
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch in counts) counts[ch]++;
  }
  let best = ",";
  for (const d of [";", "\t", "|"]) if (counts[d] > counts[best]) best = d;
  return best;
}
