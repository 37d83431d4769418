/**
 * The `anomalies` table: detection results as a Delta Lake table next to the history table.
 * @module
 */
import pl from "nodejs-polars";
import {
  commitWithRetries,
  createDeltaTable,
  type DataFileFormat,
  type DeltaField,
  fileStats,
  loadDeltaSnapshot,
  readDeltaTable,
  removeDataFile,
  rewriteActions,
  writeDataFile,
} from "@/store";

/** One detection result: what the detector said about one window. */
export interface AnomalyRecord {
  /** Start of the window, UTC. */
  timestamp: Date;
  /** Which detection produced it: `entire` (whole history) or `last` (last point of a window). */
  mode: "entire" | "last";
  /** The observed value (the window's average likes). */
  value: number;
  /** The detector's expected value. */
  expectedValue: number;
  /** `expectedValue + upperMargin`. */
  upperBoundary: number;
  /** `expectedValue − lowerMargin`. */
  lowerBoundary: number;
  /** Whether the detector flagged the point. */
  isAnomaly: boolean;
  /** For an anomaly: `up` (above the band) or `down` (below it); `null` otherwise. */
  direction: "up" | "down" | null;
  /** Severity in [0, 1] (API v1.1); 0 for API v1.0, which has none. */
  severity: number;
  /** When the detection ran (wall clock), UTC. */
  detectedAt: Date;
}

/**
 * The anomalies table's schema (Delta `schemaString` fields). One row per `(mode, timestamp)`.
 * Unpartitioned; protocol reader 1 / writer 2.
 */
export const ANOMALIES_SCHEMA: readonly DeltaField[] = [
  { name: "timestamp", type: "timestamp", nullable: false, metadata: {} },
  { name: "mode", type: "string", nullable: false, metadata: {} },
  { name: "value", type: "double", nullable: false, metadata: {} },
  { name: "expectedValue", type: "double", nullable: false, metadata: {} },
  { name: "upperBoundary", type: "double", nullable: false, metadata: {} },
  { name: "lowerBoundary", type: "double", nullable: false, metadata: {} },
  { name: "isAnomaly", type: "boolean", nullable: false, metadata: {} },
  { name: "direction", type: "string", nullable: true, metadata: {} },
  { name: "severity", type: "double", nullable: false, metadata: {} },
  { name: "detectedAt", type: "timestamp", nullable: false, metadata: {} },
];

const SCHEMA_STRING = JSON.stringify({ type: "struct", fields: ANOMALIES_SCHEMA });

/** Anomalies data files: the records' frame, with the bounds of `timestamp` as statistics. */
const ANOMALIES_FILES: DataFileFormat<AnomalyRecord> = {
  toFrame: recordsToFrame,
  stats: (rows) =>
    fileStats(rows, [{ name: "timestamp", timestamp: true, value: (r) => r.timestamp.getTime() }]),
};

/** Options of {@linkcode AnomaliesTable.write}. */
export interface AnomaliesWriteOptions {
  /**
   * Before adding the records, delete every row of this mode (entire-series detection replaces
   * its previous results, which a longer history can change).
   * @default {undefined} (upsert by `(mode, timestamp)`, keep the rest)
   */
  replaceMode?: "entire" | "last";
  /**
   * Attempts when other writers win the race for the next version.
   * @default {20}
   */
  maxCommitAttempts?: number;
}

/** Options of {@linkcode AnomaliesTable.read}. */
export interface AnomaliesReadOptions {
  /**
   * Only rows of this mode.
   * @default {undefined} (both)
   */
  mode?: "entire" | "last";
  /**
   * Only flagged rows.
   * @default {false}
   */
  anomaliesOnly?: boolean;
}

