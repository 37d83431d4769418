import assert from "node:assert/strict";
import {
  earliestEventPosition,
  EventHubBufferedProducerClient,
  EventHubConsumerClient,
  EventHubProducerClient,
  latestEventPosition,
} from "@azure/event-hubs";
import { createSharedAccessSignature, startEmulator } from "@/hub/emulator";
import { firstError, receive, until, withEmulator } from "./_helpers.ts";

const noRetry = { retryOptions: { maxRetries: 0, timeoutInMs: 5000 } };

function tweet(favorite: number) {
  return {
    body: { timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, favorite)).toISOString(), favorite },
  };
}

Deno.test("startEmulator() serves events sent by the SDK back to an SDK consumer in order", async () => {
  await withEmulator({}, async (emulator) => {
    const producer = new EventHubProducerClient(emulator.connectionString);
    const consumer = new EventHubConsumerClient("$Default", emulator.connectionString);
    try {
      const batch = await producer.createBatch({ partitionId: "1" });
      for (let i = 0; i < 5; i++) assert.equal(batch.tryAdd(tweet(i)), true);
      await producer.sendBatch(batch);
      const events = await receive(consumer, "1", earliestEventPosition, 5);
      assert.deepEqual(events.map((e) => e.sequenceNumber), [0, 1, 2, 3, 4]);
      assert.deepEqual(events.map((e) => e.body), [0, 1, 2, 3, 4].map((i) => tweet(i).body));
      const offsets = events.map((e) => Number(e.offset));
      assert.deepEqual([...offsets].sort((a, b) => a - b), offsets);
      assert.equal(new Set(offsets).size, 5);
    } finally {
      await consumer.close();
      await producer.close();
    }
  });
});

Deno.test("startEmulator() answers the hub properties read", async () => {
  await withEmulator({ hubs: [{ name: "tweets", partitionCount: 3 }] }, async (emulator) => {
    const producer = new EventHubProducerClient(emulator.connectionString);
    try {
      const properties = await producer.getEventHubProperties();
      assert.equal(properties.name, "tweets");
      assert.deepEqual(properties.partitionIds, ["0", "1", "2"]);
    } finally {
      await producer.close();
    }
  });
});

Deno.test("startEmulator() answers the partition properties read after sends", async () => {
  let now = Date.UTC(2026, 0, 1);
  await withEmulator({ now: () => now }, async (emulator) => {
    const producer = new EventHubProducerClient(emulator.connectionString);
    try {
      const empty = await producer.getPartitionProperties("2");
      assert.equal(empty.isEmpty, true);
      assert.equal(empty.lastEnqueuedSequenceNumber, -1);
      await producer.sendBatch([tweet(1), tweet(2)], { partitionId: "2" });
      now += 1000;
      await producer.sendBatch([tweet(3)], { partitionId: "2" });
      const p = await producer.getPartitionProperties("2");
      assert.equal(p.isEmpty, false);
      assert.equal(p.beginningSequenceNumber, 0);
      assert.equal(p.lastEnqueuedSequenceNumber, 2);
      assert.equal(p.lastEnqueuedOnUtc.getTime(), Date.UTC(2026, 0, 1, 0, 0, 1));
    } finally {
      await producer.close();
    }
  });
});

Deno.test("startEmulator() refuses a partition properties read for an unknown partition", async () => {
  await withEmulator({}, async (emulator) => {
    const producer = new EventHubProducerClient(emulator.connectionString, noRetry);
    try {
      await assert.rejects(producer.getPartitionProperties("9"), (e: Error & { code?: string }) => {
        assert.equal(e.code, "ArgumentOutOfRangeError");
        return true;
      });
    } finally {
      await producer.close();
    }
  });
});

