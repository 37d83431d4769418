/**
 * Maps a partition key to a partition: FNV-1a (32 bit) over the key's UTF-8 bytes, modulo the
 * partition count. Deterministic across restarts and processes, so the same key always lands on the
 * same partition of a hub (the real service uses its own hash; only the guarantee carries over).
 * @module
 */
const encoder = new TextEncoder();

/** Index of the partition that `partitionKey` maps to among `partitionCount` partitions. */
export function partitionForKey(partitionKey: string, partitionCount: number): number {
  let hash = 0x811c9dc5;
  for (const byte of encoder.encode(partitionKey)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % partitionCount;
}