/**
 * Detection results as a Delta table (Parquet data plus `_delta_log` JSON commits, readable by
 * Spark and delta-rs). Every write reads the (small) table, merges, writes one new data file
 * and removes the old ones in one atomic commit (published with a hard link that fails when
 * another writer took the version; the loser retries). Replaced data files are deleted right
 * after the commit, so only the latest version stays readable (the table holds the current
 * verdicts, not their history). No log checkpoints are written: the table gains one commit per
 * detection run.
 *
 * @example
 * ```ts
 * import { AnomaliesTable } from "./anomalies_table.ts";
 * const dir = await Deno.makeTempDir();
 * const table = await AnomaliesTable.open(`${dir}/anomalies`);
 * const t = new Date("2026-01-05T00:00:00Z");
 * await table.write([{
 *   timestamp: t, mode: "last", value: 30, expectedValue: 12, upperBoundary: 14,
 *   lowerBoundary: 10, isAnomaly: true, direction: "up", severity: 0.6, detectedAt: t,
 * }]);
 * console.assert((await table.read({ anomaliesOnly: true })).length === 1);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export class AnomaliesTable {
  /** Table root folder. */
  readonly path: string;

  private constructor(path: string) {
    this.path = path;
  }

  /** Opens the table at `path`, creating it when it has no log; checks an existing schema. */
  static async open(path: string): Promise<AnomaliesTable> {
    await createDeltaTable(path, { schemaString: SCHEMA_STRING, configuration: {}, now: Date.now });
    const snapshot = await loadDeltaSnapshot(path);
    if (snapshot.metadata.schemaString !== SCHEMA_STRING) {
      const names = (JSON.parse(snapshot.metadata.schemaString).fields ?? []).map((
        f: DeltaField,
      ) => f.name);
      throw new TypeError(
        `Cannot open ${path} as an anomalies table as its schema must be (${
          ANOMALIES_SCHEMA.map((f) => f.name).join(", ")
        }): current value is (${names.join(", ")})`,
      );
    }
    return new AnomaliesTable(path);
  }

  /** Latest committed version. */
  async latestVersion(): Promise<number> {
    return (await loadDeltaSnapshot(this.path)).version;
  }

  /** The rows, ordered by mode then timestamp. */
  async read(options: AnomaliesReadOptions = {}): Promise<AnomalyRecord[]> {
    let rows = recordsFromFrame(await readDeltaTable(this.path));
    if (options.mode) rows = rows.filter((r) => r.mode === options.mode);
    if (options.anomaliesOnly) rows = rows.filter((r) => r.isAnomaly);
    return rows.sort(compareRecords);
  }

  /**
   * Commits records: upserts by `(mode, timestamp)`, after deleting every row of
   * `replaceMode` when given. Resolves with the new version. Throws a TypeError naming the
   * record and field for malformed input.
   */
  async write(
    records: readonly AnomalyRecord[],
    options: AnomaliesWriteOptions = {},
  ): Promise<number> {
    records.forEach(validateRecord);
    const maxAttempts = options.maxCommitAttempts ?? 20;
    const outcome = await commitWithRetries(
      this.path,
      { maxAttempts },
      async (snapshot) => {
        const live = [...snapshot.files.values()];
        const current = live.length === 0
          ? []
          : recordsFromFrame(await readDeltaTable(this.path, { snapshot }));
        const merged = new Map<string, AnomalyRecord>();
        for (const row of current) {
          if (row.mode !== options.replaceMode) merged.set(keyOf(row), row);
        }
        for (const row of records) merged.set(keyOf(row), row);
        const rows = [...merged.values()].sort(compareRecords);
        const add = rows.length > 0
          ? await writeDataFile(this.path, rows, ANOMALIES_FILES, Date.now)
          : undefined;
        const actions = rewriteActions({
          timestamp: Date.now(),
          operation: "WRITE",
          operationParameters: { mode: "Overwrite", partitionBy: "[]" },
          readVersion: snapshot.version,
          numOutputRows: rows.length,
          removes: live,
          add,
        });
        const discard = async () => {
          if (add) await removeDataFile(this.path, add.path);
        };
        return { actions, value: live, discard };
      },
    );
    if (outcome.status !== "committed") {
      throw new Error(
        `Cannot commit to anomalies table ${this.path} as a version must be free: other writers won ${maxAttempts} attempts`,
      );
    }
    // The replaced files are no longer referenced by the latest version; old versions are not
    // kept readable (the table is a cache of detection results).
    for (const removed of outcome.value) await removeDataFile(this.path, removed.path);
    return outcome.version;
  }
}