Deno.test("startEmulator() maps one partition key to one partition", async () => {
  await withEmulator({}, async (emulator) => {
    const producer = new EventHubProducerClient(emulator.connectionString);
    try {
      for (let i = 0; i < 6; i++) await producer.sendBatch([tweet(i)], { partitionKey: "user-42" });
      const counts = [];
      for (const id of ["0", "1", "2", "3"]) {
        counts.push((await producer.getPartitionProperties(id)).lastEnqueuedSequenceNumber + 1);
      }
      assert.deepEqual([...counts].sort(), [0, 0, 0, 6]);
    } finally {
      await producer.close();
    }
  });
});

Deno.test("startEmulator() spreads batches without key or partition over all partitions", async () => {
  await withEmulator({}, async (emulator) => {
    const producer = new EventHubProducerClient(emulator.connectionString);
    try {
      for (let i = 0; i < 8; i++) await producer.sendBatch([tweet(i)]);
      const counts = [];
      for (const id of ["0", "1", "2", "3"]) {
        counts.push((await producer.getPartitionProperties(id)).lastEnqueuedSequenceNumber + 1);
      }
      assert.deepEqual(counts, [2, 2, 2, 2]);
    } finally {
      await producer.close();
    }
  });
});

Deno.test("startEmulator() delivers the partition key sent with an event", async () => {
  await withEmulator({}, async (emulator) => {
    const producer = new EventHubProducerClient(emulator.connectionString);
    const consumer = new EventHubConsumerClient("$Default", emulator.connectionString);
    try {
      await producer.sendBatch([tweet(1)], { partitionKey: "k" });
      let partitionId = "";
      for (const id of ["0", "1", "2", "3"]) {
        if (!(await producer.getPartitionProperties(id)).isEmpty) partitionId = id;
      }
      const events = await receive(consumer, partitionId, earliestEventPosition, 1);
      assert.equal(events[0].partitionKey, "k");
    } finally {
      await consumer.close();
      await producer.close();
    }
  });
});

Deno.test("startEmulator() starts receivers at a sequence number, inclusive or exclusive", async () => {
  await withEmulator({}, async (emulator) => {
    const producer = new EventHubProducerClient(emulator.connectionString);
    const consumer = new EventHubConsumerClient("$Default", emulator.connectionString);
    try {
      await producer.sendBatch([0, 1, 2, 3, 4].map(tweet), { partitionId: "0" });
      const inclusive = await receive(consumer, "0", { sequenceNumber: 2, isInclusive: true }, 3);
      assert.deepEqual(inclusive.map((e) => e.sequenceNumber), [2, 3, 4]);
      const exclusive = await receive(consumer, "0", { sequenceNumber: 2 }, 2);
      assert.deepEqual(exclusive.map((e) => e.sequenceNumber), [3, 4]);
    } finally {
      await consumer.close();
      await producer.close();
    }
  });
});

Deno.test("startEmulator() starts receivers after an offset", async () => {
  await withEmulator({}, async (emulator) => {
    const producer = new EventHubProducerClient(emulator.connectionString);
    const consumer = new EventHubConsumerClient("$Default", emulator.connectionString);
    try {
      await producer.sendBatch([0, 1, 2, 3].map(tweet), { partitionId: "3" });
      const all = await receive(consumer, "3", earliestEventPosition, 4);
      const afterSecond = await receive(consumer, "3", { offset: all[1].offset }, 2);
      assert.deepEqual(afterSecond.map((e) => e.sequenceNumber), [2, 3]);
      const fromSecond = await receive(
        consumer,
        "3",
        { offset: all[1].offset, isInclusive: true },
        3,
      );
      assert.deepEqual(fromSecond.map((e) => e.sequenceNumber), [1, 2, 3]);
    } finally {
      await consumer.close();
      await producer.close();
    }
  });
});

