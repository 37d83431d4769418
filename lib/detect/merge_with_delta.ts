/**
 * The second detection pass on differenced data (spec §9.1, §9.4) that the spectral-residual and
 * dynamic-threshold models run after their first pass: choose a differencing order by
 * stationarity tests, rerun the model on the differenced series with the remaining anomaly budget,
 * and merge its new anomalies back with expected values rebuilt from the previous expected value
 * plus the predicted change.
 *
 * @module
 */

import { isStationary } from "./stationarity.ts";
import type { ResultsTable } from "./types.ts";

/** Highest differencing order tried. */
const MAX_DELTA = 2;

/**
 * Differenced series of the same length (§9.1 DIFF, engine `get_delta`): the first differences
 * from index k on, with the first of them repeated k + 1 times in front.
 *
 * @throws {RangeError} when k is not an integer in [0, len(v) − 2]
 *
 * @example
 * ```ts
 * import { deltaSeries } from "./merge_with_delta.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(Array.from(deltaSeries(0, [1, 4, 9, 16, 25])), [3, 3, 5, 7, 9]);
 * ```
 */
export function deltaSeries(k: number, v: ArrayLike<number>): Float64Array {
  const n = v.length;
  if (!Number.isInteger(k) || k < 0 || k > n - 2) {
    throw new RangeError(
      `Cannot difference series as k must be an integer in [0, ${n - 2}]: current value is ${k}`,
    );
  }
  const out = new Float64Array(n);
  const first = v[k + 1] - v[k];
  for (let i = 0; i <= k; i++) out[i] = first;
  for (let i = k; i < n - 1; i++) out[i + 1] = v[i + 1] - v[i];
  return out;
}

/** The differencing order chosen by {@linkcode differencingOrder} and the series it tested. */
export interface DifferencingOrder {
  /** 0, 1 or 2; −1 when no order up to 2 was stationary. */
  order: number;
  /** The (differenced) series that passed, or the input when order is −1. */
  series: Float64Array;
}

/**
 * Lowest differencing order (0..2) whose series is stationary (§9.1 ORDER, engine
 * `should_include_delta`): ADF p < 0.05 or KPSS p ≥ 0.05, a failing test counting as stationary.
 */
export function differencingOrder(x: ArrayLike<number>): DifferencingOrder {
  let v: Float64Array = Float64Array.from(x);
  for (let k = 0; k <= MAX_DELTA; k++) {
    if (isStationary(v)) return { order: k, series: v };
    v = deltaSeries(k, v);
  }
  return { order: -1, series: Float64Array.from(x) };
}

/**
 * Turns second differences back into first differences (§9.4 INTEGRATE): out[0] = out[1] =
 * `firstDelta`, then running sums out[j] = out[j−1] + d[j] for j ≥ 2.
 */
export function integrateDelta(d: ArrayLike<number>, firstDelta: number): Float64Array {
  const n = d.length;
  const out = new Float64Array(n);
  for (let j = 0; j < Math.min(2, n); j++) out[j] = firstDelta;
  for (let j = 2; j < n; j++) out[j] = out[j - 1] + d[j];
  return out;
}

/** Reruns the first pass's model on a differenced series with a reduced anomaly ratio. */
export type DeltaRerun = (series: Float64Array, ratio: number) => ResultsTable;

/** Options of {@linkcode mergeWithDelta}. */
export interface MergeWithDeltaOptions {
  /** The series the first pass ran on. */
  series: ArrayLike<number>;
  /** The first pass's maximum anomaly ratio. */
  ratio: number;
  /**
   * The same model with the same mode and other arguments (for the dynamic threshold: the
   * original trend of x), called on the differenced series with ratio = left/n.
   */
  rerun: DeltaRerun;
}

/**
 * Second pass on differenced data (§9.4 MERGE). Returns `results` itself when the series is
 * stationary (order 0), never stationary, or the anomaly budget max(trunc(n·ratio), 1) is used
 * up; otherwise a new table with the rerun's new anomalies merged in.
 */
export function mergeWithDelta(
  results: ResultsTable,
  options: MergeWithDeltaOptions,
): ResultsTable {
  const x = options.series;
  const { order, series: y } = differencingOrder(x);
  if (order <= 0) return results;
  const n = y.length;
  const K = Math.max(Math.trunc(n * options.ratio), 1);
  let flagged = 0;
  for (const a of results.isAnomaly) if (a) flagged++;
  const left = K - flagged;
  if (left <= 0) return results;
  const r2 = options.rerun(y, left / n);
  const fresh: number[] = [];
  for (let p = 0; p < n; p++) if (!results.isAnomaly[p] && r2.isAnomaly[p]) fresh.push(p);
  if (fresh.length === 0) return results;

  const firstDelta = x[1] - x[0];
  const correct = (own: number[], rerun: number[]): number[] => {
    const e2 = order === 2 ? integrateDelta(rerun, firstDelta) : rerun;
    const corrected = own.slice();
    for (const p of fresh) if (p !== 0) corrected[p] = own[p - 1] + e2[p];
    return corrected;
  };
  const expected2 = correct(results.expected, r2.expected);
  // The rerun's trend is read only when it contributes (it may be computed on first read).
  const trend2 = results.trend !== undefined && r2.trend !== undefined
    ? correct(results.trend, r2.trend)
    : undefined;
  const value = results.value;
  const out: ResultsTable = {
    value: results.value.slice(),
    expected: results.expected.slice(),
    isAnomaly: results.isAnomaly.slice(),
    isPositive: results.isPositive.slice(),
    isNegative: results.isNegative.slice(),
  };
  if (results.trend !== undefined) out.trend = results.trend.slice();
  if (results.score !== undefined) out.score = results.score.slice();
  for (const p of fresh) {
    // Directions of the rerun's anomaly rows are recomputed against the corrected expected value.
    const positive = expected2[p] < value[p];
    out.expected[p] = expected2[p];
    out.isAnomaly[p] = true;
    out.isPositive[p] = positive;
    out.isNegative[p] = !positive;
    if (out.trend !== undefined && trend2 !== undefined) out.trend[p] = trend2[p];
    if (out.score !== undefined && r2.score !== undefined) out.score[p] = r2.score[p];
  }
  return out;
}
