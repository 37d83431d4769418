/**
 * HTML tables for notebooks and reports, with readable ISO-8601 UTC times (nodejs-polars
 * renders Datetime columns as `Date.toString()` text, which is hard to read).
 */
import { escapeHtml } from "./_html.ts";
import type { MimeBundle } from "./plotly.ts";

/** A cell value a table can show. */
export type TableValue = string | number | bigint | boolean | Date | null | undefined;

/** Options of {@linkcode htmlTable} and {@linkcode TableView}. */
export interface TableOptions {
  /** Show at most this many rows (the first ones); the caption says how many were left out. @default {50} */
  maxRows?: number;
  /** Caption above the table. */
  caption?: string;
  /** Significant digits for non-integer numbers. @default {6} */
  digits?: number;
}

/** Formats one value: dates as ISO UTC (`2019-04-08T01:00:00Z`), numbers with limited precision. */
export function formatCell(value: TableValue, digits = 6): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) {
    return Number.isNaN(value.getTime())
      ? "Invalid Date"
      : value.toISOString().replace(".000Z", "Z");
  }
  if (typeof value === "number") {
    if (Number.isInteger(value)) return String(value);
    if (!Number.isFinite(value)) return String(value);
    return String(Number(value.toPrecision(digits)));
  }
  return String(value);
}

/** Renders rows (objects with the given columns) as an HTML table. */
export function htmlTable(
  columns: string[],
  rows: Record<string, TableValue>[],
  options: TableOptions = {},
): string {
  const maxRows = options.maxRows ?? 50;
  const shown = rows.slice(0, maxRows);
  const digits = options.digits ?? 6;
  const caption = [
    options.caption,
    rows.length > shown.length
      ? `first ${shown.length} of ${rows.length} rows`
      : `${rows.length} rows`,
  ].filter(Boolean).join(" — ");
  const head = columns.map((c) => `<th>${escapeHtml(c)}</th>`).join("");
  const body = shown.map((row) =>
    `<tr>${
      columns.map((c) => {
        const v = row[c];
        const align = typeof v === "number" || typeof v === "bigint"
          ? ' style="text-align:right"'
          : "";
        return `<td${align}>${escapeHtml(formatCell(v, digits))}</td>`;
      }).join("")
    }</tr>`
  ).join("\n");
  return `<table class="hubwatch-table"><caption style="caption-side:top;text-align:left">${
    escapeHtml(caption)
  }</caption><thead><tr>${head}</tr></thead><tbody>
${body}
</tbody></table>`;
}

/** Renders rows as plain text (for `text/plain` and terminals). */
export function textTable(
  columns: string[],
  rows: Record<string, TableValue>[],
  options: TableOptions = {},
): string {
  const shown = rows.slice(0, options.maxRows ?? 50);
  const cells = shown.map((row) => columns.map((c) => formatCell(row[c], options.digits ?? 6)));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i].length)));
  const line = (values: string[]) => `| ${values.map((v, i) => v.padEnd(widths[i])).join(" | ")} |`;
  const rule = `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`;
  const extra = rows.length > shown.length ? [`(${rows.length - shown.length} more rows)`] : [];
  return [line(columns), rule, ...cells.map(line), ...extra].join("\n");
}

/** A table that displays itself in Jupyter as HTML (with a text fallback). */
export class TableView {
  readonly columns: string[];
  readonly rows: Record<string, TableValue>[];
  readonly options: TableOptions;
  constructor(columns: string[], rows: Record<string, TableValue>[], options: TableOptions = {}) {
    this.columns = columns;
    this.rows = rows;
    this.options = options;
  }
  /** A table of the rows of a nodejs-polars DataFrame (anything with `columns` and `toRecords()`). */
  static fromDataFrame(
    df: { columns: string[]; toRecords(): Record<string, unknown>[] },
    options: TableOptions = {},
  ): TableView {
    return new TableView(df.columns, df.toRecords() as Record<string, TableValue>[], options);
  }
  toHTML(): string {
    return htmlTable(this.columns, this.rows, this.options);
  }
  toString(): string {
    return textTable(this.columns, this.rows, this.options);
  }
  [Symbol.for("Jupyter.display")](): MimeBundle {
    return { "text/html": this.toHTML(), "text/plain": this.toString() };
  }
}