Deno.test("startEmulator() starts receivers after an enqueued time", async () => {
  let now = Date.UTC(2026, 0, 1);
  await withEmulator({ now: () => now }, async (emulator) => {
    const producer = new EventHubProducerClient(emulator.connectionString);
    const consumer = new EventHubConsumerClient("$Default", emulator.connectionString);
    try {
      await producer.sendBatch([tweet(0), tweet(1)], { partitionId: "0" });
      now += 60_000;
      await producer.sendBatch([tweet(2)], { partitionId: "0" });
      const events = await receive(
        consumer,
        "0",
        { enqueuedOn: new Date(Date.UTC(2026, 0, 1)) },
        1,
      );
      assert.deepEqual(events.map((e) => e.sequenceNumber), [2]);
      assert.equal(events[0].enqueuedTimeUtc.getTime(), Date.UTC(2026, 0, 1, 0, 1));
    } finally {
      await consumer.close();
      await producer.close();
    }
  });
});

Deno.test("startEmulator() starts latest receivers with the events sent after they attach", async () => {
  await withEmulator({}, async (emulator) => {
    const producer = new EventHubProducerClient(emulator.connectionString);
    const consumer = new EventHubConsumerClient("$Default", emulator.connectionString);
    try {
      await producer.sendBatch([tweet(0), tweet(1)], { partitionId: "0" });
      const pending = receive(consumer, "0", latestEventPosition, 1);
      await until(() => emulator.metrics().receiversOpen === 1);
      await producer.sendBatch([tweet(7)], { partitionId: "0" });
      const events = await pending;
      assert.deepEqual(events.map((e) => [e.sequenceNumber, e.body.favorite]), [[2, 7]]);
    } finally {
      await consumer.close();
      await producer.close();
    }
  });
});

Deno.test("startEmulator() honours the credit the consumer grants (maxBatchSize)", async () => {
  await withEmulator({}, async (emulator) => {
    const producer = new EventHubProducerClient(emulator.connectionString);
    const consumer = new EventHubConsumerClient("$Default", emulator.connectionString);
    try {
      await producer.sendBatch(Array.from({ length: 25 }, (_, i) => tweet(i)), {
        partitionId: "0",
      });
      const sizes: number[] = [];
      let total = 0;
      await new Promise<void>((resolve) => {
        const sub = consumer.subscribe("0", {
          processEvents: async (events) => {
            sizes.push(events.length);
            total += events.length;
            if (total >= 25) {
              await sub.close();
              resolve();
            }
          },
          processError: () => Promise.resolve(),
        }, { startPosition: earliestEventPosition, maxBatchSize: 10, maxWaitTimeInSeconds: 1 });
      });
      assert.equal(Math.max(...sizes), 10);
      assert.equal(total, 25);
    } finally {
      await consumer.close();
      await producer.close();
    }
  });
});

Deno.test("startEmulator() reports last enqueued event properties when the consumer tracks them", async () => {
  await withEmulator({}, async (emulator) => {
    const producer = new EventHubProducerClient(emulator.connectionString);
    const consumer = new EventHubConsumerClient("$Default", emulator.connectionString);
    try {
      await producer.sendBatch([0, 1, 2].map(tweet), { partitionId: "2" });
      let seen: number | undefined;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("no events within 5 s")), 5000);
        const sub = consumer.subscribe("2", {
          processEvents: async (events, context) => {
            if (events.length === 0) return;
            seen = context.lastEnqueuedEventProperties?.sequenceNumber;
            clearTimeout(timer);
            await sub.close();
            resolve();
          },
          processError: () => Promise.resolve(),
        }, { startPosition: earliestEventPosition, trackLastEnqueuedEventProperties: true });
      });
      assert.equal(seen, 2);
    } finally {
      await consumer.close();
      await producer.close();
    }
  });
});

