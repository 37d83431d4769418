/**
 * The Spectral Residual model of the service (spec §8), model ids 20 / 21: saliency from the
 * log-amplitude spectral residual of the series extended by five predicted points, scored against
 * a trailing average, the top-K scores above 3.5 flagged; expected values from the "skeleton"
 * points (low score), and the score normalisation with its precedence quirk.
 *
 * @module
 */

import { fft, ifft } from "./fft.ts";
import { splineTrend } from "./trend.ts";
import { isclose, mad, mean, median, quantile, std } from "./stats.ts";
import type { DetectMode, Granularity, ModelOutput, ResultsTable } from "./types.ts";

/** Number of predicted points appended before the transform. */
const EXTEND_NUM = 5;
/** Values the prediction looks back on. */
const LOOK_AHEAD = 6;
/** Window of the trailing average the saliency is compared with. */
const SCORE_WINDOW = 100;
/** Default score threshold of a candidate anomaly. */
const DEFAULT_THRESHOLD = 3.5;
/** Points with a score at most this are "skeleton" points that shape the expected value. */
const SKELETON_POINT_SCORE_THRESHOLD = 1.0;
/** Last mode: a tail point scoring at least this starts the dropped tail. */
const DROP_SCORE = 1.5;
/** Last mode: below this z-score the last point is not an anomaly (model 21). */
const LAST_Z_THRESHOLD = 1.5;
/** Window of the trailing average of the expected values. */
const EXPECTED_WINDOW = 5;
/** The engine's normalisation, raw − 3.5/(15.0 − 3.5): operator precedence kept on purpose. */
const SCORE_OFFSET = 3.5 / (15.0 - 3.5);

/**
 * Whether the spectral-residual model replaces the dynamic threshold (§8.1, with period ≤ 1
 * checked by the caller): minutely data with an interval under 60, or secondly data under 3600,
 * whose scaled MAD is not ≈ 0 (|MAD| ≥ 1e-8).
 *
 * @param granularity Request granularity.
 * @param customInterval Request customInterval; `undefined` means 1.
 * @param x The detection series.
 */
export function srTrigger(
  granularity: Granularity | undefined,
  customInterval: number | undefined,
  x: ArrayLike<number>,
): boolean {
  const ci = customInterval ?? 1;
  const fine = (granularity === "minutely" && ci < 60) ||
    (granularity === "secondly" && ci < 3600);
  if (!fine) return false;
  return Math.abs(mad(x) - 0) >= 1e-8;
}

/**
 * Trailing average (§8.2 AVG). With `fillToN`, the first w − 1 outputs pad the window to the
 * original `w` with the mean of the previous values; `w` is cut to the length of `v`.
 */
export function trailingAverage(v: ArrayLike<number>, w: number, fillToN: boolean): Float64Array {
  const n = v.length;
  const W = w;
  if (w >= n) w = n;
  const c = new Float64Array(n);
  let s = 0;
  for (let i = 0; i < n; i++) {
    s += v[i];
    c[i] = s;
  }
  const res = new Float64Array(n);
  for (let i = w; i < n; i++) res[i] = (c[i] - c[i - w]) / w;
  if (n > 0) res[0] = v[0];
  for (let i = 1; i < w; i++) {
    res[i] = fillToN ? (c[i] + ((c[i] - v[i]) / i) * (W - i - 1)) / W : c[i] / (i + 1);
  }
  return res;
}

/**
 * Prediction of the next value from six values (§8.2 PREDICT_NEXT): their median plus
 * 0.7 × the summed slopes towards the last one.
 */
export function predictNext(u: ArrayLike<number>): number {
  const m = u.length;
  const last = u[m - 1];
  let s = 0;
  for (let i = 0; i < m - 1; i++) s += (last - u[i]) / (m - 1 - i);
  return median(u) + ((s * 0.5) * (m + 1)) / (m - 1);
}

/**
 * The series extended by five copies of a predicted next value (§8.2 EXTEND). Entire mode
 * predicts from the last six values inside the 1.5·IQR fences (padded with the median); last
 * mode from the six values before the last one.
 */
