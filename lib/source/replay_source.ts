/**
 * Replays posts from JSONL or CSV files, as fast as possible or in (scaled) real time.
 *
 * ## File formats
 * - **JSONL** (`.jsonl`, `.ndjson`, `.json`): one JSON object per line; blank lines are ignored.
 *   A line may wrap the post in `{"data": {...}}` (as the filtered stream sends it).
 * - **CSV** (`.csv`): a header line, then one post per record; fields may be quoted with `"`
 *   (`""` inside quotes is a quote; quoted fields may contain commas and line breaks).
 *
 * ## Columns (JSON keys or CSV header names)
 * | meaning | accepted names |
 * | --- | --- |
 * | time (required) | `created_at` (X v2), `timestamp` (tutorial), `createdAt` |
 * | likes (required) | `public_metrics.like_count` (X v2, nested or as a dotted CSV column), `favorite` (tutorial), `like_count`, `likeCount`, `favorite_count` |
 * | id (optional) | `id`, `id_str` — when missing: `<file name>:<line>` |
 * | text (optional) | `text` |
 *
 * Times are ISO 8601; a time without a zone (e.g. `2015-02-26 21:42:53`) is read as UTC.
 * Likes must be integers ≥ 0. A bad row is reported with its file and line and skipped, or ends
 * the replay with a `SyntaxError` in strict mode.
 *
 * @module
 */
import { mkdir, open, writeFile } from "node:fs/promises";
import { basename, dirname, extname } from "node:path";
import { type Clock, systemClock } from "./clock.ts";
import type { Post, PostSource } from "./post_source.ts";

/** A row that could not be read. */
export interface ReplayBadRow {
  /** The file, as given. */
  file: string;
  /** 1-based line number where the row starts. */
  line: number;
  /** Why the row was rejected. */
  reason: string;
}

/** Options for {@linkcode ReplaySource}. */
export interface ReplaySourceOptions {
  /**
   * `"max"` replays as fast as the consumer takes posts; a number replays in real time × factor
   * (1 = real time, 60 = one minute of posts per second), keeping the gaps between post times.
   * @default {"max"}
   */
  speed?: "max" | number;
  /** Fail on the first bad row instead of skipping it. @default {false} */
  strict?: boolean;
  /** File format; `"auto"` decides by extension (`.csv` → CSV, else JSONL). @default {"auto"} */
  format?: "auto" | "jsonl" | "csv";
  /** Called for every skipped row. */
  onBadRow?: (row: ReplayBadRow) => void;
  /** Time source for real-time replay. @default {systemClock} */
  clock?: Clock;
  /** Stops the replay. */
  abortSignal?: AbortSignal;
}

const ZONELESS = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

function show(value: unknown): string {
  return value === undefined ? "missing" : JSON.stringify(value);
}

/** Parses a time the way replay files carry it; `undefined` when unusable. */
function parseTime(value: unknown): number | undefined {
  if (typeof value !== "string" || value.trim() === "") return undefined;
  const text = value.trim();
  const ms = Date.parse(ZONELESS.test(text) ? `${text.replace(" ", "T")}Z` : text);
  return Number.isFinite(ms) ? ms : undefined;
}

function pick(row: Record<string, unknown>, names: string[]): unknown {
  for (const name of names) if (row[name] !== undefined && row[name] !== "") return row[name];
  return undefined;
}

/** Converts one row object into a post, or returns the reason it is bad. */
export function postFromRow(row: unknown, fallbackId: string): Post | string {
  if (typeof row !== "object" || row === null || Array.isArray(row)) {
    return `a row must be a JSON object: current value is ${show(row)}`;
  }
  let record = row as Record<string, unknown>;
  if (typeof record.data === "object" && record.data !== null && !Array.isArray(record.data)) {
    record = record.data as Record<string, unknown>;
  }
  const timeValue = pick(record, ["created_at", "timestamp", "createdAt"]);
  const time = parseTime(timeValue);
  if (time === undefined) {
    return `created_at/timestamp must be an ISO 8601 time: current value is ${show(timeValue)}`;
  }
  const metrics = record.public_metrics;
  const nested = typeof metrics === "object" && metrics !== null
    ? (metrics as Record<string, unknown>).like_count
    : undefined;
  const likesValue = nested ?? pick(record, [
    "public_metrics.like_count",
    "favorite",
    "like_count",
    "likeCount",
    "favorite_count",
  ]);
  const likes = typeof likesValue === "string" && /^\s*\d+\s*$/.test(likesValue)
    ? Number(likesValue)
    : likesValue;
  if (typeof likes !== "number" || !Number.isSafeInteger(likes) || likes < 0) {
    return `like_count/favorite must be an integer >= 0: current value is ${show(likesValue)}`;
  }
  const idValue = pick(record, ["id", "id_str"]);
  const id = typeof idValue === "string" || typeof idValue === "number"
    ? String(idValue)
    : fallbackId;
  const post: Post = { id, createdAt: new Date(time).toISOString(), likeCount: likes };
  if (typeof record.text === "string") post.text = record.text;
  return post;
}

