/**
 * NAB `realTweets` files as the evaluation sees them: the 5-minute rows, their hourly sums and
 * the labelled anomaly windows of `labels/combined_windows.json`.
 *
 * @module
 */
import { readdir, readFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { parseNabCsv, parseNabWindows } from "../source/nab.ts";
import type { LabelWindow } from "./nab_score.ts";

export { parseNabWindows };

const HOUR_IN_MS = 3_600_000;

/** One hour of a NAB series: the sum of its rows. */
export interface HourPoint {
  /** Start of the hour, ISO 8601 UTC (the hour covers `[timestamp, timestamp + 1 h)`). */
  timestamp: string;
  /** Sum of the values of the hour's rows. */
  value: number;
  /** Time of the hour's first row (epoch ms). */
  firstRowMs: number;
  /** Time of the hour's last row (epoch ms). */
  lastRowMs: number;
}

/** One NAB data file with its hourly sums and labelled windows. */
export interface NabSeries {
  /** File name, e.g. `Twitter_volume_AAPL.csv`. */
  name: string;
  /** Key in NAB's label files, e.g. `realTweets/Twitter_volume_AAPL.csv`. */
  key: string;
  /** Row timestamps (epoch ms), strictly increasing. */
  rowTimesMs: number[];
  /** Row values. */
  rowValues: number[];
  /** Complete hours (see {@linkcode hourlySums}), in time order. */
  hours: HourPoint[];
  /** Labelled anomaly windows, both ends inclusive. */
  windows: LabelWindow[];
}

/** Options of {@linkcode hourlySums}. */
export interface HourlySumsOptions {
  /**
   * Spacing of the rows. An hour is kept only when it holds `3600000 / rowIntervalInMs` rows (all
   * of them), so the partial first and last hours of a file do not look like drops.
   * @default {300000} (5 minutes)
   */
  rowIntervalInMs?: number;
}

/**
 * Sums rows into UTC clock hours `[hh:00, hh+1:00)`, keeping only complete hours (a missing hour
 * is left out, so the detector sees a gap rather than a false drop).
 */
export function hourlySums(
  rowTimesMs: readonly number[],
  rowValues: readonly number[],
  options: HourlySumsOptions = {},
): HourPoint[] {
  const intervalInMs = options.rowIntervalInMs ?? 300_000;
  if (!Number.isInteger(intervalInMs) || intervalInMs <= 0 || HOUR_IN_MS % intervalInMs !== 0) {
    throw new RangeError(
      `Cannot sum rows into hours as rowIntervalInMs must be a positive integer dividing 3600000: current value is ${intervalInMs}`,
    );
  }
  if (rowTimesMs.length !== rowValues.length) {
    throw new RangeError(
      `Cannot sum rows into hours as rowTimesMs and rowValues must have the same length: current lengths are ${rowTimesMs.length} and ${rowValues.length}`,
    );
  }
  const perHour = HOUR_IN_MS / intervalInMs;
  const hours: HourPoint[] = [];
  let i = 0;
  while (i < rowTimesMs.length) {
    const hourMs = Math.floor(rowTimesMs[i] / HOUR_IN_MS) * HOUR_IN_MS;
    let sum = 0;
    let count = 0;
    const first = i;
    while (i < rowTimesMs.length && rowTimesMs[i] < hourMs + HOUR_IN_MS) {
      sum += rowValues[i];
      count++;
      i++;
    }
    if (count === perHour) {
      hours.push({
        timestamp: new Date(hourMs).toISOString(),
        value: sum,
        firstRowMs: rowTimesMs[first],
        lastRowMs: rowTimesMs[i - 1],
      });
    }
  }
  return hours;
}

/** Options of {@linkcode readNabSeries}. */
export interface ReadNabSeriesOptions extends HourlySumsOptions {
  /**
   * NAB's `combined_windows.json`, already parsed (see {@linkcode parseNabWindows}); read from
   * `windowsPath` when absent.
   */
  windows?: Map<string, LabelWindow[]>;
  /**
   * Path of NAB's `combined_windows.json`.
   * @default {"<csv folder>/../../labels/combined_windows.json"}
   */
  windowsPath?: string;
}

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    throw new Error(`Cannot read ${what} "${path}": ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** Reads NAB's `combined_windows.json` (see {@linkcode parseNabWindows}). */
export async function readNabWindows(windowsPath: string): Promise<Map<string, LabelWindow[]>> {
  return parseNabWindows(await readText(windowsPath, "NAB windows"), `"${windowsPath}"`);
}

/** Reads one NAB data file with its labelled windows (key `<folder>/<file>`). */
export async function readNabSeries(
  csvPath: string,
  options: ReadNabSeriesOptions = {},
): Promise<NabSeries> {
  const name = basename(csvPath);
  const key = `${basename(dirname(csvPath))}/${name}`;
  const windows = options.windows ??
    await readNabWindows(
      options.windowsPath ?? join(dirname(csvPath), "..", "..", "labels", "combined_windows.json"),
    );
  const fileWindows = windows.get(key);
  if (fileWindows === undefined) {
    throw new RangeError(
      `Cannot evaluate NAB file "${csvPath}" as the labels have no key "${key}"`,
    );
  }
  const points = parseNabCsv(await readText(csvPath, "NAB series"), `"${csvPath}"`);
  const rowTimesMs = points.map((p) => Date.parse(p.timestamp));
  const rowValues = points.map((p) => p.value);
  return {
    name,
    key,
    rowTimesMs,
    rowValues,
    hours: hourlySums(rowTimesMs, rowValues, options),
    windows: [...fileWindows].sort((a, b) => a.startMs - b.startMs),
  };
}

/** The `.csv` files of a NAB data folder (e.g. `data/realTweets`), sorted by name. */
export async function listNabFiles(dataDir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dataDir);
  } catch (error) {
    throw new Error(`Cannot list NAB data folder "${dataDir}": ${(error as Error).message}`, {
      cause: error,
    });
  }
  return names.filter((n) => n.endsWith(".csv")).sort().map((n) => join(dataDir, n));
}
