import assert from "node:assert/strict";
import {
  aggregateWindows,
  type EmittedWindow,
  eventsToDataFrame,
  WindowAggregator,
  type WindowEvent,
  type WindowRow,
  windowsFromDataFrame,
} from "@/window";
import { seededRandom } from "./_random.ts";

const H = 3_600_000;
const M = 60_000;
const T0 = Date.UTC(2024, 0, 1);

function strip(w: EmittedWindow): [string, number, number, string] {
  return [w.groupTime.toISOString(), w.count, w.sum, w.status];
}

Deno.test("WindowAggregator.add() emits the windows a micro-batch changed as updated", () => {
  const aggregator = new WindowAggregator();
  const result = aggregator.add([
    { timestamp: T0 + 10 * M, favorite: 2 },
    { timestamp: T0 + H + 10 * M, favorite: 4 },
  ]);
  assert.deepEqual(result.windows.map(strip), [
    ["2024-01-01T00:00:00.000Z", 1, 2, "updated"],
    ["2024-01-01T01:00:00.000Z", 1, 4, "updated"],
  ]);
});

Deno.test("WindowAggregator.add() emits a window as final once the watermark passes its end", () => {
  const aggregator = new WindowAggregator({ graceInMs: 30 * M });
  aggregator.add([{ timestamp: T0 + 10 * M, favorite: 2 }]);
  const result = aggregator.add([{ timestamp: T0 + H + 30 * M, favorite: 4 }]);
  assert.deepEqual(result.windows.map(strip), [
    ["2024-01-01T00:00:00.000Z", 1, 2, "final"],
    ["2024-01-01T01:00:00.000Z", 1, 4, "updated"],
  ]);
  assert.deepEqual(aggregator.openWindows.map((w) => w.groupTime.getTime()), [T0 + H]);
});

Deno.test("WindowAggregator.add() keeps a window open while the watermark is inside it", () => {
  const aggregator = new WindowAggregator({ graceInMs: 30 * M });
  aggregator.add([{ timestamp: T0 + 10 * M, favorite: 2 }]);
  const result = aggregator.add([{ timestamp: T0 + H + 29 * M, favorite: 4 }]);
  assert.deepEqual(result.windows.map(strip), [["2024-01-01T01:00:00.000Z", 1, 4, "updated"]]);
  assert.equal(result.watermark?.toISOString(), "2024-01-01T00:59:00.000Z");
});

Deno.test("WindowAggregator.add() counts an event older than the watermark as late, not in a window", () => {
  const aggregator = new WindowAggregator({ graceInMs: H });
  aggregator.add([{ timestamp: T0 + 3 * H, favorite: 1 }]);
  const result = aggregator.add([{ timestamp: T0 + H + 59 * M, favorite: 7 }]);
  assert.deepEqual(result.lateEvents, [{
    timestamp: new Date(T0 + H + 59 * M),
    favorite: 7,
    groupTime: new Date(T0 + H),
    watermark: new Date(T0 + 2 * H),
  }]);
  assert.equal(result.acceptedCount, 0);
  assert.deepEqual(result.windows, []);
});

Deno.test("WindowAggregator.add() accepts an event exactly at the watermark", () => {
  const aggregator = new WindowAggregator({ graceInMs: H });
  aggregator.add([{ timestamp: T0 + 3 * H, favorite: 1 }]);
  const result = aggregator.add([{ timestamp: T0 + 2 * H, favorite: 7 }]);
  assert.equal(result.lateEvents.length, 0);
  assert.deepEqual(result.windows.map(strip), [["2024-01-01T02:00:00.000Z", 1, 7, "updated"]]);
});

Deno.test("WindowAggregator.add() judges a whole micro-batch against the previous watermark", () => {
  const aggregator = new WindowAggregator({ graceInMs: 0 });
  const result = aggregator.add([
    { timestamp: T0 + 5 * H, favorite: 1 },
    { timestamp: T0, favorite: 2 },
  ]);
  assert.equal(result.lateEvents.length, 0);
  assert.deepEqual(result.windows.map(strip), [
    ["2024-01-01T00:00:00.000Z", 1, 2, "final"],
    ["2024-01-01T05:00:00.000Z", 1, 1, "updated"],
  ]);
});

