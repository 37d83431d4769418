/**
 * Fast Theil–Sen slope with exactly the values of `theilSenSlope` in `stats.ts` (every pairwise
 * slope computed with the same arithmetic, median by numpy's rule), without materialising all
 * n(n−1)/2 slopes. Used by AGLET, whose windows reach 1023 points (half a million slopes).
 *
 * Method: a random sample of pair slopes brackets the median in [lo, hi]. Pairs are split into
 * "below", "inside" and "above" by the orders of v[i] − t·i at t = lo − δ and t = hi + δ
 * (a slope is below t exactly when the later point comes first in that order), counted and
 * enumerated in O(n log n + inside) by merge sorts. The inside slopes are then computed exactly and
 * the middle ranks selected. δ covers every rounding difference between the orders and the
 * computed slopes, and the result is accepted only when it lies at least δ inside the bracket;
 * otherwise a one-pass count (still exact) or the plain computation is used.
 * @module
 */

import { selectInPlace, theilSenSlope } from "./stats.ts";

const f32 = Math.fround;
const EPS = 2 ** -52;
/** Below this many pairs the plain computation is fast enough. */
const SMALL_PAIRS = 4096;
const SAMPLE_SIZE = 4096;

/** Rearranges `a[0..len)` so that `a[k]` is its k-th smallest (0-based) element; returns it. */
function selectKth(a: Float64Array, len: number, k: number): number {
  selectInPlace(a, k, 0, len - 1);
  return a[k];
}

/** Indices 0..n−1 ordered by v[i] − t·i ascending, ties by index (stable bottom-up merge sort). */
function orderAt(v: Float64Array, t: number): Int32Array {
  const n = v.length;
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = v[i] - t * i;
  let src: Int32Array = new Int32Array(n);
  for (let i = 0; i < n; i++) src[i] = i;
  let dst: Int32Array = new Int32Array(n);
  for (let width = 1; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        if (w[src[j]] < w[src[i]]) dst[k++] = src[j++];
        else dst[k++] = src[i++];
      }
      while (i < mid) dst[k++] = src[i++];
      while (j < hi) dst[k++] = src[j++];
    }
    const tmp = src;
    src = dst;
    dst = tmp;
  }
  return src;
}

/** Number of pairs p < q (positions) with seq[p] > seq[q] (merge sort; seq is consumed). */
function countInversions(seq: Int32Array): number {
  const n = seq.length;
  let src: Int32Array = seq;
  let dst: Int32Array = new Int32Array(n);
  let count = 0;
  for (let width = 1; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        if (src[j] < src[i]) {
          count += mid - i;
          dst[k++] = src[j++];
        } else dst[k++] = src[i++];
      }
      while (i < mid) dst[k++] = src[i++];
      while (j < hi) dst[k++] = src[j++];
    }
    const t = src;
    src = dst;
    dst = t;
  }
  return count;
}

/**
 * Slopes of the "inside" pairs: positions p < q of `ordLo` with key[p] > key[q] (an inversion
 * between the two orders, found by a merge sort over positions) whose earlier element has the
 * smaller index. Returns undefined once more than `cap` inversions were seen.
 */
function insideSlopes(
  v: Float64Array,
  ordLo: Int32Array,
  key: Int32Array,
  cap: number,
  float32: boolean,
): { slopes: Float64Array; count: number } | undefined {
  const n = key.length;
  let src: Int32Array = new Int32Array(n);
  for (let i = 0; i < n; i++) src[i] = i;
  let dst: Int32Array = new Int32Array(n);
  let out = new Float64Array(Math.min(cap, 1 << 16));
  let m = 0;
  let seen = 0;
  for (let width = 1; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        const q = src[j];
        if (key[q] < key[src[i]]) {
          seen += mid - i;
          if (seen > cap) return undefined;
          if (m + (mid - i) > out.length) {
            const grown = new Float64Array(Math.max(out.length * 2, m + (mid - i)));
            grown.set(out.subarray(0, m));
            out = grown;
          }
          const b = ordLo[q];
          const vb = v[b];
          for (let r = i; r < mid; r++) {
            const a = ordLo[src[r]];
            if (a >= b) continue; // counted as below
            const d = vb - v[a];
            out[m++] = (float32 ? f32(d) : d) / (b - a);
          }
          dst[k++] = src[j++];
        } else dst[k++] = src[i++];
      }
      while (i < mid) dst[k++] = src[i++];
      while (j < hi) dst[k++] = src[j++];
    }
    const t = src;
    src = dst;
    dst = t;
  }
  return { slopes: out, count: m };
}

/**
 * Median over all pairs i > j of (y[i] − y[j])/(i − j); with `float32`, the differences are
 * rounded to float32 first. NaN for fewer than two points.
 */
