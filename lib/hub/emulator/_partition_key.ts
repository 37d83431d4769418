/**
 * Maps a partition key to a partition the way Event Hubs does, so that a key sent to the hub and
 * the same key mapped client-side (e.g. by `EventHubBufferedProducerClient`) land on the same
 * partition: Bob Jenkins' lookup3 `hashlittle2` over the key's UTF-8 bytes with both seeds 0, the
 * two results combined as `c ^ b`, truncated to a signed 16-bit integer, then
 * `|hash % partitionCount|`.
 * @module
 */
const encoder = new TextEncoder();

function rot(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** lookup3 `hashlittle2` with seeds (0, 0); returns the primary (c) and secondary (b) hashes. */
function hashLittle2(bytes: Uint8Array): { c: number; b: number } {
  let length = bytes.length;
  let a = (0xdeadbeef + length) | 0;
  let b = a;
  let c = a;
  let at = 0;
  const word = (i: number) =>
    bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
  while (length > 12) {
    a = (a + word(at)) | 0;
    b = (b + word(at + 4)) | 0;
    c = (c + word(at + 8)) | 0;
    // mix(a, b, c)
    a = (a - c) | 0;
    a ^= rot(c, 4);
    c = (c + b) | 0;
    b = (b - a) | 0;
    b ^= rot(a, 6);
    a = (a + c) | 0;
    c = (c - b) | 0;
    c ^= rot(b, 8);
    b = (b + a) | 0;
    a = (a - c) | 0;
    a ^= rot(c, 16);
    c = (c + b) | 0;
    b = (b - a) | 0;
    b ^= rot(a, 19);
    a = (a + c) | 0;
    c = (c - b) | 0;
    c ^= rot(b, 4);
    b = (b + a) | 0;
    length -= 12;
    at += 12;
  }
  if (length === 0) return { c, b };
  // The last 1..12 bytes, little-endian into a (0-3), b (4-7), c (8-11).
  const tail = [0, 0, 0];
  for (let i = 0; i < length; i++) tail[i >> 2] |= bytes[at + i] << (8 * (i & 3));
  a = (a + tail[0]) | 0;
  b = (b + tail[1]) | 0;
  c = (c + tail[2]) | 0;
  // final(a, b, c)
  c ^= b;
  c = (c - rot(b, 14)) | 0;
  a ^= c;
  a = (a - rot(c, 11)) | 0;
  b ^= a;
  b = (b - rot(a, 25)) | 0;
  c ^= b;
  c = (c - rot(b, 16)) | 0;
  a ^= c;
  a = (a - rot(c, 4)) | 0;
  b ^= a;
  b = (b - rot(a, 14)) | 0;
  c ^= b;
  c = (c - rot(b, 24)) | 0;
  return { c, b };
}

/** The signed 16-bit hash Event Hubs derives from a partition key. */
export function hashPartitionKey(partitionKey: string): number {
  const { c, b } = hashLittle2(encoder.encode(partitionKey));
  return ((c ^ b) << 16) >> 16;
}

/** Index of the partition that `partitionKey` maps to among `partitionCount` partitions. */
export function partitionForKey(partitionKey: string, partitionCount: number): number {
  return Math.abs(hashPartitionKey(partitionKey) % partitionCount);
}
