/**
 * Numerical building blocks of the detection engine (spec §13): reductions in numpy's exact
 * summation order (float64 and float32), medians, quantiles, the scaled MAD, Theil–Sen slopes,
 * numpy's 20-bin histogram, comparison and rounding helpers, and tie-stable sorting.
 *
 * Every function is pure: inputs are never mutated.
 *
 * @module
 */

/** Any read-only array of numbers (plain arrays and typed arrays). */
export type NumericArray = ArrayLike<number>;

/** Φ⁻¹(3/4), the Gaussian consistency constant of the scaled MAD. */
export const NORM_PPF_75 = 0.6744897501960817;

/** Φ⁻¹(0.95), the half-width factor of the 90 % Bartlett bands. */
export const NORM_PPF_95 = 1.6448536269514722;

/** The engine's EPS. */
export const EPS = 1e-8;

const f32 = Math.fround;

/** numpy's reduction block size: array reductions add block sums of at most this many elements. */
const REDUCE_BLOCK = 8192;
/** numpy's pairwise-summation unroll threshold. */
const PW_BLOCKSIZE = 128;

function pairwiseBlock(a: Float64Array, start: number, n: number): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += a[start + i];
    return res;
  }
  if (n <= PW_BLOCKSIZE) {
    let r0 = a[start], r1 = a[start + 1], r2 = a[start + 2], r3 = a[start + 3];
    let r4 = a[start + 4], r5 = a[start + 5], r6 = a[start + 6], r7 = a[start + 7];
    const end = n - (n % 8);
    let i = 8;
    for (; i < end; i += 8) {
      const p = start + i;
      r0 += a[p];
      r1 += a[p + 1];
      r2 += a[p + 2];
      r3 += a[p + 3];
      r4 += a[p + 4];
      r5 += a[p + 5];
      r6 += a[p + 6];
      r7 += a[p + 7];
    }
    let res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
    for (; i < n; i++) res += a[start + i];
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseBlock(a, start, n2) + pairwiseBlock(a, start + n2, n - n2);
}

function pairwiseBlockF32(a: NumericArray, start: number, n: number): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res = f32(res + f32(a[start + i]));
    return res;
  }
  if (n <= PW_BLOCKSIZE) {
    let r0 = f32(a[start]), r1 = f32(a[start + 1]), r2 = f32(a[start + 2]);
    let r3 = f32(a[start + 3]), r4 = f32(a[start + 4]), r5 = f32(a[start + 5]);
    let r6 = f32(a[start + 6]), r7 = f32(a[start + 7]);
    const end = n - (n % 8);
    let i = 8;
    for (; i < end; i += 8) {
      const p = start + i;
      r0 = f32(r0 + f32(a[p]));
      r1 = f32(r1 + f32(a[p + 1]));
      r2 = f32(r2 + f32(a[p + 2]));
      r3 = f32(r3 + f32(a[p + 3]));
      r4 = f32(r4 + f32(a[p + 4]));
      r5 = f32(r5 + f32(a[p + 5]));
      r6 = f32(r6 + f32(a[p + 6]));
      r7 = f32(r7 + f32(a[p + 7]));
    }
    let res = f32(f32(f32(r0 + r1) + f32(r2 + r3)) + f32(f32(r4 + r5) + f32(r6 + r7)));
    for (; i < n; i++) res = f32(res + f32(a[start + i]));
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return f32(pairwiseBlockF32(a, start, n2) + pairwiseBlockF32(a, start + n2, n - n2));
}

/**
 * Sum of `a[start .. start+length-1]` in numpy's float64 order (§13.2): blocks of at most 8192
 * elements, each summed pairwise, block sums added left to right from 0.
 */
export function pairwiseSum(a: NumericArray, start = 0, length = a.length - start): number {
  if (!(a instanceof Float64Array)) {
    a = Float64Array.from(Array.prototype.slice.call(a, start, start + length) as number[]);
    start = 0;
  }
  let acc = 0;
  for (let b = 0; b < length; b += REDUCE_BLOCK) {
    acc += pairwiseBlock(a as Float64Array, start + b, Math.min(REDUCE_BLOCK, length - b));
  }
  return acc;
}