Deno.test("WindowAggregator.add() holds the watermark at the partition that lags behind", () => {
  const aggregator = new WindowAggregator({ graceInMs: H });
  const first = aggregator.add([
    { timestamp: T0 + 6 * H, favorite: 1, partitionId: "a" },
    { timestamp: T0 + H, favorite: 2, partitionId: "b" },
  ]);
  assert.equal(first.watermark?.toISOString(), "2024-01-01T00:00:00.000Z");
  const second = aggregator.add([{ timestamp: T0 + 30 * M, favorite: 3, partitionId: "b" }]);
  assert.equal(second.lateEvents.length, 0);
  assert.deepEqual(second.windows.map(strip), [["2024-01-01T00:00:00.000Z", 1, 3, "updated"]]);
});

Deno.test("WindowAggregator.add() judges events of a partition that is ahead against the slowest one", () => {
  const aggregator = new WindowAggregator({ graceInMs: 0 });
  aggregator.add([
    { timestamp: T0 + 6 * H, favorite: 1, partitionId: "a" },
    { timestamp: T0 + 2 * H, favorite: 2, partitionId: "b" },
  ]);
  const result = aggregator.add([{ timestamp: T0 + H, favorite: 3, partitionId: "a" }]);
  assert.deepEqual(result.lateEvents.map((e) => e.watermark.toISOString()), [
    "2024-01-01T02:00:00.000Z",
  ]);
});

Deno.test("WindowAggregator.add() holds the watermark at a listed partition that has not delivered yet", () => {
  const aggregator = new WindowAggregator({ graceInMs: 0, partitions: ["0", "1"] });
  const first = aggregator.add([{ timestamp: T0 + 6 * H, favorite: 1, partitionId: "0" }]);
  assert.equal(first.watermark, null);
  assert.deepEqual(aggregator.waitingFor, ["1"]);
  // Partition 1 starts late with older events: they still count.
  const second = aggregator.add([{ timestamp: T0 + H, favorite: 2, partitionId: "1" }]);
  assert.equal(second.lateEvents.length, 0);
  assert.equal(second.acceptedCount, 1);
  assert.equal(second.watermark?.toISOString(), "2024-01-01T01:00:00.000Z");
  assert.deepEqual(aggregator.waitingFor, []);
});

Deno.test("WindowAggregator.add() without the partition list lets the first partitions move the watermark", () => {
  const aggregator = new WindowAggregator({ graceInMs: 0 });
  aggregator.add([{ timestamp: T0 + 6 * H, favorite: 1, partitionId: "0" }]);
  const second = aggregator.add([{ timestamp: T0 + H, favorite: 2, partitionId: "1" }]);
  assert.equal(second.lateEvents.length, 1);
  assert.equal(second.acceptedCount, 0);
});

Deno.test("WindowAggregator.add() stops waiting for a listed partition reported caught up", () => {
  const aggregator = new WindowAggregator({ graceInMs: 0, partitions: ["0", "1"] });
  aggregator.add([
    { timestamp: T0 + 10 * M, favorite: 1, partitionId: "0" },
    { timestamp: T0 + 2 * H, favorite: 1, partitionId: "0" },
  ]);
  const result = aggregator.add([], { caughtUp: ["1"] });
  assert.equal(result.watermark?.toISOString(), "2024-01-01T02:00:00.000Z");
  assert.deepEqual(result.windows.map(strip), [["2024-01-01T00:00:00.000Z", 1, 1, "final"]]);
});

Deno.test("WindowAggregator.add() leaves a caught-up partition out of the watermark until its next event", () => {
  const aggregator = new WindowAggregator({ graceInMs: 0 });
  aggregator.add([
    { timestamp: T0 + H, favorite: 1, partitionId: "a" },
    { timestamp: T0 + 3 * H, favorite: 1, partitionId: "b" },
  ]);
  assert.equal(aggregator.watermark?.toISOString(), "2024-01-01T01:00:00.000Z");
  const idle = aggregator.add([], { caughtUp: ["a"] });
  assert.equal(idle.watermark?.toISOString(), "2024-01-01T03:00:00.000Z");
  // Back with an event: a holds the watermark again, which does not move back.
  const back = aggregator.add([{ timestamp: T0 + 3 * H + 30 * M, favorite: 4, partitionId: "a" }]);
  assert.equal(back.watermark?.toISOString(), "2024-01-01T03:00:00.000Z");
  const both = aggregator.add([{ timestamp: T0 + 5 * H, favorite: 1, partitionId: "b" }]);
  assert.equal(both.watermark?.toISOString(), "2024-01-01T03:30:00.000Z");
});

