/**
 * Converts NAB (Numenta Anomaly Benchmark) count series, e.g. `realTweets/Twitter_volume_AAPL.csv`
 * (5-minute tweet counts), into replayable posts, keeping NAB's labelled anomaly windows as
 * ground truth.
 *
 * @module
 */
import { readFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { Prng } from "./_prng.ts";
import { snowflake } from "./_snowflake.ts";
import type { GroundTruth, GroundTruthIncident } from "./ground_truth.ts";
import type { Post } from "./post_source.ts";

/** One row of a NAB series. */
export interface NabPoint {
  /** ISO 8601 UTC (NAB's zone-less times are read as UTC). */
  timestamp: string;
  /** The value (a count for `realTweets`). */
  value: number;
}

/** Options for {@linkcode convertNab}. */
export interface ConvertNabOptions {
  /**
   * - `"row"`: one post per row with `likeCount` = the row's value, so the hourly average of
   *   likes is the hourly mean of the series (anomalies stay visible to the analyze job).
   * - `"expand"`: `value` posts per row spread over the row's interval, with log-normal likes;
   *   the series shows in the hourly count of posts instead.
   * @default {"row"}
   */
  mode?: "row" | "expand";
  /**
   * NAB's `combined_windows.json`.
   * @default {"<csv folder>/../../labels/combined_windows.json"}
   */
  windowsPath?: string;
  /** Seed of the like counts in `expand` mode. @default {42} */
  seed?: number;
  /** Interval of one row, for `expand` mode. @default {300000} (5 minutes) */
  rowIntervalInMs?: number;
}

/** Posts and ground truth made from one NAB series. */
export interface NabDataset {
  posts: Post[];
  groundTruth: GroundTruth;
}

function nabTime(text: string): number {
  const trimmed = text.trim();
  return Date.parse(
    /[zZ]|[+-]\d\d:?\d\d$/.test(trimmed) ? trimmed : `${trimmed.replace(" ", "T")}Z`,
  );
}

/**
 * Parses NAB's `combined_windows.json` into windows (epoch ms, both ends inclusive) per key
 * (`<folder>/<file>`); zone-less times are read as UTC.
 */
export function parseNabWindows(
  text: string,
  name = "NAB windows",
): Map<string, { startMs: number; endMs: number }[]> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SyntaxError(`Cannot read ${name} as it is not valid JSON`, { cause: error });
  }
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    throw new TypeError(`Cannot read ${name} as it must be an object of key → windows`);
  }
  const out = new Map<string, { startMs: number; endMs: number }[]>();
  for (const [key, value] of Object.entries(json)) {
    if (!Array.isArray(value)) {
      throw new TypeError(
        `Cannot read ${name} as the windows of "${key}" must be an array: current value is ${
          JSON.stringify(value)
        }`,
      );
    }
    out.set(
      key,
      value.map((pair: unknown, k: number) => {
        const [from, to] = Array.isArray(pair) ? pair : [];
        const startMs = typeof from === "string" ? nabTime(from) : NaN;
        const endMs = typeof to === "string" ? nabTime(to) : NaN;
        if (!Number.isFinite(startMs) || !Number.isFinite(endMs) || endMs < startMs) {
          throw new SyntaxError(
            `Cannot read window ${k} of "${key}" in ${name} as it must be [start, end] times with start <= end: current value is ${
              JSON.stringify(pair)
            }`,
          );
        }
        return { startMs, endMs };
      }),
    );
  }
  return out;
}

/** Parses a NAB CSV (`timestamp,value` header, then rows); throws naming the bad line. */
export function parseNabCsv(text: string, name = "NAB series"): NabPoint[] {
  const lines = text.split(/\r?\n/);
  const header = lines[0]?.replace(/^\uFEFF/, "").trim();
  if (header !== "timestamp,value") {
    throw new SyntaxError(
      `Cannot read ${name} as its header must be "timestamp,value": current value is ${
        JSON.stringify(header)
      }`,
    );
  }
  const points: NabPoint[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === "") continue;
    const [time, raw, extra] = line.split(",");
    const ms = nabTime(time ?? "");
    const value = Number(raw);
    if (
      extra !== undefined || !Number.isFinite(ms) || raw === undefined || !Number.isFinite(value)
    ) {
      throw new SyntaxError(
        `Cannot read ${name} line ${i + 1} as it must be "timestamp,value": current value is ${
          JSON.stringify(line)
        }`,
      );
    }
    points.push({ timestamp: new Date(ms).toISOString(), value });
  }
  return points;
}

