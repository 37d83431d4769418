import pl from "nodejs-polars";
import { join, relative, sep } from "node:path";
import { type WindowRow, windowsFromDataFrame, windowsToDataFrame } from "@/window";
import type { AddAction, DeltaAction } from "./actions.ts";
import { type DeltaSnapshot, loadDeltaSnapshot, readCommit } from "./delta_snapshot.ts";
import { readDeltaTable } from "./read_delta_table.ts";
import { CommitConflictError, DeltaProtocolError } from "./errors.ts";
import { HISTORY_SCHEMA, HISTORY_SCHEMA_STRING } from "./history_schema.ts";
import { parseSchema } from "./_schema.ts";
import { writeCheckpoint } from "./_checkpoint.ts";
import { checkpointPath, logDir, versionStem } from "./_paths.ts";
import { commitWithRetries, createDeltaTable, rewriteActions } from "./_delta_commit.ts";
import {
  type DataFileFormat,
  fileStats,
  removeDataFile,
  type StatsColumn,
  writeDataFile,
} from "./_data_file.ts";

/** Position of the last event of one hub partition covered by a commit. */
export interface PartitionPosition {
  /** Sequence number of the last event consumed (resume after it). */
  sequenceNumber: number;
  /** Offset of that event (opaque string), for information. */
  offset?: string;
}

/**
 * Streaming progress recorded in a commit: the micro-batch id (written as
 * `txn { appId, version: batchId }`) and the hub positions it covers (in
 * `commitInfo.hubwatchProgress`), so a restarted consumer resumes exactly after them.
 */
export interface StreamProgress {
  /** Stream identity, e.g. `<namespace>/<event hub>/<consumer group>/<table>`. */
  appId: string;
  /** Micro-batch id, increasing by one per committed micro-batch. */
  batchId: number;
  /** Partition id → last event consumed, for every partition seen so far. */
  positions: Record<string, PartitionPosition>;
  /** Largest event time accepted so far (epoch ms) per partition, to restore the watermark. */
  maxEventTimeByPartition: Record<string, number>;
  /**
   * The stream's event-time watermark after this batch (epoch ms), `null` while it has none
   * (e.g. some partitions have not delivered yet); absent in commits written before it was
   * recorded.
   */
  watermarkInMs?: number | null;
}

/**
 * The event-time watermark a stream's progress records: `watermarkInMs`, or for progress written
 * before it was recorded, the smallest of the partitions' largest event times minus `graceInMs`.
 * `undefined` when there is none.
 */
export function progressWatermarkInMs(
  progress: Pick<StreamProgress, "maxEventTimeByPartition" | "watermarkInMs"> | undefined,
  graceInMs: number,
): number | undefined {
  if (progress === undefined) return undefined;
  if (progress.watermarkInMs !== undefined) {
    return Number.isFinite(progress.watermarkInMs) ? progress.watermarkInMs! : undefined;
  }
  const times = Object.values(progress.maxEventTimeByPartition ?? {});
  return times.length === 0 ? undefined : Math.min(...times) - graceInMs;
}

/** Options for {@linkcode HistoryTable.open}. */
export interface HistoryTableOptions {
  /**
   * Write a Parquet checkpoint of the log every this many commits (also recorded as
   * `delta.checkpointInterval` when the table is created; an existing table's setting wins).
   * @default {10}
   */
  checkpointInterval?: number;
  /**
   * Attempts per write when other writers win the race for the next version.
   * @default {20}
   */
  maxCommitAttempts?: number;
  /**
   * A merge that would leave more live data files than this rewrites the whole table into one.
   * @default {16}
   */
  compactAfterFiles?: number;
  /**
   * Clock (epoch ms) for commit timestamps and vacuum.
   * @default {Date.now}
   */
  now?: () => number;
}

