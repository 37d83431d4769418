/**
 * The dynamic-threshold model (spec §7.1), model ids 40 / 41: the generalized ESD and the Z-score
 * detector on the min–max normalised raw values (no detrending), combined by the vote; the
 * expected value is the spline trend, refitted without the anomalies when there are any.
 *
 * @module
 */

import { generalizedEsd, majorityValue, maxOutliers, rankTies, zScore } from "./esd.ts";
import { linearFillNaN, normalize } from "./stats.ts";
import { splineTrend } from "./trend.ts";
import type { DetectMode, ModelOutput, ResultsTable } from "./types.ts";
import { vote } from "./vote.ts";

/**
 * The dynamic-threshold model on a detection series.
 *
 * @param x The detection series.
 * @param trend0 The trend of the original series, `splineTrend(x, detectedPeriod)`; used as the
 *   expected value when nothing is flagged (the delta rerun passes the original series' trend).
 * @param ratio Maximum anomaly ratio; K = min(max(ceil(n·ratio), 1), n//2 − 1) per direction.
 * @param mode `last` runs the ESD in last-point mode (the Z-score detector ignores it).
 * @returns The results table (value, expected = trend, flags, trend) and model id 40, or 41 when
 *   the normalised series has a majority value.
 * @throws {RangeError} when trend0 and x differ in length
 */
export function dynamicThresholdModel(
  x: ArrayLike<number>,
  trend0: ArrayLike<number>,
  ratio: number,
  mode: DetectMode,
): ModelOutput {
  const n = x.length;
  if (trend0.length !== n) {
    throw new RangeError(
      `Cannot run dynamic threshold as trend0 must have the series length ${n}: current length is ${trend0.length}`,
    );
  }
  const ranked = rankTies(normalize(x));
  const K = maxOutliers(n, ratio);
  const mv = majorityValue(ranked);
  const esd = generalizedEsd(ranked, K, {
    majorityValue: mv,
    lastIndex: mode === "last" ? n - 1 : undefined,
  });
  const z = zScore(ranked, K);
  const anomalies = vote([esd, z], n, K);
  const modelId = mv !== undefined ? 41 : 40;
  let trend: ArrayLike<number>;
  if (anomalies.length > 0) {
    const holed = Float64Array.from(x);
    for (const p of anomalies) holed[p] = NaN;
    trend = splineTrend(linearFillNaN(holed));
  } else {
    trend = trend0;
  }
  const value = Array.from(x);
  const expected = Array.from(trend);
  const isAnomaly: boolean[] = new Array(n).fill(false);
  const isPositive: boolean[] = new Array(n).fill(false);
  const isNegative: boolean[] = new Array(n).fill(false);
  for (const p of anomalies) {
    isAnomaly[p] = true;
    const negative = expected[p] > value[p];
    isNegative[p] = negative;
    isPositive[p] = !negative;
  }
  const results: ResultsTable = {
    value,
    expected,
    isAnomaly,
    isPositive,
    isNegative,
    trend: expected.slice(),
  };
  return { results, modelId };
}