/** Turns NAB points into posts (see {@linkcode ConvertNabOptions.mode}). */
export function nabToPosts(
  points: NabPoint[],
  options: Pick<ConvertNabOptions, "mode" | "seed" | "rowIntervalInMs"> = {},
): Post[] {
  const mode = options.mode ?? "row";
  const posts: Post[] = [];
  if (mode === "row") {
    for (const point of points) {
      if (!Number.isInteger(point.value) || point.value < 0) {
        throw new RangeError(
          `Cannot convert NAB point at ${point.timestamp} as value must be an integer >= 0 to ` +
            `become a like count: current value is ${point.value}`,
        );
      }
      const ms = Date.parse(point.timestamp);
      posts.push({ id: snowflake(ms, 0), createdAt: point.timestamp, likeCount: point.value });
    }
    return posts;
  }
  const random = new Prng(options.seed ?? 42);
  const intervalInMs = options.rowIntervalInMs ?? 300_000;
  const sigma = 0.8;
  const mu = Math.log(12) - (sigma * sigma) / 2;
  for (const point of points) {
    const start = Date.parse(point.timestamp);
    const count = Math.max(0, Math.round(point.value));
    let lastMs = -1;
    let sequence = 0;
    for (let k = 0; k < count; k++) {
      const ms = start + Math.floor((k * intervalInMs) / count / 1000) * 1000;
      sequence = ms === lastMs ? sequence + 1 : 0;
      lastMs = ms;
      posts.push({
        id: snowflake(ms, sequence),
        createdAt: new Date(ms).toISOString(),
        likeCount: Math.floor(Math.exp(mu + sigma * random.normal())),
      });
    }
  }
  return posts;
}

/**
 * Reads a NAB series and its labelled windows (`combined_windows.json`, keyed
 * `<folder>/<file>`), and converts them into posts plus ground truth with one `nab-window`
 * incident per window (direction `unknown`: NAB does not say).
 */
export async function convertNab(
  csvPath: string,
  options: ConvertNabOptions = {},
): Promise<NabDataset> {
  const key = `${basename(dirname(csvPath))}/${basename(csvPath)}`;
  const windowsPath = options.windowsPath ??
    join(dirname(csvPath), "..", "..", "labels", "combined_windows.json");
  let text: string;
  let windowsText: string;
  try {
    text = await readFile(csvPath, "utf8");
  } catch (error) {
    throw new Error(`Cannot read NAB series "${csvPath}": ${(error as Error).message}`, {
      cause: error,
    });
  }
  try {
    windowsText = await readFile(windowsPath, "utf8");
  } catch (error) {
    throw new Error(`Cannot read NAB windows "${windowsPath}": ${(error as Error).message}`, {
      cause: error,
    });
  }
  const points = parseNabCsv(text, `"${csvPath}"`);
  const windows = parseNabWindows(windowsText, `NAB windows "${windowsPath}"`).get(key);
  if (windows === undefined) {
    throw new RangeError(
      `Cannot convert NAB series as "${windowsPath}" has no windows for key "${key}"`,
    );
  }
  const incidents: GroundTruthIncident[] = windows.map((w, i) => ({
    kind: "nab-window",
    start: new Date(w.startMs).toISOString(),
    end: new Date(w.endMs).toISOString(),
    direction: "unknown",
    description: `NAB labelled anomaly window ${i + 1} of ${key}`,
  }));
  const posts = nabToPosts(points, options);
  const intervalInMs = options.rowIntervalInMs ?? 300_000;
  const last = points.length > 0 ? Date.parse(points[points.length - 1].timestamp) : 0;
  return {
    posts,
    groundTruth: {
      source: `nab:${key}`,
      start: points[0]?.timestamp ?? new Date(0).toISOString(),
      end: new Date(last + intervalInMs).toISOString(),
      posts: posts.length,
      incidents,
    },
  };
}