Deno.test("startEmulator() disconnects a receiver when a higher owner level takes the partition", async () => {
  await withEmulator({}, async (emulator) => {
    const first = new EventHubConsumerClient("$Default", emulator.connectionString);
    const second = new EventHubConsumerClient("$Default", emulator.connectionString);
    try {
      const lost = firstError(first, "0", { ownerLevel: 1, startPosition: earliestEventPosition });
      await until(() => emulator.metrics().receiversOpen === 1);
      const taker = second.subscribe("0", {
        processEvents: () => Promise.resolve(),
        processError: () => Promise.resolve(),
      }, { ownerLevel: 2, startPosition: earliestEventPosition });
      const error = await lost;
      assert.equal(error.name, "MessagingError");
      assert.equal(error.code, "ReceiverDisconnectedError");
      await taker.close();
    } finally {
      await first.close();
      await second.close();
    }
  });
});

Deno.test("startEmulator() refuses a receiver with a lower owner level than the current one", async () => {
  await withEmulator({}, async (emulator) => {
    const owner = new EventHubConsumerClient("$Default", emulator.connectionString);
    const late = new EventHubConsumerClient("$Default", emulator.connectionString);
    try {
      const held = owner.subscribe("1", {
        processEvents: () => Promise.resolve(),
        processError: () => Promise.resolve(),
      }, { ownerLevel: 5, startPosition: earliestEventPosition });
      await until(() => emulator.metrics().receiversOpen === 1);
      const error = await firstError(late, "1", {
        ownerLevel: 3,
        startPosition: earliestEventPosition,
      });
      assert.equal(error.code, "ReceiverDisconnectedError");
      await held.close();
    } finally {
      await owner.close();
      await late.close();
    }
  });
});

Deno.test("startEmulator() reports an unknown consumer group as MessagingEntityNotFoundError", async () => {
  await withEmulator({}, async (emulator) => {
    const consumer = new EventHubConsumerClient("nope", emulator.connectionString);
    try {
      const error = await firstError(consumer, "0", { startPosition: earliestEventPosition });
      assert.equal(error.name, "MessagingError");
      assert.equal(error.code, "MessagingEntityNotFoundError");
    } finally {
      await consumer.close();
    }
  });
});

Deno.test("startEmulator() serves a configured extra consumer group", async () => {
  await withEmulator({ consumerGroups: ["$Default", "spark"] }, async (emulator) => {
    const producer = new EventHubProducerClient(emulator.connectionString);
    const consumer = new EventHubConsumerClient("spark", emulator.connectionString);
    try {
      await producer.sendBatch([tweet(1)], { partitionId: "0" });
      const events = await receive(consumer, "0", earliestEventPosition, 1);
      assert.equal(events.length, 1);
    } finally {
      await consumer.close();
      await producer.close();
    }
  });
});

Deno.test("startEmulator() refuses a wrong SAS key with UnauthorizedError", async () => {
  await withEmulator({ key: "right-key" }, async (emulator) => {
    const wrong = emulator.connectionString.replace(
      "SharedAccessKey=right-key",
      "SharedAccessKey=wrong-key",
    );
    const producer = new EventHubProducerClient(wrong, noRetry);
    try {
      await assert.rejects(producer.sendBatch([tweet(1)]), (e: Error & { code?: string }) => {
        assert.equal(e.name, "MessagingError");
        assert.equal(e.code, "UnauthorizedError");
        return true;
      });
    } finally {
      await producer.close();
    }
    assert.equal(emulator.metrics().eventsReceived, 0);
  });
});

Deno.test("startEmulator() refuses an expired SAS token with UnauthorizedError", async () => {
  await withEmulator({ keyName: "sender", key: "k" }, async (emulator) => {
    const endpoint = `sb://127.0.0.1:${emulator.port}/`;
    const expired = createSharedAccessSignature(endpoint, "sender", "k", {
      expiresOnInSeconds: Math.floor(Date.now() / 1000) - 60,
    });
    const connectionString =
      `Endpoint=${endpoint};SharedAccessSignature=${expired};EntityPath=hubwatch;UseDevelopmentEmulator=true`;
    const producer = new EventHubProducerClient(connectionString, noRetry);
    try {
      await assert.rejects(producer.getEventHubProperties(), (e: Error & { code?: string }) => {
        assert.equal(e.code, "UnauthorizedError");
        return true;
      });
    } finally {
      await producer.close();
    }
  });
});