function keyOf(row: AnomalyRecord): string {
  return `${row.mode}/${row.timestamp.getTime()}`;
}

function compareRecords(a: AnomalyRecord, b: AnomalyRecord): number {
  return a.mode.localeCompare(b.mode) || a.timestamp.getTime() - b.timestamp.getTime();
}

function validateRecord(row: AnomalyRecord, i: number): void {
  const fail = (field: string, rule: string, value: unknown): never => {
    throw new TypeError(
      `Cannot write to anomalies table as records[${i}].${field} must be ${rule}: current value is ${
        value instanceof Date ? String(value) : JSON.stringify(value)
      }`,
    );
  };
  for (const name of ["timestamp", "detectedAt"] as const) {
    if (!(row[name] instanceof Date) || Number.isNaN(row[name].getTime())) {
      fail(name, "a valid Date", row[name]);
    }
  }
  if (row.mode !== "entire" && row.mode !== "last") fail("mode", '"entire" or "last"', row.mode);
  for (const name of ["value", "expectedValue", "upperBoundary", "lowerBoundary"] as const) {
    if (typeof row[name] !== "number" || !Number.isFinite(row[name])) {
      fail(name, "a finite number", row[name]);
    }
  }
  if (typeof row.isAnomaly !== "boolean") fail("isAnomaly", "a boolean", row.isAnomaly);
  if (row.direction !== "up" && row.direction !== "down" && row.direction !== null) {
    fail("direction", '"up", "down" or null', row.direction);
  }
  if (!(typeof row.severity === "number" && row.severity >= 0 && row.severity <= 1)) {
    fail("severity", "a number in [0, 1]", row.severity);
  }
}

function recordsToFrame(rows: readonly AnomalyRecord[]): pl.DataFrame {
  const time = (name: string, values: number[]) =>
    pl.Series(name, values.map((ms) => ms * 1000), pl.Float64).cast(pl.Int64).cast(
      pl.Datetime("us", "UTC"),
    );
  const num = (name: keyof AnomalyRecord) =>
    pl.Series(name, rows.map((r) => r[name] as number), pl.Float64);
  return pl.DataFrame([
    time("timestamp", rows.map((r) => r.timestamp.getTime())),
    pl.Series("mode", rows.map((r) => r.mode), pl.Utf8),
    num("value"),
    num("expectedValue"),
    num("upperBoundary"),
    num("lowerBoundary"),
    pl.Series("isAnomaly", rows.map((r) => r.isAnomaly), pl.Bool),
    pl.Series("direction", rows.map((r) => r.direction), pl.Utf8),
    num("severity"),
    time("detectedAt", rows.map((r) => r.detectedAt.getTime())),
  ]);
}

function recordsFromFrame(frame: pl.DataFrame): AnomalyRecord[] {
  const ms = (name: string) =>
    frame.getColumn(name).cast(pl.Datetime("ms", "UTC")).cast(pl.Int64).cast(pl.Float64)
      .toArray() as number[];
  const num = (name: string) => frame.getColumn(name).cast(pl.Float64).toArray() as number[];
  const timestamp = ms("timestamp");
  const detectedAt = ms("detectedAt");
  const mode = frame.getColumn("mode").toArray() as string[];
  const value = num("value");
  const expected = num("expectedValue");
  const upper = num("upperBoundary");
  const lower = num("lowerBoundary");
  const isAnomaly = frame.getColumn("isAnomaly").toArray() as boolean[];
  const direction = frame.getColumn("direction").toArray() as (string | null)[];
  const severity = num("severity");
  const rows: AnomalyRecord[] = new Array(frame.height);
  for (let i = 0; i < frame.height; i++) {
    rows[i] = {
      timestamp: new Date(timestamp[i]),
      mode: mode[i] as AnomalyRecord["mode"],
      value: value[i],
      expectedValue: expected[i],
      upperBoundary: upper[i],
      lowerBoundary: lower[i],
      isAnomaly: Boolean(isAnomaly[i]),
      direction: (direction[i] ?? null) as AnomalyRecord["direction"],
      severity: severity[i],
      detectedAt: new Date(detectedAt[i]),
    };
  }
  return rows;
}
