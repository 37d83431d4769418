import assert from "node:assert/strict";
import { partitionForKey } from "../../../lib/hub/emulator/_partition_key.ts";

Deno.test("partitionForKey() maps FNV-1a of the UTF-8 key modulo the partition count", () => {
  // FNV-1a 32-bit of "a" is 0xe40c292c = 3826002220; 3826002220 % 4 = 0, % 3 = 1.
  assert.equal(partitionForKey("a", 4), 0);
  assert.equal(partitionForKey("a", 3), 1);
});

Deno.test("partitionForKey() gives the same partition for the same key", () => {
  const first = partitionForKey("user-42", 32);
  for (let i = 0; i < 5; i++) assert.equal(partitionForKey("user-42", 32), first);
});

Deno.test("partitionForKey() spreads distinct keys over every partition", () => {
  const used = new Set(Array.from({ length: 200 }, (_, i) => partitionForKey(`user-${i}`, 4)));
  assert.deepEqual([...used].sort(), [0, 1, 2, 3]);
});