Deno.test("startEmulator() accepts a valid SAS token in the connection string", async () => {
  await withEmulator({ keyName: "sender", key: "k" }, async (emulator) => {
    const endpoint = `sb://127.0.0.1:${emulator.port}/`;
    const token = createSharedAccessSignature(endpoint, "sender", "k", {
      expiresOnInSeconds: Math.floor(Date.now() / 1000) + 600,
    });
    const connectionString =
      `Endpoint=${endpoint};SharedAccessSignature=${token};EntityPath=hubwatch;UseDevelopmentEmulator=true`;
    const producer = new EventHubProducerClient(connectionString, noRetry);
    try {
      await producer.sendBatch([tweet(1)], { partitionId: "0" });
      assert.equal((await producer.getPartitionProperties("0")).lastEnqueuedSequenceNumber, 0);
    } finally {
      await producer.close();
    }
  });
});

Deno.test("startEmulator() keeps several hubs apart", async () => {
  await withEmulator(
    { hubs: [{ name: "a", partitionCount: 1 }, { name: "b", partitionCount: 2 }] },
    async (emulator) => {
      const toB = new EventHubProducerClient(emulator.namespaceConnectionString, "b");
      const toA = new EventHubProducerClient(emulator.connectionStringFor("a"));
      try {
        await toB.sendBatch([tweet(1), tweet(2)], { partitionId: "1" });
        assert.deepEqual((await toB.getEventHubProperties()).partitionIds, ["0", "1"]);
        assert.equal((await toB.getPartitionProperties("1")).lastEnqueuedSequenceNumber, 1);
        assert.equal((await toA.getPartitionProperties("0")).isEmpty, true);
      } finally {
        await toA.close();
        await toB.close();
      }
    },
  );
});

Deno.test("startEmulator() reports an unknown hub as MessagingEntityNotFoundError", async () => {
  await withEmulator({}, async (emulator) => {
    const producer = new EventHubProducerClient(
      emulator.namespaceConnectionString,
      "missing",
      noRetry,
    );
    try {
      await assert.rejects(producer.getEventHubProperties(), (e: Error & { code?: string }) => {
        assert.equal(e.code, "MessagingEntityNotFoundError");
        return true;
      });
    } finally {
      await producer.close();
    }
  });
});

/**
 * Sends events 1 and 2 to partition 0 of an emulator on a fresh data directory and stops it, runs
 * `between(dataDir)`, then restarts on the directory and checks that event 3 is numbered after them.
 */
async function sendRestartAndReadBack(
  key: string,
  between: (dataDir: string) => void = () => {},
): Promise<void> {
  const dataDir = Deno.makeTempDirSync({ prefix: "hubwatch-emu-" });
  try {
    const first = await startEmulator({ port: 0, dataDir, key });
    const producer = new EventHubProducerClient(first.connectionString);
    await producer.sendBatch([tweet(1), tweet(2)], { partitionId: "0" });
    await producer.close();
    await first.stop();
    between(dataDir);
    await withEmulator({ dataDir, key }, async (second) => {
      const again = new EventHubProducerClient(second.connectionString);
      const consumer = new EventHubConsumerClient("$Default", second.connectionString);
      try {
        await again.sendBatch([tweet(3)], { partitionId: "0" });
        const events = await receive(consumer, "0", earliestEventPosition, 3);
        assert.deepEqual(events.map((e) => [e.sequenceNumber, e.body.favorite]), [[0, 1], [1, 2], [
          2,
          3,
        ]]);
      } finally {
        await consumer.close();
        await again.close();
      }
    });
  } finally {
    Deno.removeSync(dataDir, { recursive: true });
  }
}

Deno.test("startEmulator() keeps acknowledged events across a restart on the same data directory", async () => {
  await sendRestartAndReadBack("stable-key");
});

