/**
 * Stationarity tests as the engine's oracle computes them (spec §9.2–§9.3): the augmented
 * Dickey–Fuller test with constant and AIC lag search (statsmodels `adfuller` defaults) with
 * MacKinnon's approximate p-value, and the KPSS level-stationarity test with Hobijn's automatic
 * bandwidth and the 4-point p-value interpolation.
 *
 * @module
 */

import { householderLeastSquares } from "./_linalg.ts";
import { fft, ifft } from "./fft.ts";
import { KPSS_PVALUE_TABLE, MACKINNON_ADF_PVALUE } from "./_tables.ts";
import { mean } from "./stats.ts";

const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_PI = 0.5641895835477563; // 1/√π

/** Complementary error function, accurate to a few ulps over the whole real line. */
function erfc(z: number): number {
  if (Number.isNaN(z)) return NaN;
  if (z < 0) return 2 - erfc(-z);
  if (z < 2) {
    // erf(z) = (2/√π)·e^{−z²}·Σ (2z²)ⁿ·z / (1·3·…·(2n+1)), positive terms only.
    const z2 = z * z;
    let term = z;
    let sum = z;
    for (let n = 1; n < 200; n++) {
      term *= (2 * z2) / (2 * n + 1);
      sum += term;
      if (term < sum * 1e-17) break;
    }
    return 1 - 2 * INV_SQRT_PI * Math.exp(-z2) * sum;
  }
  if (z > 27) return 0;
  // Continued fraction erfc(z) = e^{−z²}/√π · 1/(z + (1/2)/(z + 1/(z + (3/2)/(z + …)))), modified Lentz.
  const tiny = 1e-300;
  let f = z;
  let c = z;
  let d = 0;
  for (let i = 1; i < 500; i++) {
    const a = i / 2;
    d = z + a * d;
    d = d === 0 ? tiny : d;
    c = z + a / c;
    c = c === 0 ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return (INV_SQRT_PI * Math.exp(-z * z)) / f;
}

/** Standard normal cumulative distribution function Φ. */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x * SQRT1_2);
}

/**
 * MacKinnon's approximate p-value of an ADF statistic for one series with a constant (§9.2
 * MACKINNON_C): 1 above 2.74, 0 below −18.83, otherwise Φ of a Horner-evaluated polynomial.
 *
 * @example
 * ```ts
 * import { mackinnonPValue } from "./stationarity.ts";
 * import assert from "node:assert/strict";
 * assert.equal(mackinnonPValue(-1.61), 0.4779756525941893);
 * assert.equal(mackinnonPValue(3.0), 1.0);
 * ```
 */
export function mackinnonPValue(tau: number): number {
  const coef = MACKINNON_ADF_PVALUE.c;
  if (tau > coef.tau_max) return 1.0;
  if (tau < coef.tau_min) return 0.0;
  const poly = tau <= coef.tau_star ? coef.small : coef.large;
  let y = 0;
  for (let i = poly.length - 1; i >= 0; i--) y = y * tau + poly[i];
  return normalCdf(y);
}

/** Result of {@linkcode adfTest}. */
export interface AdfResult {
  /** The ADF statistic τ (t-value of the lagged level). */
  statistic: number;
  /** MacKinnon p-value of τ. */
  pValue: number;
  /** Number of lagged differences chosen by AIC. */
  usedLag: number;
  /** Rows of the final regression. */
  nobs: number;
}

function assertFinite(v: ArrayLike<number>, test: string): void {
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(v[i])) {
      throw new RangeError(
        `Cannot run ${test} test as every value must be finite: value at ${i} is ${v[i]}`,
      );
    }
  }
}

/**
 * Augmented Dickey–Fuller test (§9.2): regression with a constant, maximum lag
 * min(N//2 − 2, ceil(12·(N/100)^¼)), lag chosen by AIC on the common sample, then τ from the
 * regression on the longest sample for that lag.
 *
 * @throws {RangeError} for a constant series, a series too short for a regression, or non-finite values
 */
