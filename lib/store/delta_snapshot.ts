import type {
  AddAction,
  CommitInfoAction,
  DeltaAction,
  MetadataAction,
  ProtocolAction,
  RemoveAction,
} from "./actions.ts";
import { DeltaProtocolError } from "./errors.ts";
import { readCheckpoint } from "./_checkpoint.ts";
import { checkpointPath, commitPath, logDir } from "./_paths.ts";

/** The state of a Delta table at one version, reconciled from its log. */
export interface DeltaSnapshot {
  /** Table root. */
  path: string;
  /** The version this snapshot reflects. */
  version: number;
  protocol: ProtocolAction;
  metadata: MetadataAction;
  /** Live data files, keyed by `add.path`, in log order. */
  files: Map<string, AddAction>;
  /** Removed files (tombstones) known at this version, keyed by path. */
  tombstones: Map<string, RemoveAction>;
  /** Latest `txn` version per application id. */
  appVersions: Map<string, number>;
  /** `commitInfo` of this version's commit (undefined when it came from a checkpoint only). */
  commitInfo?: CommitInfoAction;
  /** Checkpoint version the replay started from, or -1 when replayed from version 0. */
  checkpointVersion: number;
}

/** Options for {@linkcode loadDeltaSnapshot}. */
export interface LoadDeltaSnapshotOptions {
  /**
   * Version to load (time travel).
   * @default {undefined} (the latest version)
   */
  version?: number;
}

/** Versions found in a table's `_delta_log`. */
export interface DeltaLogListing {
  /** Versions with a JSON commit file, ascending. */
  commits: number[];
  /** Versions with a single-part Parquet checkpoint, ascending. */
  checkpoints: number[];
}

const COMMIT_RE = /^(\d{20})\.json$/;
const CHECKPOINT_RE = /^(\d{20})\.checkpoint\.parquet$/;

/** Lists the commit and checkpoint versions of a table; empty lists when there is no log. */
export async function listDeltaLog(tablePath: string): Promise<DeltaLogListing> {
  const commits: number[] = [];
  const checkpoints: number[] = [];
  try {
    for await (const entry of Deno.readDir(logDir(tablePath))) {
      if (!entry.isFile) continue;
      const commit = COMMIT_RE.exec(entry.name);
      if (commit) commits.push(Number(commit[1]));
      const checkpoint = CHECKPOINT_RE.exec(entry.name);
      if (checkpoint) checkpoints.push(Number(checkpoint[1]));
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return { commits, checkpoints };
    throw new Error(`Cannot list the Delta log of ${tablePath}`, { cause: error });
  }
  commits.sort((a, b) => a - b);
  checkpoints.sort((a, b) => a - b);
  return { commits, checkpoints };
}

/** Parses the actions of one JSON commit file (one action per line). */
export async function readCommit(tablePath: string, version: number): Promise<DeltaAction[]> {
  const path = commitPath(tablePath, version);
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    throw new DeltaProtocolError(`Cannot read commit ${version} of ${tablePath}`, {
      cause: error,
    });
  }
  const actions: DeltaAction[] = [];
  for (const [i, line] of text.split("\n").entries()) {
    if (line.trim() === "") continue;
    try {
      actions.push(JSON.parse(line));
    } catch (error) {
      throw new DeltaProtocolError(
        `Cannot parse commit ${version} of ${tablePath} as line ${
          i + 1
        } must be one JSON action: current value is ${line.slice(0, 80)}`,
        { cause: error },
      );
    }
  }
  return actions;
}

/**
 * Loads a Delta table's state at its latest version or at `options.version`: starts from the
 * newest Parquet checkpoint at or below that version (found by listing, so a missing
 * `_last_checkpoint` does not matter) and replays the JSON commits after it.
 */
export async function loadDeltaSnapshot(
  tablePath: string,
  options: LoadDeltaSnapshotOptions = {},
): Promise<DeltaSnapshot> {
  const listing = await listDeltaLog(tablePath);
  const latest = Math.max(
    listing.commits.at(-1) ?? -1,
    listing.checkpoints.at(-1) ?? -1,
  );
  if (latest < 0) {
    throw new DeltaProtocolError(
      `Cannot load table ${tablePath} as it must have a _delta_log with at least one commit: none found`,
    );
  }
  const version = options.version ?? latest;
  if (!Number.isInteger(version) || version < 0 || version > latest) {
    throw new RangeError(
      `Cannot load table ${tablePath} as version must be an integer from 0 to ${latest}: current value is ${version}`,
    );
  }
  const commitSet = new Set(listing.commits);
  let protocol: ProtocolAction | undefined;
  let metadata: MetadataAction | undefined;
  const files = new Map<string, AddAction>();
  const tombstones = new Map<string, RemoveAction>();
  const appVersions = new Map<string, number>();
  let commitInfo: CommitInfoAction | undefined;
  // Newest usable checkpoint at or below the version; an unreadable one is skipped when the
  // JSON commits it summarizes are all there to replay instead.
  const candidates = listing.checkpoints.filter((v) => v <= version).reverse();
  let start = -1;
  for (const candidate of candidates) {
    let checkpoint;
    try {
      checkpoint = readCheckpoint(checkpointPath(tablePath, candidate));
    } catch (error) {
      const replayable = listing.commits.filter((v) => v <= candidate).length === candidate + 1;
      if (replayable) continue;
      throw new DeltaProtocolError(`Cannot read checkpoint ${candidate} of ${tablePath}`, {
        cause: error,
      });
    }
    start = candidate;
    protocol = checkpoint.protocol;
    metadata = checkpoint.metadata;
    for (const txn of checkpoint.txns) appVersions.set(txn.appId, txn.version);
    for (const add of checkpoint.files) files.set(add.path, add);
    for (const remove of checkpoint.tombstones) tombstones.set(remove.path, remove);
    break;
  }
  for (let v = start + 1; v <= version; v++) {
    if (!commitSet.has(v)) {
      throw new DeltaProtocolError(
        `Cannot load version ${version} of ${tablePath} as commit ${v} must exist after checkpoint ${start}: it is missing`,
      );
    }
    commitInfo = undefined;
    for (const action of await readCommit(tablePath, v)) {
      if ("protocol" in action) protocol = action.protocol;
      else if ("metaData" in action) {
        const m = action.metaData;
        metadata = {
          ...m,
          format: { provider: m.format?.provider ?? "parquet", options: m.format?.options ?? {} },
          partitionColumns: m.partitionColumns ?? [],
          configuration: m.configuration ?? {},
        };
      } else if ("add" in action) {
        const add = action.add;
        files.set(add.path, { ...add, partitionValues: add.partitionValues ?? {} });
        tombstones.delete(add.path);
      } else if ("remove" in action) {
        files.delete(action.remove.path);
        tombstones.set(action.remove.path, action.remove);
      } else if ("txn" in action) appVersions.set(action.txn.appId, action.txn.version);
      else if ("commitInfo" in action) commitInfo = action.commitInfo;
    }
  }
  if (!protocol || !metadata) {
    throw new DeltaProtocolError(
      `Cannot load version ${version} of ${tablePath} as the log must hold protocol and metaData actions: ${
        protocol ? "metaData" : "protocol"
      } is missing`,
    );
  }
  return {
    path: tablePath,
    version,
    protocol,
    metadata,
    files,
    tombstones,
    appVersions,
    commitInfo,
    checkpointVersion: start,
  };
}
