import assert from "node:assert/strict";
import { join } from "node:path";
import { earliestEventPosition, EventHubProducerClient } from "@azure/event-hubs";
import { decodeTweetEvent, type TweetEvent } from "../../lib/hub/codec.ts";
import { startEmulator } from "../../lib/hub/emulator/mod.ts";
import { DeadLetterFile, readDeadLetterFile } from "../../lib/hub/dead_letter.ts";
import { HubError } from "../../lib/hub/errors.ts";
import { FileCheckpointStore } from "../../lib/hub/file_checkpoint_store.ts";
import { type HubEvent, subscribeEvents } from "../../lib/hub/subscribe_events.ts";
import {
  gapsPerPartition,
  HUB,
  sendTweets,
  tweetBody,
  withEmulator,
  withTempDir,
} from "./_helpers.ts";

const fast = { maxWaitTimeInSeconds: 0.2, loadBalancingOptions: { updateIntervalInMs: 200 } };

Deno.test("subscribeEvents() streams every event once, in order per partition", async () => {
  await withEmulator(async (emulator) => {
    await sendTweets(emulator.connectionString, 0, 2000);
    const stream = subscribeEvents({
      connectionString: emulator.connectionString,
      decode: decodeTweetEvent,
      ...fast,
    });
    const events: HubEvent<TweetEvent>[] = [];
    for await (const batch of stream) {
      assert.ok(batch.events.every((e) => e.partitionId === batch.partitionId));
      events.push(...batch.events);
      if (events.length >= 2000) break;
    }
    assert.equal(stream.isRunning, false);
    assert.equal(events.length, 2000);
    assert.equal(new Set(events.map((e) => e.body.favorite)).size, 2000);
    assert.deepEqual(gapsPerPartition(events), []);
  });
});

Deno.test("subscribeEvents() delivers at most maxBatchSize events per batch", async () => {
  await withEmulator(async (emulator) => {
    await sendTweets(emulator.connectionString, 0, 300);
    const sizes: number[] = [];
    const stream = subscribeEvents({
      connectionString: emulator.connectionString,
      maxBatchSize: 10,
      ...fast,
    });
    let total = 0;
    for await (const batch of stream) {
      sizes.push(batch.events.length);
      total += batch.events.length;
      if (total >= 300) break;
    }
    assert.equal(total, 300);
    assert.equal(Math.max(...sizes), 10);
  });
});

Deno.test("subscribeEvents() with handlers checkpoints the last event of each batch", async () => {
  await withEmulator(async (emulator) => {
    await withTempDir(async (dir) => {
      await sendTweets(emulator.connectionString, 0, 1000);
      const store = new FileCheckpointStore(dir);
      const last = new Map<string, number>();
      let seen = 0;
      const { promise: done, resolve } = Promise.withResolvers<void>();
      const subscription = subscribeEvents({
        connectionString: emulator.connectionString,
        checkpointStore: store,
        ...fast,
      }, {
        processEvents(batch) {
          last.set(batch.partitionId, batch.events.at(-1)!.sequenceNumber);
          seen += batch.events.length;
          if (seen === 1000) resolve();
        },
      });
      await done;
      // The checkpoint of the last batch is written right after processEvents resolves.
      while (
        subscription.stats.checkpoints + subscription.stats.errors < subscription.stats.batches
      ) {
        await new Promise((r) => setTimeout(r, 10));
      }
      await subscription.close();
      const checkpoints = await store.listCheckpoints("127.0.0.1", HUB, "$Default");
      assert.deepEqual(
        Object.fromEntries(checkpoints.map((c) => [c.partitionId, c.sequenceNumber])),
        Object.fromEntries(last),
      );
      assert.equal(subscription.stats.errors, 0);
    });
  });
});