export function fastTheilSenSlope(y: ArrayLike<number>, float32 = false): number {
  const n = y.length;
  const total = (n * (n - 1)) / 2;
  if (total <= SMALL_PAIRS) return theilSenSlope(y, { float32 });
  const v = Float64Array.from(y);
  let scale = 0;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(v[i])) return theilSenSlope(y, { float32 });
    scale = Math.max(scale, Math.abs(v[i]));
  }
  const kLo = (total - 1) >> 1;
  const kHi = total >> 1;

  // 1. Bracket the middle ranks with quantiles of a random sample of pairs (±4 standard
  //    deviations of a sample quantile's rank; a miss only costs the exact one-pass fallback).
  const sample = new Float64Array(SAMPLE_SIZE);
  let state = (n * 2654435761) >>> 0 || 1; // xorshift32, deterministic
  const nextIndex = () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state % n;
  };
  for (let s = 0; s < SAMPLE_SIZE; s++) {
    let i = nextIndex();
    let j = nextIndex();
    if (i === j) j = (j + 1) % n;
    if (i < j) {
      const t = i;
      i = j;
      j = t;
    }
    const d = v[i] - v[j];
    sample[s] = (float32 ? f32(d) : d) / (i - j);
  }
  const centre = (kLo / total) * SAMPLE_SIZE;
  const margin = 2 * Math.sqrt(SAMPLE_SIZE) + 8;
  const lo = selectKth(sample, SAMPLE_SIZE, Math.max(0, Math.floor(centre - margin)));
  const hi = selectKth(sample, SAMPLE_SIZE, Math.min(SAMPLE_SIZE - 1, Math.ceil(centre + margin)));
  const bound = Math.max(Math.abs(lo), Math.abs(hi));
  const delta = 16 * EPS * (scale + bound * n) + (float32 ? 2 ** -21 * scale : 0) + 1e-300;
  const tLo = lo - delta;
  const tHi = hi + delta;

  // 2. Classify pairs by the two orders. Below: the later index comes first at tLo.
  const ordLo = orderAt(v, tLo);
  const ordHi = orderAt(v, tHi);
  const below = countInversions(ordLo.slice());
  const rankHi = new Int32Array(n);
  for (let r = 0; r < n; r++) rankHi[ordHi[r]] = r;
  // Inside: not below (the earlier index comes first at tLo) and the later index first at tHi.
  const key = new Int32Array(n);
  for (let p = 0; p < n; p++) key[p] = rankHi[ordLo[p]];
  const found = insideSlopes(v, ordLo, key, 4 * n * 64, float32);
  const ok = found !== undefined;
  const inside = found?.slopes ?? new Float64Array(0);
  const m = found?.count ?? 0;
  if (ok && kLo >= below && kHi < below + m) {
    const a = selectKth(inside, m, kLo - below);
    let b = a;
    if (kHi !== kLo) {
      b = Infinity;
      for (let i = kLo - below + 1; i < m; i++) if (inside[i] < b) b = inside[i];
    }
    // Pairs misclassified by rounding have slopes within δ of tLo or tHi.
    if (a > tLo + delta && b < tHi - delta) return kLo === kHi ? a : (a + b) / 2;
  }
  return onePass(v, y, float32, lo, hi, kLo, kHi);
}

/** Exact fallback: one pass over all pairs counting below/at the bracket and keeping the inside. */
function onePass(
  v: Float64Array,
  y: ArrayLike<number>,
  float32: boolean,
  lo: number,
  hi: number,
  kLo: number,
  kHi: number,
): number {
  const n = v.length;
  let below = 0;
  let atLo = 0;
  let atHi = 0;
  let inside = new Float64Array(1024);
  let m = 0;
  for (let i = 1; i < n; i++) {
    const vi = v[i];
    for (let j = 0; j < i; j++) {
      const d = vi - v[j];
      const s = (float32 ? f32(d) : d) / (i - j);
      if (s < lo) below++;
      else if (s === lo) atLo++;
      else if (s < hi) {
        if (m === inside.length) {
          const grown = new Float64Array(inside.length * 2);
          grown.set(inside);
          inside = grown;
        }
        inside[m++] = s;
      } else if (s === hi) atHi++;
    }
  }
  // Ranks [below, below+atLo) hold lo, then the inside values, then atHi copies of hi.
  if (kLo < below || kHi >= below + atLo + m + atHi) return theilSenSlope(y, { float32 });
  const rankAt = (k: number): number => {
    let r = k - below;
    if (r < atLo) return lo;
    r -= atLo;
    if (r < m) return selectKth(inside, m, r);
    return hi;
  };
  const a = rankAt(kLo);
  if (kLo === kHi) return a;
  return (a + rankAt(kHi)) / 2;
}
