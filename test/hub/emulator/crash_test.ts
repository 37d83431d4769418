import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  earliestEventPosition,
  EventHubConsumerClient,
  EventHubProducerClient,
} from "@azure/event-hubs";
import { receive, withEmulator } from "./_helpers.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/** Starts `./run emulator` as a child process; resolves with it and its connection string. */
async function spawnEmulator(dataDir: string, key: string) {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      path.join(root, "cli/main.ts"),
      "emulator",
      "--port",
      "0",
      "--data",
      dataDir,
      "--key",
      key,
      "--show-key",
    ],
    cwd: root,
    stdout: "piped",
    stderr: "null",
    env: { RUST_BACKTRACE: "0", DENO_NO_UPDATE_CHECK: "1" },
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  reader.releaseLock();
  const line = text.split("\n")[0];
  assert.match(line, /^EVENTHUB_CONNECTION_STRING=Endpoint=sb:\/\/127\.0\.0\.1:\d+;/);
  return { child, connectionString: line.slice("EVENTHUB_CONNECTION_STRING=".length) };
}

Deno.test("emulator process killed with SIGKILL mid-send keeps every acknowledged event", async () => {
  const dataDir = Deno.makeTempDirSync({ prefix: "hubwatch-crash-" });
  const key = "crash-test-key";
  try {
    const { child, connectionString } = await spawnEmulator(dataDir, key);
    const producer = new EventHubProducerClient(connectionString, {
      retryOptions: { maxRetries: 0, timeoutInMs: 1000 },
    });
    const acknowledged = new Set<number>();
    let next = 0;
    let stop = false;
    // Four concurrent senders: two by partition key, two spread by the hub.
    const senders = [0, 1, 2, 3].map(async (lane) => {
      while (!stop) {
        const ids = Array.from({ length: 50 }, () => next++);
        const events = ids.map((favorite) => ({
          body: { timestamp: new Date().toISOString(), favorite },
        }));
        try {
          await producer.sendBatch(events, lane < 2 ? { partitionKey: `user-${lane}` } : {});
          for (const id of ids) acknowledged.add(id);
        } catch {
          return;
        }
      }
    });
    while (acknowledged.size < 2000) await new Promise((r) => setTimeout(r, 5));
    child.kill("SIGKILL");
    const status = await child.status;
    stop = true;
    await Promise.all(senders);
    await producer.close();
    await child.stdout.cancel().catch(() => {});
    assert.equal(status.signal, "SIGKILL");

    await withEmulator({ dataDir, key }, async (emulator) => {
      const consumer = new EventHubConsumerClient("$Default", emulator.connectionString);
      const again = new EventHubProducerClient(emulator.connectionString);
      try {
        const found = new Set<number>();
        await Promise.all(["0", "1", "2", "3"].map(async (id) => {
          const properties = await again.getPartitionProperties(id);
          const count = properties.lastEnqueuedSequenceNumber + 1;
          const events = await receive(consumer, id, earliestEventPosition, count, {
            maxBatchSize: 1000,
          });
          assert.deepEqual(
            events.map((e) => e.sequenceNumber),
            Array.from({ length: count }, (_, i) => i),
          );
          for (const e of events) found.add(e.body.favorite);
          await again.sendBatch([{ body: { timestamp: "2026-01-01T00:00:00Z", favorite: -1 } }], {
            partitionId: id,
          });
          const after = await again.getPartitionProperties(id);
          assert.equal(after.lastEnqueuedSequenceNumber, count);
        }));
        const missing = [...acknowledged].filter((id) => !found.has(id));
        assert.deepEqual(missing, []);
      } finally {
        await again.close();
        await consumer.close();
      }
    });
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