/** Like {@linkcode pairwiseSum}, but every element and every addition is float32 (numpy float32 sum). */
export function pairwiseSumF32(a: NumericArray, start = 0, length = a.length - start): number {
  let acc = 0;
  for (let b = 0; b < length; b += REDUCE_BLOCK) {
    acc = f32(acc + pairwiseBlockF32(a, start + b, Math.min(REDUCE_BLOCK, length - b)));
  }
  return acc;
}

/** numpy `mean` of a float64 array (pairwise sum / n). NaN for an empty array. */
export function mean(a: NumericArray): number {
  return pairwiseSum(a) / a.length;
}

/** numpy population variance (ddof 0): mean first, then the pairwise sum of squared deviations / n. */
export function variance(a: NumericArray): number {
  const n = a.length;
  const m = mean(a);
  const sq = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const d = a[i] - m;
    sq[i] = d * d;
  }
  return pairwiseSum(sq) / n;
}

/** numpy population standard deviation (ddof 0). */
export function std(a: NumericArray): number {
  return Math.sqrt(variance(a));
}

/** numpy float32 `mean`: inputs rounded to f32, f32 pairwise sum, f32 division. */
export function meanF32(a: NumericArray): number {
  return f32(pairwiseSumF32(a) / a.length);
}

/** numpy float32 population standard deviation: every step in f32. */
export function stdF32(a: NumericArray): number {
  const n = a.length;
  const m = meanF32(a);
  const sq = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const d = f32(f32(a[i]) - m);
    sq[i] = d * d;
  }
  return f32(Math.sqrt(f32(pairwiseSumF32(sq) / n)));
}

/**
 * pandas-with-bottleneck population standard deviation (`np.std(series)`): a naive left-to-right
 * two-pass computation (mean, then the sum of squared deviations).
 */
export function naiveStd(a: NumericArray): number {
  const n = a.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += a[i];
  const m = s / n;
  let q = 0;
  for (let i = 0; i < n; i++) {
    const d = a[i] - m;
    q += d * d;
  }
  return Math.sqrt(q / n);
}

/**
 * pandas `Series.mean()` with NaN skipping: NaN terms are replaced by 0 in a pairwise sum, which is
 * divided by the number of non-NaN terms. NaN when every term is NaN.
 */
export function nanMean(a: NumericArray): number {
  const n = a.length;
  const z = new Float64Array(n);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const v = a[i];
    if (Number.isNaN(v)) continue;
    z[i] = v;
    count++;
  }
  if (count === 0) return NaN;
  return pairwiseSum(z) / count;
}

/** Minimum and maximum of a non-empty array. */
export function minMax(a: NumericArray): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

/**
 * Swap-based Hoare selection on `w[lo..hi]`: afterwards `w[k]` holds the k-th smallest element of
 * that range (k counted from the start of `w`).
 */
