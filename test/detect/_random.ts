/** Seeded mulberry32 generator for reproducible test data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
