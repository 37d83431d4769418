/**
 * Delta Lake transaction-log actions, as they appear one per line in
 * `_delta_log/NNNNNNNNNNNNNNNNNNNN.json` (and as rows of a Parquet checkpoint).
 * Only the fields this project reads or writes are typed; others are kept as read.
 * @module
 */

/** `protocol`: the reader/writer versions a client needs. */
export interface ProtocolAction {
  minReaderVersion: number;
  minWriterVersion: number;
  readerFeatures?: string[] | null;
  writerFeatures?: string[] | null;
}

/** `metaData`: table id, schema (as a JSON string), partition columns, configuration. */
export interface MetadataAction {
  id: string;
  name?: string | null;
  description?: string | null;
  format: { provider: string; options: Record<string, string> };
  schemaString: string;
  partitionColumns: string[];
  configuration: Record<string, string>;
  createdTime?: number | null;
}

/** `add`: a data file that is part of the table from this version on. */
export interface AddAction {
  /** Path relative to the table root, URL-encoded (RFC 2396 URI path). */
  path: string;
  /** Partition column → value as a string; null for the null partition. */
  partitionValues: Record<string, string | null>;
  /** File size in bytes. */
  size: number;
  /** File modification time, epoch ms. */
  modificationTime: number;
  dataChange: boolean;
  /** JSON string with `numRecords`, `minValues`, `maxValues`, `nullCount`. */
  stats?: string | null;
  tags?: Record<string, string> | null;
}

/** `remove`: a data file that is no longer part of the table (a tombstone until vacuumed). */
export interface RemoveAction {
  path: string;
  deletionTimestamp?: number | null;
  dataChange: boolean;
  extendedFileMetadata?: boolean;
  partitionValues?: Record<string, string | null>;
  size?: number;
}

/** `txn`: the latest version an application committed (idempotent streaming writes). */
export interface TxnAction {
  appId: string;
  version: number;
  lastUpdated?: number | null;
}

/** `commitInfo`: free-form provenance of a commit. */
export interface CommitInfoAction {
  timestamp?: number;
  operation?: string;
  operationParameters?: Record<string, unknown>;
  [key: string]: unknown;
}

/** One line of a commit file. */
export type DeltaAction =
  | { protocol: ProtocolAction }
  | { metaData: MetadataAction }
  | { add: AddAction }
  | { remove: RemoveAction }
  | { txn: TxnAction }
  | { commitInfo: CommitInfoAction };

/** Statistics of a data file (`add.stats`, parsed). */
export interface FileStats {
  numRecords: number;
  minValues?: Record<string, unknown>;
  maxValues?: Record<string, unknown>;
  nullCount?: Record<string, unknown>;
}