/** Splits one CSV record into fields (the record may contain quoted line breaks). */
function splitCsv(record: string): string[] | string {
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < record.length; i++) {
    const c = record[i];
    if (quoted) {
      if (c === '"') {
        if (record[i + 1] === '"') {
          field += '"';
          i += 1;
        } else {
          quoted = false;
        }
      } else {
        field += c;
      }
    } else if (c === '"') {
      if (field !== "") return `a quote must start a field: found one inside "${field}"`;
      quoted = true;
    } else if (c === ",") {
      fields.push(field);
      field = "";
    } else {
      field += c;
    }
  }
  if (quoted) return "a quoted field is not closed";
  fields.push(field);
  return fields;
}

function quoteBalance(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 34) n += 1;
  return n;
}

/** Yields the lines of a file with their 1-based numbers, streaming, one chunk's lines at a time. */
async function* readLines(path: string): AsyncGenerator<[string, number][]> {
  let handle;
  try {
    handle = await open(path, "r");
  } catch (error) {
    throw new Error(`Cannot replay "${path}": ${(error as Error).message}`, { cause: error });
  }
  const decoder = new TextDecoder("utf-8");
  const buffer = new Uint8Array(1 << 16);
  let rest = "";
  let line = 0;
  const strip = (text: string) => text.endsWith("\r") ? text.slice(0, -1) : text;
  try {
    while (true) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      rest += decoder.decode(buffer.subarray(0, bytesRead), { stream: true });
      const lines: [string, number][] = [];
      let start = 0;
      let newline: number;
      while ((newline = rest.indexOf("\n", start)) >= 0) {
        line += 1;
        lines.push([strip(rest.slice(start, newline)), line]);
        start = newline + 1;
      }
      rest = rest.slice(start);
      if (lines.length > 0) yield lines;
    }
    rest += decoder.decode();
    if (rest !== "") yield [[strip(rest), line + 1]];
  } finally {
    await handle.close();
  }
}

type RowResult = { line: number; post: Post } | { line: number; reason: string };

async function* readJsonl(path: string): AsyncGenerator<RowResult[]> {
  const name = basename(path);
  for await (const lines of readLines(path)) {
    const rows: RowResult[] = [];
    for (const [text, line] of lines) {
      if (text.trim() === "") continue;
      let value: unknown;
      try {
        value = JSON.parse(line === 1 ? text.replace(/^\uFEFF/, "") : text);
      } catch (error) {
        rows.push({ line, reason: `not valid JSON (${(error as Error).message})` });
        continue;
      }
      const post = postFromRow(value, `${name}:${line}`);
      rows.push(typeof post === "string" ? { line, reason: post } : { line, post });
    }
    yield rows;
  }
}

async function* readCsv(path: string): AsyncGenerator<RowResult[]> {
  const name = basename(path);
  let header: string[] | undefined;
  let pending = "";
  let pendingLine = 0;
  for await (const lines of readLines(path)) {
    const rows: RowResult[] = [];
    for (const [text, line] of lines) {
      if (pending === "") {
        if (text.trim() === "") continue;
        pendingLine = line;
        pending = text;
      } else {
        pending += "\n" + text;
      }
      if (quoteBalance(pending) % 2 === 1) continue; // a quoted field continues on the next line
      const record = pending;
      pending = "";
      const fields = splitCsv(header === undefined ? record.replace(/^\uFEFF/, "") : record);
      if (header === undefined) {
        if (typeof fields === "string") {
          throw new SyntaxError(
            `Cannot replay "${path}" as its CSV header is malformed: ${fields}`,
          );
        }
        header = fields.map((f) => f.trim());
        continue;
      }
      if (typeof fields === "string") {
        rows.push({ line: pendingLine, reason: fields });
        continue;
      }
      if (fields.length !== header.length) {
        rows.push({
          line: pendingLine,
          reason:
            `a record must have ${header.length} fields like the header: found ${fields.length}`,
        });
        continue;
      }
      const row: Record<string, string> = {};
      header.forEach((key, i) => row[key] = fields[i]);
      const post = postFromRow(row, `${name}:${pendingLine}`);
      rows.push(
        typeof post === "string"
          ? { line: pendingLine, reason: post }
          : { line: pendingLine, post },
      );
    }
    yield rows;
  }
  if (pending !== "") yield [{ line: pendingLine, reason: "a quoted field is not closed" }];
}