Deno.test("subscribeEvents() resumes after the last checkpoint: nothing lost, nothing repeated", async () => {
  await withEmulator(async (emulator) => {
    await withTempDir(async (dir) => {
      await sendTweets(emulator.connectionString, 0, 1000);
      const store = new FileCheckpointStore(dir);
      const options = {
        connectionString: emulator.connectionString,
        checkpointStore: store,
        ...fast,
      };
      // First run: stop after about half of the events.
      const firstRun: HubEvent[] = [];
      const first = subscribeEvents({ ...options, maxBatchSize: 50 });
      for await (const batch of first) {
        firstRun.push(...batch.events);
        if (firstRun.length >= 500) break;
      }
      const checkpoints = await store.listCheckpoints("127.0.0.1", HUB, "$Default");
      const resumeAt = Object.fromEntries(
        checkpoints.map((c) => [c.partitionId, c.sequenceNumber + 1]),
      );
      await sendTweets(emulator.connectionString, 1000, 1500);
      // Second run: everything after the checkpoints, nothing at or before them.
      const secondRun: HubEvent[] = [];
      const second = subscribeEvents(options);
      for await (const batch of second) {
        secondRun.push(...batch.events);
        const expected = 1500 - Object.values(resumeAt).reduce((a, b) => a + b, 0);
        if (secondRun.length >= expected) break;
      }
      assert.deepEqual(gapsPerPartition(secondRun, resumeAt), []);
      const checkpointed = firstRun.filter((e) =>
        e.sequenceNumber < (resumeAt[e.partitionId] ?? 0)
      );
      const all = new Set(
        [...checkpointed, ...secondRun].map((e) => `${e.partitionId}/${e.sequenceNumber}`),
      );
      assert.equal(all.size, 1500);
      assert.equal(checkpointed.length + secondRun.length, 1500);
    });
  });
});

Deno.test("subscribeEvents() dead-letters malformed bodies and keeps reading", async () => {
  await withEmulator(async (emulator) => {
    await withTempDir(async (dir) => {
      const producer = new EventHubProducerClient(emulator.connectionString);
      const bad = [
        new TextEncoder().encode("{not json"),
        new Uint8Array([0xff]),
        new TextEncoder().encode('{"timestamp":"2026-01-01T00:00:00Z","favorite":-1}'),
      ];
      await producer.sendBatch([{ body: tweetBody(0) }, ...bad.map((body) => ({ body }))], {
        partitionId: "1",
      });
      const path = join(dir, "dead.jsonl");
      const deadLetters = new DeadLetterFile(path);
      const received: number[] = [];
      const stream = subscribeEvents({
        connectionString: emulator.connectionString,
        decode: decodeTweetEvent,
        deadLetters,
        ...fast,
      });
      for await (const batch of stream) {
        received.push(...batch.events.map((e) => e.body.favorite));
        if (received.length === 1) {
          await producer.sendBatch([{ body: tweetBody(1) }], { partitionId: "1" });
        }
        if (received.length === 2) break;
      }
      // Event 1 follows the bad ones in partition 1: they were all dead-lettered before it.
      assert.equal(stream.stats.deadLettered, 3);
      await producer.close();
      await deadLetters.close();
      assert.deepEqual(received, [0, 1]);
      const records = await readDeadLetterFile(path);
      assert.deepEqual(records.map((r) => [r.partitionId, r.sequenceNumber, r.bodyEncoding]), [
        ["1", 1, "utf8"],
        ["1", 2, "base64"],
        ["1", 3, "utf8"],
      ]);
      assert.equal(records[0].body, "{not json");
      assert.equal(
        records[0].reason,
        'Cannot decode event as body must be JSON: current value is "{not json"',
      );
      assert.equal(records[1].body, "/w==");
      assert.match(records[2].reason, /field "favorite" must be a non-negative safe integer/);
    });
  });
});

Deno.test("subscribeEvents() reports a failing processEvents and keeps reading", async () => {
  await withEmulator(async (emulator) => {
    await sendTweets(emulator.connectionString, 0, 20);
    const errors: string[] = [];
    let calls = 0;
    let failedBatchSize = 0;
    const { promise: done, resolve } = Promise.withResolvers<void>();
    const subscription = subscribeEvents({
      connectionString: emulator.connectionString,
      partitionId: "0",
      maxBatchSize: 2,
      ...fast,
    }, {
      processEvents(batch) {
        calls++;
        if (calls === 1) {
          failedBatchSize = batch.events.length;
          throw new Error("handler bug");
        }
        if (calls === 3) resolve();
      },
      processError(error, partitionId) {
        errors.push(`${partitionId}: ${error.message} / ${(error.cause as Error).message}`);
      },
    });
    await done;
    await subscription.close();
    assert.deepEqual(errors, [
      `0: Cannot process ${failedBatchSize} events of partition 0 as processEvents failed / handler bug`,
    ]);
    assert.equal(subscription.stats.errors, 1);
    assert.equal(subscription.stats.batches, 3);
  });
});

