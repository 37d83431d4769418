import pl from "nodejs-polars";
import { WINDOW_COLUMNS, type WindowEvent, type WindowRow } from "./types.ts";
import { eventTimeInMs, eventValue } from "./_validate.ts";

/**
 * Builds a polars DataFrame of events: `timestamp` as Datetime(ms, UTC), `favorite` as Float64.
 * Throws a TypeError naming the field and the value for an invalid event.
 */
export function eventsToDataFrame(events: readonly WindowEvent[]): pl.DataFrame {
  const times = new Float64Array(events.length);
  const values = new Float64Array(events.length);
  for (let i = 0; i < events.length; i++) {
    times[i] = eventTimeInMs(events[i].timestamp, `events[${i}].timestamp`);
    values[i] = eventValue(events[i].favorite, `events[${i}].favorite`);
  }
  return pl.DataFrame({
    timestamp: pl.Series("timestamp", times).cast(pl.Int64).cast(pl.Datetime("ms", "UTC")),
    favorite: pl.Series("favorite", values),
  });
}

/**
 * Builds a window frame (`groupTime`, `windowEnd` as Datetime(us, UTC); `average`, `sum`, `max`
 * as Float64; `count` as Int64) from rows.
 */
export function windowsToDataFrame(rows: readonly WindowRow[]): pl.DataFrame {
  const n = rows.length;
  const start = new Float64Array(n);
  const end = new Float64Array(n);
  const average = new Float64Array(n);
  const count = new Float64Array(n);
  const sum = new Float64Array(n);
  const max = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const row = rows[i];
    start[i] = row.groupTime.getTime() * 1000;
    end[i] = row.windowEnd.getTime() * 1000;
    average[i] = row.average;
    count[i] = row.count;
    sum[i] = row.sum;
    max[i] = row.max;
  }
  const time = (name: string, values: Float64Array) =>
    pl.Series(name, values).cast(pl.Int64).cast(pl.Datetime("us", "UTC"));
  return pl.DataFrame([
    time("groupTime", start),
    time("windowEnd", end),
    pl.Series("average", average),
    pl.Series("count", count).cast(pl.Int64),
    pl.Series("sum", sum),
    pl.Series("max", max),
  ]);
}

/** Reads the rows of a window frame (as produced by `aggregateWindows` or the history table). */
export function windowsFromDataFrame(frame: pl.DataFrame): WindowRow[] {
  for (const name of WINDOW_COLUMNS) {
    if (!frame.columns.includes(name)) {
      throw new TypeError(
        `Cannot read windows as the frame must have column "${name}": current columns are ${
          frame.columns.join(", ")
        }`,
      );
    }
  }
  const ms = (name: string) =>
    frame.getColumn(name).cast(pl.Datetime("ms", "UTC")).cast(pl.Int64).cast(pl.Float64)
      .toArray() as number[];
  const num = (name: string) => frame.getColumn(name).cast(pl.Float64).toArray() as number[];
  const start = ms("groupTime");
  const end = ms("windowEnd");
  const average = num("average");
  const count = num("count");
  const sum = num("sum");
  const max = num("max");
  const rows: WindowRow[] = new Array(frame.height);
  for (let i = 0; i < frame.height; i++) {
    rows[i] = {
      groupTime: new Date(start[i]),
      windowEnd: new Date(end[i]),
      average: average[i],
      count: count[i],
      sum: sum[i],
      max: max[i],
    };
  }
  return rows;
}
