/**
 * Internal: the Parquet data files of this project's Delta tables (history, anomalies) and their
 * `add` actions with statistics.
 * @module
 */
import type pl from "nodejs-polars";
import { join } from "node:path";
import type { AddAction, FileStats } from "./actions.ts";
import { dataFilePath } from "./_paths.ts";

/** How a table turns its rows into a data file: the frame to write and the file's statistics. */
export interface DataFileFormat<R> {
  /** The rows as a frame with the table's columns, in schema order. */
  toFrame(rows: readonly R[]): pl.DataFrame;
  /** `add.stats` of a file holding these rows (JSON-encoded by {@linkcode writeDataFile}). */
  stats(rows: readonly R[]): FileStats;
}

/**
 * Writes `rows` as a new snappy-compressed Parquet file `part-00000-<uuid>-c000.snappy.parquet`
 * in the table root and returns its `add` action: the file's size and modification time (`now()`
 * when the file system has none), `dataChange: true`, no partition values and
 * `JSON.stringify(format.stats(rows))` as stats. Throws
 * `Cannot write data file <name> of <table>` (with `{ cause }`) when it cannot.
 */
export async function writeDataFile<R>(
  tablePath: string,
  rows: readonly R[],
  format: DataFileFormat<R>,
  now: () => number,
): Promise<AddAction> {
  const name = `part-00000-${crypto.randomUUID()}-c000.snappy.parquet`;
  const path = join(tablePath, name);
  try {
    format.toFrame(rows).writeParquet(path, { compression: "snappy" });
    const info = await Deno.stat(path);
    return {
      path: name,
      partitionValues: {},
      size: info.size,
      modificationTime: info.mtime?.getTime() ?? now(),
      dataChange: true,
      stats: JSON.stringify(format.stats(rows)),
    };
  } catch (error) {
    throw new Error(`Cannot write data file ${name} of ${tablePath}`, { cause: error });
  }
}

/** Deletes the data file of an `add.path`, ignoring any failure (e.g. already gone). */
export async function removeDataFile(tablePath: string, addPath: string): Promise<void> {
  await Deno.remove(dataFilePath(tablePath, addPath)).catch(() => {});
}

/** A column whose smallest and largest values go into a data file's statistics. */
export interface StatsColumn<R> {
  /** Column name, as in the table's schema. */
  name: string;
  /** The row's value: a number, or epoch ms for a timestamp column. */
  value: (row: R) => number;
  /**
   * The column is a Delta `timestamp`: its bounds are written as ISO-8601 strings.
   * @default {false}
   */
  timestamp?: boolean;
}

/**
 * Statistics of a data file holding `rows` (at least one): `numRecords`, then `minValues` and
 * `maxValues` of each column in `columns` order, then, with `nullCount: true`, a null count of
 * 0 for each (the columns hold no nulls).
 */
export function fileStats<R>(
  rows: readonly R[],
  columns: readonly StatsColumn<R>[],
  options: { nullCount?: boolean } = {},
): FileStats {
  const minValues: Record<string, unknown> = {};
  const maxValues: Record<string, unknown> = {};
  const nullCount: Record<string, number> = {};
  for (const column of columns) {
    const values = rows.map(column.value);
    const min = values.reduce((a, b) => Math.min(a, b), Infinity);
    const max = values.reduce((a, b) => Math.max(a, b), -Infinity);
    minValues[column.name] = column.timestamp ? new Date(min).toISOString() : min;
    maxValues[column.name] = column.timestamp ? new Date(max).toISOString() : max;
    nullCount[column.name] = 0;
  }
  return options.nullCount
    ? { numRecords: rows.length, minValues, maxValues, nullCount }
    : { numRecords: rows.length, minValues, maxValues };
}