Deno.test("subscribeEvents() stream throws EntityNotFound for an unknown consumer group", async () => {
  await withEmulator(async (emulator) => {
    const stream = subscribeEvents({
      connectionString: emulator.connectionString,
      consumerGroup: "nobody",
      startPosition: earliestEventPosition,
      ...fast,
    });
    await assert.rejects(
      async () => {
        for await (const _ of stream) { /* no event can arrive */ }
      },
      (error: unknown) => {
        assert.ok(error instanceof HubError);
        assert.equal(error.code, "EntityNotFound");
        assert.equal(error.sdkCode, "MessagingEntityNotFoundError");
        return true;
      },
    );
    assert.equal(stream.isRunning, false);
  });
});

Deno.test("subscribeEvents() rejects maxBatchSize 0", () => {
  assert.throws(
    () =>
      subscribeEvents({
        connectionString: "Endpoint=sb://x/;SharedAccessKeyName=a;SharedAccessKey=b",
        maxBatchSize: 0,
      }),
    {
      name: "RangeError",
      message:
        "Cannot subscribe to events as maxBatchSize must be a positive integer: current value is 0",
    },
  );
});

Deno.test("subscribeEvents() reports OwnershipLost when a higher owner level takes the partition", async () => {
  await withEmulator(async (emulator) => {
    const errors: HubError[] = [];
    const { promise: lost, resolve } = Promise.withResolvers<void>();
    const low = subscribeEvents({
      connectionString: emulator.connectionString,
      partitionId: "0",
      ownerLevel: 1,
      ...fast,
    }, {
      processEvents() {},
      processError(error) {
        if (error instanceof HubError) errors.push(error);
        if (error instanceof HubError && error.code === "OwnershipLost") resolve();
      },
    });
    const received = Promise.withResolvers<void>();
    const high = subscribeEvents({
      connectionString: emulator.connectionString,
      partitionId: "0",
      ownerLevel: 2,
      ...fast,
    }, { processEvents: () => received.resolve() });
    // Both readers are attached once the high one receives an event.
    await sendTweets(emulator.connectionString, 0, 1);
    await lost;
    await low.close();
    await high.close();
    assert.equal(errors[0].code, "OwnershipLost");
    assert.equal(errors[0].sdkCode, "ReceiverDisconnectedError");
    assert.equal(errors[0].retryable, false);
  });
});

Deno.test("EventBatch.checkpoint() checkpoints on demand when automatic checkpoints are off", async () => {
  await withEmulator(async (emulator) => {
    await withTempDir(async (dir) => {
      const producer = new EventHubProducerClient(emulator.connectionString);
      const bodies = Array.from({ length: 30 }, (_, i) => ({ body: tweetBody(i) }));
      await producer.sendBatch(bodies, { partitionId: "0" });
      await producer.close();
      const store = new FileCheckpointStore(dir);
      const stream = subscribeEvents({
        connectionString: emulator.connectionString,
        checkpointStore: store,
        partitionId: "0",
        maxBatchSize: 10,
        checkpointAfterEachBatch: false,
        ...fast,
      });
      let seen = 0;
      let checkpointedAt = -1;
      for await (const batch of stream) {
        seen += batch.events.length;
        if (batch.events[0].sequenceNumber === 0) {
          await batch.checkpoint();
          checkpointedAt = batch.events.at(-1)!.sequenceNumber;
        }
        if (seen === 30) break;
      }
      assert.ok(checkpointedAt >= 0 && checkpointedAt < 10);
      const saved = await store.listCheckpoints("127.0.0.1", HUB, "$Default");
      assert.deepEqual(saved.map((c) => [c.partitionId, c.sequenceNumber]), [[
        "0",
        checkpointedAt,
      ]]);
      assert.equal(stream.stats.checkpoints, 1);
    });
  });
});

