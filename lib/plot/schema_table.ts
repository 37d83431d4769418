/**
 * `printSchema` as a small table: one row per column with its type and nullability.
 * @module
 */
import { TableView } from "./table.ts";

/** One column of a schema. */
export interface SchemaField {
  /** Column name. */
  name: string;
  /** Type name, e.g. `timestamp`, `double`, `Datetime(ms, UTC)`. */
  type: string;
  /** Whether the column may hold nulls; absent when unknown. */
  nullable?: boolean;
  /** What the column means. */
  description?: string;
}

/** A schema as Delta writes it (`{ name, type, nullable }` with a string or nested type). */
interface DeltaLikeField {
  name: string;
  type: unknown;
  nullable?: boolean;
}

/** Anything with a polars-style `schema` (column name → data type with `toString()`). */
interface HasSchema {
  schema: Record<string, { toString(): string }>;
}

/** Options of {@linkcode schemaTable}. */
export interface SchemaTableOptions {
  /** Caption above the table. @default {"schema"} */
  caption?: string;
}

function typeName(type: unknown): string {
  if (typeof type === "string") return type;
  if (type && typeof type === "object" && "type" in type) {
    const t = (type as { type: unknown }).type;
    if (t === "struct") return "struct";
    if (t === "array") return `array<${typeName((type as { elementType?: unknown }).elementType)}>`;
    if (t === "map") {
      const m = type as { keyType?: unknown; valueType?: unknown };
      return `map<${typeName(m.keyType)},${typeName(m.valueType)}>`;
    }
    return String(t);
  }
  return String(type);
}

/**
 * A small table of a schema: from a list of fields (Delta `schemaString` fields or
 * {@linkcode SchemaField}s) or from a nodejs-polars DataFrame (its `schema`). Shows the columns
 * `column | type | nullable` (plus `description` when any field has one).
 */
export function schemaTable(
  schema: readonly (SchemaField | DeltaLikeField)[] | HasSchema,
  options: SchemaTableOptions = {},
): TableView {
  let fields: SchemaField[];
  if (Array.isArray(schema)) {
    fields = (schema as readonly (SchemaField | DeltaLikeField)[]).map((f, i) => {
      if (!f || typeof f.name !== "string" || f.name === "") {
        throw new TypeError(
          `Cannot render schema as fields[${i}].name must be a non-empty string: current value is ${
            JSON.stringify(f?.name)
          }`,
        );
      }
      return {
        name: f.name,
        type: typeName(f.type),
        nullable: f.nullable,
        description: (f as SchemaField).description,
      };
    });
  } else if (
    schema && typeof schema === "object" && typeof (schema as HasSchema).schema === "object" &&
    (schema as HasSchema).schema !== null
  ) {
    fields = Object.entries((schema as HasSchema).schema).map(([name, type]) => ({
      name,
      type: String(type),
    }));
  } else {
    throw new TypeError(
      `Cannot render schema as schema must be a list of fields or a DataFrame: current value is ${
        typeof schema === "object" ? "an object without a schema" : String(schema)
      }`,
    );
  }
  const withDescription = fields.some((f) => f.description !== undefined);
  const columns = ["column", "type", "nullable", ...(withDescription ? ["description"] : [])];
  const rows = fields.map((f) => ({
    column: f.name,
    type: f.type,
    nullable: f.nullable === undefined ? "" : String(f.nullable),
    ...(withDescription ? { description: f.description ?? "" } : {}),
  }));
  return new TableView(columns, rows, {
    caption: options.caption ?? "schema",
    maxRows: Math.max(1, rows.length),
  });
}
