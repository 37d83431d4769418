/**
 * The configuration a user takes to Azure: `@azure/eventhubs-checkpointstore-blob` as the
 * checkpoint store of subscribeEvents(), tested against Azurite.
 */
import assert from "node:assert/strict";
import { BlobCheckpointStore } from "@azure/eventhubs-checkpointstore-blob";
import { ContainerClient } from "@azure/storage-blob";
import { type HubEvent, subscribeEvents } from "../../lib/hub/subscribe_events.ts";
import { startAzurite } from "./_azurite.ts";
import { gapsPerPartition, HUB, sendTweets, withEmulator } from "./_helpers.ts";

const fast = { maxWaitTimeInSeconds: 0.2, loadBalancingOptions: { updateIntervalInMs: 200 } };

async function withContainer(fn: (container: ContainerClient) => Promise<void>): Promise<void> {
  const azurite = await startAzurite();
  try {
    const container = new ContainerClient(azurite.connectionString, "checkpoints");
    await container.createIfNotExists();
    await fn(container);
  } finally {
    await azurite.stop();
  }
}

Deno.test("BlobCheckpointStore on Azurite claims ownership only with the current etag", async () => {
  await withContainer(async (container) => {
    const store = new BlobCheckpointStore(container);
    const where = {
      fullyQualifiedNamespace: "127.0.0.1",
      eventHubName: HUB,
      consumerGroup: "$Default",
    };
    const [mine] = await store.claimOwnership([{ ...where, partitionId: "0", ownerId: "a" }]);
    assert.equal(mine.ownerId, "a");
    const [theirs] = await store.claimOwnership([{ ...mine, ownerId: "b" }]);
    assert.equal(theirs.ownerId, "b");
    assert.deepEqual(await store.claimOwnership([{ ...mine, ownerId: "c" }]), []);
    const owners = await store.listOwnership("127.0.0.1", HUB, "$Default");
    assert.deepEqual(owners.map((o) => [o.partitionId, o.ownerId]), [["0", "b"]]);
  });
});

Deno.test("subscribeEvents() with a BlobCheckpointStore on Azurite resumes after its checkpoints", async () => {
  await withContainer(async (container) => {
    await withEmulator(async (emulator) => {
      await sendTweets(emulator.connectionString, 0, 400);
      const options = {
        connectionString: emulator.connectionString,
        checkpointStore: new BlobCheckpointStore(container),
        ...fast,
      };
      let first = 0;
      const { promise: firstDone, resolve } = Promise.withResolvers<void>();
      const subscription = subscribeEvents(options, {
        processEvents(batch) {
          first += batch.events.length;
          if (first === 400) resolve();
        },
      });
      await firstDone;
      while (
        subscription.stats.checkpoints + subscription.stats.errors < subscription.stats.batches
      ) {
        await new Promise((r) => setTimeout(r, 10));
      }
      await subscription.close();
      const saved = await options.checkpointStore.listCheckpoints("127.0.0.1", HUB, "$Default");
      const resumeAt = Object.fromEntries(saved.map((c) => [c.partitionId, c.sequenceNumber + 1]));
      assert.equal(Object.values(resumeAt).reduce((a, b) => a + b, 0), 400);

      await sendTweets(emulator.connectionString, 400, 500);
      const second: HubEvent[] = [];
      const stream = subscribeEvents(options);
      for await (const batch of stream) {
        second.push(...batch.events);
        if (second.length >= 100) break;
      }
      assert.equal(second.length, 100);
      assert.deepEqual(gapsPerPartition(second, resumeAt), []);
    });
  });
});
