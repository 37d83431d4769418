/**
 * The seasonal model (spec §6, model id 10 / 11): STL decomposition (plain or log, de-outliered),
 * generalized ESD on the deseasoned and remainder series plus a Z-score detector, vote
 * combination, and the expected value rebuilt from the trend with anomalies interpolated over.
 *
 * @module
 */
import { generalizedEsd, majorityValue, maxOutliers, rankTies, zScore } from "./esd.ts";
import { linearFillNaN, normalize, type NumericArray } from "./stats.ts";
import { seasonalDecompose } from "./stl.ts";
import { AnomalyDetectorError, type DetectMode, type ModelOutput } from "./types.ts";
import { vote } from "./vote.ts";

/** Options of {@linkcode seasonalModel}. */
export interface SeasonalModelOptions {
  /**
   * Include the `trend` column in the results (needed by the V2/V3 margins).
   * @default {true}
   */
  includeTrend?: boolean;
}

/**
 * Runs the seasonal model on the detection series x with period P > 1.
 *
 * @param x detection series (the filled grid when a fill happened)
 * @param period the seasonal period P (an integer > 1)
 * @param ratio max anomaly ratio after the last-mode adjustment (raised to 1/n when smaller)
 * @param mode entire or last (last decomposes with the adjusted trend and tests only the last point)
 * @throws {AnomalyDetectorError} `InvalidModelArgument` when n < 2·P + 1
 * @throws {RangeError} when the period is not an integer > 1 or the ratio is above 0.49
 *
 * @example
 * ```ts
 * import { seasonalModel } from "./seasonal.ts";
 * import assert from "node:assert/strict";
 * const x = [10, 12, 14, 11, 10, 13, 15, 11, 11, 13, 14, 12, 10, 30, 15, 11, 11, 13, 14, 12];
 * const { results, modelId } = seasonalModel(x, 4, 0.25, "entire");
 * assert.equal(modelId, 10);
 * assert.equal(results.isAnomaly[13], true);
 * ```
 */
export function seasonalModel(
  x: NumericArray,
  period: number,
  ratio: number,
  mode: DetectMode,
  options: SeasonalModelOptions = {},
): ModelOutput {
  const n = x.length;
  if (!Number.isInteger(period) || period < 2) {
    throw new RangeError(
      `Cannot run seasonal model as the period must be an integer > 1: current value is ${period}`,
    );
  }
  if (!(ratio <= 0.49)) {
    throw new RangeError(
      `Cannot run seasonal model as the anomaly ratio must be at most 0.49: current value is ${ratio}`,
    );
  }
  if (n < 2 * period + 1) {
    throw new AnomalyDetectorError(
      "InvalidModelArgument",
      "The 'series' field must have more than 2 periods points",
    );
  }
  if (ratio < 1 / n) ratio = 1 / n;
  const last = mode === "last";

  const d = seasonalDecompose(x, period, { adjustTrend: last });
  const trend = d.trend;
  const season = d.seasonal;
  const ds = new Float64Array(n);
  const rm = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    ds[i] = x[i] - season[i];
    rm[i] = ds[i] - trend[i];
  }
  const ra = rankTies(normalize(ds));
  const rb = rankTies(normalize(rm));
  const k = maxOutliers(n, ratio);
  const mva = majorityValue(ra);
  const mvb = majorityValue(rb);
  const lastIndex = last ? n - 1 : undefined;
  const anomalies = vote(
    [
      generalizedEsd(ra, k, { majorityValue: mva, lastIndex }),
      zScore(ra, k),
      generalizedEsd(rb, k, { majorityValue: mvb, lastIndex }),
    ],
    n,
    k,
  );

  let tn: Float64Array = Float64Array.from(trend);
  if (anomalies.length > 0) {
    for (const p of anomalies) tn[p] = NaN;
    const w = Math.floor(period / 2);
    let tail = 0;
    for (const p of anomalies) if (p >= n - w) tail++;
    if (tail >= 0.5 * w) { for (let i = n - w; i < n; i++) tn[i] = NaN; }
    tn = linearFillNaN(tn);
  }

  const value = Array.from(x);
  const expected = new Array<number>(n);
  const isAnomaly = new Array<boolean>(n).fill(false);
  const isPositive = new Array<boolean>(n).fill(false);
  const isNegative = new Array<boolean>(n).fill(false);
  for (let i = 0; i < n; i++) expected[i] = tn[i] + season[i];
  for (const p of anomalies) {
    isAnomaly[p] = true;
    isPositive[p] = expected[p] <= value[p];
    isNegative[p] = expected[p] > value[p];
  }
  const results = { value, expected, isAnomaly, isPositive, isNegative };
  return {
    results: options.includeTrend ?? true ? { ...results, trend: Array.from(tn) } : results,
    modelId: mva !== undefined || mvb !== undefined ? 11 : 10,
  };
}
