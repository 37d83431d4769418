/** Seeded random numbers and series helpers for reproducible detector tests. */
export { seededRandom as rng } from "../../lib/source/seeded_random.ts";
/** A point list on a granularity grid starting 2024-01-01, with the given values. */
export function gridSeries(
  values: number[],
  stepMs: number,
  skip: (i: number) => boolean = () => false,
): { timestamp: string; value: number }[] {
  const out: { timestamp: string; value: number }[] = [];
  const t0 = Date.UTC(2024, 0, 1);
  values.forEach((v, i) => {
    if (!skip(i)) out.push({ timestamp: new Date(t0 + i * stepMs).toISOString(), value: v });
  });
  return out;
}
