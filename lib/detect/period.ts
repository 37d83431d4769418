/**
 * Period detection (spec §4): the SimpleDetector, which verifies the granularity's candidate
 * periods, and the SpectrumDetector, which proposes lags from the autocorrelation function (with
 * Bartlett bands) and keeps the one with the best per-phase cross-validation error.
 *
 * @module
 */
import { simpleDetectorCandidates, simpleDetectorStandardPeriod } from "./_tables.ts";
import { gcv, maxGcv, medianFilterF32, removeAnomalyInBucket } from "./f32_kernels.ts";
import {
  isclose,
  linearFillNaN,
  mean,
  NORM_PPF_95,
  normalize,
  type NumericArray,
  std,
  variance,
} from "./stats.ts";
import { splineTrend } from "./trend.ts";
import type { Granularity } from "./types.ts";

/** Smallest period the SimpleDetector verifies. */
const MIN_PERIOD = 4;
/** Minimum explained variance of the SpectrumDetector. */
const DEFAULT_MIN_VAR = 0.20;
/** Largest ACF lag: 2880·2. */
const MAX_ACF_LAGS = 5760;
/** Smallest autocorrelation a correlogram candidate needs. */
const MIN_CORRELATION = 0.1;

/**
 * smoothSpikes (§4.1): values at least 3 standard deviations (+1e-8) from the mean are replaced by
 * linear interpolation between their neighbours (copies at the ends).
 */
export function smoothSpikes(v: NumericArray): Float64Array {
  const n = v.length;
  const s = std(v) + 1e-8;
  const m = mean(v);
  const out = Float64Array.from(v);
  let any = false;
  for (let i = 0; i < n; i++) {
    if (Math.abs(v[i] - m) / s >= 3) {
      out[i] = NaN;
      any = true;
    }
  }
  return any ? linearFillNaN(out) : out;
}

function threshold(period: number, detrended: boolean): number {
  if (period <= 24) return 0.35;
  if (period <= 168) return detrended ? 0.65 : 0.15;
  return detrended ? 0.70 : 0.10;
}

function check(u: NumericArray, period: number, detrended: boolean): boolean {
  const { cvMse } = gcv(u, period);
  const score = cvMse === 0 ? 1 : 1 - cvMse / variance(u);
  return score > threshold(period, detrended);
}

/** VALID (§4.2): whether period P explains the series, raw or after float32 median detrending. */
export function isValidPeriod(v: NumericArray, period: number): boolean {
  const z = normalize(v);
  const s1 = smoothSpikes(z);
  if (isclose(variance(s1), 0)) return false;
  if (check(s1, period, false)) return true;
  const trend = medianFilterF32(z, period, { twoEnds: true });
  const n = z.length;
  let d: Float64Array = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = z[i] - trend[i];
  d = smoothSpikes(d);
  d = removeAnomalyInBucket(d, period);
  if (isclose(variance(d), 0)) return false;
  return check(d, period, true);
}

/**
 * SimpleDetector (§4.2): the first candidate period of the granularity that verifies, replaced by
 * the standard period when the series is long enough and the standard is a multiple of it.
 * Returns `undefined` when no candidate verifies. For microsecond (no standard period) the verified
 * candidate is returned (the oracle crashes there, Appendix B4).
 */
export function simpleDetector(
  v: NumericArray,
  granularity: Granularity,
  customInterval = 1,
): number | undefined {
  const n = v.length;
  let verified: number | undefined;
  for (const p of simpleDetectorCandidates(granularity, customInterval)) {
    if (n <= 2 * p || p < MIN_PERIOD) continue;
    if (isValidPeriod(v, p)) {
      verified = p;
      break;
    }
  }
  if (verified === undefined) return undefined;
  const standard = simpleDetectorStandardPeriod(granularity, customInterval);
  if (standard === undefined) return verified;
  if (n <= 2 * standard || standard % verified !== 0) return verified;
  return standard;
}

/** Autocorrelation ρ[0..L] and Bartlett upper band ρ + z·sqrt(var) of a series (§4.3). */
export interface Correlogram {
  /** ρ[k] = γ[k]/γ[0], k = 0..L. */
  acf: Float64Array;
  /** Half-widths of the 90 % Bartlett bands, k = 0..L (0 at lag 0). */
  halfWidth: Float64Array;
}

