import pl from "nodejs-polars";
import type {
  AddAction,
  MetadataAction,
  ProtocolAction,
  RemoveAction,
  TxnAction,
} from "./actions.ts";

/** Checkpoint content, as actions. */
export interface CheckpointActions {
  protocol: ProtocolAction;
  metadata: MetadataAction;
  txns: TxnAction[];
  files: AddAction[];
  tombstones: RemoveAction[];
}

type Row = Record<string, unknown>;

function kvToRecord(value: unknown): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  if (Array.isArray(value)) {
    for (const entry of value as { key: string; value: string | null }[]) {
      if (entry && typeof entry.key === "string") out[entry.key] = entry.value ?? null;
    }
  } else if (value && typeof value === "object") {
    Object.assign(out, value);
  }
  return out;
}

function num(value: unknown): number {
  return typeof value === "bigint" ? Number(value) : (value as number);
}

/** Reads a single-part Parquet checkpoint (maps read as lists of `{key, value}`). */
export function readCheckpoint(path: string): Omit<CheckpointActions, "protocol" | "metadata"> & {
  protocol?: ProtocolAction;
  metadata?: MetadataAction;
} {
  const frame = pl.readParquet(path);
  const names = ["protocol", "metaData", "txn", "add", "remove"].filter((c) =>
    frame.columns.includes(c)
  );
  const rows = frame.select(...names).toRecords() as Row[];
  const out: ReturnType<typeof readCheckpoint> = { txns: [], files: [], tombstones: [] };
  for (const row of rows) {
    const p = row.protocol as Row | null | undefined;
    const m = row.metaData as Row | null | undefined;
    const t = row.txn as Row | null | undefined;
    const a = row.add as Row | null | undefined;
    const r = row.remove as Row | null | undefined;
    if (p) {
      out.protocol = {
        minReaderVersion: num(p.minReaderVersion),
        minWriterVersion: num(p.minWriterVersion),
        readerFeatures: (p.readerFeatures as string[] | null) ?? null,
        writerFeatures: (p.writerFeatures as string[] | null) ?? null,
      };
    }
    if (m) {
      const format = (m.format ?? {}) as Row;
      out.metadata = {
        id: m.id as string,
        name: (m.name as string | null) ?? null,
        description: (m.description as string | null) ?? null,
        format: {
          provider: (format.provider as string) ?? "parquet",
          options: kvToRecord(format.options) as Record<string, string>,
        },
        schemaString: m.schemaString as string,
        partitionColumns: (m.partitionColumns as string[] | null) ?? [],
        configuration: kvToRecord(m.configuration) as Record<string, string>,
        createdTime: m.createdTime == null ? null : num(m.createdTime),
      };
    }
    if (t) {
      out.txns.push({
        appId: t.appId as string,
        version: num(t.version),
        lastUpdated: t.lastUpdated == null ? null : num(t.lastUpdated),
      });
    }
    if (a) {
      out.files.push({
        path: a.path as string,
        partitionValues: kvToRecord(a.partitionValues),
        size: num(a.size),
        modificationTime: num(a.modificationTime),
        dataChange: Boolean(a.dataChange),
        stats: (a.stats as string | null) ?? null,
      });
    }
    if (r) {
      out.tombstones.push({
        path: r.path as string,
        deletionTimestamp: r.deletionTimestamp == null ? null : num(r.deletionTimestamp),
        dataChange: Boolean(r.dataChange),
        size: r.size == null ? undefined : num(r.size),
        partitionValues: kvToRecord(r.partitionValues),
      });
    }
  }
  return out;
}

const str = (name: string, values: (string | null | undefined)[]) =>
  pl.Series(name, values.map((v) => v ?? null), pl.Utf8);
const i64 = (name: string, values: (number | null | undefined)[]) =>
  pl.Series(name, values.map((v) => v ?? null), pl.Int64);
const i32 = (name: string, values: number[]) => pl.Series(name, values, pl.Int32);
const bool = (name: string, values: boolean[]) => pl.Series(name, values, pl.Bool);

