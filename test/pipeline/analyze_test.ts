import assert from "node:assert/strict";
import {
  aggregateWindows,
  eventsToDataFrame,
  type WindowEvent,
  windowsFromDataFrame,
} from "@/window";
import type { CheckpointStore } from "@azure/event-hubs";
import { HistoryTable } from "@/store";
import {
  analyze,
  type AnalyzeProgress,
  type AnalyzeSource,
  readDeadLetters,
  readLateEvents,
  type SourceEvent,
  type SourceSignal,
} from "@/pipeline";
import { memorySource } from "./_memory_source.ts";
import { seededRandom } from "../window/_random.ts";

const H = 3_600_000;
const M = 60_000;
const T0 = Date.UTC(2024, 0, 1);

function stream(n: number, seed = 1): WindowEvent[] {
  const random = seededRandom(seed);
  const events: WindowEvent[] = [];
  let time = T0;
  for (let i = 0; i < n; i++) {
    time += Math.floor(random() * 3 * M);
    events.push({
      timestamp: time - Math.floor(random() * 10 * M),
      favorite: Math.floor(random() * 50),
    });
  }
  return events;
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "hubwatch-analyze-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const batchWindows = (events: WindowEvent[]) =>
  windowsFromDataFrame(aggregateWindows(eventsToDataFrame(events)));

Deno.test("analyze() writes the same windows as the batch aggregation of all events", async () => {
  await withDir(async (dir) => {
    const events = stream(600);
    const { source } = memorySource(events);
    const summary = await analyze({ source, tablePath: dir, maxBatchEvents: 50 });
    assert.equal(summary.stoppedBy, "end");
    assert.equal(summary.events, 600);
    assert.equal(summary.lateEvents, 0);
    const table = await HistoryTable.open(dir);
    assert.deepEqual(await table.read(), batchWindows(events));
  });
});

Deno.test("analyze() commits each micro-batch with txn { appId, version: batchId } and the positions", async () => {
  await withDir(async (dir) => {
    const { source, log } = memorySource(stream(100), { partitions: 2 });
    const summary = await analyze({
      source,
      tablePath: dir,
      appId: "hub/$Default/t",
      maxBatchEvents: 30,
    });
    const table = await HistoryTable.open(dir);
    assert.equal(await table.appVersion("hub/$Default/t"), summary.nextBatchId - 1);
    const progress = await table.streamProgress("hub/$Default/t");
    assert.deepEqual(progress?.positions, {
      "0": { sequenceNumber: log[0].length - 1, offset: String((log[0].length - 1) * 100) },
      "1": { sequenceNumber: log[1].length - 1, offset: String((log[1].length - 1) * 100) },
    });
    assert.equal(summary.batches, summary.nextBatchId);
  });
});

Deno.test("analyze() resumes after the committed positions and counts each event once", async () => {
  await withDir(async (dir) => {
    const events = stream(400, 5);
    const first = await analyze({
      source: memorySource(events, { stopAfterBatches: 20 }).source,
      tablePath: dir,
      maxBatchEvents: 25,
    });
    assert.ok(first.events < 400);
    const second = await analyze({
      source: memorySource(events).source,
      tablePath: dir,
      maxBatchEvents: 25,
    });
    assert.equal(second.firstBatchId, first.nextBatchId);
    assert.equal(first.events + second.events, 400);
    const table = await HistoryTable.open(dir);
    assert.deepEqual(await table.read(), batchWindows(events));
  });
});

Deno.test("analyze() skips re-delivered events at or before the committed positions", async () => {
  await withDir(async (dir) => {
    const events = stream(120, 9);
    await analyze({
      source: memorySource(events, { stopAfterBatches: 6 }).source,
      tablePath: dir,
      maxBatchEvents: 10,
    });
    const again = await analyze({
      source: memorySource(events, { replayFrom: 0 }).source,
      tablePath: dir,
      maxBatchEvents: 10,
    });
    assert.equal(again.duplicatesSkipped, 42);
    const table = await HistoryTable.open(dir);
    assert.deepEqual(await table.read(), batchWindows(events));
  });
});

Deno.test("analyze() writes events later than the grace to the late-events log and not to windows", async () => {
  await withDir(async (dir) => {
    const events: WindowEvent[] = [
      { timestamp: T0 + 5 * H, favorite: 1 },
      { timestamp: T0 + 5 * H + M, favorite: 2 },
      { timestamp: T0 + H, favorite: 40 },
    ];
    const summary = await analyze({
      source: memorySource(events, { partitions: 1, batchSize: 1 }).source,
      tablePath: dir,
      maxBatchEvents: 1,
    });
    assert.equal(summary.lateEvents, 1);
    assert.deepEqual(await readLateEvents(dir), [{
      batchId: 2,
      timestamp: "2024-01-01T01:00:00.000Z",
      favorite: 40,
      groupTime: "2024-01-01T01:00:00.000Z",
      watermark: "2024-01-01T04:01:00.000Z",
    }]);
    const table = await HistoryTable.open(dir);
    assert.deepEqual((await table.read()).map((w) => [w.groupTime.toISOString(), w.count]), [
      ["2024-01-01T05:00:00.000Z", 2],
    ]);
  });
});

/** A source that yields exactly these items, whatever the start positions. */
function scripted(items: (SourceEvent[] | SourceSignal)[]): AnalyzeSource {
  return () => ({
    async *[Symbol.asyncIterator]() {
      for (const item of items) {
        await Promise.resolve();
        yield item;
      }
    },
  });
}

function at(partitionId: string, sequenceNumber: number, timestamp: number): SourceEvent {
  return {
    partitionId,
    sequenceNumber,
    offset: String(sequenceNumber),
    event: { timestamp, favorite: sequenceNumber + 1 },
  };
}

Deno.test("analyze() counts the older events of a partition the source announced, even when it delivers last", async () => {
  await withDir(async (dir) => {
    const summary = await analyze({
      source: scripted([
        { type: "partitions", partitionIds: ["0", "1"] },
        [at("0", 0, T0 + 5 * H), at("0", 1, T0 + 6 * H)],
        [at("1", 0, T0 + H)],
      ]),
      tablePath: dir,
      graceInMs: 0,
      maxBatchEvents: 2,
    });
    assert.equal(summary.lateEvents, 0);
    assert.equal(summary.events, 3);
    const table = await HistoryTable.open(dir);
    assert.deepEqual((await table.read()).map((w) => w.groupTime.toISOString()), [
      "2024-01-01T01:00:00.000Z",
      "2024-01-01T05:00:00.000Z",
      "2024-01-01T06:00:00.000Z",
    ]);
  });
});

Deno.test("analyze() without the partitions signal lets the first partition turn the others' older events late", async () => {
  await withDir(async (dir) => {
    const summary = await analyze({
      source: scripted([
        [at("0", 0, T0 + 5 * H), at("0", 1, T0 + 6 * H)],
        [at("1", 0, T0 + H)],
      ]),
      tablePath: dir,
      graceInMs: 0,
      maxBatchEvents: 2,
    });
    assert.equal(summary.lateEvents, 1);
    assert.equal(summary.events, 2);
  });
});

Deno.test("analyze() commits a caught-up signal that moves the watermark, with the watermark in the progress", async () => {
  await withDir(async (dir) => {
    const seen: [number, number, string | undefined][] = [];
    await analyze({
      source: scripted([
        { type: "partitions", partitionIds: ["0", "1"] },
        [at("0", 0, T0 + 10 * M), at("0", 1, T0 + 3 * H)],
        { type: "caughtUp", partitionId: "1" },
        { type: "caughtUp", partitionId: "1" },
      ]),
      tablePath: dir,
      graceInMs: 0,
      maxBatchEvents: 2,
      onProgress: (p) => seen.push([p.batchId, p.events, p.watermark?.toISOString()]),
    });
    // The second signal changes nothing and is not committed.
    assert.deepEqual(seen, [[0, 2, undefined], [1, 0, "2024-01-01T03:00:00.000Z"]]);
    const progress = await (await HistoryTable.open(dir)).streamProgress("hubwatch-analyze");
    assert.equal(progress?.watermarkInMs, T0 + 3 * H);
    assert.equal(progress?.batchId, 1);
    assert.deepEqual(progress?.positions, { "0": { sequenceNumber: 1, offset: "1" } });
  });
});

Deno.test("analyze() keeps a partition's events that arrive after its caught-up signal in the same micro-batch", async () => {
  await withDir(async (dir) => {
    const summary = await analyze({
      source: scripted([
        { type: "partitions", partitionIds: ["0", "1"] },
        { type: "caughtUp", partitionId: "1" },
        [at("1", 0, T0 + 10 * M)],
        [at("0", 0, T0 + 3 * H)],
        [at("1", 1, T0 + 20 * M)],
      ]),
      tablePath: dir,
      graceInMs: 0,
      maxBatchEvents: 3,
    });
    // Partition 1 delivered after its signal, so it still holds the watermark at 00:20.
    assert.equal(summary.lateEvents, 0);
    const progress = await (await HistoryTable.open(dir)).streamProgress("hubwatch-analyze");
    assert.equal(progress?.watermarkInMs, T0 + 20 * M);
  });
});

Deno.test("analyze() stopped before every partition delivered still counts the late partition's older events after a restart", async () => {
  await withDir(async (dir) => {
    await analyze({
      source: scripted([
        { type: "partitions", partitionIds: ["0", "1"] },
        [at("0", 0, T0 + 5 * H), at("0", 1, T0 + 6 * H)],
      ]),
      tablePath: dir,
      graceInMs: 0,
    });
    const progress = await (await HistoryTable.open(dir)).streamProgress("hubwatch-analyze");
    assert.equal(progress?.watermarkInMs, null);
    const second = await analyze({
      source: scripted([
        { type: "partitions", partitionIds: ["0", "1"] },
        [at("1", 0, T0 + H)],
      ]),
      tablePath: dir,
      graceInMs: 0,
    });
    assert.equal(second.lateEvents, 0);
    assert.equal(second.events, 1);
    const table = await HistoryTable.open(dir);
    assert.deepEqual((await table.read()).map((w) => [w.groupTime.toISOString(), w.count]), [
      ["2024-01-01T01:00:00.000Z", 1],
      ["2024-01-01T05:00:00.000Z", 1],
      ["2024-01-01T06:00:00.000Z", 1],
    ]);
  });
});

Deno.test("analyze() resumes at the recorded watermark, not at the one the event times alone give", async () => {
  await withDir(async (dir) => {
    await analyze({
      source: scripted([
        { type: "partitions", partitionIds: ["0", "1"] },
        [at("1", 0, T0 + H), at("0", 0, T0 + 3 * H)],
        { type: "caughtUp", partitionId: "1" },
      ]),
      tablePath: dir,
      graceInMs: 0,
      maxBatchEvents: 2,
    });
    const second = await analyze({
      source: scripted([
        { type: "partitions", partitionIds: ["0", "1"] },
        [at("1", 1, T0 + 2 * H), at("1", 2, T0 + 4 * H)],
      ]),
      tablePath: dir,
      graceInMs: 0,
    });
    assert.equal(second.lateEvents, 1);
    assert.equal(second.events, 1);
    assert.deepEqual((await readLateEvents(dir)).map((e) => [e.timestamp, e.watermark]), [
      ["2024-01-01T02:00:00.000Z", "2024-01-01T03:00:00.000Z"],
    ]);
  });
});

Deno.test("analyze() writes undecodable and invalid events to the dead-letter log once, and moves past them", async () => {
  await withDir(async (dir) => {
    const deadLetter = {
      partitionId: "0",
      sequenceNumber: 1,
      offset: "1",
      enqueuedTimeUtc: "2024-01-01T00:00:00.000Z",
      reason: 'Cannot decode event as body must be JSON: current value is "{oops"',
      body: "{oops",
      bodyEncoding: "utf8" as const,
    };
    const items: (SourceEvent[] | SourceSignal)[] = [
      { type: "partitions", partitionIds: ["0"] },
      [
        at("0", 0, T0 + 10 * M),
        { partitionId: "0", sequenceNumber: 1, offset: "1", deadLetter },
        {
          partitionId: "0",
          sequenceNumber: 2,
          offset: "2",
          event: { timestamp: NaN, favorite: 3 },
        },
      ],
    ];
    const first = await analyze({ source: scripted(items), tablePath: dir });
    assert.equal(first.events, 1);
    assert.equal(first.rejectedEvents, 2);
    const expected = [
      { batchId: 0, ...deadLetter },
      {
        batchId: 0,
        partitionId: "0",
        sequenceNumber: 2,
        offset: "2",
        enqueuedTimeUtc: "",
        reason:
          "Cannot window event as timestamp must be a valid Date or epoch milliseconds: current value is NaN",
        body: '{"timestamp":null,"favorite":3}',
        bodyEncoding: "json",
      },
    ];
    assert.deepEqual(await readDeadLetters(dir), expected);
    const progress = await (await HistoryTable.open(dir)).streamProgress("hubwatch-analyze");
    assert.deepEqual(progress?.positions, { "0": { sequenceNumber: 2, offset: "2" } });
    // Delivered again (no restart position honoured by this source): nothing is logged twice.
    const again = await analyze({ source: scripted(items), tablePath: dir });
    assert.equal(again.rejectedEvents, 0);
    assert.equal(again.duplicatesSkipped, 3);
    assert.deepEqual(await readDeadLetters(dir), expected);
  });
});

Deno.test("analyze() reports progress after every committed micro-batch", async () => {
  await withDir(async (dir) => {
    const seen: AnalyzeProgress[] = [];
    await analyze({
      source: memorySource(stream(60), { partitions: 1, batchSize: 20 }).source,
      tablePath: dir,
      maxBatchEvents: 20,
      onProgress: (p) => seen.push(p),
    });
    assert.deepEqual(seen.map((p) => [p.batchId, p.tableVersion, p.events, p.totalEvents]), [
      [0, 1, 20, 20],
      [1, 2, 20, 40],
      [2, 3, 20, 60],
    ]);
  });
});

Deno.test("analyze() commits pending events after triggerIntervalInMs and stops when idle", async () => {
  await withDir(async (dir) => {
    const events = stream(5);
    const source = () => ({
      async *[Symbol.asyncIterator]() {
        yield events.map((event, i) => ({
          partitionId: "0",
          sequenceNumber: i,
          offset: String(i),
          event,
        }));
        await new Promise((resolve) => setTimeout(resolve, 200));
      },
    });
    const summary = await analyze({
      source,
      tablePath: dir,
      triggerIntervalInMs: 20,
      idleTimeoutInMs: 100,
    });
    assert.equal(summary.stoppedBy, "idle");
    assert.equal(summary.batches, 1);
    const table = await HistoryTable.open(dir);
    assert.deepEqual(await table.read(), batchWindows(events));
  });
});

Deno.test("analyze() stops on abortSignal after committing what it holds", async () => {
  await withDir(async (dir) => {
    const controller = new AbortController();
    const events = stream(3);
    const source = () => ({
      async *[Symbol.asyncIterator]() {
        yield events.map((event, i) => ({
          partitionId: "0",
          sequenceNumber: i,
          offset: String(i),
          event,
        }));
        controller.abort();
        await new Promise((resolve) => setTimeout(resolve, 50));
      },
    });
    const summary = await analyze({ source, tablePath: dir, abortSignal: controller.signal });
    assert.equal(summary.stoppedBy, "abort");
    assert.equal(summary.events, 3);
  });
});

Deno.test("analyze() mirrors committed positions into the checkpoint hint store", async () => {
  await withDir(async (dir) => {
    const checkpoints = new Map<string, number>();
    const store = {
      updateCheckpoint: (c: { partitionId: string; sequenceNumber: number }) => {
        checkpoints.set(c.partitionId, c.sequenceNumber);
        return Promise.resolve();
      },
    } as unknown as CheckpointStore;
    const { source, log } = memorySource(stream(50), { partitions: 2 });
    const summary = await analyze({
      source,
      tablePath: dir,
      maxBatchEvents: 10,
      checkpointHint: {
        checkpointStore: store,
        fullyQualifiedNamespace: "localhost",
        eventHubName: "tweets",
        consumerGroup: "$Default",
      },
    });
    assert.equal(summary.checkpointErrors, 0);
    assert.deepEqual([...checkpoints].sort(), [["0", log[0].length - 1], ["1", log[1].length - 1]]);
  });
});

Deno.test("analyze() counts failing checkpoint-hint updates and keeps committing", async () => {
  await withDir(async (dir) => {
    const store = {
      updateCheckpoint: () => Promise.reject(new Error("store down")),
    } as unknown as CheckpointStore;
    const events = stream(30);
    const summary = await analyze({
      source: memorySource(events, { partitions: 1, batchSize: 10 }).source,
      tablePath: dir,
      maxBatchEvents: 10,
      checkpointHint: {
        checkpointStore: store,
        fullyQualifiedNamespace: "localhost",
        eventHubName: "tweets",
        consumerGroup: "$Default",
      },
    });
    assert.equal(summary.checkpointErrors, 3);
    assert.equal(summary.events, 30);
  });
});

Deno.test("analyze() keeps going when the progress callback throws", async () => {
  await withDir(async (dir) => {
    const summary = await analyze({
      source: memorySource(stream(30), { partitions: 1, batchSize: 10 }).source,
      tablePath: dir,
      maxBatchEvents: 10,
      onProgress: () => {
        throw new Error("display failed");
      },
    });
    assert.equal(summary.batches, 3);
  });
});

Deno.test("analyze() refuses to continue when another writer committed its batch id", async () => {
  await withDir(async (dir) => {
    const events = stream(5);
    const source = () => ({
      async *[Symbol.asyncIterator]() {
        // A second job with the same appId commits batch 0 first.
        const other = await HistoryTable.open(dir);
        await other.write([], {
          progress: { appId: "same", batchId: 0, positions: {}, maxEventTimeByPartition: {} },
        });
        yield events.map((event, i) => ({
          partitionId: "0",
          sequenceNumber: i,
          offset: String(i),
          event,
        }));
      },
    });
    await assert.rejects(
      analyze({ source, tablePath: dir, appId: "same" }),
      /Cannot commit batch 0 of stream same as another writer already committed it/,
    );
  });
});

Deno.test("analyze() rejects a maxBatchEvents of 0", async () => {
  await assert.rejects(
    analyze({ source: memorySource([]).source, tablePath: "/nonexistent", maxBatchEvents: 0 }),
    new RangeError(
      "Cannot start analyze as maxBatchEvents must be a positive number: current value is 0",
    ),
  );
});
