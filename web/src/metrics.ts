/** Helpers to read GET .../metrics (getMetrics). */
import type { Benchmarks } from "./api-types";

/** The industry NPS averages the API sends, as labelled choices ("Software", 34). */
export function npsBenchmarks(b: Benchmarks): { label: string; value: number }[] {
  return Object.entries(b.npsIndustryAverages).map(([label, value]) => ({ label: label.charAt(0).toUpperCase() + label.slice(1), value }));
}
