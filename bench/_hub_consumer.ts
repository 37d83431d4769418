/**
 * Consumer process of `bench/hub.ts`: subscribes to every partition from the earliest event,
 * prints `ready` once all partitions are initialized, then one JSON line
 * `{"received": n, "lastAtMs": epochMs}` when `expected` events with `favorite >= 0` arrived.
 *
 * Usage: deno run -A bench/_hub_consumer.ts <connectionString> <expected> <maxBatchSize>
 * @module
 */
import { earliestEventPosition, EventHubConsumerClient } from "@azure/event-hubs";

const [connectionString, expectedText, maxBatchSizeText] = Deno.args;
const expected = Number(expectedText);
const consumer = new EventHubConsumerClient("$Default", connectionString);
const partitions = (await consumer.getPartitionIds()).length;
let initialized = 0;
let received = 0;
let lastAtMs = 0;
let done!: () => void;
const finished = new Promise<void>((resolve) => (done = resolve));
const subscription = consumer.subscribe({
  processInitialize: () => {
    if (++initialized === partitions) console.log("ready");
    return Promise.resolve();
  },
  processEvents: (batch) => {
    for (const event of batch) if (event.body.favorite >= 0) received++;
    lastAtMs = performance.timeOrigin + performance.now();
    if (received >= expected) done();
    return Promise.resolve();
  },
  processError: (error) => {
    console.error(`consumer error: ${error.message}`);
    return Promise.resolve();
  },
}, {
  startPosition: earliestEventPosition,
  maxBatchSize: Number(maxBatchSizeText),
  maxWaitTimeInSeconds: 1,
});
await finished;
console.log(JSON.stringify({ received, lastAtMs }));
await subscription.close();
await consumer.close();
