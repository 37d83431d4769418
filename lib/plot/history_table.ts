/**
 * The history table (one row per hourly window) as a table with readable ISO-8601 UTC times —
 * the tutorial's `SELECT * FROM tweets ORDER BY groupTime`.
 * @module
 */
import { WINDOW_COLUMNS, type WindowRow } from "../window/types.ts";
import { isoTime } from "./anomaly_figure.ts";
import { type TableValue, TableView } from "./table.ts";

/** The columns of the history table, in display order (its schema's order). */
export const HISTORY_TABLE_COLUMNS = WINDOW_COLUMNS;

/** Options of {@linkcode historyTable}. */
export interface HistoryTableViewOptions {
  /** `asc`: oldest window first (the tutorial's `ORDER BY groupTime`); `desc`: newest first. @default {"asc"} */
  order?: "asc" | "desc";
  /** Show at most this many rows (the first ones in `order`). @default {100} */
  maxRows?: number;
  /** Caption; the default names the number of windows and the time range. */
  caption?: string;
  /** Significant digits of `average`, `sum` and `max`. @default {6} */
  digits?: number;
}

/**
 * Renders history rows (as `HistoryTable.read()` returns them) ordered by `groupTime`, with
 * ISO UTC times (`2026-01-05T00:00:00Z`) instead of `Date.toString()` text. The input is not
 * modified.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { historyTable } from "./history_table.ts";
 *
 * const view = historyTable([{
 *   groupTime: new Date("2026-01-05T00:00:00Z"),
 *   windowEnd: new Date("2026-01-05T01:00:00Z"),
 *   average: 12.5, count: 2, sum: 25, max: 14,
 * }]);
 * assert.equal(view.toString().split("\n")[2],
 *   "| 2026-01-05T00:00:00Z | 2026-01-05T01:00:00Z | 12.5    | 2     | 25  | 14  |");
 * ```
 */
export function historyTable(
  rows: readonly WindowRow[],
  options: HistoryTableViewOptions = {},
): TableView {
  const order = options.order ?? "asc";
  if (order !== "asc" && order !== "desc") {
    throw new RangeError(
      `Cannot render the history table as order must be "asc" or "desc": current value is ${
        JSON.stringify(order)
      }`,
    );
  }
  const maxRows = options.maxRows ?? 100;
  if (!Number.isInteger(maxRows) || maxRows < 0) {
    throw new RangeError(
      `Cannot render the history table as maxRows must be a non-negative integer: current value is ${maxRows}`,
    );
  }
  const sorted = [...rows].sort((a, b) => a.groupTime.getTime() - b.groupTime.getTime());
  const caption = options.caption ??
    (sorted.length > 0
      ? `history: ${sorted.length} windows, ${isoTime(sorted[0].groupTime)} … ${
        isoTime(sorted[sorted.length - 1].windowEnd)
      }`
      : "history: no windows yet");
  if (order === "desc") sorted.reverse();
  const records: Record<string, TableValue>[] = sorted.map((r) => ({
    groupTime: r.groupTime,
    windowEnd: r.windowEnd,
    average: r.average,
    count: r.count,
    sum: r.sum,
    max: r.max,
  }));
  return new TableView([...HISTORY_TABLE_COLUMNS], records, {
    caption,
    maxRows,
    digits: options.digits,
  });
}
