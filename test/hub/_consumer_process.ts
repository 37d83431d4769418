/**
 * A consumer process for the load-balancing test: reads the hub named by the connection string
 * with a FileCheckpointStore, prints `{"partitions":[...]}` each time the set of partitions it
 * reads changes, and closes cleanly when its stdin closes.
 *
 * Usage: deno run -A test/hub/_consumer_process.ts <connection string> <store directory>
 */
import { FileCheckpointStore } from "../../lib/hub/file_checkpoint_store.ts";
import { subscribeEvents } from "../../lib/hub/subscribe_events.ts";

const [connectionString, storeDir] = Deno.args;
const subscription = subscribeEvents({
  connectionString,
  checkpointStore: new FileCheckpointStore(storeDir, { sync: false }),
  maxWaitTimeInSeconds: 0.2,
  loadBalancingOptions: { updateIntervalInMs: 200, partitionOwnershipExpirationIntervalInMs: 2000 },
}, { processEvents() {} });

let last = "";
const timer = setInterval(() => {
  const now = JSON.stringify({ partitions: subscription.partitions });
  if (now !== last) {
    last = now;
    console.log(now);
  }
}, 50);

// Wait for stdin to close, then stop: the subscription releases its partitions.
for await (const _ of Deno.stdin.readable) { /* ignore input */ }
clearInterval(timer);
await subscription.close();
console.log(JSON.stringify({ closed: true }));
