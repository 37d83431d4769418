import assert from "node:assert/strict";
import { encodeTweetEvent, EventSink, startEmulator } from "@/hub";
import { hubSource, type HubSourceOptions, type SourceEvent, type SourceSignal } from "@/pipeline";

const T0 = Date.UTC(2026, 0, 5);
const MINUTE = 60_000;

type Item = SourceEvent[] | SourceSignal;

/** One line per item: `partitions 0,1,2`, `events 0: 0,1,2`, `caughtUp 1`. */
function describe(item: Item): string {
  if (!Array.isArray(item)) {
    const signal = item as SourceSignal;
    return signal.type === "partitions"
      ? `partitions ${signal.partitionIds.join(",")}`
      : `caughtUp ${signal.partitionId}`;
  }
  return `events ${item[0].partitionId}: ${item.map((e) => e.sequenceNumber).join(",")}`;
}

/**
 * Reads the source until `done(items)` holds (then 600 ms more, to catch anything extra) or
 * 15 s pass; returns what it yielded.
 */
async function read(
  options: HubSourceOptions,
  positions: Record<string, { sequenceNumber: number }>,
  done: (items: Item[]) => boolean,
  whileReading?: (items: Item[]) => Promise<void>,
): Promise<Item[]> {
  const controller = new AbortController();
  const items: Item[] = [];
  const giveUp = setTimeout(() => controller.abort(), 15_000);
  let settled: ReturnType<typeof setTimeout> | undefined;
  const reading = (async () => {
    for await (const item of hubSource(options)({ positions, abortSignal: controller.signal })) {
      items.push(item);
      if (settled === undefined && done(items)) {
        settled = setTimeout(() => controller.abort(), 600);
      }
    }
  })();
  if (whileReading) await whileReading(items);
  await reading;
  clearTimeout(giveUp);
  clearTimeout(settled);
  return items;
}

async function send(connectionString: string, partitionId: string, minutes: number[]) {
  const sink = new EventSink(connectionString, { lingerInMs: 0 });
  for (const minute of minutes) {
    await sink.enqueue({
      body: encodeTweetEvent({
        timestamp: new Date(T0 + minute * MINUTE).toISOString(),
        favorite: minute,
      }),
    }, { partitionId });
  }
  await sink.close();
}

const caughtUp = (items: Item[], partitionId: string) =>
  items.some((i) => !Array.isArray(i) && i.type === "caughtUp" && i.partitionId === partitionId);

Deno.test("hubSource() announces the partitions and signals each one caught up once it has read everything", async () => {
  const emulator = await startEmulator({ port: 0, hubs: [{ name: "tweets", partitionCount: 3 }] });
  try {
    await send(emulator.connectionString, "0", [1, 2, 3, 4, 5]);
    await send(emulator.connectionString, "2", [10, 11]);
    const options = { connectionString: emulator.connectionString, maxWaitTimeInSeconds: 0.2 };
    const all = (items: Item[]) => ["0", "1", "2"].every((p) => caughtUp(items, p));
    const items = await read(options, {}, all);
    const lines = items.map(describe);
    assert.equal(lines[0], "partitions 0,1,2");
    // Per partition: its events in order, then one caught-up signal, and nothing after it.
    const of = (p: string) =>
      lines.filter((l) => l.startsWith(`events ${p}:`) || l === `caughtUp ${p}`);
    assert.deepEqual(
      of("0").join(" | ").replace(/ \| events 0: /g, ","),
      "events 0: 0,1,2,3,4 | caughtUp 0",
    );
    assert.deepEqual(of("1"), ["caughtUp 1"]);
    assert.deepEqual(
      of("2").join(" | ").replace(/ \| events 2: /g, ","),
      "events 2: 0,1 | caughtUp 2",
    );
    assert.deepEqual(
      items.filter(Array.isArray).flat().map((e) => (e as SourceEvent).event!.favorite).sort((
        a,
        b,
      ) => a - b),
      [1, 2, 3, 4, 5, 10, 11],
    );
  } finally {
    await emulator.stop();
  }
});

Deno.test("hubSource() resumes after the given positions and signals a partition again after new events", async () => {
  const emulator = await startEmulator({ port: 0, hubs: [{ name: "tweets", partitionCount: 2 }] });
  try {
    await send(emulator.connectionString, "0", [1, 2, 3, 4]);
    const options = { connectionString: emulator.connectionString, maxWaitTimeInSeconds: 0.2 };
    const items = await read(
      options,
      { "0": { sequenceNumber: 1 } },
      (items) => items.filter((i) => !Array.isArray(i) && i.type === "caughtUp").length >= 3,
      async (items) => {
        // Once both partitions are caught up, partition 1 receives an event.
        const deadline = Date.now() + 10_000;
        while (!(caughtUp(items, "0") && caughtUp(items, "1")) && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 50));
        }
        await send(emulator.connectionString, "1", [30]);
      },
    );
    const lines = items.map(describe).filter((l) => l !== "partitions 0,1");
    assert.deepEqual(lines.filter((l) => l.startsWith("events 0") || l === "caughtUp 0"), [
      "events 0: 2,3",
      "caughtUp 0",
    ]);
    assert.deepEqual(lines.filter((l) => l.startsWith("events 1") || l === "caughtUp 1"), [
      "caughtUp 1",
      "events 1: 0",
      "caughtUp 1",
    ]);
  } finally {
    await emulator.stop();
  }
});

Deno.test("hubSource() with startFrom latest skips what the hub held and is caught up at once", async () => {
  const emulator = await startEmulator({ port: 0, hubs: [{ name: "tweets", partitionCount: 2 }] });
  try {
    await send(emulator.connectionString, "0", [1, 2, 3]);
    const options = {
      connectionString: emulator.connectionString,
      maxWaitTimeInSeconds: 0.2,
      startFrom: "latest" as const,
    };
    const items = await read(options, {}, (items) => caughtUp(items, "0") && caughtUp(items, "1"));
    assert.deepEqual(items.map(describe).sort(), [
      "caughtUp 0",
      "caughtUp 1",
      "partitions 0,1",
    ]);
  } finally {
    await emulator.stop();
  }
});

Deno.test("hubSource() hands on an undecodable body as a dead letter with the decoder's reason", async () => {
  const emulator = await startEmulator({ port: 0, hubs: [{ name: "tweets", partitionCount: 1 }] });
  try {
    const sink = new EventSink(emulator.connectionString, { lingerInMs: 0 });
    await sink.enqueue({ body: new TextEncoder().encode("not json") }, { partitionId: "0" });
    await sink.close();
    await send(emulator.connectionString, "0", [7]);
    const options = { connectionString: emulator.connectionString, maxWaitTimeInSeconds: 0.2 };
    const items = await read(options, {}, (items) => caughtUp(items, "0"));
    const events = items.filter(Array.isArray).flat() as SourceEvent[];
    assert.equal(events.length, 2);
    const [bad, good] = events;
    assert.equal(bad.event, undefined);
    assert.equal(bad.sequenceNumber, 0);
    assert.deepEqual(
      { ...bad.deadLetter, enqueuedTimeUtc: typeof bad.deadLetter?.enqueuedTimeUtc },
      {
        partitionId: "0",
        sequenceNumber: 0,
        offset: bad.offset,
        enqueuedTimeUtc: "string",
        reason: 'Cannot decode event as body must be JSON: current value is "not json"',
        body: "not json",
        bodyEncoding: "utf8",
      },
    );
    assert.deepEqual(good.event, { timestamp: T0 + 7 * MINUTE, favorite: 7 });
  } finally {
    await emulator.stop();
  }
});
