import type { DeltaField } from "./_schema.ts";

/**
 * The history table's schema (Delta `schemaString` fields), stable across versions:
 *
 * | column      | Delta type  | Parquet physical / logical                  | meaning                           |
 * |-------------|-------------|---------------------------------------------|-----------------------------------|
 * | `groupTime` | `timestamp` | INT64 TIMESTAMP(MICROS, isAdjustedToUTC)    | window start (inclusive), UTC     |
 * | `windowEnd` | `timestamp` | INT64 TIMESTAMP(MICROS, isAdjustedToUTC)    | window end (exclusive), UTC       |
 * | `average`   | `double`    | DOUBLE                                      | mean of `favorite` = sum / count  |
 * | `count`     | `long`      | INT64                                       | events in the window              |
 * | `sum`       | `double`    | DOUBLE                                      | sum of `favorite`                 |
 * | `max`       | `double`    | DOUBLE                                      | largest `favorite`                |
 *
 * Unpartitioned; one row per window, unique by `groupTime`. Protocol: reader 1, writer 2.
 */
export const HISTORY_SCHEMA: readonly DeltaField[] = [
  { name: "groupTime", type: "timestamp", nullable: false, metadata: {} },
  { name: "windowEnd", type: "timestamp", nullable: false, metadata: {} },
  { name: "average", type: "double", nullable: false, metadata: {} },
  { name: "count", type: "long", nullable: false, metadata: {} },
  { name: "sum", type: "double", nullable: false, metadata: {} },
  { name: "max", type: "double", nullable: false, metadata: {} },
];

/** `metaData.schemaString` of the history table. */
export const HISTORY_SCHEMA_STRING: string = JSON.stringify({
  type: "struct",
  fields: HISTORY_SCHEMA,
});