/** Options for {@linkcode HistoryTable.write}. */
export interface HistoryWriteOptions {
  /**
   * `"complete"`: the table's content becomes exactly these windows (the tutorial's output
   * mode). `"merge"`: upsert these windows by `groupTime`, keep the others.
   * @default {"merge"}
   */
  mode?: "complete" | "merge";
  /**
   * Idempotent write: skipped when the table already holds `txn.version` (or later) for
   * `txn.appId`.
   * @default {undefined}
   */
  txn?: { appId: string; version: number };
  /**
   * Streaming progress to commit atomically with the data (implies
   * `txn { appId, version: batchId }`).
   * @default {undefined}
   */
  progress?: StreamProgress;
  /**
   * Cancels between attempts.
   * @default {undefined}
   */
  abortSignal?: AbortSignal;
}

/** Outcome of {@linkcode HistoryTable.write}. */
export interface CommitResult {
  /** Version created, or the current version when the write was skipped. */
  version: number;
  /** False when the txn was already committed (nothing written). */
  committed: boolean;
  /** Attempts made (more than 1 after losing races to other writers). */
  attempts: number;
  /** Data files added (`add.path`). */
  addedFiles: string[];
  /** Data files removed (`remove.path`). */
  removedFiles: string[];
  /** True when a checkpoint was written for this version. */
  checkpointed: boolean;
  /** Set when writing the checkpoint failed (the commit itself stands). */
  checkpointError?: Error;
}

/** Options for {@linkcode HistoryTable.read}. */
export interface HistoryReadOptions {
  /**
   * Version to read (time travel).
   * @default {undefined} (latest)
   */
  version?: number;
  /**
   * Only windows with `groupTime >= from`.
   * @default {undefined}
   */
  from?: Date;
  /**
   * Only windows with `groupTime < to`.
   * @default {undefined}
   */
  to?: Date;
}

/** Options for {@linkcode HistoryTable.vacuum}. */
export interface VacuumOptions {
  /**
   * Keep unreferenced files removed (or written) less than this long ago, so readers of recent
   * versions still find them.
   * @default {604800000} (7 days)
   */
  retentionInMs?: number;
  /**
   * Only list what would be deleted.
   * @default {false}
   */
  dryRun?: boolean;
}

/** Outcome of {@linkcode HistoryTable.vacuum}. */
export interface VacuumResult {
  /** Paths relative to the table root, deleted (or to delete, in a dry run). */
  deletedFiles: string[];
}

const DAY_IN_MS = 86_400_000;
const HISTORY_COLUMNS = HISTORY_SCHEMA.map((f) => f.name);

/** Every history column's bounds go into `add.stats`; the two timestamps as ISO-8601. */
const HISTORY_STATS_COLUMNS: readonly StatsColumn<WindowRow>[] = HISTORY_SCHEMA.map((f) => ({
  name: f.name,
  timestamp: f.type === "timestamp",
  value: (row: WindowRow) => {
    const v = row[f.name as keyof WindowRow];
    return v instanceof Date ? v.getTime() : v;
  },
}));

/** History data files: the window frame, with min/max and null counts of every column. */
const HISTORY_FILES: DataFileFormat<WindowRow> = {
  toFrame: windowsToDataFrame,
  stats: (rows) => fileStats(rows, HISTORY_STATS_COLUMNS, { nullCount: true }),
};