export function extendSeries(v: ArrayLike<number>, entire: boolean): Float64Array {
  const n = v.length;
  let u: number[];
  if (entire) {
    const q75 = quantile(v, 0.75);
    const q50 = quantile(v, 0.5);
    const q25 = quantile(v, 0.25);
    const hi = q75 + 1.5 * (q75 - q25);
    const lo = q25 - 1.5 * (q75 - q25);
    u = new Array(LOOK_AHEAD).fill(q50);
    let slot = LOOK_AHEAD - 1;
    for (let j = n - 1; j >= 0 && slot >= 0; j--) {
      if (lo <= v[j] && v[j] <= hi) u[slot--] = v[j];
    }
  } else {
    u = Array.prototype.slice.call(v, n - LOOK_AHEAD - 1, n - 1) as number[];
  }
  const next = predictNext(u);
  const out = new Float64Array(n + EXTEND_NUM);
  for (let i = 0; i < n; i++) out[i] = v[i];
  for (let i = 0; i < EXTEND_NUM; i++) out[n + i] = next;
  return out;
}

/**
 * Saliency map (§8.2 SR_TRANSFORM): the spectrum divided by the trailing geometric mean of the last
 * ≤ 3 positive magnitudes (an incremental product, as the engine computes it), transformed back;
 * the magnitudes of the result.
 */
export function srTransform(e: ArrayLike<number>): Float64Array {
  const N = e.length;
  const F = fft(e);
  const amp = new Float64Array(N);
  const A = new Float64Array(N);
  for (let k = 0; k < N; k++) A[k] = Math.sqrt(F.re[k] * F.re[k] + F.im[k] * F.im[k]);
  let g = 1.0;
  for (let k = 0; k < N; k++) {
    if (A[k] > 0) g = g * A[k];
    if (k < 3) {
      amp[k] = Math.pow(g, 1 / (k + 1));
    } else {
      if (A[k - 3] > 0) g = g / A[k - 3];
      amp[k] = Math.pow(g, 1.0 / 3);
    }
  }
  const re = new Float64Array(N);
  const im = new Float64Array(N);
  for (let k = 0; k < N; k++) {
    if (amp[k] !== 0) {
      re[k] = F.re[k] / amp[k];
      im[k] = F.im[k] / amp[k];
    }
  }
  const s = ifft(re, im);
  const sal = new Float64Array(N);
  for (let k = 0; k < N; k++) sal[k] = Math.sqrt(s.re[k] * s.re[k] + s.im[k] * s.im[k]);
  return sal;
}

/**
 * Raw spectral-residual scores (§8.2 SCORE): |saliency − its trailing average| / trailing average,
 * the average floored at 1e-8 where it is ≈ 1e-8.
 */
export function srScores(v: ArrayLike<number>, entire: boolean): Float64Array {
  const n = v.length;
  const sal = srTransform(extendSeries(v, entire)).subarray(0, n);
  const avg = trailingAverage(sal, SCORE_WINDOW, true);
  const raw = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = isclose(avg[i], 1e-8) ? 1e-8 : avg[i];
    raw[i] = Math.abs(sal[i] - a) / a;
  }
  return raw;
}

/** Options of {@linkcode spectralResidualModel}. */
export interface SpectralResidualModelOptions {
  /**
   * Compute the trend column (TREND of the expected values with period guessing); needed by the
   * V2/V3 margins only.
   * @default {true}
   */
  needTrend?: boolean;
  /**
   * Raw score at or above which a point is a candidate anomaly.
   * @default {3.5}
   */
  threshold?: number;
}

/**
 * The service's spectral-residual model (§8.3–§8.5) on a detection series.
 *
 * @param x The detection series (no NaN).
 * @param ratio Maximum anomaly ratio; K = max(trunc(n·ratio), 1).
 * @param mode `entire` flags the whole series; `last` only decides the last point.
 * @returns The results table (value, expected, flags, normalised score, trend) and model id 20,
 *   or 21 in last mode when the last point's z-score is below 1.5.
 * @throws {RangeError} for fewer than 7 points
 */
