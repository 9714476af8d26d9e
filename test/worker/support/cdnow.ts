// The CDNOW sample (PROVENANCE.md; Fader & Hardie's BG/NBD data, which the fit converges on),
// bundled by Vite's ?raw import, as a transactions CSV (customer_id, date, amount).
import cdnowSample from "../../../../shared/datasets/cdnow/CDNOW_sample.txt?raw";

/** CDNOW_sample.txt as transactions CSV; `rename` maps the n-th distinct customer to another id. */
export function cdnowTransactionsCsv(rename: (n: number, id: string) => string = (_n, id) => `C${id}`): string {
  const lines = ["customer_id,date,amount"];
  const ids = new Map<string, string>();
  for (const raw of cdnowSample.trim().split("\n")) {
    const [cust, , ymd, , amount] = raw.trim().split(/\s+/);
    if (!ids.has(cust)) ids.set(cust, rename(ids.size, cust));
    const id = ids.get(cust)!;
    lines.push(`"${id.replace(/"/g, '""')}",${ymd.slice(0, 4)}-${ymd.slice(4, 6)}-${ymd.slice(6, 8)},${amount}`);
  }
  return lines.join("\n") + "\n";
}
