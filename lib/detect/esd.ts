/**
 * The outlier detectors shared by the seasonal (§6) and dynamic-threshold (§7.1) models: the
 * float32 generalized ESD on sorted data (§6.4), the Z-score detector (§6.5), the majority value
 * (§6.3) and the max-outliers rule K.
 *
 * Each detector returns, per direction, the flagged positions in rank order (most extreme first),
 * which is what the vote (§6.6, `vote.ts`) consumes.
 *
 * @module
 */
import { quicksortArgsort } from "./_quicksort_argsort.ts";
import { esdCriticalValues } from "./_tables.ts";
import {
  argsortStable,
  isclose,
  mad,
  mean,
  median,
  naiveStd,
  type NumericArray,
  pairwiseSumF32,
} from "./stats.ts";

const f32 = Math.fround;
/** f32(1e-8): the smallest σ the ESD kernel divides by. */
const EPS_F32 = f32(1e-8);
/** f32(Φ⁻¹(0.75)). */
const NORM_PPF_75_F32 = f32(0.6744897501960817);

/** A series together with the positions of its values in ascending order. */
export interface RankedSeries {
  /** The values, in time order. */
  values: NumericArray;
  /** Positions of `values` in ascending value order (ties per the tie rule used, §13.6). */
  order: Int32Array;
}

/** A detector's output: flagged positions per direction, most extreme first. */
export interface DirectionalHits {
  /** Positions flagged as too high. */
  upper: number[];
  /** Positions flagged as too low. */
  lower: number[];
}

/** Sorts a series ascending with the stable tie rule of §13.6. */
export function rankSeries(values: NumericArray): RankedSeries {
  return { values, order: argsortStable(values) };
}

/**
 * Sorts a series ascending with ties as the oracle's (non-stable) numpy quicksort orders them
 * (§13.6): what the seasonal and dynamic-threshold models rank by.
 */
export function rankTies(values: NumericArray): RankedSeries {
  return { values, order: quicksortArgsort(values) };
}

/**
 * The max-outliers rule of the seasonal and dynamic-threshold models (§6.3):
 * `min(max(ceil(n·ratio), 1), n//2 − 1)`, with `n·ratio` evaluated in double.
 */
export function maxOutliers(n: number, ratio: number): number {
  return Math.min(Math.max(Math.ceil(n * ratio), 1), Math.floor(n / 2) - 1);
}

/**
 * MAJORITY (§6.3): when the scaled MAD of the series is about 0, the lower-middle element of the
 * sorted values, unless it is about equal to the minimum or the maximum; otherwise `undefined`.
 */
export function majorityValue(series: RankedSeries): number | undefined {
  const { values, order } = series;
  const n = order.length;
  if (n === 0) return undefined;
  if (!isclose(mad(values), 0)) return undefined;
  const m = values[order[(n - 1) >> 1]];
  if (isclose(m, values[order[0]]) || isclose(m, values[order[n - 1]])) return undefined;
  return m;
}

/** Options of {@linkcode generalizedEsd}. */
export interface GeneralizedEsdOptions {
  /**
   * Majority value of the series ({@linkcode majorityValue}); when given, each direction's ordered
   * list is cut after the last element within 1e-8 of it.
   * @default {undefined}
   */
  majorityValue?: number;
  /**
   * Last mode: the time position whose status is tested (the last point, n − 1). When undefined the
   * whole series is scanned (entire mode).
   * @default {undefined}
   */
  lastIndex?: number;
}

/**
 * Generalized ESD on sorted data (§6.4), both directions. Upper works on the descending order
 * (the ascending order reversed), lower on the ascending order.
 * @throws {RangeError} when the ordered list is longer than the critical-value table (18 000)
 */
export function generalizedEsd(
  series: RankedSeries,
  maxOutliers: number,
  options: GeneralizedEsdOptions = {},
): DirectionalHits {
  return {
    upper: esdDirection(series, maxOutliers, true, options),
    lower: esdDirection(series, maxOutliers, false, options),
  };
}

function esdDirection(
  series: RankedSeries,
  k: number,
  upper: boolean,
  options: GeneralizedEsdOptions,
): number[] {
  const { values, order } = series;
  const n = order.length;
  let len = n;
  const mv = options.majorityValue;
  const at = (i: number) => order[upper ? n - 1 - i : i];
  if (mv !== undefined) {
    let q = -1;
    for (let i = n - 1; i >= 0; i--) {
      if (Math.abs(values[at(i)] - mv) < 1e-8) {
        q = i;
        break;
      }
    }
    len = q + 1;
  }
  if (len === 0) return [];
  const u = new Float64Array(len);
  const pos = new Int32Array(len);
  for (let i = 0; i < len; i++) {
    pos[i] = at(i);
    u[i] = values[pos[i]];
  }
  let lastPos = -1;
  if (options.lastIndex !== undefined) {
    for (let i = 0; i < len; i++) {
      if (pos[i] === options.lastIndex) {
        lastPos = i;
        break;
      }
    }
    if (lastPos === -1) return [];
  }
  const lambda = esdCriticalValues(len, Math.min(k, len));
  const num = esdOrdered(u, k, lambda, upper, lastPos);
  return Array.from(pos.subarray(0, num + 1));
}

/** STATUS of §6.4, all float32. */
function status(centre: number, sigma: number, value: number, lambda: number, upper: boolean) {
  const d = upper ? f32(value - centre) : f32(centre - value);
  if (sigma < EPS_F32) sigma = EPS_F32;
  return f32(d / sigma) > lambda;
}