/**
 * The history of windows as a Delta Lake table: Parquet data files plus `_delta_log/` JSON
 * commits (protocol reader 1 / writer 2), readable by Spark, Databricks and delta-rs.
 *
 * Commits are atomic and exclusive: data files are written first; the commit is written to a
 * temporary file in `_delta_log` (created with `createNew`, fsynced) and published with a hard
 * link to `NNNNNNNNNNNNNNNNNNNN.json`, which fails if the version exists. A writer that loses
 * the race re-reads the table and retries, so concurrent commits never lose an update, and a
 * process killed at any point leaves either the whole commit or none of it.
 *
 * @example
 * ```ts
 * import { HistoryTable } from "./history_table.ts";
 * const dir = await Deno.makeTempDir();
 * const table = await HistoryTable.open(`${dir}/history`);
 * const hour = (h: number) => new Date(Date.UTC(2024, 0, 1, h));
 * await table.write([
 *   { groupTime: hour(0), windowEnd: hour(1), average: 2, count: 3, sum: 6, max: 4 },
 * ]);
 * const rows = await table.read();
 * console.assert(rows.length === 1 && rows[0].average === 2);
 * console.assert((await table.read({ version: 0 })).length === 0);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export class HistoryTable {
  /** Table root folder. */
  readonly path: string;
  readonly #checkpointInterval: number;
  readonly #maxCommitAttempts: number;
  readonly #compactAfterFiles: number;
  readonly #now: () => number;

  private constructor(path: string, options: Required<HistoryTableOptions>) {
    this.path = path;
    this.#checkpointInterval = options.checkpointInterval;
    this.#maxCommitAttempts = options.maxCommitAttempts;
    this.#compactAfterFiles = options.compactAfterFiles;
    this.#now = options.now;
  }

  /**
   * Opens the history table at `path`, creating it (version 0: protocol, metaData) when it has
   * no log yet. Throws a TypeError when an existing table's schema is not the history schema.
   */
  static async open(path: string, options: HistoryTableOptions = {}): Promise<HistoryTable> {
    const checkpointInterval = options.checkpointInterval ?? 10;
    const maxCommitAttempts = options.maxCommitAttempts ?? 20;
    const compactAfterFiles = options.compactAfterFiles ?? 16;
    for (
      const [name, value] of [
        ["checkpointInterval", checkpointInterval],
        ["maxCommitAttempts", maxCommitAttempts],
        ["compactAfterFiles", compactAfterFiles],
      ] as const
    ) {
      if (!Number.isInteger(value) || value < 1) {
        throw new RangeError(
          `Cannot open history table as ${name} must be a positive integer: current value is ${value}`,
        );
      }
    }
    const now = options.now ?? Date.now;
    await createDeltaTable(path, {
      schemaString: HISTORY_SCHEMA_STRING,
      configuration: { "delta.checkpointInterval": String(checkpointInterval) },
      now,
    }); // false: it exists, or another process created it first; fine.
    const snapshot = await loadDeltaSnapshot(path);
    const { minReaderVersion, minWriterVersion } = snapshot.protocol;
    if (minReaderVersion > 1 || minWriterVersion > 2) {
      throw new DeltaProtocolError(
        `Cannot open ${path} as a history table as its protocol must be at most reader 1 / writer 2: current value is reader ${minReaderVersion} / writer ${minWriterVersion}`,
      );
    }
    assertHistorySchema(path, snapshot);
    const configured = Number(snapshot.metadata.configuration["delta.checkpointInterval"]);
    return new HistoryTable(path, {
      checkpointInterval: Number.isInteger(configured) && configured > 0
        ? configured
        : checkpointInterval,
      maxCommitAttempts,
      compactAfterFiles,
      now,
    });
  }

  /** Latest committed version. */
  async latestVersion(): Promise<number> {
    return (await loadDeltaSnapshot(this.path)).version;
  }

  /** The table's reconciled state at the latest version or at `version`. */
  snapshot(version?: number): Promise<DeltaSnapshot> {
    return loadDeltaSnapshot(this.path, { version });
  }

  /**
   * Reads the windows at the latest version (or `options.version`), ordered by `groupTime`,
   * optionally limited to `from <= groupTime < to` (files pruned by their statistics).
   */
  async readFrame(options: HistoryReadOptions = {}): Promise<pl.DataFrame> {
    const from = checkDate("from", options.from);
    const to = checkDate("to", options.to);
    const snapshot = await loadDeltaSnapshot(this.path, { version: options.version });
    const files = [...snapshot.files.values()].filter((add) => {
      const range = groupTimeRange(add);
      if (!range) return true;
      return (from === undefined || range.max >= from) && (to === undefined || range.min < to);
    });
    let frame = await readDeltaTable(this.path, { snapshot, files });
    if (from !== undefined) {
      frame = frame.filter(pl.col("groupTime").cast(pl.Int64).gtEq(pl.lit(from * 1000)));
    }
    if (to !== undefined) {
      frame = frame.filter(pl.col("groupTime").cast(pl.Int64).lt(pl.lit(to * 1000)));
    }
    return frame.sort("groupTime");
  }

  /** Like {@linkcode HistoryTable.readFrame}, as rows. */
  async read(options: HistoryReadOptions = {}): Promise<WindowRow[]> {
    return windowsFromDataFrame(await this.readFrame(options));
  }

  /** The `txn` version last committed by `appId`, or undefined. */
  async appVersion(appId: string): Promise<number | undefined> {
    return (await loadDeltaSnapshot(this.path)).appVersions.get(appId);
  }

  /**
   * The streaming progress of the latest commit made with `progress.appId === appId`, with the
   * table version that holds it; undefined when that stream never committed.
   */
  async streamProgress(
    appId: string,
  ): Promise<(StreamProgress & { tableVersion: number }) | undefined> {
    const snapshot = await loadDeltaSnapshot(this.path);
    const batchId = snapshot.appVersions.get(appId);
    if (batchId === undefined) return undefined;
    for (let v = snapshot.version; v >= 0; v--) {
      let actions: DeltaAction[];
      try {
        actions = await readCommit(this.path, v);
      } catch (error) {
        throw new DeltaProtocolError(
          `Cannot find the progress of stream ${appId} as commit ${v} must be readable`,
          { cause: error },
        );
      }
      for (const action of actions) {
        if (!("commitInfo" in action)) continue;
        const progress = action.commitInfo.hubwatchProgress as StreamProgress | undefined;
        if (progress?.appId === appId && progress.batchId === batchId) {
          return { ...progress, tableVersion: v };
        }
      }
    }
    throw new DeltaProtocolError(
      `Cannot find the progress of stream ${appId} as a commit must carry batch ${batchId}: none found`,
    );
  }

  /**
   * Commits windows: `"complete"` replaces the table's content, `"merge"` upserts by
   * `groupTime`. With `txn`/`progress` the write is idempotent per `(appId, version)`.
   * Throws a TypeError for rows that do not fit the schema (naming row, column and value),
   * CommitConflictError after `maxCommitAttempts` lost races.
   */
  async write(
    windows: readonly WindowRow[] | pl.DataFrame,
    options: HistoryWriteOptions = {},
  ): Promise<CommitResult> {
    const rows = normalizeWindows(windows);
    const mode = options.mode ?? "merge";
    if (mode !== "complete" && mode !== "merge") {
      throw new TypeError(
        `Cannot write to history table as mode must be "complete" or "merge": current value is ${
          String(mode)
        }`,
      );
    }
    const progress = options.progress;
    const txn = progress ? { appId: progress.appId, version: progress.batchId } : options.txn;
    if (txn && (!Number.isInteger(txn.version) || txn.version < 0 || !txn.appId)) {
      throw new RangeError(
        `Cannot write to history table as txn.version must be a non-negative integer and txn.appId non-empty: current value is ${
          JSON.stringify(txn)
        }`,
      );
    }
    let completeFile: AddAction | undefined;
    const outcome = await commitWithRetries<{ add?: AddAction; removes: AddAction[] }, number>(
      this.path,
      { maxAttempts: this.#maxCommitAttempts, abortSignal: options.abortSignal },
      async (snapshot) => {
        if (txn && (snapshot.appVersions.get(txn.appId) ?? -1) >= txn.version) {
          return { skip: snapshot.version };
        }
        let removes: AddAction[];
        let add: AddAction | undefined;
        if (mode === "complete") {
          removes = [...snapshot.files.values()];
          if (rows.length > 0) {
            completeFile ??= await writeDataFile(this.path, rows, HISTORY_FILES, this.#now);
          }
          add = completeFile;
        } else {
          const keys = rows.map((r) => r.groupTime.getTime()).sort((a, b) => a - b);
          const live = [...snapshot.files.values()];
          removes = live.length + 1 > this.#compactAfterFiles
            ? live
            : live.filter((f) => rows.length > 0 && mayHoldAny(f, keys));
          const keySet = new Set(keys);
          const kept = removes.length === 0 ? [] : (await readDeltaTable(this.path, {
            snapshot,
            files: removes,
          }).then(windowsFromDataFrame)).filter((r) => !keySet.has(r.groupTime.getTime()));
          const merged = [...kept, ...rows].sort((a, b) =>
            a.groupTime.getTime() - b.groupTime.getTime()
          );
          add = merged.length > 0
            ? await writeDataFile(this.path, merged, HISTORY_FILES, this.#now)
            : undefined;
        }
        const actions = rewriteActions({
          timestamp: this.#now(),
          operation: mode === "complete" ? "WRITE" : "MERGE",
          operationParameters: mode === "complete"
            ? { mode: "Overwrite", partitionBy: "[]" }
            : { predicate: "target.groupTime = source.groupTime" },
          readVersion: snapshot.version,
          numOutputRows: rows.length,
          removes,
          add,
          commitInfoExtra: progress
            ? { txnId: crypto.randomUUID(), hubwatchProgress: progress }
            : { txnId: crypto.randomUUID() },
          txn,
        });
        const discard = async () => {
          if (mode === "merge" && add) await removeDataFile(this.path, add.path);
        };
        return { actions, value: { add, removes }, discard };
      },
    );
    if (outcome.status !== "committed") {
      if (completeFile) await removeDataFile(this.path, completeFile.path);
      if (outcome.status === "skipped") {
        return {
          version: outcome.value,
          committed: false,
          attempts: outcome.attempts,
          addedFiles: [],
          removedFiles: [],
          checkpointed: false,
        };
      }
      throw new CommitConflictError(
        `Cannot commit to history table ${this.path} as version ${outcome.version} must be free: other writers won ${this.#maxCommitAttempts} attempts`,
        outcome.version,
      );
    }
    const { version, attempts, value: { add, removes } } = outcome;
    const result: CommitResult = {
      version,
      committed: true,
      attempts,
      addedFiles: add ? [add.path] : [],
      removedFiles: removes.map((r) => r.path),
      checkpointed: false,
    };
    if (version % this.#checkpointInterval === 0) {
      try {
        await this.checkpoint(version);
        result.checkpointed = true;
      } catch (error) {
        result.checkpointError = error as Error;
      }
    }
    return result;
  }

  /**
   * Writes a Parquet checkpoint of `version` (default: latest) and points `_last_checkpoint`
   * at it. Written to a temporary name and renamed, so readers never see a partial file.
   */
  async checkpoint(version?: number): Promise<number> {
    const snapshot = await loadDeltaSnapshot(this.path, { version });
    const target = checkpointPath(this.path, snapshot.version);
    const tmp = join(
      logDir(this.path),
      `.${versionStem(snapshot.version)}.${crypto.randomUUID()}.tmp`,
    );
    try {
      writeCheckpoint(tmp, {
        protocol: snapshot.protocol,
        metadata: snapshot.metadata,
        txns: [...snapshot.appVersions].map(([appId, v]) => ({ appId, version: v })),
        files: [...snapshot.files.values()],
        tombstones: [...snapshot.tombstones.values()],
      });
      await Deno.rename(tmp, target);
      const rows = 2 + snapshot.appVersions.size + snapshot.files.size + snapshot.tombstones.size;
      const last = join(logDir(this.path), `._last_checkpoint.${crypto.randomUUID()}.tmp`);
      await Deno.writeTextFile(last, JSON.stringify({ version: snapshot.version, size: rows }));
      await Deno.rename(last, join(logDir(this.path), "_last_checkpoint"));
    } catch (error) {
      await Deno.remove(tmp).catch(() => {});
      throw new Error(`Cannot write checkpoint ${snapshot.version} of ${this.path}`, {
        cause: error,
      });
    }
    return snapshot.version;
  }

  /**
   * Deletes data files the latest version no longer references, once they were removed (or,
   * for files never committed, written) more than `retentionInMs` ago, and temporary files a
   * writer killed mid-commit left in `_delta_log`. Older versions that referenced deleted data
   * files can no longer be read afterwards.
   */
  async vacuum(options: VacuumOptions = {}): Promise<VacuumResult> {
    const retentionInMs = options.retentionInMs ?? 7 * DAY_IN_MS;
    if (!Number.isFinite(retentionInMs) || retentionInMs < 0) {
      throw new RangeError(
        `Cannot vacuum as retentionInMs must be a non-negative number: current value is ${retentionInMs}`,
      );
    }
    const snapshot = await loadDeltaSnapshot(this.path);
    const live = new Set([...snapshot.files.keys()].map((p) => decodeURIComponent(p)));
    const removedAt = new Map<string, number>();
    for (const tomb of snapshot.tombstones.values()) {
      if (tomb.deletionTimestamp != null) {
        removedAt.set(decodeURIComponent(tomb.path), tomb.deletionTimestamp);
      }
    }
    const cutoff = this.#now() - retentionInMs;
    const deletedFiles: string[] = [];
    for await (const file of walkDataFiles(this.path)) {
      const rel = relative(this.path, file).split(sep).join("/");
      if (live.has(rel)) continue;
      let time = removedAt.get(rel);
      if (time === undefined) time = (await Deno.stat(file)).mtime?.getTime() ?? 0;
      if (time > cutoff) continue;
      if (!options.dryRun) await Deno.remove(file);
      deletedFiles.push(rel);
    }
    // Temporary commit and checkpoint files left by writers killed mid-commit.
    for await (const entry of Deno.readDir(logDir(this.path))) {
      if (!entry.isFile || !entry.name.startsWith(".") || !entry.name.endsWith(".tmp")) continue;
      const file = join(logDir(this.path), entry.name);
      if (((await Deno.stat(file)).mtime?.getTime() ?? 0) > cutoff) continue;
      if (!options.dryRun) await Deno.remove(file);
      deletedFiles.push(`_delta_log/${entry.name}`);
    }
    return { deletedFiles: deletedFiles.sort() };
  }
}

async function* walkDataFiles(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    if (entry.name.startsWith("_") || entry.name.startsWith(".")) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory) yield* walkDataFiles(path);
    else if (entry.isFile) yield path;
  }
}

