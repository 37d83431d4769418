/**
 * Seeded, platform-independent random numbers: the mulberry32 generator behind
 * `SyntheticSource`, for anything that needs a reproducible sequence (tests,
 * benchmarks, generated data).
 *
 * @example
 * ```ts
 * import { seededRandom } from "./seeded_random.ts";
 * import assert from "node:assert/strict";
 * const a = seededRandom(7), b = seededRandom(7);
 * assert.equal(a(), b());
 * ```
 * @module
 */
import { Prng } from "./_prng.ts";

/** A function returning floats uniformly distributed in [0, 1), the same sequence for the same seed. */
export function seededRandom(seed: number): () => number {
  const prng = new Prng(seed);
  return () => prng.next();
}
