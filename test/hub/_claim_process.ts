/**
 * One claimant for the cross-process claim race: waits for a line on stdin, then claims
 * partition 0 with the etag given on the command line and prints the claims it won as JSON.
 *
 * Usage: deno run -A test/hub/_claim_process.ts <store directory> <owner id> <etag>
 */
import { FileCheckpointStore } from "../../lib/hub/file_checkpoint_store.ts";

const [dir, ownerId, etag] = Deno.args;
const store = new FileCheckpointStore(dir);
console.log("ready");
const reader = Deno.stdin.readable.getReader();
await reader.read();
reader.releaseLock();
const won = await store.claimOwnership([{
  fullyQualifiedNamespace: "127.0.0.1",
  eventHubName: "tweets",
  consumerGroup: "$Default",
  partitionId: "0",
  ownerId,
  etag,
}]);
console.log(JSON.stringify(won));