Deno.test("startEmulator() counts received and delivered events in metrics()", async () => {
  await withEmulator({}, async (emulator) => {
    const producer = new EventHubProducerClient(emulator.connectionString);
    const consumer = new EventHubConsumerClient("$Default", emulator.connectionString);
    try {
      await producer.sendBatch([tweet(1), tweet(2), tweet(3)], { partitionId: "0" });
      await receive(consumer, "0", earliestEventPosition, 3);
      const metrics = emulator.metrics();
      assert.equal(metrics.eventsReceived, 3);
      assert.equal(metrics.eventsDelivered, 3);
    } finally {
      await consumer.close();
      await producer.close();
    }
  });
});

Deno.test("startEmulator() rejects an invalid partition count", async () => {
  await assert.rejects(
    startEmulator({ port: 0, hubs: [{ name: "h", partitionCount: 0 }] }),
    new RangeError(
      "Cannot start emulator as hubs[].partitionCount must be an integer in 1..1024: current value is 0",
    ),
  );
});

Deno.test("startEmulator() refuses to change the partition count of an existing hub", async () => {
  const dataDir = Deno.makeTempDirSync({ prefix: "hubwatch-emu-" });
  try {
    const first = await startEmulator({
      port: 0,
      dataDir,
      hubs: [{ name: "h", partitionCount: 2 }],
    });
    await first.stop();
    await assert.rejects(
      startEmulator({ port: 0, dataDir, hubs: [{ name: "h", partitionCount: 3 }] }),
      (error: Error) => {
        assert.equal(
          (error.cause as Error).message,
          'Cannot open hub "h" as its partition count is fixed at creation (2): current value is 3',
        );
        return true;
      },
    );
  } finally {
    Deno.removeSync(dataDir, { recursive: true });
  }
});

Deno.test("startEmulator() retention drops old segments and moves the beginning sequence number", async () => {
  let now = Date.now();
  await withEmulator(
    { segmentBytes: 50, retentionInMs: 60_000, now: () => now },
    async (emulator) => {
      const producer = new EventHubProducerClient(emulator.connectionString);
      const consumer = new EventHubConsumerClient("$Default", emulator.connectionString);
      try {
        for (let i = 0; i < 3; i++) await producer.sendBatch([tweet(i)], { partitionId: "0" });
        now += 120_000;
        await producer.sendBatch([tweet(3)], { partitionId: "0" });
        assert.equal(emulator.applyRetention(), 3);
        const properties = await producer.getPartitionProperties("0");
        assert.equal(properties.beginningSequenceNumber, 3);
        assert.equal(properties.lastEnqueuedSequenceNumber, 3);
        const events = await receive(consumer, "0", earliestEventPosition, 1);
        assert.deepEqual(events.map((e) => [e.sequenceNumber, e.body.favorite]), [[3, 3]]);
      } finally {
        await consumer.close();
        await producer.close();
      }
    },
  );
});

Deno.test("startEmulator() truncates a torn tail record left by a crash and continues numbering", async () => {
  await sendRestartAndReadBack("k", (dataDir) => {
    const partitionDir = `${dataDir}/hubwatch/partitions/0`;
    const [segment] = [...Deno.readDirSync(partitionDir)].map((e) => e.name);
    // Half a record: a length prefix promising more bytes than were written.
    const file = Deno.openSync(`${partitionDir}/${segment}`, { append: true });
    file.writeSync(Uint8Array.from([200, 0, 0, 0, 1, 2, 3, 4, 5]));
    file.close();
  });
});

Deno.test("startEmulator() stop() closes client connections and is idempotent", async () => {
  const emulator = await startEmulator({ port: 0 });
  const producer = new EventHubProducerClient(emulator.connectionString);
  try {
    await producer.getEventHubProperties();
    assert.equal(emulator.metrics().connectionsOpen, 1);
    await emulator.stop();
    await emulator.stop();
    assert.equal(emulator.metrics().connectionsOpen, 0);
  } finally {
    await producer.close();
  }
});

