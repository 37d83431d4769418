import pl from "nodejs-polars";
import { type DeltaSnapshot, loadDeltaSnapshot } from "./delta_snapshot.ts";
import { DeltaProtocolError } from "./errors.ts";
import { parseSchema, partitionColumn, polarsType } from "./_schema.ts";
import { dataFilePath } from "./_paths.ts";
import type { AddAction } from "./actions.ts";

/** Options for {@linkcode readDeltaTable}. */
export interface ReadDeltaTableOptions {
  /**
   * Version to read (time travel).
   * @default {undefined} (the latest version)
   */
  version?: number;
  /**
   * Only these live files (from the snapshot) are read; used to prune by statistics.
   * @default {undefined} (all live files)
   */
  files?: AddAction[];
  /**
   * A snapshot already loaded, to avoid reloading the log.
   * @default {undefined}
   */
  snapshot?: DeltaSnapshot;
}

/** Highest reader protocol version this reader implements (no reader features). */
export const SUPPORTED_READER_VERSION = 1;

/**
 * Reads a Delta table (any writer: Spark, delta-rs, this project) into one polars DataFrame:
 * every live data file at the version, partition columns restored from `partitionValues`
 * (`null` for the null partition), columns in schema order. Rows come file by file in log order.
 */
export async function readDeltaTable(
  tablePath: string,
  options: ReadDeltaTableOptions = {},
): Promise<pl.DataFrame> {
  const snapshot = options.snapshot ??
    await loadDeltaSnapshot(tablePath, { version: options.version });
  if (snapshot.protocol.minReaderVersion > SUPPORTED_READER_VERSION) {
    throw new DeltaProtocolError(
      `Cannot read table ${tablePath} as minReaderVersion must be at most ${SUPPORTED_READER_VERSION}: current value is ${snapshot.protocol.minReaderVersion}`,
    );
  }
  const fields = parseSchema(snapshot.metadata.schemaString);
  const partitionNames = new Set(snapshot.metadata.partitionColumns);
  const files = options.files ?? [...snapshot.files.values()];
  const frames: pl.DataFrame[] = [];
  for (const add of files) {
    const path = dataFilePath(tablePath, add.path);
    let data: pl.DataFrame;
    try {
      data = pl.readParquet(path);
    } catch (error) {
      throw new DeltaProtocolError(
        `Cannot read data file ${add.path} of version ${snapshot.version} of ${tablePath} (vacuumed or missing?)`,
        { cause: error },
      );
    }
    const columns: pl.Series[] = [];
    for (const field of fields) {
      if (partitionNames.has(field.name)) {
        columns.push(
          partitionColumn(field, add.partitionValues[field.name] ?? null, data.height),
        );
      } else if (data.columns.includes(field.name)) {
        columns.push(data.getColumn(field.name));
      } else {
        const type = polarsType(field.type) ?? pl.Utf8;
        columns.push(pl.Series(field.name, new Array(data.height).fill(null), pl.Utf8).cast(type));
      }
    }
    frames.push(pl.DataFrame(columns));
  }
  if (frames.length === 0) {
    return pl.DataFrame(
      fields.map((f) => pl.Series(f.name, [], pl.Utf8).cast(polarsType(f.type) ?? pl.Utf8)),
    );
  }
  return frames.length === 1 ? frames[0] : pl.concat(frames, { how: "vertical" });
}
