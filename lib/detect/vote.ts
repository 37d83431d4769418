/**
 * Vote combination of several detectors (§6.6), shared by the seasonal and dynamic-threshold
 * models.
 *
 * @module
 */
import type { DirectionalHits } from "./esd.ts";

/**
 * Combines detector outputs per direction. For each direction, a position's score is its rank in
 * the first detector (index i) that reported it plus i·n, increased by its rank in every later
 * detector that also reports it. The K lowest scores are kept (stable sort: ties keep insertion
 * order), and the kept upper and lower positions are united.
 *
 * @param detectors detector outputs in list order (the order matters)
 * @param n length of the series (the per-detector offset)
 * @param maxOutliers K, the number of positions kept per direction
 * @returns the anomalous positions, ascending
 */
export function vote(
  detectors: readonly DirectionalHits[],
  n: number,
  maxOutliers: number,
): number[] {
  const kept = new Set<number>();
  for (const direction of ["upper", "lower"] as const) {
    const score = new Map<number, number>();
    detectors.forEach((hits, i) => {
      hits[direction].forEach((p, k) => {
        const s = score.get(p);
        score.set(p, s === undefined ? k + i * n : s + k);
      });
    });
    const ranked = [...score.entries()];
    // Array.prototype.sort is stable; ties keep insertion order
    ranked.sort((x, y) => x[1] - y[1]);
    for (let j = 0; j < Math.min(maxOutliers, ranked.length); j++) kept.add(ranked[j][0]);
  }
  return [...kept].sort((a, b) => a - b);
}