/**
 * The float32 generalized-ESD kernel of §6.4 on an already ordered list (descending for upper,
 * ascending for lower). Returns `num`, the last step k that passed (−1 for none); the flagged
 * entries are `u[0..num]`. `lastPos` is −1 in entire mode; otherwise the scan starts there and
 * stops at the first hit.
 */
export function esdOrdered(
  u: NumericArray,
  maxOutliers: number,
  lambda: NumericArray,
  upper: boolean,
  lastPos = -1,
): number {
  const n = u.length;
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = f32(u[i]);
  // Suffix sums (double, shifted by the global mean) for a fast estimate of the f32 mean/std.
  let c = 0;
  for (let i = 0; i < n; i++) c += v[i];
  c = n > 0 ? c / n : 0;
  const s1 = new Float64Array(n + 1);
  const s2 = new Float64Array(n + 1);
  let scale = 0;
  for (let i = n - 1; i >= 0; i--) {
    const d = v[i] - c;
    s1[i] = s1[i + 1] + d;
    s2[i] = s2[i + 1] + d * d;
    const a = Math.abs(v[i]);
    if (a > scale) scale = a;
  }
  const kEnd = Math.min(maxOutliers, n);
  let num = -1;
  for (let k = lastPos !== -1 ? lastPos : 0; k < kEnd; k++) {
    const m = n - k;
    const lam = lambda[k] ?? 0;
    const value = v[k];
    const h = m >> 1;
    const med = m % 2 === 1 ? v[k + h] : f32(f32(v[k + h - 1] + v[k + h]) / 2);
    const madF32 = m % 2 === 1
      ? kthDeviation(v, k, m, med, h)
      : f32((kthDeviation(v, k, m, med, h - 1) + kthDeviation(v, k, m, med, h)) / 2);
    const sigma = f32(madF32 / NORM_PPF_75_F32);
    let hit = status(med, sigma, value, lam, upper);
    if (!hit) hit = meanStdStatus(v, k, m, value, lam, upper, s1[k], s2[k], c, scale);
    if (hit) {
      num = k;
      if (lastPos !== -1) break;
    }
  }
  return num;
}

/**
 * The j-th smallest (0-based) of the deviations |f32(R_i − med)| of the sorted run R = v[k..k+m−1].
 * The deviations fall to 0 towards the middle and grow towards both ends, so they form two sorted
 * runs (from the middle outwards); a binary search finds the j-th smallest of their union.
 */
function kthDeviation(v: Float64Array, k: number, m: number, med: number, j: number): number {
  // Run A: indices mid−1, mid−2, …, 0 (relative); run B: mid, mid+1, …, m−1.
  const mid = m >> 1;
  const nA = mid;
  const nB = m - mid;
  const a = (i: number) => Math.abs(f32(v[k + mid - 1 - i] - med));
  const b = (i: number) => Math.abs(f32(v[k + mid + i] - med));
  let lo = Math.max(0, j + 1 - nB);
  let hi = Math.min(j + 1, nA);
  while (lo < hi) {
    const i = (lo + hi) >> 1;
    if (a(i) < b(j - i)) lo = i + 1;
    else hi = i;
  }
  const jb = j + 1 - lo;
  const x = lo > 0 ? a(lo - 1) : -Infinity;
  const y = jb > 0 ? b(jb - 1) : -Infinity;
  return x > y ? x : y;
}

/**
 * STATUS against the float32 mean and population std of R = v[k..], as numpy float32 reductions.
 * A double estimate from suffix sums decides clear cases; near the threshold (or for a tiny std)
 * the exact float32 reductions are computed.
 */
function meanStdStatus(
  v: Float64Array,
  k: number,
  m: number,
  value: number,
  lam: number,
  upper: boolean,
  s1: number,
  s2: number,
  c: number,
  scale: number,
): boolean {
  const mu = c + s1 / m;
  const varEst = s2 / m - (s1 / m) * (s1 / m);
  if (varEst > 1e-10 * scale * scale && scale > 0) {
    const sd = Math.sqrt(varEst);
    const r = (upper ? value - mu : mu - value) / sd;
    const tol = 1e-3 * (Math.abs(lam) + 1) + (1e-4 * scale) / sd;
    if (r > lam + tol) return true;
    if (r < lam - tol) return false;
  }
  const muF = f32(pairwiseSumF32(v, k, m) / m);
  const sq = new Float32Array(m);
  for (let i = 0; i < m; i++) {
    const d = f32(v[k + i] - muF);
    sq[i] = d * d;
  }
  const sd = f32(Math.sqrt(f32(pairwiseSumF32(sq) / m)));
  return status(muF, sd, value, lam, upper);
}

/**
 * Z-score detector (§6.5) on a series: among the K most extreme values of each direction, those
 * with |value − median| / MAD > 3 (scaled MAD; falls back to the pandas std and mean when the MAD
 * is 0). Ignores last mode.
 */
export function zScore(series: RankedSeries, maxOutliers: number): DirectionalHits {
  const { values, order } = series;
  const n = order.length;
  let centre = median(values);
  let spread = mad(values);
  if (spread === 0) {
    spread = naiveStd(values);
    centre = mean(values);
  }
  if (spread === 0) return { upper: [], lower: [] };
  const k = Math.min(maxOutliers, n);
  const upper: number[] = [];
  const lower: number[] = [];
  for (let i = 0; i < k; i++) {
    const p = order[n - 1 - i];
    if (Math.abs(values[p] - centre) / spread > 3) upper.push(p);
  }
  for (let i = 0; i < k; i++) {
    const p = order[i];
    if (Math.abs(values[p] - centre) / spread > 3) lower.push(p);
  }
  return { upper, lower };
}
