/**
 * The engine's float32 kernels used by period detection (§4.1, §4.2, §4.4) and the trend period
 * guess (§7.3): the per-phase cross-validation error (gcv, maxGcv), the float32 running median
 * with its tail quirk, and the bucket clamp of removeAnomalyInBucket. Every float32 operation is
 * emulated with `Math.fround` after each step, as the oracle computes it.
 *
 * @module
 */
import type { NumericArray } from "./stats.ts";

const f32 = Math.fround;

/** Result of {@linkcode gcv}. */
export interface GcvResult {
  /** The float32 leave-one-out cross-validation error (0 when |cvMse| ≤ 1e-8). */
  cvMse: number;
  /** Per-phase float32 means; its length is the period. */
  seasons: Float32Array;
}

function checkPeriod(action: string, period: number): void {
  if (!Number.isInteger(period) || period < 1) {
    throw new RangeError(
      `Cannot ${action} as the period must be a positive integer: current value is ${period}`,
    );
  }
}

/**
 * Leave-one-out cross-validation error of a per-phase-mean model with period P (§4.1), in float32:
 * cvMse = (1/n)·Σ_k (c_k/(c_k − 1))²·(Σ y² − (Σ y)²/c_k).
 * @throws {RangeError} when the period is not a positive integer
 */
export function gcv(v: NumericArray, period: number): GcvResult {
  checkPeriod("compute gcv", period);
  const n = v.length;
  const sumY = new Float64Array(period);
  const sumY2 = new Float64Array(period);
  const cnt = new Float64Array(period);
  for (let i = 0, k = 0; i < n; i++) {
    const y = f32(v[i]);
    sumY[k] = f32(sumY[k] + y);
    sumY2[k] = f32(sumY2[k] + f32(y * y));
    cnt[k] += 1;
    if (++k === period) k = 0;
  }
  const seasons = new Float32Array(period);
  let acc = 0;
  for (let k = 0; k < period; k++) {
    seasons[k] = sumY[k] / cnt[k];
    const r = cnt[k] / (cnt[k] - 1.0);
    const a = r * r;
    const b = f32(sumY2[k] - f32(f32(sumY[k] * sumY[k]) / cnt[k]));
    acc = f32(acc + a * b);
  }
  let cvMse = f32(acc / n);
  if (Math.abs(cvMse) <= 1e-8) cvMse = 0;
  return { cvMse, seasons };
}

/** Result of {@linkcode maxGcv}. */
export interface MaxGcvResult extends GcvResult {
  /** The winning candidate period (0 when the list is empty). */
  period: number;
}

/**
 * Runs {@linkcode gcv} for each candidate in list order and keeps the strictly smallest cvMse (the
 * first wins ties). With no candidate, cvMse is +∞ and period 0.
 */
export function maxGcv(v: NumericArray, periods: readonly number[]): MaxGcvResult {
  let best: MaxGcvResult = { cvMse: Infinity, seasons: new Float32Array(0), period: 0 };
  for (const p of periods) {
    const r = gcv(v, p);
    if (r.cvMse < best.cvMse) best = { ...r, period: p };
  }
  return best;
}

/** Median of a sorted float32 run: the middle, or f32(f32(a + b)/2) for an even count. */
export function sortedMedianF32(win: NumericArray, len = win.length): number {
  const h = len >> 1;
  return len % 2 === 1 ? win[h] : f32(f32(win[h - 1] + win[h]) / 2);
}

/** Python `bisect_right` on win[0..len−1] (assumes sorted; follows the same probes when not). */
function bisectRight(win: Float64Array, len: number, x: number): number {
  let lo = 0, hi = len;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x < win[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Inserts x into the sorted run win[0..len−1] after equal elements. */
function insertSorted(win: Float64Array, len: number, x: number): void {
  const p = bisectRight(win, len, x);
  win.copyWithin(p + 1, p, len);
  win[p] = x;
}

/** Options of {@linkcode medianFilterF32}. */
export interface MedianFilterF32Options {
  /**
   * Also fill the first and last half-windows (growing left edge; shrinking right edge with the
   * oracle's float32/float64 lookup quirk). Otherwise those positions keep f32(v).
   * @default {false}
   */
  twoEnds?: boolean;
}

/**
 * The engine's float32 running median (§4.4), reproduced exactly, including the tail quirk of the
 * shrinking right edge. The window is rounded up to an odd length w = 2·(window//2) + 1; when
 * n < w the input is returned as float32.
 * @throws {RangeError} when the window is not a positive integer
 */
export function medianFilterF32(
  v: NumericArray,
  window: number,
  options: MedianFilterF32Options = {},
): Float32Array {
  if (!Number.isInteger(window) || window < 1) {
    throw new RangeError(
      `Cannot run median filter as the window must be a positive integer: current value is ${window}`,
    );
  }
  const twoEnds = options.twoEnds ?? false;
  const n = v.length;
  const h = window >> 1;
  const w = 2 * h + 1;
  const out = Float32Array.from(v);
  if (n < w) return out;
  const win = new Float64Array(w);
  for (let i = 0; i < w; i++) {
    insertSorted(win, i, f32(v[i]));
    if (twoEnds && i >= h) out[i - h] = sortedMedianF32(win, i + 1);
  }
  out[h] = sortedMedianF32(win, w);
  for (let i = h + 1; i <= n - h - 1; i++) {
    const p = bisectRight(win, w, f32(v[i - h - 1])) - 1;
    win.copyWithin(p, p + 1, w);
    insertSorted(win, w - 1, f32(v[i + h]));
    out[i] = sortedMedianF32(win, w);
  }
  if (twoEnds) {
    let len = w;
    for (let i = n - h; i <= n - 1; i++) {
      const pos = bisectRight(win, len, v[i - h - 1]) - 1;
      for (let j = pos; j <= len - 2; j++) win[j < 0 ? j + w : j] = win[j + 1];
      len--;
      out[i] = sortedMedianF32(win, len);
    }
  }
  return out;
}

/** float32 median of a run of values (quickselect-free: sorts a float32 copy). */
function medianF32(values: Float64Array): number {
  const s = Float32Array.from(values).sort();
  return sortedMedianF32(s);
}

/**
 * removeAnomalyInBucket (§4.2), as the oracle computes it: per phase, every value whose deviation
 * from the float32 bucket median, divided by `1.4826·m2 + 1e-8` (m2 = the median of the *signed*
 * deviations), is ≥ 3 is replaced by the median. Returns a copy.
 * @throws {RangeError} when the period is not a positive integer
 */
export function removeAnomalyInBucket(d: NumericArray, period: number): Float64Array {
  checkPeriod("remove bucket anomalies", period);
  const n = d.length;
  const out = Float64Array.from(d);
  for (let k = 0; k < period && k < n; k++) {
    const cnt = Math.floor((n - 1 - k) / period) + 1;
    const b = new Float64Array(cnt);
    for (let m = 0; m < cnt; m++) b[m] = d[k + m * period];
    const med = medianF32(b);
    const dev = new Float64Array(cnt);
    for (let m = 0; m < cnt; m++) dev[m] = f32(b[m] - med);
    const m2 = medianF32(dev);
    const scale = 1.4826 * m2 + 1e-8;
    for (let m = 0; m < cnt; m++) {
      if ((b[m] - med) / scale >= 3.0) out[k + m * period] = med;
    }
  }
  return out;
}