/**
 * Posts from one or more files, in file order then line order. Rows that cannot be read are
 * collected in {@linkcode ReplaySource.badRows} (and passed to `onBadRow`), or end the replay in
 * strict mode.
 */
export class ReplaySource implements PostSource {
  readonly #paths: string[];
  readonly #speed: "max" | number;
  readonly #strict: boolean;
  readonly #format: "auto" | "jsonl" | "csv";
  readonly #onBadRow?: (row: ReplayBadRow) => void;
  readonly #clock: Clock;
  readonly #abortSignal?: AbortSignal;
  /** The rows skipped so far. */
  readonly badRows: ReplayBadRow[] = [];

  constructor(paths: string | string[], options: ReplaySourceOptions = {}) {
    this.#paths = typeof paths === "string" ? [paths] : [...paths];
    if (this.#paths.length === 0) {
      throw new RangeError(
        "Cannot create replay source as paths must name at least one file: current value is []",
      );
    }
    this.#speed = options.speed ?? "max";
    if (this.#speed !== "max" && !(Number.isFinite(this.#speed) && this.#speed > 0)) {
      throw new RangeError(
        `Cannot create replay source as speed must be "max" or a positive number: current value is ${
          JSON.stringify(this.#speed)
        }`,
      );
    }
    this.#strict = options.strict ?? false;
    this.#format = options.format ?? "auto";
    this.#onBadRow = options.onBadRow;
    this.#clock = options.clock ?? systemClock;
    this.#abortSignal = options.abortSignal;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Post> {
    const signal = this.#abortSignal;
    let anchor: { postInMs: number; clockInMs: number } | undefined;
    for (const path of this.#paths) {
      const csv = this.#format === "csv" ||
        (this.#format === "auto" && extname(path).toLowerCase() === ".csv");
      const rows = csv ? readCsv(path) : readJsonl(path);
      for await (const batch of rows) {
        for (const row of batch) {
          if (signal?.aborted) return;
          if ("reason" in row) {
            const bad = { file: path, line: row.line, reason: row.reason };
            if (this.#strict) {
              throw new SyntaxError(`Cannot replay "${path}" line ${row.line}: ${row.reason}`);
            }
            this.badRows.push(bad);
            this.#onBadRow?.(bad);
            continue;
          }
          if (this.#speed !== "max") {
            const postInMs = Date.parse(row.post.createdAt);
            anchor ??= { postInMs, clockInMs: this.#clock.now() };
            const due = anchor.clockInMs + (postInMs - anchor.postInMs) / this.#speed;
            const delay = due - this.#clock.now();
            if (delay > 0) {
              try {
                await this.#clock.sleep(delay, signal);
              } catch (error) {
                if (signal?.aborted) return;
                throw error;
              }
            }
          }
          yield row.post;
        }
      }
    }
  }
}

/** The JSONL line {@linkcode writePostsJsonl} writes for a post (X v2 shape). */
export function postToJsonLine(post: Post): string {
  const row: Record<string, unknown> = {
    id: post.id,
    created_at: post.createdAt,
    public_metrics: { like_count: post.likeCount },
  };
  if (post.text !== undefined) row.text = post.text;
  return JSON.stringify(row);
}

/**
 * Writes posts as JSONL in the X v2 shape (`id`, `created_at`, `public_metrics.like_count`,
 * `text`), readable by {@linkcode ReplaySource}. Parent folders are created. Resolves to the
 * number of posts written.
 */
export async function writePostsJsonl(
  path: string,
  posts: Iterable<Post> | AsyncIterable<Post>,
): Promise<number> {
  try {
    await mkdir(dirname(path), { recursive: true });
    const handle = await open(path, "w");
    let count = 0;
    try {
      let chunk: string[] = [];
      for await (const post of posts) {
        chunk.push(postToJsonLine(post));
        count += 1;
        if (chunk.length === 5000) {
          await handle.write(chunk.join("\n") + "\n");
          chunk = [];
        }
      }
      if (chunk.length > 0) await handle.write(chunk.join("\n") + "\n");
    } finally {
      await handle.close();
    }
    return count;
  } catch (error) {
    throw new Error(`Cannot write posts to "${path}": ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** Writes the tutorial's CSV shape (`timestamp,favorite`) for posts; resolves to the count. */
export async function writePostsCsv(path: string, posts: Iterable<Post>): Promise<number> {
  const lines = ["timestamp,favorite"];
  for (const post of posts) lines.push(`${post.createdAt},${post.likeCount}`);
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, lines.join("\n") + "\n");
  } catch (error) {
    throw new Error(`Cannot write posts to "${path}": ${(error as Error).message}`, {
      cause: error,
    });
  }
  return lines.length - 1;
}