Deno.test("subscribeEvents() closes when its abortSignal fires", async () => {
  await withEmulator(async (emulator) => {
    const controller = new AbortController();
    const stream = subscribeEvents({
      connectionString: emulator.connectionString,
      abortSignal: controller.signal,
      ...fast,
    });
    const batches: unknown[] = [];
    const reading = (async () => {
      for await (const batch of stream) batches.push(batch);
    })();
    controller.abort();
    await reading;
    assert.equal(stream.isRunning, false);
    assert.deepEqual(batches, []);
  });
});

Deno.test("subscribeEvents() reads every event on after an emulator restart", async () => {
  await withTempDir(async (dir) => {
    const options = {
      dataDir: join(dir, "hub"),
      key: "cmVzdGFydC10ZXN0LWtleQ==",
      hubs: [{ name: HUB, partitionCount: 4 }],
    };
    let emulator = await startEmulator({ ...options, port: 0 });
    const seen = new Set<string>();
    const subscription = subscribeEvents({
      connectionString: emulator.connectionString,
      checkpointStore: new FileCheckpointStore(join(dir, "checkpoints")),
      clientOptions: { retryOptions: { retryDelayInMs: 200, maxRetries: 20 } },
      stallTimeoutInMs: 2000,
      closeTimeoutInMs: 500,
      ...fast,
    }, {
      processEvents(batch) {
        for (const e of batch.events) seen.add(`${e.partitionId}/${e.sequenceNumber}`);
      },
    });
    try {
      await sendTweets(emulator.connectionString, 0, 100);
      while (seen.size < 100) await new Promise((r) => setTimeout(r, 20));
      await emulator.stop();
      emulator = await startEmulator({ ...options, port: emulator.port });
      await sendTweets(emulator.connectionString, 100, 200);
      while (seen.size < 200) await new Promise((r) => setTimeout(r, 20));
      assert.equal(subscription.isRunning, true);
    } finally {
      await subscription.close();
      await emulator.stop();
    }
    assert.equal(seen.size, 200);
  });
});

Deno.test("subscribeEvents() rejects a stallTimeoutInMs not above maxWaitTimeInSeconds", () => {
  assert.throws(
    () =>
      subscribeEvents({
        connectionString: "Endpoint=sb://x/;SharedAccessKeyName=a;SharedAccessKey=b",
        maxWaitTimeInSeconds: 2,
        stallTimeoutInMs: 2000,
      }),
    {
      name: "RangeError",
      message:
        "Cannot subscribe to events as stallTimeoutInMs must be an integer above maxWaitTimeInSeconds × 1000: current value is 2000",
    },
  );
});

Deno.test("subscribeEvents() replaces its client when partition readers stay silent", async () => {
  await withTempDir(async (dir) => {
    const emulator = await startEmulator({ port: 0, hubs: [{ name: HUB, partitionCount: 4 }] });
    const timeouts: HubError[] = [];
    let events = 0;
    const subscription = subscribeEvents({
      connectionString: emulator.connectionString,
      checkpointStore: new FileCheckpointStore(dir),
      clientOptions: { retryOptions: { retryDelayInMs: 200, maxRetries: 50 } },
      stallTimeoutInMs: 1000,
      closeTimeoutInMs: 500,
      ...fast,
    }, {
      processEvents(batch) {
        events += batch.events.length;
      },
      processError(error) {
        if (error instanceof HubError && error.code === "Timeout") timeouts.push(error);
      },
    });
    try {
      await sendTweets(emulator.connectionString, 0, 100);
      while (events < 100) await new Promise((r) => setTimeout(r, 20));
      // With the hub gone, the readers retry without delivering anything: they go silent.
      await emulator.stop();
      while (subscription.stats.restarts === 0) await new Promise((r) => setTimeout(r, 20));
    } finally {
      await subscription.close();
    }
    assert.equal(subscription.stats.restarts, 1);
    assert.equal(timeouts[0].retryable, true);
    assert.match(
      timeouts[0].message,
      /^Cannot receive from partition \d as it gave no sign of life for \d+ ms: reconnecting with a new client$/,
    );
  });
});
