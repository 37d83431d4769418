import assert from "node:assert/strict";
import {
  type CreateBatchOptions,
  earliestEventPosition,
  type EventData,
  type EventDataBatch,
  EventHubConsumerClient,
} from "@azure/event-hubs";
import { EventSink, type EventSinkProducer } from "../../lib/hub/event_sink.ts";
import { HubError } from "../../lib/hub/errors.ts";
import { startEmulator } from "../../lib/hub/emulator/mod.ts";
import { tweetBody, withEmulator } from "./_helpers.ts";

interface SentBatch {
  options: CreateBatchOptions;
  bodies: unknown[];
}

/** A producer double: batches hold `capacity` events; `failures` are thrown by the next sends. */
class FakeProducer implements EventSinkProducer {
  sent: SentBatch[] = [];
  failures: unknown[] = [];
  closed = false;
  #onSend: (() => void)[] = [];

  constructor(readonly capacity = 1000, readonly maxEventBytes = Infinity) {}

  createBatch(options: CreateBatchOptions = {}): Promise<EventDataBatch> {
    const events: EventData[] = [];
    const capacity = this.capacity;
    const maxEventBytes = this.maxEventBytes;
    const batch = {
      partitionKey: options.partitionKey,
      partitionId: options.partitionId,
      maxSizeInBytes: 1000,
      get sizeInBytes() {
        return events.length;
      },
      get count() {
        return events.length;
      },
      tryAdd(event: EventData) {
        const size = (event.body as Uint8Array).length ?? 0;
        if (events.length >= capacity || size > maxEventBytes) return false;
        events.push(event);
        return true;
      },
      events,
      options,
    };
    return Promise.resolve(batch as unknown as EventDataBatch);
  }

