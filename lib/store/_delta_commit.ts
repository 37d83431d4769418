/**
 * Internal: writing a Delta log the way this project's tables do (history, anomalies): creating
 * a table, building a commit that rewrites data files, publishing a commit atomically and
 * retrying when another writer wins the version.
 * @module
 */
import { join } from "node:path";
import type { AddAction, CommitInfoAction, DeltaAction, RemoveAction } from "./actions.ts";
import { type DeltaSnapshot, listDeltaLog, loadDeltaSnapshot } from "./delta_snapshot.ts";
import { commitPath, logDir, versionStem } from "./_paths.ts";

/** What {@linkcode createDeltaTable} writes into version 0's `metaData`. */
export interface CreateDeltaTableOptions {
  /** `metaData.schemaString`: the table's schema as a JSON string. */
  schemaString: string;
  /** `metaData.configuration`, e.g. `{ "delta.checkpointInterval": "10" }`. */
  configuration: Record<string, string>;
  /** Clock (epoch ms) for `commitInfo.timestamp` and `metaData.createdTime`; called only when creating. */
  now: () => number;
}

/**
 * Creates an unpartitioned Parquet Delta table at `tablePath` when it has no log yet: version 0
 * holds `commitInfo` (CREATE TABLE), `protocol` (reader 1 / writer 2) and `metaData` (a fresh
 * id, `schemaString`, `configuration`). Resolves true when this call created it; false when the
 * table already had a commit or checkpoint, or another process created it first.
 */
export async function createDeltaTable(
  tablePath: string,
  options: CreateDeltaTableOptions,
): Promise<boolean> {
  const listing = await listDeltaLog(tablePath);
  if (listing.commits.length > 0 || listing.checkpoints.length > 0) return false;
  await Deno.mkdir(logDir(tablePath), { recursive: true });
  const createdTime = options.now();
  return await publishCommit(tablePath, 0, [
    {
      commitInfo: {
        timestamp: createdTime,
        operation: "CREATE TABLE",
        operationParameters: { partitionBy: "[]" },
        isBlindAppend: true,
        engineInfo: "hubwatch",
      },
    },
    { protocol: { minReaderVersion: 1, minWriterVersion: 2 } },
    {
      metaData: {
        id: crypto.randomUUID(),
        format: { provider: "parquet", options: {} },
        schemaString: options.schemaString,
        partitionColumns: [],
        configuration: options.configuration,
        createdTime,
      },
    },
  ]);
}

/**
 * Publishes a commit: writes the actions (one JSON line each) to a temporary file in
 * `_delta_log` (created with `createNew`, fsynced) and hard-links it to
 * `<20-digit version>.json`, which fails when that version exists; the temporary file is always
 * removed. Resolves false when another writer has the version. Throws
 * `Cannot publish commit <version> of <table>` (with `{ cause }`) for any other failure.
 */
export async function publishCommit(
  tablePath: string,
  version: number,
  actions: readonly DeltaAction[],
): Promise<boolean> {
  const text = actions.map((a) => JSON.stringify(a)).join("\n") + "\n";
  const tmp = join(logDir(tablePath), `.${versionStem(version)}.json.${crypto.randomUUID()}.tmp`);
  try {
    const file = await Deno.open(tmp, { createNew: true, write: true });
    try {
      const bytes = new TextEncoder().encode(text);
      let written = 0;
      while (written < bytes.length) written += await file.write(bytes.subarray(written));
      await file.syncData();
    } finally {
      file.close();
    }
    try {
      await Deno.link(tmp, commitPath(tablePath, version));
      return true;
    } catch (error) {
      if (error instanceof Deno.errors.AlreadyExists) return false;
      throw error;
    }
  } catch (error) {
    throw new Error(`Cannot publish commit ${version} of ${tablePath}`, { cause: error });
  } finally {
    await Deno.remove(tmp).catch(() => {});
  }
}

/** A commit that removes live data files and adds at most one, for {@linkcode rewriteActions}. */
export interface RewriteCommit {
  /** Commit time (epoch ms): `commitInfo.timestamp`, `remove.deletionTimestamp`, `txn.lastUpdated`. */
  timestamp: number;
  /** `commitInfo.operation`, e.g. `"WRITE"` or `"MERGE"`. */
  operation: string;
  /** `commitInfo.operationParameters`. */
  operationParameters: Record<string, unknown>;
  /** Version the commit was prepared against (`commitInfo.readVersion`). */
  readVersion: number;
  /** Rows the caller wrote (`operationMetrics.numOutputRows`). */
  numOutputRows: number;
  /** Live files the commit removes, in this order. */
  removes: readonly AddAction[];
  /** The data file the commit adds, if any. */
  add?: AddAction;
  /** Fields appended to `commitInfo` after `engineInfo` (e.g. `txnId`), in their order. */
  commitInfoExtra?: Record<string, unknown>;
  /** Idempotent-write marker, written as `txn { appId, version, lastUpdated: timestamp }`. */
  txn?: { appId: string; version: number };
}

