/**
 * The history table: windows stored as a Delta Lake table (Parquet data files plus a
 * `_delta_log/` of JSON commits and Parquet checkpoints), with atomic exclusive commits,
 * time travel, vacuum, and exactly-once streaming progress; plus a reader for Delta tables
 * written by other engines.
 * @module
 */
export * from "./actions.ts";
export * from "./errors.ts";
export * from "./delta_snapshot.ts";
export * from "./read_delta_table.ts";
export * from "./history_schema.ts";
export * from "./history_table.ts";
export type { DeltaField } from "./_schema.ts";
// Internal building blocks of this project's Delta tables, shared with the anomalies table
// (lib/pipeline/anomalies_table.ts).
export {
  type CommitAttempt,
  type CommitOutcome,
  type CommitRetryOptions,
  commitWithRetries,
  createDeltaTable,
  type CreateDeltaTableOptions,
  type PreparedCommit,
  rewriteActions,
  type RewriteCommit,
} from "./_delta_commit.ts";
export {
  type DataFileFormat,
  fileStats,
  removeDataFile,
  type StatsColumn,
  writeDataFile,
} from "./_data_file.ts";