Deno.test("WindowAggregator.add() moves the watermark with the events of a partition caught up in the same micro-batch", () => {
  const aggregator = new WindowAggregator({ graceInMs: H, partitions: ["0", "1"] });
  aggregator.add([], { caughtUp: ["0", "1"] });
  const result = aggregator.add([
    { timestamp: T0 + 10 * M, favorite: 1, partitionId: "1" },
    { timestamp: T0 + 5 * H, favorite: 1, partitionId: "1" },
  ], { caughtUp: ["1"] });
  assert.equal(result.watermark?.toISOString(), "2024-01-01T04:00:00.000Z");
  assert.deepEqual(result.windows.map(strip), [
    ["2024-01-01T00:00:00.000Z", 1, 1, "final"],
    ["2024-01-01T05:00:00.000Z", 1, 1, "updated"],
  ]);
});

Deno.test("WindowAggregator.add() judges the events of a partition back from idle against the watermark", () => {
  const aggregator = new WindowAggregator({ graceInMs: 0 });
  aggregator.add([
    { timestamp: T0 + H, favorite: 1, partitionId: "a" },
    { timestamp: T0 + 3 * H, favorite: 1, partitionId: "b" },
  ]);
  aggregator.add([], { caughtUp: ["a"] });
  const result = aggregator.add([{ timestamp: T0 + 2 * H, favorite: 7, partitionId: "a" }]);
  assert.deepEqual(result.lateEvents.map((e) => [e.favorite, e.watermark.toISOString()]), [
    [7, "2024-01-01T03:00:00.000Z"],
  ]);
});

Deno.test("WindowAggregator.add() follows the largest event time of all partitions when every one is caught up", () => {
  const aggregator = new WindowAggregator({ graceInMs: H, partitions: ["a", "b", "c"] });
  aggregator.add([
    { timestamp: T0 + 10 * M, favorite: 1, partitionId: "b" },
    { timestamp: T0 + 5 * H, favorite: 1, partitionId: "a" },
    { timestamp: T0 + 2 * H, favorite: 1, partitionId: "b" },
  ], { caughtUp: ["a"] });
  // c has not delivered: nothing moves yet.
  assert.equal(aggregator.watermark, null);
  const result = aggregator.add([], { caughtUp: ["b", "c"] });
  assert.equal(result.watermark?.toISOString(), "2024-01-01T04:00:00.000Z");
  assert.deepEqual(result.windows.map(strip), [
    ["2024-01-01T00:00:00.000Z", 1, 1, "final"],
    ["2024-01-01T02:00:00.000Z", 1, 1, "final"],
  ]);
});

Deno.test("WindowAggregator.add() never moves the watermark back when a new partition appears", () => {
  const aggregator = new WindowAggregator({ graceInMs: 0 });
  aggregator.add([
    { timestamp: T0 + 10 * M, favorite: 1, partitionId: "a" },
    { timestamp: T0 + 3 * H, favorite: 1, partitionId: "a" },
  ]);
  const result = aggregator.add([{ timestamp: T0 + H, favorite: 2, partitionId: "b" }]);
  assert.equal(result.watermark?.toISOString(), "2024-01-01T03:00:00.000Z");
  assert.equal(result.lateEvents.length, 1);
  // The final window of hour 0 is not re-opened by a later event of hour 0.
  const again = aggregator.add([{ timestamp: T0 + 20 * M, favorite: 5, partitionId: "b" }]);
  assert.equal(again.lateEvents.length, 1);
  assert.deepEqual(again.windows, []);
});

Deno.test("WindowAggregator.snapshot() keeps the largest event time of every partition", () => {
  const aggregator = new WindowAggregator();
  aggregator.add([
    { timestamp: T0 + 6 * H, favorite: 1, partitionId: "a" },
    { timestamp: T0 + 2 * H, favorite: 2, partitionId: "b" },
    { timestamp: T0 + H, favorite: 2, partitionId: "b" },
  ]);
  assert.deepEqual(aggregator.snapshot().maxEventTimeByPartition, {
    a: T0 + 6 * H,
    b: T0 + 2 * H,
  });
});