  sendBatch(batch: EventDataBatch): Promise<void> {
    const failure = this.failures.shift();
    if (failure !== undefined) return Promise.reject(failure);
    const b = batch as unknown as { events: EventData[]; options: CreateBatchOptions };
    this.sent.push({ options: b.options, bodies: b.events.map((e) => e.body) });
    for (const wake of this.#onSend.splice(0)) wake();
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }

  /** Resolves at the next successful send. */
  nextSend(): Promise<void> {
    return new Promise((resolve) => this.#onSend.push(resolve));
  }
}

const busy = () =>
  Object.assign(new Error("server busy"), { code: "ServerBusyError", retryable: true });
const denied = () =>
  Object.assign(new Error("bad key"), { code: "UnauthorizedError", retryable: false });
const event = (n: number): EventData => ({ body: n });

Deno.test("EventSink.enqueue() sends once maxEventsPerBatch events wait, without flush()", async () => {
  const producer = new FakeProducer();
  const sink = new EventSink(producer, { maxEventsPerBatch: 3, lingerInMs: 60_000 });
  const sent = producer.nextSend();
  for (let i = 0; i < 3; i++) await sink.enqueue(event(i));
  await sent;
  assert.deepEqual(producer.sent, [{ options: {}, bodies: [0, 1, 2] }]);
  await sink.close();
});

Deno.test("EventSink.enqueue() sends a lone event after lingerInMs", async () => {
  const producer = new FakeProducer();
  const sink = new EventSink(producer, { lingerInMs: 5 });
  const sent = producer.nextSend();
  await sink.enqueue(event(7));
  assert.equal(producer.sent.length, 0);
  await sent;
  assert.deepEqual(producer.sent, [{ options: {}, bodies: [7] }]);
  await sink.close();
});

Deno.test("EventSink.flush() splits the buffer where tryAdd() refuses", async () => {
  const producer = new FakeProducer(2);
  const sink = new EventSink(producer, { lingerInMs: 60_000 });
  for (let i = 0; i < 5; i++) await sink.enqueue(event(i));
  await sink.flush();
  assert.deepEqual(producer.sent.map((b) => b.bodies), [[0, 1], [2, 3], [4]]);
  assert.deepEqual(sink.stats, {
    enqueued: 5,
    sent: 5,
    failed: 0,
    batches: 3,
    retries: 0,
    pending: 0,
  });
  await sink.close();
});

Deno.test("EventSink.enqueue() batches per partition key, keeping each key's order", async () => {
  const producer = new FakeProducer();
  const sink = new EventSink(producer, { lingerInMs: 60_000 });
  for (let i = 0; i < 6; i++) await sink.enqueue(event(i), { partitionKey: `k${i % 2}` });
  await sink.enqueue(event(6), { partitionId: "3" });
  await sink.flush();
  const byRoute = Object.fromEntries(
    producer.sent.map((b) => [JSON.stringify(b.options), b.bodies]),
  );
  assert.deepEqual(byRoute, {
    '{"partitionKey":"k0"}': [0, 2, 4],
    '{"partitionKey":"k1"}': [1, 3, 5],
    '{"partitionId":"3"}': [6],
  });
  await sink.close();
});

Deno.test("EventSink uses its default partitionKey unless an event names its own", async () => {
  const producer = new FakeProducer();
  const sink = new EventSink(producer, { lingerInMs: 60_000, partitionKey: "all" });
  await sink.enqueue(event(1));
  await sink.enqueue(event(2), { partitionId: "0" });
  await sink.flush();
  const routes = producer.sent.map((b) => JSON.stringify(b.options)).sort();
  assert.deepEqual(routes, ['{"partitionId":"0"}', '{"partitionKey":"all"}']);
  await sink.close();
});

Deno.test("EventSink retries a retryable send error and then delivers", async () => {
  const producer = new FakeProducer();
  producer.failures.push(busy(), busy());
  const sink = new EventSink(producer, { lingerInMs: 60_000, retryDelayInMs: 1 });
  await sink.enqueue(event(1));
  await sink.flush();
  assert.deepEqual(producer.sent.map((b) => b.bodies), [[1]]);
  assert.equal(sink.stats.retries, 2);
  assert.equal(sink.stats.failed, 0);
  await sink.close();
});

Deno.test("EventSink.flush() throws the HubError of a batch that is not retryable", async () => {
  const producer = new FakeProducer();
  producer.failures.push(denied());
  const sink = new EventSink(producer, { lingerInMs: 60_000, retryDelayInMs: 1 });
  await sink.enqueue(event(1));
  await sink.enqueue(event(2));
  await assert.rejects(() => sink.flush(), (error: unknown) => {
    assert.ok(error instanceof HubError);
    assert.equal(error.code, "Unauthorized");
    assert.equal(error.retryable, false);
    assert.equal(
      error.message,
      "Cannot send a batch of 2 events to the event hub as Event Hubs failed (UnauthorizedError): bad key",
    );
    return true;
  });
  assert.deepEqual([sink.stats.failed, sink.stats.retries, producer.sent.length], [2, 0, 0]);
  await sink.flush();
  await sink.close();
});

Deno.test("EventSink gives up after maxRetries retryable errors", async () => {
  const producer = new FakeProducer();
  producer.failures.push(busy(), busy(), busy());
  const sink = new EventSink(producer, { lingerInMs: 60_000, maxRetries: 2, retryDelayInMs: 1 });
  await sink.enqueue(event(1));
  await assert.rejects(() => sink.flush(), { name: "HubError", code: "Busy" });
  assert.deepEqual([sink.stats.failed, sink.stats.retries], [1, 2]);
  await sink.close();
});

Deno.test("EventSink passes failed events to onSendError instead of throwing", async () => {
  const producer = new FakeProducer();
  producer.failures.push(denied());
  const failures: [string, unknown[]][] = [];
  const sink = new EventSink(producer, {
    lingerInMs: 60_000,
    onSendError: (error, events) => failures.push([error.code, events.map((e) => e.body)]),
  });
  await sink.enqueue(event(1));
  await sink.flush();
  assert.deepEqual(failures, [["Unauthorized", [1]]]);
  await sink.close();
});

Deno.test("EventSink fails an event too large for an empty batch and sends the others", async () => {
  const producer = new FakeProducer(1000, 3);
  const failures: string[] = [];
  const sink = new EventSink(producer, {
    lingerInMs: 60_000,
    onSendError: (error) => failures.push(error.code),
  });
  await sink.enqueue({ body: new Uint8Array(2) });
  await sink.enqueue({ body: new Uint8Array(10) });
  await sink.enqueue({ body: new Uint8Array(1) });
  await sink.flush();
  assert.deepEqual(failures, ["MessageTooLarge"]);
  assert.deepEqual(producer.sent.map((b) => b.bodies.map((x) => (x as Uint8Array).length)), [
    [2],
    [1],
  ]);
  await sink.close();
});

Deno.test("EventSink.enqueue() waits while maxBufferedEvents events are pending", async () => {
  const producer = new FakeProducer();
  const sink = new EventSink(producer, { lingerInMs: 60_000, maxBufferedEvents: 2 });
  await sink.enqueue(event(1));
  await sink.enqueue(event(2));
  assert.equal(producer.sent.length, 0);
  await sink.enqueue(event(3));
  // The third event got in only after the first two were sent to make room.
  assert.deepEqual(producer.sent.map((b) => b.bodies), [[1, 2]]);
  await sink.close();
  assert.deepEqual(producer.sent.map((b) => b.bodies), [[1, 2], [3]]);
});

Deno.test("EventSink.close() flushes, and enqueue() afterwards throws", async () => {
  const producer = new FakeProducer();
  const sink = new EventSink(producer, { lingerInMs: 60_000 });
  await sink.enqueue(event(1));
  await sink.close();
  assert.deepEqual(producer.sent.map((b) => b.bodies), [[1]]);
  assert.equal(producer.closed, false);
  await assert.rejects(() => sink.enqueue(event(2)), {
    name: "TypeError",
    message: "Cannot enqueue an event as the event sink is closed",
  });
});

Deno.test("EventSink rejects a negative lingerInMs", () => {
  assert.throws(() => new EventSink(new FakeProducer(), { lingerInMs: -1 }), {
    name: "RangeError",
    message: "Cannot create event sink as lingerInMs must be an integer >= 0: current value is -1",
  });
});

Deno.test("EventSink rejects partitionKey together with partitionId", () => {
  assert.throws(() => new EventSink(new FakeProducer(), { partitionKey: "a", partitionId: "0" }), {
    name: "TypeError",
    message:
      'Cannot create event sink as partitionKey and partitionId exclude each other: current values are "a" and "0"',
  });
});

Deno.test("EventSink rejects an empty connection string", () => {
  assert.throws(() => new EventSink(""), {
    name: "TypeError",
    message:
      'Cannot create event sink as connectionString must be a non-empty string: current value is ""',
  });
});

Deno.test("EventSink sends to the emulator: events with one partition key share a partition", async () => {
  await withEmulator(async (emulator) => {
    const sink = new EventSink(emulator.connectionString, { lingerInMs: 5 });
    for (let i = 0; i < 40; i++) {
      await sink.enqueue({ body: tweetBody(i) }, { partitionKey: `k${i % 4}` });
    }
    await sink.close();
    assert.deepEqual(sink.stats, {
      enqueued: 40,
      sent: 40,
      failed: 0,
      batches: 4,
      retries: 0,
      pending: 0,
    });
    const consumer = new EventHubConsumerClient("$Default", emulator.connectionString);
    try {
      const partitionOf = new Map<string, Set<string>>();
      let total = 0;
      for (const partitionId of await consumer.getPartitionIds()) {
        const properties = await consumer.getPartitionProperties(partitionId);
        if (properties.isEmpty) continue;
        total += properties.lastEnqueuedSequenceNumber + 1;
      }
      assert.equal(total, 40);
      const { promise, resolve } = Promise.withResolvers<void>();
      let seen = 0;
      const subscription = consumer.subscribe({
        processEvents: (events, context) => {
          for (const event of events) {
            const keys = partitionOf.get(event.partitionKey!) ?? new Set();
            keys.add(context.partitionId);
            partitionOf.set(event.partitionKey!, keys);
          }
          seen += events.length;
          if (seen === 40) resolve();
          return Promise.resolve();
        },
        processError: () => Promise.resolve(),
      }, { startPosition: earliestEventPosition, maxWaitTimeInSeconds: 0.2 });
      await promise;
      await subscription.close();
      assert.deepEqual([...partitionOf.values()].map((s) => s.size), [1, 1, 1, 1]);
    } finally {
      await consumer.close();
    }
  });
});

Deno.test("EventSink.flush() throws Unauthorized for a wrong key, without retrying", async () => {
  await withEmulator(async (emulator) => {
    const wrongKey = emulator.connectionString.replace(
      /SharedAccessKey=[^;]+/,
      "SharedAccessKey=d3Jvbmcta2V5",
    );
    const sink = new EventSink(wrongKey, { lingerInMs: 5 });
    await sink.enqueue({ body: tweetBody(1) });
    await assert.rejects(() => sink.flush(), (error: unknown) => {
      assert.ok(error instanceof HubError);
      assert.equal(error.code, "Unauthorized");
      assert.equal(error.sdkCode, "UnauthorizedError");
      return true;
    });
    assert.deepEqual([sink.stats.failed, sink.stats.retries], [1, 0]);
    await sink.close();
  });
});

Deno.test("EventSink retries through an emulator restart and delivers", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "hubwatch-sink-restart-" });
  const options = {
    dataDir,
    key: "c2luay1yZXN0YXJ0LXRlc3Q=",
    hubs: [{ name: "tweets", partitionCount: 4 }],
  };
  let emulator = await startEmulator({ ...options, port: 0 });
  const sink = new EventSink(emulator.connectionString, { retryDelayInMs: 50, maxRetries: 10 });
  try {
    await sink.enqueue({ body: tweetBody(0) });
    await sink.flush();
    await emulator.stop();
    await sink.enqueue({ body: tweetBody(1) });
    const restarted = new Promise<void>((resolve, reject) => {
      setTimeout(() => {
        startEmulator({ ...options, port: emulator.port }).then((e) => {
          emulator = e;
          resolve();
        }, reject);
      }, 200);
    });
    await sink.flush();
    await restarted;
    assert.equal(sink.stats.sent, 2);
    assert.ok(sink.stats.retries > 0);
    const consumer = new EventHubConsumerClient("$Default", emulator.connectionString);
    let stored = 0;
    for (const id of await consumer.getPartitionIds()) {
      const properties = await consumer.getPartitionProperties(id);
      if (!properties.isEmpty) stored += properties.lastEnqueuedSequenceNumber + 1;
    }
    await consumer.close();
    assert.equal(stored, 2);
  } finally {
    await sink.close();
    await emulator.stop();
    await Deno.remove(dataDir, { recursive: true });
  }
});
