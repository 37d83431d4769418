/** Seeded random numbers for reproducible property tests. */
export { seededRandom } from "../../lib/source/seeded_random.ts";