function assertHistorySchema(path: string, snapshot: DeltaSnapshot): void {
  const fields = parseSchema(snapshot.metadata.schemaString);
  const actual = fields.map((f) => `${f.name}:${String(f.type)}`).join(", ");
  const expected = HISTORY_SCHEMA.map((f) => `${f.name}:${f.type}`).join(", ");
  if (actual !== expected || snapshot.metadata.partitionColumns.length > 0) {
    throw new TypeError(
      `Cannot open ${path} as a history table as its schema must be (${expected}) unpartitioned: current value is (${actual})${
        snapshot.metadata.partitionColumns.length > 0
          ? ` partitioned by ${snapshot.metadata.partitionColumns.join(", ")}`
          : ""
      }`,
    );
  }
}

function checkDate(name: string, value: Date | undefined): number | undefined {
  if (value === undefined) return undefined;
  const time = value instanceof Date ? value.getTime() : Number.NaN;
  if (!Number.isFinite(time)) {
    throw new TypeError(
      `Cannot read history as ${name} must be a valid Date: current value is ${String(value)}`,
    );
  }
  return time;
}

function groupTimeRange(add: AddAction): { min: number; max: number } | undefined {
  if (!add.stats) return undefined;
  try {
    const stats = JSON.parse(add.stats);
    const min = Date.parse(stats.minValues?.groupTime);
    const max = Date.parse(stats.maxValues?.groupTime);
    return Number.isFinite(min) && Number.isFinite(max) ? { min, max } : undefined;
  } catch {
    return undefined;
  }
}