Deno.test("WindowAggregator.add() reports invalid events as rejected and counts the rest", () => {
  const aggregator = new WindowAggregator();
  const bad = { timestamp: "yesterday", favorite: 1 } as unknown as WindowEvent;
  const result = aggregator.add([bad, { timestamp: T0, favorite: 3 }]);
  assert.equal(result.acceptedCount, 1);
  assert.equal(result.rejectedEvents.length, 1);
  assert.equal(result.rejectedEvents[0].event, bad);
  assert.equal(
    result.rejectedEvents[0].error.message,
    "Cannot window event as timestamp must be a valid Date or epoch milliseconds: current value is yesterday",
  );
});

Deno.test("WindowAggregator.add() rejects a NaN favorite", () => {
  const result = new WindowAggregator().add([{ timestamp: T0, favorite: Number.NaN }]);
  assert.equal(
    result.rejectedEvents[0].error.message,
    "Cannot window event as favorite must be a finite number: current value is NaN",
  );
});

Deno.test("WindowAggregator() rejects a negative graceInMs with a RangeError", () => {
  assert.throws(
    () => new WindowAggregator({ graceInMs: -1 }),
    new RangeError(
      "Cannot create window aggregator as graceInMs must be a non-negative integer: current value is -1",
    ),
  );
});

Deno.test("WindowAggregator() rejects a window size below one minute", () => {
  assert.throws(() => new WindowAggregator({ sizeInMs: 59_999 }), /current value is 59999/);
});

Deno.test("WindowAggregator() resumes from a snapshot with the same windows and watermark", () => {
  const first = new WindowAggregator({ graceInMs: H });
  first.add([{ timestamp: T0 + 10 * M, favorite: 2 }, { timestamp: T0 + H, favorite: 3 }]);
  const resumed = new WindowAggregator({ graceInMs: H, initialState: first.snapshot() });
  const result = resumed.add([{ timestamp: T0 + 20 * M, favorite: 6 }]);
  assert.deepEqual(result.windows.map(strip), [["2024-01-01T00:00:00.000Z", 2, 8, "updated"]]);
  assert.equal(resumed.watermark?.getTime(), T0);
});

Deno.test("WindowAggregator() restored without a recorded watermark waits for the listed partitions", () => {
  const resumed = new WindowAggregator({
    graceInMs: 0,
    initialState: { maxEventTimeByPartition: { "0": T0 + 5 * H }, openWindows: [] },
    partitions: ["0", "1"],
  });
  assert.equal(resumed.watermark, null);
  const result = resumed.add([{ timestamp: T0 + H, favorite: 2, partitionId: "1" }]);
  assert.equal(result.acceptedCount, 1);
  assert.equal(result.watermark?.toISOString(), "2024-01-01T01:00:00.000Z");
});

Deno.test("WindowAggregator() resumes at the recorded watermark even with partitions to wait for", () => {
  const first = new WindowAggregator({ graceInMs: 0 });
  first.add([
    { timestamp: T0 + H, favorite: 1, partitionId: "a" },
    { timestamp: T0 + 4 * H, favorite: 1, partitionId: "b" },
  ]);
  first.add([], { caughtUp: ["a"] });
  const state = first.snapshot();
  assert.equal(state.watermarkInMs, T0 + 4 * H);
  const resumed = new WindowAggregator({
    graceInMs: 0,
    initialState: state,
    partitions: ["a", "b", "c"],
  });
  assert.equal(resumed.watermark?.getTime(), T0 + 4 * H);
  assert.deepEqual(resumed.waitingFor, ["c"]);
  // Nothing moves it until c has delivered or is caught up.
  const result = resumed.add([{ timestamp: T0 + 9 * H, favorite: 1, partitionId: "b" }]);
  assert.equal(result.watermark?.getTime(), T0 + 4 * H);
});

Deno.test("WindowAggregator() rejects a recorded watermark that is not finite", () => {
  assert.throws(
    () =>
      new WindowAggregator({
        initialState: { maxEventTimeByPartition: {}, openWindows: [], watermarkInMs: NaN },
      }),
    /initialState\.watermarkInMs must be a finite epoch ms: current value is NaN/,
  );
});