export function selectInPlace(w: Float64Array, k: number, lo = 0, hi = w.length - 1): void {
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    // median of three as pivot
    const a = w[lo], b = w[mid], c = w[hi];
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : (a < c ? a : b < c ? c : b);
    let i = lo, j = hi;
    while (i <= j) {
      while (w[i] < pivot) i++;
      while (w[j] > pivot) j--;
      if (i <= j) {
        const t = w[i];
        w[i] = w[j];
        w[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}

/** Smallest element of `w[from..]` (used after a selection to get the upper middle). */
function minFrom(w: Float64Array, from: number): number {
  let m = Infinity;
  for (let i = from; i < w.length; i++) if (w[i] < m) m = w[i];
  return m;
}

/**
 * numpy `median` in double: the middle element for odd length, `(a + b) / 2` of the two middle
 * elements for even length. NaN for an empty array. Runs in expected linear time.
 */
export function median(a: NumericArray): number {
  const n = a.length;
  if (n === 0) return NaN;
  const w = Float64Array.from(a);
  const h = n >> 1;
  selectInPlace(w, h);
  if (n % 2 === 1) return w[h];
  // the lower middle is the maximum of w[0..h-1] after selecting h
  let lowMid = -Infinity;
  for (let i = 0; i < h; i++) if (w[i] > lowMid) lowMid = w[i];
  return (lowMid + w[h]) / 2;
}

function checkIndex(a: NumericArray, k: number): void {
  if (!Number.isInteger(k) || k < 0 || k >= a.length) {
    throw new RangeError(
      `Cannot select order statistic as k must be an index below ${a.length}: current value is ${k}`,
    );
  }
}

/**
 * The k-th smallest element (0-based) of an array, in expected linear time.
 * @throws {RangeError} when k is not an index of the array
 */
export function kthSmallest(a: NumericArray, k: number): number {
  checkIndex(a, k);
  const w = Float64Array.from(a);
  selectInPlace(w, k);
  return w[k];
}

/**
 * The k-th and (k+1)-th smallest elements (0-based) of an array, with one selection; the second is
 * NaN when k is the last index.
 * @throws {RangeError} when k is not an index of the array
 */
export function adjacentOrderStatistics(a: NumericArray, k: number): [number, number] {
  checkIndex(a, k);
  const w = Float64Array.from(a);
  selectInPlace(w, k);
  return [w[k], k + 1 < w.length ? minFrom(w, k + 1) : NaN];
}

/**
 * numpy `quantile(v, q)` with the default linear method: virtual index h = (n − 1)·q on the sorted
 * copy, interpolated with numpy's two-sided lerp.
 * @throws {RangeError} when q is outside [0, 1] or the array is empty
 */
export function quantile(a: NumericArray, q: number): number {
  if (!(q >= 0 && q <= 1)) {
    throw new RangeError(`Cannot compute quantile as q must be in [0, 1]: current value is ${q}`);
  }
  const n = a.length;
  if (n === 0) {
    throw new RangeError(
      "Cannot compute quantile as the array must not be empty: current length is 0",
    );
  }
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const w = Float64Array.from(a);
  selectInPlace(w, lo);
  const vLo = w[lo];
  const vHi = lo + 1 < n ? minFrom(w, lo + 1) : vLo;
  const t = h - lo;
  const diff = vHi - vLo;
  return t >= 0.5 ? vHi - diff * (1 - t) : vLo + diff * t;
}

/**
 * statsmodels `robust.mad` (normalised MAD): `median(|a − median(a)| / 0.6744897501960817)`.
 * Every deviation is divided by the constant before the median is taken.
 */
export function mad(a: NumericArray): number {
  const n = a.length;
  const c = median(a);
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = Math.abs(a[i] - c) / NORM_PPF_75;
  return median(d);
}

/** Options of {@linkcode theilSenSlope}. */
export interface TheilSenSlopeOptions {
  /**
   * Compute the differences `y[i] − y[j]` in float32 (the input is a float32 array in the engine);
   * the division by `i − j` stays in double.
   * @default {false}
   */
  float32?: boolean;
}

/**
 * Theil–Sen slope (scipy `theilslopes`, slope only) with abscissae 0..len−1: the median over all
 * pairs i > j of (y[i] − y[j]) / (i − j). NaN for fewer than two points.
 */
export function theilSenSlope(y: NumericArray, options: TheilSenSlopeOptions = {}): number {
  const n = y.length;
  if (n < 2) return NaN;
  const useF32 = options.float32 ?? false;
  const slopes = new Float64Array((n * (n - 1)) / 2);
  let k = 0;
  for (let i = 1; i < n; i++) {
    const yi = y[i];
    for (let j = 0; j < i; j++) {
      const dy = useF32 ? f32(yi - y[j]) : yi - y[j];
      slopes[k++] = dy / (i - j);
    }
  }
  return median(slopes);
}

/**
 * numpy `histogram(v, bins)` counts with equal-width bins over [min, max] (range widened by ±0.5
 * when constant). Bin j holds e_j ≤ v < e_{j+1}; the last bin also holds v = max. Edges follow
 * numpy's `linspace` and its guess-and-correct bin assignment.
 * @throws {RangeError} when bins is not a positive integer or the array is empty
 */
export function histogramCounts(values: NumericArray, bins = 20): Int32Array {
  if (!Number.isInteger(bins) || bins < 1) {
    throw new RangeError(
      `Cannot build histogram as bins must be a positive integer: current value is ${bins}`,
    );
  }
  const n = values.length;
  if (n === 0) {
    throw new RangeError("Cannot build histogram as values must not be empty: current length is 0");
  }
  let [lo, hi] = minMax(values);
  if (lo === hi) {
    lo -= 0.5;
    hi += 0.5;
  }
  const edges = new Float64Array(bins + 1);
  const step = (hi - lo) / bins;
  for (let j = 0; j <= bins; j++) edges[j] = j * step + lo;
  edges[bins] = hi;
  const norm = bins / (hi - lo);
  const counts = new Int32Array(bins);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    let idx = Math.trunc((v - lo) * norm);
    if (idx === bins) idx -= 1;
    if (v < edges[idx]) idx -= 1;
    if (v >= edges[idx + 1] && idx !== bins - 1) idx += 1;
    counts[idx]++;
  }
  return counts;
}

/** numpy `isclose(a, b)` with the default tolerances: `|a − b| ≤ atol + rtol·|b|`. */
export function isclose(a: number, b: number, rtol = 1e-5, atol = 1e-8): boolean {
  return Math.abs(a - b) <= atol + rtol * Math.abs(b);
}

/** Python 3 `round(x)`: nearest integer, ties to even. */
export function roundHalfEven(x: number): number {
  if (!Number.isFinite(x)) return x;
  const r = Math.round(x);
  if (Math.abs(x - Math.trunc(x)) === 0.5) return 2 * Math.round(x / 2);
  return r;
}

/**
 * Positions of `values` in ascending value order; ties ordered by position (stable), the
 * recommended tie rule of §13.6.
 */
export function argsortStable(values: NumericArray): Int32Array {
  const n = values.length;
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  idx.sort((i, j) => (values[i] - values[j]) || (i - j));
  return idx;
}

/**
 * Min–max normalisation (§4.1): `(v − min)/(max − min)`, or an unchanged copy when constant.
 */
export function normalize(v: NumericArray): Float64Array {
  const n = v.length;
  const out = Float64Array.from(v);
  if (n === 0) return out;
  const [lo, hi] = minMax(v);
  if (lo === hi) return out;
  const span = hi - lo;
  for (let i = 0; i < n; i++) out[i] = (v[i] - lo) / span;
  return out;
}

/**
 * Fills NaN positions by linear interpolation over position between the nearest known values,
 * constant beyond the ends (numpy `interp`; pandas `interpolate(limit_direction="both")`).
 * Returns a copy; when no value is known the copy is all NaN.
 */
export function linearFillNaN(v: NumericArray): Float64Array {
  const n = v.length;
  const out = Float64Array.from(v);
  let prev = -1;
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(out[i])) continue;
    if (prev === -1) {
      for (let q = 0; q < i; q++) out[q] = out[i];
    } else if (i - prev > 1) {
      const ya = out[prev], yb = out[i];
      const slope = (yb - ya) / (i - prev);
      for (let q = prev + 1; q < i; q++) {
        let r = slope * (q - prev) + ya;
        if (Number.isNaN(r)) {
          r = slope * (q - i) + yb;
          if (Number.isNaN(r) && ya === yb) r = ya;
        }
        out[q] = r;
      }
    }
    prev = i;
  }
  if (prev !== -1) { for (let q = prev + 1; q < n; q++) out[q] = out[prev]; }
  return out;
}
