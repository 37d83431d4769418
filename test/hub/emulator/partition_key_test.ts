import assert from "node:assert/strict";
import { hashPartitionKey, partitionForKey } from "../../../lib/hub/emulator/_partition_key.ts";

// Expected values: the Event Hubs mapping (lookup3 hashlittle2, c ^ b, int16), as computed by
// @azure/event-hubs 6.0.4's own client-side mapper for the same keys.
Deno.test("hashPartitionKey() gives the Event Hubs 16-bit hash of a key", () => {
  assert.equal(hashPartitionKey("a"), -16220);
  assert.equal(hashPartitionKey("user-42"), 1867);
});

Deno.test("hashPartitionKey() of the empty key is 0", () => {
  assert.equal(hashPartitionKey(""), 0);
});

Deno.test("partitionForKey() takes the absolute remainder by the partition count", () => {
  // -16220 % 4 = 0, -16220 % 7 = -1 → 1; 1867 % 4 = 3.
  assert.equal(partitionForKey("a", 4), 0);
  assert.equal(partitionForKey("a", 7), 1);
  assert.equal(partitionForKey("user-42", 4), 3);
});

Deno.test("partitionForKey() spreads distinct keys over every partition", () => {
  const used = new Set(Array.from({ length: 200 }, (_, i) => partitionForKey(`user-${i}`, 4)));
  assert.deepEqual([...used].sort(), [0, 1, 2, 3]);
});
