import pl from "nodejs-polars";
import { DeltaProtocolError } from "./errors.ts";

/** A field of a Delta schema (`metaData.schemaString`). */
export interface DeltaField {
  name: string;
  type: string | Record<string, unknown>;
  nullable: boolean;
  metadata: Record<string, unknown>;
}

/** Parses `metaData.schemaString`. */
export function parseSchema(schemaString: string): DeltaField[] {
  try {
    const schema = JSON.parse(schemaString);
    if (schema?.type !== "struct" || !Array.isArray(schema.fields)) {
      throw new TypeError(`top-level type must be struct: current value is ${schema?.type}`);
    }
    return schema.fields as DeltaField[];
  } catch (error) {
    throw new DeltaProtocolError("Cannot parse the table schema in metaData.schemaString", {
      cause: error,
    });
  }
}

/** The polars type for a primitive Delta type; undefined for nested types. */
export function polarsType(type: DeltaField["type"]): pl.DataType | undefined {
  if (typeof type !== "string") return undefined;
  const decimal = /^decimal\((\d+),\s*(\d+)\)$/.exec(type);
  if (decimal) return pl.Decimal(Number(decimal[1]), Number(decimal[2]));
  switch (type) {
    case "string":
      return pl.Utf8;
    case "long":
      return pl.Int64;
    case "integer":
      return pl.Int32;
    case "short":
      return pl.Int16;
    case "byte":
      return pl.Int8;
    case "double":
      return pl.Float64;
    case "float":
      return pl.Float32;
    case "boolean":
      return pl.Bool;
    case "date":
      return pl.Date;
    case "timestamp":
      return pl.Datetime("us", "UTC");
    case "timestamp_ntz":
      return pl.Datetime("us");
    default:
      return undefined;
  }
}

/** A column of `height` copies of a partition value (a string or null), cast to its Delta type. */
export function partitionColumn(
  field: DeltaField,
  value: string | null,
  height: number,
): pl.Series {
  const raw = pl.Series(field.name, new Array(height).fill(value), pl.Utf8);
  const type = polarsType(field.type);
  if (!type || type.equals(pl.Utf8)) return raw;
  try {
    if (type.equals(pl.Bool)) return raw.eq("true").alias(field.name);
    return raw.cast(type, true);
  } catch (error) {
    throw new DeltaProtocolError(
      `Cannot read partition column "${field.name}" as its value must parse as ${
        String(field.type)
      }: current value is ${value}`,
      { cause: error },
    );
  }
}