/**
 * The actions of a commit that rewrites data files: `commitInfo` (isolation Serializable, not a
 * blind append, `operationMetrics` numFiles / numOutputRows / numRemovedFiles as strings,
 * engine `hubwatch`), then `txn` when given, one `remove` per removed file, then the `add`.
 */
export function rewriteActions(commit: RewriteCommit): DeltaAction[] {
  const { timestamp, add, removes } = commit;
  const commitInfo: CommitInfoAction = {
    timestamp,
    operation: commit.operation,
    operationParameters: commit.operationParameters,
    readVersion: commit.readVersion,
    isolationLevel: "Serializable",
    isBlindAppend: false,
    operationMetrics: {
      numFiles: String(add ? 1 : 0),
      numOutputRows: String(commit.numOutputRows),
      numRemovedFiles: String(removes.length),
    },
    engineInfo: "hubwatch",
    ...commit.commitInfoExtra,
  };
  const actions: DeltaAction[] = [{ commitInfo }];
  if (commit.txn) actions.push({ txn: { ...commit.txn, lastUpdated: timestamp } });
  for (const removed of removes) actions.push({ remove: removeAction(removed, timestamp) });
  if (add) actions.push({ add });
  return actions;
}

/** The `remove` action (tombstone) for a live data file, deleted at `deletionTimestamp`. */
function removeAction(removed: AddAction, deletionTimestamp: number): RemoveAction {
  return {
    path: removed.path,
    deletionTimestamp,
    dataChange: true,
    extendedFileMetadata: true,
    partitionValues: {},
    size: removed.size,
  };
}

/** One attempt's commit, prepared by the caller of {@linkcode commitWithRetries}. */
export interface PreparedCommit<T> {
  /** The commit's actions, published as version `snapshot.version + 1`. */
  actions: DeltaAction[];
  /** What the caller needs once the commit stands (e.g. the files it added and removed). */
  value: T;
  /** Undoes the attempt's side effects when another writer took the version (e.g. its data file). */
  discard?: () => Promise<void>;
}

/** What an attempt of {@linkcode commitWithRetries} decided: commit, or finish with nothing to do. */
export type CommitAttempt<T, S> = PreparedCommit<T> | { skip: S };

/** Options for {@linkcode commitWithRetries}. */
export interface CommitRetryOptions {
  /** Attempts before giving up (none when below 1). */
  maxAttempts: number;
  /**
   * Checked before each attempt.
   * @default {undefined}
   */
  abortSignal?: AbortSignal;
}

/** Outcome of {@linkcode commitWithRetries}. */
export type CommitOutcome<T, S> =
  /** Published as `version` on attempt `attempts`. */
  | { status: "committed"; version: number; attempts: number; value: T }
  /** An attempt returned `{ skip }`: nothing was published. */
  | { status: "skipped"; attempts: number; value: S }
  /** Other writers won every attempt; `version` is the one the last attempt tried (-1: none). */
  | { status: "conflict"; version: number; attempts: number };

/**
 * Optimistic commit loop: each attempt (1 to `maxAttempts`) checks `abortSignal`, loads the
 * table's latest snapshot and asks `prepare` for the commit to publish as the next version.
 * When another writer took that version, the attempt's `discard` runs and the next attempt
 * starts from the newer snapshot. Errors from `prepare`, loading or publishing propagate.
 */
export async function commitWithRetries<T, S = never>(
  tablePath: string,
  options: CommitRetryOptions,
  prepare: (snapshot: DeltaSnapshot, attempt: number) => Promise<CommitAttempt<T, S>>,
): Promise<CommitOutcome<T, S>> {
  let version = -1;
  let attempts = 0;
  for (let attempt = 1; attempt <= options.maxAttempts; attempt++) {
    attempts = attempt;
    options.abortSignal?.throwIfAborted();
    const snapshot = await loadDeltaSnapshot(tablePath);
    version = snapshot.version + 1;
    const prepared = await prepare(snapshot, attempt);
    if ("skip" in prepared) return { status: "skipped", attempts: attempt, value: prepared.skip };
    if (await publishCommit(tablePath, version, prepared.actions)) {
      return { status: "committed", version, attempts: attempt, value: prepared.value };
    }
    await prepared.discard?.();
  }
  return { status: "conflict", version, attempts };
}
