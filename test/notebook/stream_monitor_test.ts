import assert from "node:assert/strict";
import { AnalyzeMonitor, SendMonitor, sourceEventRow, tapSource } from "@/notebook";
import type { AnalyzeSource, SourceEvent, SourceSignal } from "@/pipeline";
import { plain, recorder } from "./_broadcast.ts";

const T0 = Date.UTC(2026, 0, 5);
const HOUR = 3_600_000;

function event(seq: number, timestamp: number, favorite: number, partitionId = "0"): SourceEvent {
  return { partitionId, sequenceNumber: seq, offset: String(seq), event: { timestamp, favorite } };
}

function arraySource(batches: (SourceEvent[] | SourceSignal)[]): AnalyzeSource {
  return () => ({
    async *[Symbol.asyncIterator]() {
      yield* batches;
    },
  });
}

async function drain(source: AnalyzeSource): Promise<(SourceEvent[] | SourceSignal)[]> {
  const out: (SourceEvent[] | SourceSignal)[] = [];
  const controller = new AbortController();
  for await (const batch of source({ positions: {}, abortSignal: controller.signal })) {
    out.push(batch);
  }
  return out;
}

Deno.test("tapSource() shows every batch to the observer and passes it on unchanged", async () => {
  const batches = [[event(0, T0, 1)], [event(1, T0 + 1, 2), event(2, T0 + 2, 3)]];
  const seen: number[] = [];
  const out = await drain(tapSource(arraySource(batches), (b) => seen.push(b.length)));
  assert.deepEqual(out, batches);
  assert.deepEqual(seen, [1, 2]);
});

Deno.test("tapSource() hands signals to onSignal, not to onBatch, and passes them on", async () => {
  const items: (SourceEvent[] | SourceSignal)[] = [
    { type: "partitions", partitionIds: ["0", "1"] },
    [event(0, T0, 1)],
    { type: "caughtUp", partitionId: "0" },
  ];
  const batches: number[] = [];
  const signals: string[] = [];
  const out = await drain(
    tapSource(arraySource(items), (b) => batches.push(b.length), (s) => signals.push(s.type)),
  );
  assert.deepEqual(out, items);
  assert.deepEqual(batches, [1]);
  assert.deepEqual(signals, ["partitions", "caughtUp"]);
});

Deno.test("tapSource() ignores an observer that throws", async () => {
  const batches = [[event(0, T0, 1)]];
  const out = await drain(tapSource(arraySource(batches), () => {
    throw new Error("view broke");
  }));
  assert.deepEqual(out, batches);
});

Deno.test("sourceEventRow() gives partition, sequence number, time and likes", () => {
  assert.deepEqual(sourceEventRow(event(7, T0, 4, "2")), {
    partition: "2",
    sequenceNumber: 7,
    timestamp: new Date(T0),
    favorite: 4,
  });
});

Deno.test("AnalyzeMonitor.watch() previews the latest events and the current windows", async () => {
  const monitor = await AnalyzeMonitor.create({ maxEvents: 2 });
  await drain(monitor.watch(arraySource([
    [event(0, T0 + 60_000, 2), event(1, T0 + 120_000, 4)],
    [event(2, T0 + HOUR + 60_000, 10), event(3, T0 + 3 * HOUR, 1)],
  ])));
  await monitor.events.flush();
  assert.deepEqual(monitor.events.rows.map((r) => r.sequenceNumber), [2, 3]);
  assert.deepEqual(
    monitor.windows.rows.map((
      r,
    ) => [(r.groupTime as Date).toISOString(), r.count, r.average, r.status]),
    [
      ["2026-01-05T00:00:00.000Z", 2, 3, "final"],
      ["2026-01-05T01:00:00.000Z", 1, 10, "final"],
      ["2026-01-05T03:00:00.000Z", 1, 1, "updated"],
    ],
  );
});

Deno.test("AnalyzeMonitor.watch() waits for every signalled partition and closes windows when one is caught up", async () => {
  const monitor = await AnalyzeMonitor.create({ graceInMs: 0 });
  await drain(monitor.watch(arraySource([
    { type: "partitions", partitionIds: ["0", "1"] },
    [event(0, T0 + 60_000, 2), event(1, T0 + 2 * HOUR, 4)],
    { type: "caughtUp", partitionId: "1" },
  ])));
  await monitor.windows.flush();
  assert.deepEqual(
    monitor.windows.rows.map((r) => [(r.groupTime as Date).toISOString(), r.status]),
    [
      ["2026-01-05T00:00:00.000Z", "final"],
      ["2026-01-05T02:00:00.000Z", "updated"],
    ],
  );
});

Deno.test("AnalyzeMonitor.finish() renders the job's final summary", async () => {
  const { messages, broadcast } = recorder();
  const monitor = await AnalyzeMonitor.create({ broadcast, now: () => 0 });
  await monitor.show();
  await monitor.finish({
    stoppedBy: "idle",
    batches: 2,
    events: 40,
    lateEvents: 1,
    rejectedEvents: 0,
    duplicatesSkipped: 3,
    firstBatchId: 0,
    nextBatchId: 2,
    tableVersion: 2,
    checkpointErrors: 0,
    elapsedInMs: 10,
  });
  const texts = messages.map(plain);
  assert.ok(
    texts.includes(
      "analyze done: 40 events · 0.0 s · 2 batches · 1 late · 3 re-delivered skipped · stopped by idle",
    ),
    texts.join("\n"),
  );
});

Deno.test("SendMonitor previews the latest events sent and ends with the summary", async () => {
  const { messages, broadcast } = recorder();
  const monitor = await SendMonitor.create({ broadcast, total: 2, maxRows: 1, now: () => 0 });
  await monitor.show();
  const post = (id: string) => ({ id, createdAt: "2026-01-05T00:00:00.000Z", likeCount: 1 });
  monitor.onSent({ timestamp: "2026-01-05T00:00:00.000Z", favorite: 1 }, post("a"));
  monitor.onSent({ timestamp: "2026-01-05T00:00:01.000Z", favorite: 2 }, post("b"));
  await monitor.finish({
    sent: 2,
    skipped: 0,
    errors: 0,
    elapsedInMs: 1000,
    eventsPerSecond: 2,
    stoppedBy: "end",
  });
  assert.deepEqual(monitor.events.rows, [{
    timestamp: "2026-01-05T00:00:01.000Z",
    favorite: 2,
    postId: "b",
  }]);
  assert.equal(
    plain(messages.at(-1)!),
    "send done: 2 of 2 events (100%) · 0.0 s · 2 events/s · 0 skipped · 0 errors · stopped by end",
  );
});