export function adfTest(v: ArrayLike<number>): AdfResult {
  const N = v.length;
  assertFinite(v, "ADF");
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < N; i++) {
    lo = Math.min(lo, v[i]);
    hi = Math.max(hi, v[i]);
  }
  if (lo === hi) {
    throw new RangeError(`Cannot run ADF test as the series must not be constant: value is ${lo}`);
  }
  let maxlag = Math.ceil(12 * Math.pow(N / 100, 1 / 4));
  maxlag = Math.min(Math.floor(N / 2) - 1 - 1, maxlag);
  if (maxlag < 0) {
    throw new RangeError(
      `Cannot run ADF test as the series is too short for a lag search: length is ${N}`,
    );
  }
  const dv = new Float64Array(N - 1);
  for (let t = 0; t < N - 1; t++) dv[t] = v[t + 1] - v[t];

  // Lag search on the common sample t = maxlag .. N−2; columns [1, v[t], dv[t−1], …, dv[t−maxlag]].
  const m = N - 1 - maxlag;
  const cols: Float64Array[] = [];
  cols.push(new Float64Array(m).fill(1));
  const level = new Float64Array(m);
  for (let r = 0; r < m; r++) level[r] = v[maxlag + r];
  cols.push(level);
  for (let j = 1; j <= maxlag; j++) {
    const c = new Float64Array(m);
    for (let r = 0; r < m; r++) c[r] = dv[maxlag + r - j];
    cols.push(c);
  }
  const yShort = dv.subarray(maxlag);
  const qr = householderLeastSquares(cols, yShort);
  const tail = suffixSquares(qr.qty);
  const base = m * Math.log(2 * Math.PI) + m;
  let bestLag = 0;
  let bestAic = Infinity;
  for (let p = 0; p <= maxlag; p++) {
    // The fit of the first p + 2 columns leaves the rotated components beyond their rank; the AIC
    // counts the rank as the number of parameters (statsmodels df_model + k_constant).
    const rank = qr.rankAfter[p + 1];
    const aic = base + m * Math.log(tail[rank] / m) + 2 * rank;
    if (aic < bestAic) {
      bestAic = aic;
      bestLag = p;
    }
  }

  // Final regression on t = p .. N−2, columns [dv[t−1..t−p], 1, v[t]] (level last).
  const p = bestLag;
  const rows = N - 1 - p;
  const fin: Float64Array[] = [];
  for (let j = 1; j <= p; j++) {
    const c = new Float64Array(rows);
    for (let r = 0; r < rows; r++) c[r] = dv[p + r - j];
    fin.push(c);
  }
  fin.push(new Float64Array(rows).fill(1));
  const lv = new Float64Array(rows);
  for (let r = 0; r < rows; r++) lv[r] = v[p + r];
  fin.push(lv);
  const k = p + 2;
  const q2 = householderLeastSquares(fin, dv.subarray(p));
  const rank = q2.rankAfter[k - 1];
  const ssr = suffixSquares(q2.qty)[rank];
  const s = Math.sqrt(ssr / (rows - rank));
  const levelRow = q2.rowOf[k - 1];
  const tau = levelRow === -1 ? NaN : (Math.sign(q2.diag[k - 1]) * q2.qty[levelRow]) / s;
  return { statistic: tau, pValue: mackinnonPValue(tau), usedLag: p, nobs: rows };
}

/** Suffix sums of squares: out[i] = Σ_{j ≥ i} v[j]², out[len] = 0. */
function suffixSquares(v: Float64Array): Float64Array {
  const out = new Float64Array(v.length + 1);
  for (let i = v.length - 1; i >= 0; i--) out[i] = out[i + 1] + v[i] * v[i];
  return out;
}

/** Result of {@linkcode kpssTest}. */
export interface KpssResult {
  /** The KPSS statistic η/σ̂². */
  statistic: number;
  /** Interpolated p-value, clamped to [0.01, 0.10]. */
  pValue: number;
  /** Bartlett lags chosen by the Hobijn et al. rule. */
  lags: number;
}

/** Above this many multiply-adds the lag products come from one FFT autocorrelation. */
const DIRECT_LAG_WORK = 1 << 22;

/**
 * Lag products Σ_t r[t+i]·r[t] for i = 0..maxLag: directly for small work, else through the
 * FFT of the zero-padded series (|F|² transformed back), which agrees to ~1e-16 relative to Σr².
 */