/**
 * Sample autocorrelation up to `nlags` with Bartlett confidence half-widths at alpha = 0.1
 * (statsmodels `acf(r, nlags, fft=False, alpha=0.1)`).
 */
export function autocorrelation(r: NumericArray, nlags: number): Correlogram {
  const n = r.length;
  const m = mean(r);
  const c = new Float64Array(n);
  for (let i = 0; i < n; i++) c[i] = r[i] - m;
  const acf = new Float64Array(nlags + 1);
  let g0 = 0;
  for (let k = 0; k <= nlags; k++) {
    let s = 0;
    for (let t = 0; t < n - k; t++) s += c[t + k] * c[t];
    const g = s / n;
    if (k === 0) g0 = g;
    acf[k] = g / g0;
  }
  const halfWidth = new Float64Array(nlags + 1);
  let cum = 0;
  for (let k = 1; k <= nlags; k++) {
    if (k >= 2) cum += acf[k - 1] * acf[k - 1];
    const v = k === 1 ? 1 / n : (1 / n) * (1 + 2 * cum);
    halfWidth[k] = NORM_PPF_95 * Math.sqrt(v);
  }
  return { acf, halfWidth };
}

/**
 * CORRELOGRAM (§4.3): candidate lags in decreasing autocorrelation, each above its Bartlett band
 * and ≥ 0.1, with 4 < lag < L (L = trunc(min(n/3, 5760))).
 */
export function correlogramCandidates(r: NumericArray): number[] {
  const n = r.length;
  const L = Math.trunc(Math.min(n / 3.0, MAX_ACF_LAGS));
  if (L < 1) return [];
  const { acf, halfWidth } = autocorrelation(r, L);
  const a = acf.slice(1);
  const out: number[] = [];
  for (;;) {
    let j = 0;
    for (let i = 1; i < L; i++) if (a[i] > a[j]) j = i;
    const ub = acf[j + 1] + halfWidth[j + 1] - a[j];
    if (a[j] < ub || a[j] < MIN_CORRELATION) break;
    a[j] = 0;
    if (4 < j + 1 && j + 1 < L) out.push(j + 1);
  }
  return out;
}

function calc(u: NumericArray): number {
  const n = u.length;
  if (n < 12) return 0;
  const u1 = smoothSpikes(u);
  const t = splineTrend(u1);
  const r = new Float64Array(n);
  for (let i = 0; i < n; i++) r[i] = u1[i] - t[i];
  const v = variance(r);
  if (isclose(v, 0)) return 0;
  const cands = correlogramCandidates(r);
  if (cands.length === 0) return 0;
  const { cvMse, seasons } = maxGcv(r, cands);
  if (!(cvMse === 0 || DEFAULT_MIN_VAR <= 1 - cvMse / v)) return 0;
  const p = seasons.length;
  if (n / p + 1 <= 3) return 0;
  return p;
}

/**
 * SpectrumDetector (§4.3): the correlogram period of the normalised series, multiplied by the
 * periods found again on successive subsamples at that period. 0 when none is found.
 */
export function spectrumDetector(v: NumericArray): number {
  const z = normalize(v);
  let p = calc(z);
  if (p === 0) return 0;
  let q = p;
  let w: Float64Array = z;
  while (q !== 0) {
    const next = new Float64Array(Math.ceil(w.length / q));
    for (let i = 0, j = 0; i < w.length; i += q, j++) next[j] = w[i];
    w = next;
    q = calc(w);
    if (q !== 0) p = p * q;
  }
  return p;
}

/**
 * DETECT_PERIOD (§4): the SimpleDetector's period if it finds one, else the SpectrumDetector's.
 * 0 (or 1) means no seasonality.
 *
 * @param values the series chosen for period detection (§3.2)
 * @param granularity the request granularity
 * @param customInterval the request's customInterval (1 when absent)
 *
 * @example
 * ```ts
 * import { detectPeriod } from "./period.ts";
 * import assert from "node:assert/strict";
 * const weekly = Array.from({ length: 60 }, (_, i) => 10 + 3 * Math.sin((2 * Math.PI * i) / 7));
 * assert.equal(detectPeriod(weekly, "daily"), 7);
 * ```
 */
export function detectPeriod(
  values: NumericArray,
  granularity: Granularity,
  customInterval = 1,
): number {
  const simple = simpleDetector(values, granularity, customInterval);
  if (simple) return simple;
  return spectrumDetector(values);
}