export function spectralResidualModel(
  x: ArrayLike<number>,
  ratio: number,
  mode: DetectMode,
  options: SpectralResidualModelOptions = {},
): ModelOutput {
  const n = x.length;
  if (n < LOOK_AHEAD + 1) {
    throw new RangeError(
      `Cannot run spectral residual as the series must have at least ${
        LOOK_AHEAD + 1
      } points: current length is ${n}`,
    );
  }
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  const needTrend = options.needTrend ?? true;
  const K = Math.max(Math.trunc(n * ratio), 1);
  let modelId: 20 | 21 = 20;
  let raw: Float64Array;
  if (mode === "entire") {
    raw = srScores(x, true);
  } else {
    raw = srScores(x, false);
    const D = Math.min(Math.max(K, Math.trunc(0.1 * n)), Math.trunc(0.45 * n));
    const mu = mean(x);
    const sd = std(x);
    const zLast = Math.abs(x[n - 1] - mu) / sd;
    let c = n - 1;
    for (let i = n - D; i < n; i++) {
      if (raw[i] >= DROP_SCORE) {
        c = i;
        break;
      }
    }
    const xf = new Float64Array(c + 1);
    for (let i = 0; i < c; i++) xf[i] = x[i];
    xf[c] = x[n - 1];
    for (let i = c; i < n - 1; i++) raw[i] = 2 * SKELETON_POINT_SCORE_THRESHOLD;
    const rawF = srScores(xf, false);
    raw[n - 1] = rawF[c];
    if (zLast < LAST_Z_THRESHOLD) {
      raw[n - 1] = 0;
      modelId = 21;
    }
  }

  // Top-K candidates by raw score (descending; ties by position).
  const cand: number[] = [];
  for (let i = 0; i < n; i++) if (raw[i] >= threshold) cand.push(i);
  cand.sort((a, b) => (raw[b] - raw[a]) || (a - b));
  const isAnomaly: boolean[] = new Array(n).fill(false);
  for (let j = 0; j < Math.min(K, cand.length); j++) isAnomaly[cand[j]] = true;

  const expected = mode === "entire" ? expectedEntire(x, raw) : expectedLast(x, raw);
  const value = Array.from(x);
  const isPositive: boolean[] = new Array(n).fill(false);
  const isNegative: boolean[] = new Array(n).fill(false);
  const score: number[] = new Array(n);
  for (let i = 0; i < n; i++) {
    score[i] = Math.min(Math.max(raw[i] - SCORE_OFFSET, 0), 1);
    if (isAnomaly[i]) {
      const negative = expected[i] > value[i];
      isNegative[i] = negative;
      isPositive[i] = !negative;
    }
  }
  const results: ResultsTable = { value, expected, isAnomaly, isPositive, isNegative, score };
  if (needTrend) defineLazyTrend(results, () => Array.from(splineTrend(expected)));
  return { results, modelId };
}

/**
 * Defines `results.trend` as computed on first read (then stored as a plain value), so a table
 * whose trend is never read — a delta rerun without new anomalies — skips the spline trend.
 */
function defineLazyTrend(results: ResultsTable, compute: () => number[]): void {
  const store = (value: number[] | undefined) => {
    Object.defineProperty(results, "trend", {
      value,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  };
  Object.defineProperty(results, "trend", {
    get(): number[] {
      const value = compute();
      store(value);
      return value;
    },
    set: store,
    enumerable: true,
    configurable: true,
  });
}

/** Entire-mode expected values (§8.4): skeleton means for non-skeleton points, then AVG(·, 5). */
function expectedEntire(x: ArrayLike<number>, raw: Float64Array): number[] {
  const n = x.length;
  const skelSum = new Float64Array(n + 1);
  const skelCnt = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    const skel = raw[i] <= SKELETON_POINT_SCORE_THRESHOLD;
    skelSum[i + 1] = skelSum[i] + (skel ? x[i] : 0);
    skelCnt[i + 1] = skelCnt[i] + (skel ? 1 : 0);
  }
  const e = Float64Array.from(x);
  let runSum = 0;
  for (let i = 0; i < n; i++) {
    runSum += x[i];
    if (raw[i] <= SKELETON_POINT_SCORE_THRESHOLD) continue;
    const from = Math.floor(i / 2);
    const cnt = skelCnt[i + 1] - skelCnt[from];
    if (cnt > 0) e[i] = (skelSum[i + 1] - skelSum[from]) / cnt;
    else e[i] = runSum / (i + 1);
  }
  return Array.from(trailingAverage(e, EXPECTED_WINDOW, false));
}

/**
 * Last-mode expected values (§8.4): the last point's is the mean of the skeleton values from list
 * position floor(c/2) on (NaN without skeleton points); the others keep their own values.
 */
function expectedLast(x: ArrayLike<number>, raw: Float64Array): number[] {
  const n = x.length;
  const skel: number[] = [];
  for (let i = 0; i < n; i++) if (raw[i] <= SKELETON_POINT_SCORE_THRESHOLD) skel.push(x[i]);
  const out = Array.from(x);
  const c = skel.length;
  out[n - 1] = c === 0 ? NaN : mean(skel.slice(Math.floor(c / 2)));
  return out;
}