function lagProducts(r: Float64Array, maxLag: number): Float64Array {
  const n = r.length;
  const out = new Float64Array(maxLag + 1);
  if (maxLag * n <= DIRECT_LAG_WORK) {
    for (let i = 0; i <= maxLag; i++) out[i] = lagProduct(r, i);
    return out;
  }
  let size = 1;
  while (size < 2 * n) size *= 2;
  const padded = new Float64Array(size);
  padded.set(r);
  const F = fft(padded);
  const power = new Float64Array(size);
  for (let k = 0; k < size; k++) power[k] = F.re[k] * F.re[k] + F.im[k] * F.im[k];
  const back = ifft(power);
  for (let i = 0; i <= maxLag; i++) out[i] = back.re[i];
  return out;
}

function lagProduct(r: Float64Array, i: number): number {
  let s = 0;
  for (let t = 0; t + i < r.length; t++) s += r[t + i] * r[t];
  return s;
}

/**
 * KPSS level-stationarity test (§9.3) with Hobijn et al.'s automatic bandwidth and the
 * statsmodels 4-point p-value table.
 *
 * @throws {RangeError} when the bandwidth is undefined (a constant series) or values are not finite
 */
export function kpssTest(v: ArrayLike<number>): KpssResult {
  const N = v.length;
  assertFinite(v, "KPSS");
  const mu = mean(v);
  const r = new Float64Array(N);
  for (let i = 0; i < N; i++) r[i] = v[i] - mu;
  const c = Math.trunc(Math.pow(N, 2 / 9));
  let sumSq = 0;
  for (let i = 0; i < N; i++) sumSq += r[i] * r[i];
  let s0 = sumSq / N;
  let s1 = 0;
  for (let i = 1; i <= c; i++) {
    const q = lagProduct(r, i) / (N / 2);
    s0 += q;
    s1 += i * q;
  }
  const sHat = s1 / s0;
  const gamma = 1.1447 * Math.pow(sHat * sHat, 1 / 3);
  const auto = gamma * Math.pow(N, 1 / 3);
  if (!Number.isFinite(auto)) {
    throw new RangeError(
      `Cannot run KPSS test as the automatic bandwidth must be finite: current value is ${auto}`,
    );
  }
  const lags = Math.min(Math.trunc(auto), N - 1);
  let cs = 0;
  let eta = 0;
  for (let i = 0; i < N; i++) {
    cs += r[i];
    eta += cs * cs;
  }
  eta /= N * N;
  let sigma = sumSq;
  const products = lagProducts(r, lags);
  for (let i = 1; i <= lags; i++) sigma += 2 * products[i] * (1.0 - i / (lags + 1.0));
  sigma /= N;
  const stat = eta / sigma;
  return { statistic: stat, pValue: interp(stat), lags };
}

/** numpy `interp` of the statistic over the KPSS critical values (constant outside). */
function interp(x: number): number {
  const { crit, pvals } = KPSS_PVALUE_TABLE.c;
  const last = crit.length - 1;
  if (Number.isNaN(x)) return NaN;
  if (x <= crit[0]) return pvals[0];
  if (x >= crit[last]) return pvals[last];
  let j = 0;
  while (x >= crit[j + 1]) j++;
  const slope = (pvals[j + 1] - pvals[j]) / (crit[j + 1] - crit[j]);
  return slope * (x - crit[j]) + pvals[j];
}

/**
 * The engine's stationarity decision (§9.1): ADF p < 0.05, else KPSS p ≥ 0.05 (KPSS only when
 * ADF fails). Any failure of either test counts as stationary.
 *
 * KPSS is evaluated first because it is cheap: "KPSS p ≥ 0.05 or KPSS fails" already decides
 * "stationary" whatever ADF gives, so the outcome is the engine's.
 */
export function isStationary(v: ArrayLike<number>): boolean {
  try {
    if (kpssTest(v).pValue >= 0.05) return true;
  } catch {
    return true;
  }
  try {
    return adfTest(v).pValue < 0.05;
  } catch {
    return true;
  }
}