Deno.test("startEmulator() refuses sends on an open link once its token expired", async () => {
  let now = Date.now();
  await withEmulator({ now: () => now }, async (emulator) => {
    const producer = new EventHubProducerClient(emulator.connectionString, noRetry);
    try {
      await producer.sendBatch([tweet(1)], { partitionId: "0" });
      now += 2 * 3_600_000; // past the SDK's one-hour tokens
      await assert.rejects(
        producer.sendBatch([tweet(2)], { partitionId: "0" }),
        (e: Error & { code?: string }) => {
          assert.equal(e.code, "UnauthorizedError");
          return true;
        },
      );
    } finally {
      await producer.close();
    }
    assert.equal(emulator.metrics().eventsReceived, 1);
  });
});

Deno.test("startEmulator() keeps per-hub consumer groups to their hub", async () => {
  const hubs = [{ name: "a", consumerGroups: ["spark"] }, { name: "b" }];
  await withEmulator({ hubs }, async (emulator) => {
    const onB = new EventHubConsumerClient("spark", emulator.connectionStringFor("b"));
    try {
      const error = await firstError(onB, "0", { startPosition: earliestEventPosition });
      assert.equal(error.code, "MessagingEntityNotFoundError");
    } finally {
      await onB.close();
    }
  });
});

Deno.test("startEmulator() refuses a data directory another emulator is using", async () => {
  const dataDir = Deno.makeTempDirSync({ prefix: "hubwatch-emu-" });
  try {
    const first = await startEmulator({ port: 0, dataDir });
    try {
      await assert.rejects(startEmulator({ port: 0, dataDir }), (error: Error) => {
        assert.equal(
          (error.cause as Error).message,
          `the data directory ${dataDir} is in use by another emulator`,
        );
        return true;
      });
    } finally {
      await first.stop();
    }
    const again = await startEmulator({ port: 0, dataDir });
    await again.stop();
  } finally {
    Deno.removeSync(dataDir, { recursive: true });
  }
});

Deno.test("startEmulator() maps a key to the partition the SDK's buffered producer picks", async () => {
  await withEmulator({}, async (emulator) => {
    const buffered = new EventHubBufferedProducerClient(emulator.connectionString, {
      onSendEventsErrorHandler: () => {},
      maxWaitTimeInMs: 10,
    });
    const producer = new EventHubProducerClient(emulator.connectionString);
    const counts = async () => {
      const result: number[] = [];
      for (const id of ["0", "1", "2", "3"]) {
        result.push((await producer.getPartitionProperties(id)).lastEnqueuedSequenceNumber + 1);
      }
      return result;
    };
    /** Index of the one partition that grew by one event between two counts. */
    const grown = (before: number[], after: number[]) => {
      const changed = after.map((n, i) => n - before[i]);
      assert.equal(changed.reduce((a, b) => a + b), 1);
      return changed.indexOf(1);
    };
    try {
      const chosen: Record<string, [number, number]> = {};
      for (const key of ["a", "user-42", "tweets", "z"]) {
        const start = await counts();
        await buffered.enqueueEvent({ body: key }, { partitionKey: key });
        await buffered.flush();
        const afterClient = await counts();
        await producer.sendBatch([{ body: key }], { partitionKey: key });
        chosen[key] = [grown(start, afterClient), grown(afterClient, await counts())];
      }
      for (const [key, [byClient, byHub]] of Object.entries(chosen)) {
        assert.equal(byHub, byClient, `key ${key}`);
      }
      assert.deepEqual(chosen["a"], [0, 0]);
      assert.deepEqual(chosen["user-42"], [3, 3]);
    } finally {
      await buffered.close({ flush: false });
      await producer.close();
    }
  });
});

