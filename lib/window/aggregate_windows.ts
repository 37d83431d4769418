import pl from "nodejs-polars";
import { DEFAULT_WINDOW_SIZE_IN_MS, validateWindowSize } from "./_validate.ts";

/** Options for {@linkcode aggregateWindows}. */
export interface AggregateWindowsOptions {
  /**
   * Window size in milliseconds, from 1 minute to 1 day; windows align to the Unix epoch (UTC).
   * @default {3600000} (1 hour, the tutorial's window)
   */
  sizeInMs?: number;
  /**
   * Event-time column: a polars Datetime (any unit; naive means UTC) or integer epoch milliseconds.
   * @default {"timestamp"}
   */
  timeColumn?: string;
  /**
   * Numeric column to aggregate.
   * @default {"favorite"}
   */
  valueColumn?: string;
}

/**
 * Groups events into tumbling event-time windows `[groupTime, windowEnd)` with polars
 * `groupByDynamic` and aggregates the value column: the tutorial's
 * `groupBy(window(timestamp, "1 hour")).agg(avg("favorite") as "average")`, plus `count`,
 * `sum` and `max`.
 *
 * Returns a frame ordered by `groupTime` with columns `groupTime`, `windowEnd`
 * (Datetime(us, UTC)), `average` (Float64, exactly `sum / count`), `count` (Int64), `sum`,
 * `max` (Float64). Windows without events are not listed.
 *
 * @example
 * ```ts
 * import pl from "nodejs-polars";
 * import { aggregateWindows } from "./aggregate_windows.ts";
 * const events = pl.DataFrame({
 *   timestamp: [Date.UTC(2024, 0, 1, 10, 5), Date.UTC(2024, 0, 1, 10, 55), Date.UTC(2024, 0, 1, 11)],
 *   favorite: [2, 4, 9],
 * });
 * const windows = aggregateWindows(events);
 * console.assert(windows.height === 2);
 * console.assert(windows.getColumn("average").toArray()[0] === 3);
 * ```
 */
export function aggregateWindows(
  events: pl.DataFrame,
  options: AggregateWindowsOptions = {},
): pl.DataFrame {
  const sizeInMs = validateWindowSize(options.sizeInMs ?? DEFAULT_WINDOW_SIZE_IN_MS);
  const timeColumn = options.timeColumn ?? "timestamp";
  const valueColumn = options.valueColumn ?? "favorite";
  for (const [field, name] of [["timeColumn", timeColumn], ["valueColumn", valueColumn]]) {
    if (!events.columns.includes(name)) {
      throw new TypeError(
        `Cannot aggregate windows as ${field} must name a column of the frame: current value is "${name}" (columns: ${
          events.columns.join(", ")
        })`,
      );
    }
  }
  const time = events.getColumn(timeColumn);
  const value = events.getColumn(valueColumn);
  if (time.nullCount() > 0 || value.nullCount() > 0) {
    throw new TypeError(
      `Cannot aggregate windows as columns "${timeColumn}" and "${valueColumn}" must not hold nulls: current null counts are ${time.nullCount()} and ${value.nullCount()}`,
    );
  }
  let timeExpr = pl.col(timeColumn);
  if (time.dtype.variant === "Datetime") {
    timeExpr = timeExpr.cast(pl.Datetime("us", "UTC"));
  } else if (time.isNumeric()) {
    timeExpr = timeExpr.cast(pl.Int64).cast(pl.Datetime("ms", "UTC")).cast(
      pl.Datetime("us", "UTC"),
    );
  } else {
    throw new TypeError(
      `Cannot aggregate windows as column "${timeColumn}" must be a Datetime or epoch milliseconds: current type is ${time.dtype}`,
    );
  }
  try {
    const grouped = events
      .lazy()
      .select(timeExpr.alias("groupTime"), pl.col(valueColumn).cast(pl.Float64).alias("value"))
      .sort("groupTime")
      .groupByDynamic({
        indexColumn: "groupTime",
        every: `${sizeInMs}ms`,
        period: `${sizeInMs}ms`,
        closed: "left",
        label: "left",
      })
      .agg(
        pl.col("value").count().cast(pl.Int64).alias("count"),
        pl.col("value").sum().alias("sum"),
        pl.col("value").max().alias("max"),
      )
      .collectSync();
    return grouped.select(
      pl.col("groupTime"),
      pl.col("groupTime").cast(pl.Int64).add(pl.lit(sizeInMs * 1000).cast(pl.Int64))
        .cast(pl.Datetime("us", "UTC")).alias("windowEnd"),
      pl.col("sum").div(pl.col("count").cast(pl.Float64)).alias("average"),
      pl.col("count"),
      pl.col("sum"),
      pl.col("max"),
    );
  } catch (error) {
    throw new Error(`Cannot aggregate windows of ${sizeInMs} ms with polars`, { cause: error });
  }
}