/** A `list<struct<key: string, value: string>>` column, one map per row (empty map → null). */
function kvColumn(name: string, maps: (Record<string, string | null> | undefined)[]): pl.Series {
  const rows: number[] = [];
  const keys: string[] = [];
  const values: (string | null)[] = [];
  maps.forEach((map, i) => {
    for (const [key, value] of Object.entries(map ?? {})) {
      rows.push(i);
      keys.push(key);
      values.push(value);
    }
  });
  const index = pl.DataFrame([pl.Series("row", maps.map((_, i) => i), pl.Int64)]);
  const entries = pl.DataFrame([
    pl.Series("row", rows, pl.Int64),
    str("key", keys),
    str("value", values),
  ]);
  const grouped = entries.groupBy("row").agg(
    pl.struct([pl.col("key"), pl.col("value")]).alias(name),
  );
  return index.join(grouped, { on: "row", how: "left" }).sort("row").getColumn(name);
}

/**
 * Writes a single-part Parquet checkpoint with top-level struct columns `protocol`,
 * `metaData`, `txn`, `add`, `remove` (one action per row). Delta map fields
 * (`partitionValues`, `configuration`, `format.options`) are written as
 * `list<struct<key, value>>`, the physical layout of a Parquet MAP without its MAP annotation
 * (nodejs-polars has no map type).
 */
export function writeCheckpoint(path: string, actions: CheckpointActions): void {
  const { protocol, metadata, txns, files, tombstones } = actions;
  const parts: pl.DataFrame[] = [];
  parts.push(
    pl.DataFrame([
      pl.DataFrame([
        i32("minReaderVersion", [protocol.minReaderVersion]),
        i32("minWriterVersion", [protocol.minWriterVersion]),
      ]).toStruct("protocol"),
    ]),
  );
  parts.push(
    pl.DataFrame([
      pl.DataFrame([
        str("id", [metadata.id]),
        str("name", [metadata.name ?? null]),
        str("description", [metadata.description ?? null]),
        pl.DataFrame([
          str("provider", [metadata.format.provider]),
          kvColumn("options", [metadata.format.options]),
        ]).toStruct("format"),
        str("schemaString", [metadata.schemaString]),
        pl.Series("partitionColumns", [metadata.partitionColumns], pl.List(pl.Utf8)),
        kvColumn("configuration", [metadata.configuration]),
        i64("createdTime", [metadata.createdTime ?? null]),
      ]).toStruct("metaData"),
    ]),
  );
  if (txns.length > 0) {
    parts.push(
      pl.DataFrame([
        pl.DataFrame([
          str("appId", txns.map((t) => t.appId)),
          i64("version", txns.map((t) => t.version)),
          i64("lastUpdated", txns.map((t) => t.lastUpdated ?? null)),
        ]).toStruct("txn"),
      ]),
    );
  }
  if (files.length > 0) {
    parts.push(
      pl.DataFrame([
        pl.DataFrame([
          str("path", files.map((f) => f.path)),
          kvColumn("partitionValues", files.map((f) => f.partitionValues)),
          i64("size", files.map((f) => f.size)),
          i64("modificationTime", files.map((f) => f.modificationTime)),
          bool("dataChange", files.map(() => false)),
          str("stats", files.map((f) => f.stats ?? null)),
        ]).toStruct("add"),
      ]),
    );
  }
  if (tombstones.length > 0) {
    parts.push(
      pl.DataFrame([
        pl.DataFrame([
          str("path", tombstones.map((r) => r.path)),
          i64("deletionTimestamp", tombstones.map((r) => r.deletionTimestamp ?? null)),
          bool("dataChange", tombstones.map(() => false)),
          bool("extendedFileMetadata", tombstones.map(() => true)),
          kvColumn("partitionValues", tombstones.map((r) => r.partitionValues ?? {})),
          i64("size", tombstones.map((r) => r.size ?? null)),
        ]).toStruct("remove"),
      ]),
    );
  }
  pl.concat(parts, { how: "diagonal" }).writeParquet(path, { compression: "snappy" });
}
