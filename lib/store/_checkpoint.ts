import pl from "nodejs-polars";
import { encodeParquet, type ParquetNode } from "./_parquet_writer.ts";
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

const MAP = (name: string): ParquetNode => ({ kind: "map", name });
const STR = (name: string): ParquetNode => ({ kind: "string", name });
const I64 = (name: string): ParquetNode => ({ kind: "int64", name });
const BOOL = (name: string): ParquetNode => ({ kind: "boolean", name });

/** The checkpoint's Parquet schema: the Delta protocol's action structs (maps as Parquet MAP). */
const CHECKPOINT_SCHEMA: ParquetNode[] = [
  {
    kind: "group",
    name: "txn",
    children: [STR("appId"), I64("version"), I64("lastUpdated")],
  },
  {
    kind: "group",
    name: "add",
    children: [
      STR("path"),
      MAP("partitionValues"),
      I64("size"),
      I64("modificationTime"),
      BOOL("dataChange"),
      STR("stats"),
      MAP("tags"),
    ],
  },
  {
    kind: "group",
    name: "remove",
    children: [
      STR("path"),
      I64("deletionTimestamp"),
      BOOL("dataChange"),
      BOOL("extendedFileMetadata"),
      MAP("partitionValues"),
      I64("size"),
    ],
  },
  {
    kind: "group",
    name: "metaData",
    children: [
      STR("id"),
      STR("name"),
      STR("description"),
      { kind: "group", name: "format", children: [STR("provider"), MAP("options")] },
      STR("schemaString"),
      { kind: "list", name: "partitionColumns" },
      MAP("configuration"),
      I64("createdTime"),
    ],
  },
  {
    kind: "group",
    name: "protocol",
    children: [{ kind: "int32", name: "minReaderVersion" }, {
      kind: "int32",
      name: "minWriterVersion",
    }],
  },
];

/**
 * Writes a single-part Parquet checkpoint: one action per row, in top-level struct columns
 * `txn`, `add`, `remove`, `metaData`, `protocol`, with the protocol's map fields
 * (`partitionValues`, `tags`, `configuration`, `format.options`) as Parquet MAP columns.
 */
export function writeCheckpoint(path: string, actions: CheckpointActions): void {
  const { protocol, metadata, txns, files, tombstones } = actions;
  const rows: Record<string, unknown>[] = [
    {
      protocol: {
        minReaderVersion: protocol.minReaderVersion,
        minWriterVersion: protocol.minWriterVersion,
      },
    },
    {
      metaData: {
        id: metadata.id,
        name: metadata.name ?? null,
        description: metadata.description ?? null,
        format: { provider: metadata.format.provider, options: metadata.format.options },
        schemaString: metadata.schemaString,
        partitionColumns: metadata.partitionColumns,
        configuration: metadata.configuration,
        createdTime: metadata.createdTime ?? null,
      },
    },
    ...txns.map((t) => ({
      txn: { appId: t.appId, version: t.version, lastUpdated: t.lastUpdated ?? null },
    })),
    ...files.map((f) => ({
      add: {
        path: f.path,
        partitionValues: f.partitionValues,
        size: f.size,
        modificationTime: f.modificationTime,
        dataChange: false,
        stats: f.stats ?? null,
        tags: f.tags ?? null,
      },
    })),
    ...tombstones.map((r) => ({
      remove: {
        path: r.path,
        deletionTimestamp: r.deletionTimestamp ?? null,
        dataChange: false,
        extendedFileMetadata: true,
        partitionValues: r.partitionValues ?? {},
        size: r.size ?? null,
      },
    })),
  ];
  Deno.writeFileSync(path, encodeParquet(CHECKPOINT_SCHEMA, rows));
}