function mayHoldAny(add: AddAction, sortedKeys: number[]): boolean {
  const range = groupTimeRange(add);
  if (!range) return true;
  return sortedKeys.some((k) => k >= range.min && k <= range.max);
}

/** Validates rows (or a frame) against the history schema; returns rows sorted by groupTime. */
function normalizeWindows(windows: readonly WindowRow[] | pl.DataFrame): WindowRow[] {
  let rows: WindowRow[];
  if (Array.isArray(windows)) {
    rows = windows as WindowRow[];
  } else if (
    windows !== null && typeof (windows as pl.DataFrame).getColumn === "function"
  ) {
    const frame = windows as pl.DataFrame;
    const columns = frame.columns;
    const extra = columns.filter((c) => !HISTORY_COLUMNS.includes(c));
    const missing = HISTORY_COLUMNS.filter((c) => !columns.includes(c));
    if (extra.length > 0 || missing.length > 0) {
      throw new TypeError(
        `Cannot write to history table as the frame's columns must be ${
          HISTORY_COLUMNS.join(", ")
        }: current value is ${columns.join(", ")}`,
      );
    }
    for (const field of HISTORY_SCHEMA) {
      const dtype = frame.getColumn(field.name).dtype;
      const ok = field.type === "timestamp" ? dtype.variant === "Datetime" : (
        [
          "Float64",
          "Float32",
          "Int64",
          "Int32",
          "Int16",
          "Int8",
          "UInt64",
          "UInt32",
          "UInt16",
          "UInt8",
        ]
          .includes(dtype.variant)
      );
      if (!ok) {
        throw new TypeError(
          `Cannot write to history table as column "${field.name}" must be ${field.type}: current type is ${dtype.variant}`,
        );
      }
    }
    rows = windowsFromDataFrame(frame);
  } else {
    throw new TypeError(
      `Cannot write to history table as windows must be an array of rows or a polars DataFrame: current value is ${
        String(windows)
      }`,
    );
  }
  const seen = new Set<number>();
  rows.forEach((row, i) => {
    for (const name of ["groupTime", "windowEnd"] as const) {
      const v = row?.[name];
      if (!(v instanceof Date) || !Number.isFinite(v.getTime())) {
        throw new TypeError(
          `Cannot write to history table as windows[${i}].${name} must be a valid Date: current value is ${
            String(v)
          }`,
        );
      }
    }
    if (row.windowEnd.getTime() <= row.groupTime.getTime()) {
      throw new RangeError(
        `Cannot write to history table as windows[${i}].windowEnd must be after groupTime: current value is ${row.windowEnd.toISOString()}`,
      );
    }
    for (const name of ["average", "sum", "max"] as const) {
      if (typeof row[name] !== "number" || !Number.isFinite(row[name])) {
        throw new TypeError(
          `Cannot write to history table as windows[${i}].${name} must be a finite double: current value is ${
            String(row[name])
          }`,
        );
      }
    }
    if (!Number.isSafeInteger(row.count) || row.count < 1) {
      throw new TypeError(
        `Cannot write to history table as windows[${i}].count must be a positive integer (long): current value is ${
          String(row.count)
        }`,
      );
    }
    const key = row.groupTime.getTime();
    if (seen.has(key)) {
      throw new RangeError(
        `Cannot write to history table as groupTime must be unique within one write: ${row.groupTime.toISOString()} appears twice`,
      );
    }
    seen.add(key);
  });
  return [...rows].sort((a, b) => a.groupTime.getTime() - b.groupTime.getTime());
}
