import assert from "node:assert/strict";
import pl from "nodejs-polars";
import { aggregateWindows, eventsToDataFrame, windowsFromDataFrame } from "@/window";

const H = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);

Deno.test("aggregateWindows() groups events into hourly [start, end) windows with the tutorial's average", () => {
  const frame = eventsToDataFrame([
    { timestamp: T0 + 5 * 60_000, favorite: 2 },
    { timestamp: T0 + H - 1, favorite: 4 },
    { timestamp: T0 + H, favorite: 9 },
  ]);
  assert.deepEqual(windowsFromDataFrame(aggregateWindows(frame)), [
    { groupTime: new Date(T0), windowEnd: new Date(T0 + H), average: 3, count: 2, sum: 6, max: 4 },
    {
      groupTime: new Date(T0 + H),
      windowEnd: new Date(T0 + 2 * H),
      average: 9,
      count: 1,
      sum: 9,
      max: 9,
    },
  ]);
});

Deno.test("aggregateWindows() returns the documented column names and types", () => {
  const frame = aggregateWindows(eventsToDataFrame([{ timestamp: T0, favorite: 1 }]));
  assert.deepEqual(frame.columns, ["groupTime", "windowEnd", "average", "count", "sum", "max"]);
  assert.deepEqual(
    frame.dtypes.map(String),
    [
      "Datetime(us,UTC)",
      "Datetime(us,UTC)",
      "Float64",
      "Int64",
      "Float64",
      "Float64",
    ].map((t) => `DataType(${t})`),
  );
});

Deno.test("aggregateWindows() orders windows by groupTime whatever the input order", () => {
  const frame = eventsToDataFrame([
    { timestamp: T0 + 3 * H, favorite: 1 },
    { timestamp: T0, favorite: 2 },
    { timestamp: T0 + H, favorite: 3 },
  ]);
  const rows = windowsFromDataFrame(aggregateWindows(frame));
  assert.deepEqual(rows.map((r) => r.groupTime.getTime()), [T0, T0 + H, T0 + 3 * H]);
});

Deno.test("aggregateWindows() accepts integer epoch-millisecond timestamps", () => {
  const frame = pl.DataFrame({ timestamp: [T0 + 1, T0 + 2 * H + 7], favorite: [5, 7] });
  const rows = windowsFromDataFrame(aggregateWindows(frame));
  assert.deepEqual(rows.map((r) => [r.groupTime.getTime(), r.count, r.sum]), [
    [T0, 1, 5],
    [T0 + 2 * H, 1, 7],
  ]);
});

Deno.test("aggregateWindows() aligns 90-second windows to UTC midnight", () => {
  const frame = eventsToDataFrame([
    { timestamp: T0 + 89_999, favorite: 1 },
    { timestamp: T0 + 90_000, favorite: 2 },
    { timestamp: T0 - 1, favorite: 3 },
  ]);
  const rows = windowsFromDataFrame(aggregateWindows(frame, { sizeInMs: 90_000 }));
  assert.deepEqual(rows.map((r) => [r.groupTime.getTime() - T0, r.windowEnd.getTime() - T0]), [
    [-90_000, 0],
    [0, 90_000],
    [90_000, 180_000],
  ]);
});

Deno.test("aggregateWindows() builds one-day windows", () => {
  const frame = eventsToDataFrame([
    { timestamp: T0 + 23 * H, favorite: 1 },
    { timestamp: T0 + 24 * H, favorite: 2 },
  ]);
  const rows = windowsFromDataFrame(aggregateWindows(frame, { sizeInMs: 86_400_000 }));
  assert.deepEqual(rows.map((r) => [r.groupTime.toISOString(), r.count]), [
    ["2024-01-01T00:00:00.000Z", 1],
    ["2024-01-02T00:00:00.000Z", 1],
  ]);
});

Deno.test("aggregateWindows() keeps duplicate events as separate events", () => {
  const event = { timestamp: T0 + 10, favorite: 4 };
  const rows = windowsFromDataFrame(aggregateWindows(eventsToDataFrame([event, event])));
  assert.deepEqual(rows.map((r) => [r.count, r.sum, r.average]), [[2, 8, 4]]);
});

Deno.test("aggregateWindows() rejects a window size of zero with a RangeError naming sizeInMs", () => {
  assert.throws(
    () => aggregateWindows(eventsToDataFrame([]), { sizeInMs: 0 }),
    new RangeError(
      "Cannot create window as sizeInMs must be between 60000 (1 minute) and 86400000 (1 day): current value is 0",
    ),
  );
});

Deno.test("aggregateWindows() rejects a window size longer than one day", () => {
  assert.throws(
    () => aggregateWindows(eventsToDataFrame([]), { sizeInMs: 2 * 86_400_000 }),
    /sizeInMs must be between 60000 \(1 minute\) and 86400000 \(1 day\): current value is 172800000/,
  );
});

Deno.test("aggregateWindows() rejects a window size that does not divide one day", () => {
  assert.throws(
    () => aggregateWindows(eventsToDataFrame([]), { sizeInMs: 7 * 60_000 }),
    /sizeInMs must divide one day \(86400000 ms\) evenly .*: current value is 420000/,
  );
});

Deno.test("aggregateWindows() rejects a frame without the value column", () => {
  assert.throws(
    () => aggregateWindows(pl.DataFrame({ timestamp: [T0] })),
    /valueColumn must name a column of the frame: current value is "favorite"/,
  );
});

Deno.test("aggregateWindows() rejects null values", () => {
  const frame = pl.DataFrame({ timestamp: [T0, T0], favorite: [1, null] });
  assert.throws(
    () => aggregateWindows(frame),
    /must not hold nulls: current null counts are 0 and 1/,
  );
});

Deno.test("aggregateWindows() of an empty frame is an empty window frame", () => {
  const frame = aggregateWindows(eventsToDataFrame([]));
  assert.equal(frame.height, 0);
  assert.deepEqual(frame.columns, ["groupTime", "windowEnd", "average", "count", "sum", "max"]);
});
