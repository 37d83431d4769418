/**
 * The per-file output of `./run eval nab`: one CSV row per evaluated hour.
 * @module
 */
import type { HourFlag } from "./detect_hours.ts";

/**
 * Formats flags as CSV with the header `timestamp,isAnomaly,severity`: ISO 8601 UTC hour starts,
 * `true`/`false`, and the severity (empty when the API version has none or detection failed).
 * The severity is the engine's, as returned: in v1.1 last-point mode the engine, like the retired
 * service, can report a severity for a point whose flag the sensitivity filter then cleared.
 */
export function flagsToCsv(flags: readonly HourFlag[]): string {
  const lines = ["timestamp,isAnomaly,severity"];
  for (const f of flags) {
    lines.push(`${f.timestamp},${f.isAnomaly},${f.severity === undefined ? "" : f.severity}`);
  }
  return `${lines.join("\n")}\n`;
}
