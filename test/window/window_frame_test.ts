import assert from "node:assert/strict";
import { eventsToDataFrame, windowsFromDataFrame, windowsToDataFrame } from "@/window";

const T0 = Date.UTC(2024, 0, 1);

Deno.test("windowsToDataFrame() round-trips rows through windowsFromDataFrame()", () => {
  const rows = [
    {
      groupTime: new Date(T0),
      windowEnd: new Date(T0 + 3_600_000),
      average: 2.5,
      count: 4,
      sum: 10,
      max: 7,
    },
  ];
  assert.deepEqual(windowsFromDataFrame(windowsToDataFrame(rows)), rows);
});

Deno.test("windowsFromDataFrame() names the missing column", () => {
  assert.throws(
    () => windowsFromDataFrame(eventsToDataFrame([])),
    /must have column "groupTime": current columns are timestamp, favorite/,
  );
});

Deno.test("eventsToDataFrame() names the index and field of an invalid event", () => {
  assert.throws(
    () =>
      eventsToDataFrame([{ timestamp: T0, favorite: 1 }, { timestamp: T0, favorite: Infinity }]),
    new TypeError(
      "Cannot window event as events[1].favorite must be a finite number: current value is Infinity",
    ),
  );
});
