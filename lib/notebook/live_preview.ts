/**
 * A bounded live table for notebooks — the tutorial's `display(msgStream)` /
 * `display(groupStream)`: the latest N rows as a `danfojs` DataFrame, with ISO-8601 UTC times,
 * re-rendered in place as micro-batches arrive.
 * @module
 */
import type { DataFrame } from "danfojs";
import type { MimeBundle } from "../plot/plotly.ts";
import { htmlTable, type TableValue, textTable } from "../plot/table.ts";
import { LiveDisplay, type LiveDisplayOptions } from "./live_display.ts";

/** A cell value of a preview row. */
export type PreviewValue = string | number | boolean | Date | null | undefined;

/** One row of a preview. */
export type PreviewRow = Readonly<Record<string, PreviewValue>>;

/** Options of {@linkcode LivePreview.create}. */
export interface LivePreviewOptions extends LiveDisplayOptions {
  /** Caption above the table. @default {"preview"} */
  title?: string;
  /** Keep only the last this many rows. @default {10} */
  maxRows?: number;
  /** Columns, in order. @default {the keys of the first row pushed} */
  columns?: readonly string[];
  /**
   * A column that identifies a row (e.g. `groupTime` for windows): a pushed row replaces the
   * kept row with the same key, and rows are kept ordered by it, so the last N keys remain.
   * @default {undefined} (rows are kept in arrival order)
   */
  key?: string;
}

type Danfo = typeof import("danfojs");
let danfo: Promise<Danfo> | undefined;

/** Loads danfojs once, with tfjs's "use tfjs-node" notice silenced. */
export function loadDanfo(): Promise<Danfo> {
  danfo ??= import("danfojs").then((module) => {
    const dfd = ((module as { default?: Danfo }).default ?? module) as Danfo;
    try {
      dfd.tensorflow.env().set("IS_NODE", false);
    } catch {
      // An older tfjs without the flag prints its notice once; nothing else changes.
    }
    return dfd;
  }, (error) => {
    danfo = undefined;
    throw new Error("Cannot load danfojs", { cause: error });
  });
  return danfo;
}

function sortKey(value: PreviewValue): number | string {
  if (value instanceof Date) return value.getTime();
  if (typeof value === "number") return value;
  return String(value ?? "");
}

/** ISO UTC text for dates (`2026-01-05T00:00:00Z`); other values unchanged. */
function cellValue(value: PreviewValue): string | number | boolean | null {
  if (value instanceof Date) {
    return Number.isNaN(value.getTime())
      ? "Invalid Date"
      : value.toISOString().replace(".000Z", "Z");
  }
  return value === undefined ? null : value;
}

/**
 * The latest rows of a stream as a danfojs DataFrame, displayed in place. Create it with
 * {@linkcode LivePreview.create} (loads danfojs), display it with `show()`, then `push()` rows
 * as they arrive; call `flush()` at the end of the cell so the last state is rendered.
 */
export class LivePreview {
  readonly title: string;
  readonly maxRows: number;
  readonly key: string | undefined;
  readonly #dfd: Danfo;
  readonly #live: LiveDisplay;
  #columns: string[] | undefined;
  #rows: PreviewRow[] = [];
  #seen = 0;

  private constructor(dfd: Danfo, options: LivePreviewOptions) {
    const maxRows = options.maxRows ?? 10;
    if (!Number.isInteger(maxRows) || maxRows < 1) {
      throw new RangeError(
        `Cannot create live preview as maxRows must be a positive integer: current value is ${maxRows}`,
      );
    }
    this.#dfd = dfd;
    this.title = options.title ?? "preview";
    this.maxRows = maxRows;
    this.key = options.key;
    this.#columns = options.columns ? [...options.columns] : undefined;
    if (this.key !== undefined && this.#columns && !this.#columns.includes(this.key)) {
      throw new RangeError(
        `Cannot create live preview as key must be one of the columns (${
          this.#columns.join(", ")
        }): current value is ${this.key}`,
      );
    }
    this.#live = new LiveDisplay(options);
  }

  /** A new preview (danfojs is loaded on first use, about 2 s). */
  static async create(options: LivePreviewOptions = {}): Promise<LivePreview> {
    return new LivePreview(await loadDanfo(), options);
  }

  /** The underlying live display. */
  get display(): LiveDisplay {
    return this.#live;
  }

  /** Rows pushed so far (including those no longer kept). */
  get seen(): number {
    return this.#seen;
  }

  /** The kept rows (at most `maxRows`), oldest first. */
  get rows(): readonly PreviewRow[] {
    return this.#rows;
  }

  /** The columns shown. */
  get columns(): readonly string[] {
    return this.#columns ?? [];
  }

  /** Adds rows (keeping the last `maxRows`) and re-renders in place (throttled). */
  push(rows: readonly PreviewRow[]): Promise<void> {
    if (rows.length > 0) {
      this.#columns ??= Object.keys(rows[0]);
      this.#seen += rows.length;
      if (this.key === undefined) {
        this.#rows = [...this.#rows, ...rows].slice(-this.maxRows);
      } else {
        const key = this.key;
        const byKey = new Map(this.#rows.map((r) => [sortKey(r[key]), r]));
        for (const row of rows) byKey.set(sortKey(row[key]), row);
        this.#rows = [...byKey.entries()]
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([, row]) => row)
          .slice(-this.maxRows);
      }
    }
    return this.#live.update(() => this.bundle());
  }

  /** Forgets every row (the columns stay). */
  clear(): Promise<void> {
    this.#rows = [];
    return this.#live.update(() => this.bundle());
  }

  /** Shows the preview (empty until rows are pushed). */
  show(): Promise<void> {
    return this.#live.show(() => this.bundle());
  }

  /** Renders the latest state and waits for every send. */
  async flush(): Promise<void> {
    await this.#live.update(() => this.bundle());
    await this.#live.flush();
  }

  /** The kept rows as a danfojs DataFrame; dates become ISO UTC strings. */
  frame(): DataFrame {
    const columns = this.columns as string[];
    const values = this.#rows.map((row) => columns.map((c) => cellValue(row[c])));
    return new this.#dfd.DataFrame(values, { columns });
  }

  /** HTML and text of the current state, rendered from the danfojs DataFrame. */
  bundle(): MimeBundle {
    const columns = this.columns as string[];
    const caption = `${this.title} (${this.#seen.toLocaleString("en-US")} seen)`;
    if (columns.length === 0 || this.#rows.length === 0) {
      const text = `${caption} (waiting for data)`;
      return {
        "text/html": `<div class="hubwatch-preview"><i>${
          text.replace(/&/g, "&amp;").replace(/</g, "&lt;")
        }</i></div>`,
        "text/plain": text,
      };
    }
    const df = this.frame();
    const records = (df.values as unknown[][]).map((values) =>
      Object.fromEntries(df.columns.map((c, i) => [c, values[i] as TableValue]))
    );
    const options = { caption, maxRows: this.maxRows, digits: 6 };
    return {
      "text/html": `<div class="hubwatch-preview">${htmlTable(df.columns, records, options)}</div>`,
      "text/plain": `${caption}\n${textTable(df.columns, records, options)}`,
    };
  }

  [Symbol.for("Jupyter.display")](): MimeBundle {
    return this.bundle();
  }
}