Deno.test("WindowAggregator.expectPartitions() waits for the partitions not seen yet", () => {
  const aggregator = new WindowAggregator({ graceInMs: 0 });
  aggregator.add([{ timestamp: T0 + 2 * H, favorite: 1, partitionId: "0" }], { caughtUp: ["2"] });
  aggregator.expectPartitions(["0", "1", "2"]);
  assert.deepEqual(aggregator.waitingFor, ["1"]);
  const result = aggregator.add([{ timestamp: T0 + 3 * H, favorite: 1, partitionId: "0" }]);
  assert.equal(result.watermark?.toISOString(), "2024-01-01T02:00:00.000Z");
});

Deno.test("WindowAggregator() rejects a partition id that is not a string", () => {
  assert.throws(
    () => new WindowAggregator({ partitions: ["0", 1 as unknown as string] }),
    /partitions\[1\] must be a string: current value is 1/,
  );
});

Deno.test("WindowAggregator() rejects an initial window that is not a window start", () => {
  const row: WindowRow = {
    groupTime: new Date(T0 + 1),
    windowEnd: new Date(T0 + H + 1),
    average: 1,
    count: 1,
    sum: 1,
    max: 1,
  };
  assert.throws(
    () =>
      new WindowAggregator({
        initialState: { maxEventTimeByPartition: { "": T0 }, openWindows: [row] },
      }),
    /initialState\.openWindows\[0\]\.groupTime must be a window start for size 3600000 ms/,
  );
});

Deno.test("WindowAggregator() rejects initial windows of another size", () => {
  const row: WindowRow = {
    groupTime: new Date(T0),
    windowEnd: new Date(T0 + H),
    average: 1,
    count: 1,
    sum: 1,
    max: 1,
  };
  assert.throws(
    () =>
      new WindowAggregator({
        sizeInMs: 15 * M,
        initialState: { maxEventTimeByPartition: {}, openWindows: [row] },
      }),
    /openWindows\[0\]\.windowEnd must be groupTime \+ 900000 ms: current value is 2024-01-01T01:00:00.000Z/,
  );
});

/** Random stream whose arrival order is shuffled by less than the grace, with duplicates. */
function randomStream(random: () => number, graceInMs: number): WindowEvent[] {
  const n = 1 + Math.floor(random() * 600);
  const keyed: { key: number; event: WindowEvent }[] = [];
  let time = T0 + Math.floor(random() * 10 * H);
  for (let i = 0; i < n; i++) {
    time += Math.floor(random() * random() * 20 * M);
    const event = { timestamp: time, favorite: Math.floor(random() * 1000) };
    const key = time + Math.floor(random() * graceInMs);
    keyed.push({ key, event });
    if (random() < 0.1) keyed.push({ key, event: { ...event } });
  }
  keyed.sort((a, b) => a.key - b.key);
  return keyed.map((k) => k.event);
}

Deno.test("WindowAggregator gives the same windows as aggregateWindows() for random streams within the grace", () => {
  const random = seededRandom(20240101);
  const sizes = [M, 5 * M, 90_000, 15 * M, H, 6 * H, 24 * H];
  for (let trial = 0; trial < 60; trial++) {
    const sizeInMs = sizes[trial % sizes.length];
    const graceInMs = Math.floor(random() * 2 * H);
    const events = randomStream(random, graceInMs);
    const aggregator = new WindowAggregator({ sizeInMs, graceInMs });
    const emitted = new Map<number, WindowRow>();
    let late = 0;
    for (let i = 0; i < events.length;) {
      const batch = events.slice(i, i + 1 + Math.floor(random() * 50));
      i += batch.length;
      const result = aggregator.add(batch);
      late += result.lateEvents.length;
      for (const { status: _status, ...row } of result.windows) {
        emitted.set(row.groupTime.getTime(), row);
      }
    }
    for (const row of aggregator.openWindows) emitted.set(row.groupTime.getTime(), row);
    const incremental = [...emitted.values()].sort((a, b) =>
      a.groupTime.getTime() - b.groupTime.getTime()
    );
    const batch = windowsFromDataFrame(
      aggregateWindows(eventsToDataFrame(events), { sizeInMs }),
    );
    assert.equal(late, 0, `trial ${trial}: no event is late`);
    assert.deepEqual(incremental, batch, `trial ${trial} (size ${sizeInMs}, grace ${graceInMs})`);
  }
});