Deno.test("startEmulator() displays in a notebook without its key", async () => {
  await withEmulator(
    { key: "very-secret", hubs: [{ name: "tweets", partitionCount: 2 }] },
    (emulator) => {
      const display = (emulator as unknown as Record<symbol, () => Record<string, string>>)[
        Symbol.for("Jupyter.display")
      ];
      const shown = display.call(emulator)["text/plain"];
      assert.equal(
        shown,
        [
          `Event Hubs emulator running on 127.0.0.1:${emulator.port}`,
          "hubs: tweets (2 partitions)",
          `data: ${emulator.dataDir}`,
          "0 connections, 0 receivers, 0 events received, 0 delivered",
          `Endpoint=sb://127.0.0.1:${emulator.port};SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=***;EntityPath=tweets;UseDevelopmentEmulator=true`,
        ].join("\n"),
      );
      return Promise.resolve();
    },
  );
});

Deno.test("startEmulator() refuses a hub-scoped token for another hub's properties", async () => {
  const hubs = [{ name: "a", partitionCount: 1 }, { name: "b", partitionCount: 1 }];
  await withEmulator({ hubs, keyName: "sender", key: "k" }, async (emulator) => {
    const endpoint = `sb://127.0.0.1:${emulator.port}/`;
    const tokenForA = createSharedAccessSignature(`${endpoint}a`, "sender", "k", {
      expiresOnInSeconds: Math.floor(Date.now() / 1000) + 600,
    });
    const connectionString =
      `Endpoint=${endpoint};SharedAccessSignature=${tokenForA};UseDevelopmentEmulator=true`;
    const onA = new EventHubProducerClient(connectionString, "a", noRetry);
    const onB = new EventHubProducerClient(connectionString, "b", noRetry);
    try {
      assert.deepEqual((await onA.getEventHubProperties()).partitionIds, ["0"]);
      await assert.rejects(onB.getEventHubProperties(), (e: Error & { code?: string }) => {
        assert.equal(e.code, "UnauthorizedError");
        return true;
      });
    } finally {
      await onA.close();
      await onB.close();
    }
  });
});

Deno.test("startEmulator() refuses a send to an unknown partition with ArgumentOutOfRangeError", async () => {
  await withEmulator({}, async (emulator) => {
    const producer = new EventHubProducerClient(emulator.connectionString, noRetry);
    try {
      await assert.rejects(
        producer.sendBatch([tweet(1)], { partitionId: "9" }),
        (e: Error & { code?: string }) => {
          assert.equal(e.code, "ArgumentOutOfRangeError");
          return true;
        },
      );
    } finally {
      await producer.close();
    }
  });
});

Deno.test("startEmulator() refuses a receiver on an unknown partition with ArgumentOutOfRangeError", async () => {
  await withEmulator({}, async (emulator) => {
    const consumer = new EventHubConsumerClient("$Default", emulator.connectionString);
    try {
      const error = await firstError(consumer, "9", { startPosition: earliestEventPosition });
      assert.equal(error.code, "ArgumentOutOfRangeError");
    } finally {
      await consumer.close();
    }
  });
});

Deno.test("startEmulator() refuses a sixth receiver without owner level with QuotaExceededError", async () => {
  await withEmulator({}, async (emulator) => {
    // One subscriber per partition per client (the SDK's own rule): six clients.
    const clients = Array.from(
      { length: 6 },
      () => new EventHubConsumerClient("$Default", emulator.connectionString),
    );
    const held = [];
    try {
      for (let i = 0; i < 5; i++) {
        held.push(clients[i].subscribe("0", {
          processEvents: () => Promise.resolve(),
          processError: () => Promise.resolve(),
        }, { startPosition: earliestEventPosition }));
        await until(() => emulator.metrics().receiversOpen === i + 1);
      }
      const error = await firstError(clients[5], "0", { startPosition: earliestEventPosition });
      assert.equal(error.code, "QuotaExceededError");
    } finally {
      for (const subscription of held) await subscription.close();
      for (const client of clients) await client.close();
    }
  });
});
