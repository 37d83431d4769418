/**
 * STL decomposition (spec §5): R's `stl` algorithm as ported by `rstl` (no periodic
 * post-processing), called with `s.window = "periodic"` and robust fitting, plus the engine's
 * wrappers (§5.7): log decomposition, last-point trend adjustment, the de-outlier rerun and the
 * choice between the plain and the log decomposition.
 *
 * Internally positions follow the Fortran 1-based convention of the spec; arrays are 0-based.
 *
 * @module
 */
import {
  adjacentOrderStatistics,
  mean,
  median,
  naiveStd,
  nanMean,
  type NumericArray,
  pairwiseSum,
} from "./stats.ts";

/** A decomposition y = trend + seasonal + remainder. */
export interface StlResult {
  /** Seasonal component. */
  seasonal: Float64Array;
  /** Trend component. */
  trend: Float64Array;
  /** Remainder (y − trend − seasonal for the plain decomposition). */
  remainder: Float64Array;
}

/** Result of {@linkcode stl}: the decomposition and the final robustness weights. */
export interface StlFit extends StlResult {
  /** Robustness weights of the last outer iteration (all 1 when not robust). */
  weights: Float64Array;
}

/** Options of {@linkcode stl}. */
export interface StlOptions {
  /**
   * Robust fitting: 1 inner and 15 outer iterations with bisquare weights; otherwise 2 inner
   * iterations and no outer ones.
   * @default {true}
   */
  robust?: boolean;
}

/** STL parameters derived from n and the period (§5.1). */
export interface StlParameters {
  ns: number;
  nt: number;
  nl: number;
  isdeg: number;
  itdeg: number;
  ildeg: number;
  nsjump: number;
  ntjump: number;
  nljump: number;
}

function nextOdd(x: number): number {
  const r = Math.round(x);
  return r % 2 === 0 ? r + 1 : r;
}

function oddAtLeast3(x: number): number {
  const v = Math.max(3, x);
  return v % 2 === 0 ? v + 1 : v;
}

/** The parameter values of §5.1 for a series of length n and period np (s.window "periodic"). */
export function stlParameters(n: number, np: number): StlParameters {
  const ns = oddAtLeast3(10 * n + 1);
  const nt = oddAtLeast3(nextOdd(Math.ceil((1.5 * np) / (1 - 1.5 / (10 * n + 1)))));
  const nl = oddAtLeast3(nextOdd(np));
  return {
    ns,
    nt,
    nl,
    isdeg: 0,
    itdeg: 1,
    ildeg: 1,
    nsjump: Math.ceil(ns / 10),
    ntjump: Math.ceil(nt / 10),
    nljump: Math.ceil(nl / 10),
  };
}

/** Scratch buffer for the window sums of LOESS_EST. */
class Scratch {
  w = new Float64Array(16);
  t = new Float64Array(16);
  /** Tricube weights by integer distance r, per bandwidth h. */
  #tri = new Map<number, Float64Array>();
  ensure(len: number): void {
    if (this.w.length < len) {
      this.w = new Float64Array(len * 2);
      this.t = new Float64Array(len * 2);
    }
  }
  /** Tricube table for bandwidth h covering distances 0..maxR (cached per h). */
  tricube(h: number, maxR: number): Float64Array {
    let tri = this.#tri.get(h);
    if (tri === undefined || tri.length <= maxR) {
      tri = new Float64Array(maxR + 1);
      const h9 = 0.999 * h;
      const h1 = 0.001 * h;
      for (let r = 0; r <= maxR; r++) {
        tri[r] = r <= h9 ? (r <= h1 ? 1 : Math.pow(1 - Math.pow(r / h, 3), 3)) : 0;
      }
      this.#tri.set(h, tri);
    }
    return tri;
  }
}

/**
 * LOESS_EST (§5.5) on y[yOff + 0 .. yOff + n − 1] (1-based positions 1..n), fitted at xs over
 * positions nleft..nright. Returns NaN on failure (all weights 0).
 */
function loessEst(
  y: Float64Array,
  yOff: number,
  n: number,
  len: number,
  ideg: number,
  xs: number,
  nleft: number,
  nright: number,
  rw: Float64Array | null,
  rwOff: number,
  s: Scratch,
): number {
  const m = nright - nleft + 1;
  s.ensure(m);
  const w = s.w;
  const t = s.t;
  const range = n - 1;
  const maxR = Math.max(xs - nleft, nright - xs);
  let h = maxR;
  if (len > n) h += Math.floor((len - n) / 2);
  // positions and xs are integers, so the distances r = |j − xs| index a tricube table
  const tri = s.tricube(h, maxR);
  if (rw === null) {
    for (let q = 0; q < m; q++) w[q] = tri[Math.abs(nleft + q - xs)];
  } else {
    for (let q = 0; q < m; q++) {
      const j = nleft + q;
      w[q] = rw[rwOff + j - 1] * tri[Math.abs(j - xs)];
    }
  }
  const a = pairwiseSum(w, 0, m);
  if (!(a > 0)) return NaN;
  const yBase = yOff + nleft - 1;
  if (h > 0 && ideg > 0) {
    for (let q = 0; q < m; q++) {
      const wq = w[q] / a;
      w[q] = wq;
      t[q] = wq * (nleft + q);
    }
    const cbar = pairwiseSum(t, 0, m);
    let b = xs - cbar;
    for (let q = 0; q < m; q++) {
      const d = nleft + q - cbar;
      t[q] = w[q] * (d * d);
    }
    const c = pairwiseSum(t, 0, m);
    if (Math.sqrt(c) > 0.001 * range) {
      b = b / c;
      for (let q = 0; q < m; q++) t[q] = w[q] * (b * (nleft + q - cbar) + 1) * y[yBase + q];
      return pairwiseSum(t, 0, m);
    }
    for (let q = 0; q < m; q++) t[q] = w[q] * y[yBase + q];
    return pairwiseSum(t, 0, m);
  }
  for (let q = 0; q < m; q++) t[q] = (w[q] / a) * y[yBase + q];
  return pairwiseSum(t, 0, m);
}

/**
 * LOESS_SMOOTH (§5.5): smooths y[yOff ..] (n values) into ys[ysOff ..].
 */
function loessSmooth(
  y: Float64Array,
  yOff: number,
  n: number,
  len: number,
  ideg: number,
  njump: number,
  rw: Float64Array | null,
  rwOff: number,
  ys: Float64Array,
  ysOff: number,
  s: Scratch,
): void {
  if (n < 2) {
    ys[ysOff] = y[yOff];
    return;
  }
  const est = (i: number, nleft: number, nright: number) => {
    const v = loessEst(y, yOff, n, len, ideg, i, nleft, nright, rw, rwOff, s);
    ys[ysOff + i - 1] = Number.isNaN(v) ? y[yOff + i - 1] : v;
  };
  const nj = Math.min(njump, n - 1);
  let nleft = 1;
  let nright = n;
  if (len >= n) {
    nleft = 1;
    nright = n;
    for (let i = 1; i <= n; i += nj) est(i, nleft, nright);
  } else if (nj === 1) {
    const nsh = Math.floor((len + 1) / 2);
    nleft = 1;
    nright = len;
    for (let i = 1; i <= n; i++) {
      if (i > nsh && nright !== n) {
        nleft++;
        nright++;
      }
      est(i, nleft, nright);
    }
  } else {
    const nsh = Math.floor((len + 1) / 2);
    for (let i = 1; i <= n; i += nj) {
      if (i < nsh) {
        nleft = 1;
        nright = len;
      } else if (i >= n - nsh + 1) {
        nleft = n - len + 1;
        nright = n;
      } else {
        nleft = i - nsh + 1;
        nright = len + i - nsh;
      }
      est(i, nleft, nright);
    }
  }
  if (nj !== 1) {
    for (let i = 1; i <= n - nj; i += nj) {
      const yi = ys[ysOff + i - 1];
      const delta = (ys[ysOff + i + nj - 1] - yi) / nj;
      for (let m = 1; m < nj; m++) ys[ysOff + i + m - 1] = yi + delta * m;
    }
    const k = Math.floor((n - 1) / nj) * nj + 1;
    if (k !== n) {
      est(n, nleft, nright);
      if (k !== n - 1) {
        const yk = ys[ysOff + k - 1];
        const delta = (ys[ysOff + n - 1] - yk) / (n - k);
        for (let m = 1; m < n - k; m++) ys[ysOff + k + m - 1] = yk + delta * m;
      }
    }
  }
}

/** MOVING_AVERAGE (§5.3): running-sum moving average of x[0..n−1] with the given length. */
function movingAverage(x: Float64Array, n: number, len: number, out: Float64Array): void {
  const newn = n - len + 1;
  let v = pairwiseSum(x, 0, len);
  out[0] = v / len;
  for (let j = 1; j < newn; j++) {
    v = v - x[j - 1] + x[j + len - 1];
    out[j] = v / len;
  }
}

/** Sum of the k1-th and k2-th smallest values (k2 ∈ {k1, k1 + 1}), with one selection. */
function middlePairSum(r: Float64Array, k1: number, k2: number): number {
  const [lo, next] = adjacentOrderStatistics(r, k1);
  return k2 === k1 ? lo + lo : lo + next;
}

/** ROBUSTNESS_WEIGHTS (§5.6): bisquare weights of |y − fit| scaled by 6·median. */
function robustnessWeights(y: NumericArray, fit: Float64Array, rw: Float64Array): void {
  const n = y.length;
  const r = new Float64Array(n);
  for (let i = 0; i < n; i++) r[i] = Math.abs(y[i] - fit[i]);
  const mid0 = Math.floor(n / 2) + 1;
  const mid1 = n - mid0 + 1;
  const cmad = 3.0 * middlePairSum(r, mid1 - 1, mid0 - 1);
  const c9 = 0.999 * cmad;
  const c1 = 0.001 * cmad;
  for (let i = 0; i < n; i++) {
    const ri = r[i];
    if (ri <= c1) rw[i] = 1;
    else if (ri <= c9) {
      const u = ri / cmad;
      const q = 1 - u * u;
      rw[i] = q * q;
    } else rw[i] = 0;
  }
}

/**
 * R's STL (rstl flavour, §5.2–§5.6) with `s.window = "periodic"`: returns seasonal, trend,
 * remainder and the robustness weights.
 * @throws {RangeError} when the period is not an integer ≥ 2 or n < 2·period + 1
 */
export function stl(y: NumericArray, period: number, options: StlOptions = {}): StlFit {
  const n = y.length;
  const np = period;
  if (!Number.isInteger(np) || np < 2) {
    throw new RangeError(
      `Cannot decompose series as the period must be an integer ≥ 2: current value is ${period}`,
    );
  }
  if (n < 2 * np + 1) {
    throw new RangeError(
      `Cannot decompose series as it must have at least 2·period + 1 = ${
        2 * np + 1
      } points: current length is ${n}`,
    );
  }
  const robust = options.robust ?? true;
  const inner = robust ? 1 : 2;
  const outer = robust ? 15 : 0;
  const p = stlParameters(n, np);
  const yy = Float64Array.from(y);
  const rw = new Float64Array(n);
  const season = new Float64Array(n);
  const trend = new Float64Array(n);
  const len2 = n + 2 * np;
  const w0 = new Float64Array(len2);
  const w1 = new Float64Array(len2);
  const w2 = new Float64Array(len2);
  const sub = new Float64Array(Math.floor(n / np) + 2);
  const subw = new Float64Array(Math.floor(n / np) + 2);
  const subOut = new Float64Array(Math.floor(n / np) + 3);
  const scratch = new Scratch();
  let userw = false;

  const step = () => {
    for (let it = 0; it < inner; it++) {
      // 1. detrend
      for (let i = 0; i < n; i++) w0[i] = yy[i] - trend[i];
      // 2. cycle-subseries smoothing into w1 (length n + 2np)
      for (let j = 1; j <= np; j++) {
        const k = Math.floor((n - j) / np) + 1;
        for (let m = 0; m < k; m++) {
          sub[m] = w0[m * np + j - 1];
          if (userw) subw[m] = rw[m * np + j - 1];
        }
        const srw = userw ? subw : null;
        loessSmooth(sub, 0, k, p.ns, p.isdeg, p.nsjump, srw, 0, subOut, 1, scratch);
        const first = loessEst(sub, 0, k, p.ns, p.isdeg, 0, 1, Math.min(p.ns, k), srw, 0, scratch);
        subOut[0] = Number.isNaN(first) ? subOut[1] : first;
        const last = loessEst(
          sub,
          0,
          k,
          p.ns,
          p.isdeg,
          k + 1,
          Math.max(1, k - p.ns + 1),
          k,
          srw,
          0,
          scratch,
        );
        subOut[k + 1] = Number.isNaN(last) ? subOut[k] : last;
        for (let m = 0; m < k + 2; m++) w1[m * np + j - 1] = subOut[m];
      }
      // 3. low-pass filter of the cycle-subseries
      movingAverage(w1, len2, np, w2);
      movingAverage(w2, n + np + 1, np, w0);
      movingAverage(w0, n + 2, 3, w2);
      loessSmooth(w2, 0, n, p.nl, p.ildeg, p.nljump, null, 0, w0, 0, scratch);
      // 4. seasonal; 5. deseasonalise
      for (let i = 0; i < n; i++) season[i] = w1[np + i] - w0[i];
      for (let i = 0; i < n; i++) w0[i] = yy[i] - season[i];
      // 6. trend
      loessSmooth(w0, 0, n, p.nt, p.itdeg, p.ntjump, userw ? rw : null, 0, trend, 0, scratch);
    }
  };

  step();
  const fit = new Float64Array(n);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < n; i++) fit[i] = trend[i] + season[i];
    robustnessWeights(yy, fit, rw);
    userw = true;
    step();
  }
  if (outer <= 0) rw.fill(1);
  const remainder = new Float64Array(n);
  for (let i = 0; i < n; i++) remainder[i] = yy[i] - trend[i] - season[i];
  return { seasonal: season, trend, remainder, weights: rw };
}

/** stlCore (§5.7): robust periodic STL, returning (seasonal, trend, remainder). */
export function stlCore(y: NumericArray, period: number): StlResult {
  const { seasonal, trend, remainder } = stl(y, period);
  return { seasonal, trend, remainder };
}

/**
 * stlLog (§5.7): STL of ln(y'), y' = y shifted to a minimum of 1 when min(y) < 1, mapped back
 * multiplicatively; the trend is shifted back, the seasonal part and remainder are not.
 */
export function stlLog(y: NumericArray, period: number): StlResult {
  const n = y.length;
  let base = Infinity;
  for (let i = 0; i < n; i++) if (y[i] < base) base = y[i];
  const shift = base < 1;
  const yp = new Float64Array(n);
  for (let i = 0; i < n; i++) yp[i] = shift ? y[i] - base + 1 : y[i];
  const ly = new Float64Array(n);
  for (let i = 0; i < n; i++) ly[i] = Math.log(yp[i]);
  const d = stlCore(ly, period);
  const trend = new Float64Array(n);
  const seasonal = new Float64Array(n);
  const remainder = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    trend[i] = Math.exp(d.trend[i]);
    seasonal[i] = Math.exp(d.trend[i] + d.seasonal[i]) - trend[i];
    remainder[i] = yp[i] - trend[i] - seasonal[i];
  }
  if (shift) { for (let i = 0; i < n; i++) trend[i] = trend[i] - 1 + base; }
  return { seasonal, trend, remainder };
}

/** A decomposition function of the engine wrappers. */
export type Decompose = (y: NumericArray, period: number) => StlResult;

/** Options of {@linkcode stlAdjustTrend} and {@linkcode deOutlierStl}. */
export interface StlWrapperOptions {
  /**
   * Use the log decomposition ({@linkcode stlLog}) instead of {@linkcode stlCore}.
   * @default {false}
   */
  log?: boolean;
}

/**
 * stlAdjustTrend (§5.7, last mode): decomposes y and y extended by the median of the points in the
 * phase of the would-be next point, and keeps the one whose remainder at the last point of y is
 * smaller in magnitude (y wins ties).
 */
export function stlAdjustTrend(
  y: NumericArray,
  period: number,
  options: StlWrapperOptions = {},
): StlResult {
  const f = options.log ? stlLog : stlCore;
  const n = y.length;
  const same: number[] = [];
  for (let i = n - period; i >= 0; i -= period) same.push(y[i]);
  const ext = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) ext[i] = y[i];
  ext[n] = median(same);
  const dy = f(y, period);
  const de = f(ext, period);
  if (Math.abs(dy.remainder[n - 1]) <= Math.abs(de.remainder[n - 1])) return dy;
  return {
    seasonal: de.seasonal.slice(0, n),
    trend: de.trend.slice(0, n),
    remainder: de.remainder.slice(0, n),
  };
}

/**
 * deOutlierStl (§5.7): decomposes with f, blanks the detrended outliers (|z| ≥ 3) of phases that hold
 * few of them, fills them forward then backward, and decomposes again.
 */
export function deOutlierStl(y: NumericArray, period: number, f: Decompose): StlResult {
  const n = y.length;
  const d = f(y, period);
  const u = new Float64Array(n);
  for (let i = 0; i < n; i++) u[i] = d.remainder[i] + d.seasonal[i];
  const m = mean(u);
  const s = naiveStd(u);
  if (s === 0) return d;
  const outliers: number[] = [];
  for (let i = 0; i < n; i++) if (Math.abs(u[i] - m) / s >= 3) outliers.push(i);
  if (outliers.length === 0) return d;
  const perPhase = new Int32Array(period);
  for (const i of outliers) perPhase[i % period]++;
  const limit = Math.trunc(n / period / 2);
  const kept = outliers.filter((i) => perPhase[i % period] <= limit);
  if (kept.length === 0) return d;
  for (const i of kept) u[i] = NaN;
  let last = NaN;
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(u[i])) u[i] = last;
    else last = u[i];
  }
  let next = NaN;
  for (let i = n - 1; i >= 0; i--) {
    if (Number.isNaN(u[i])) u[i] = next;
    else next = u[i];
  }
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) z[i] = u[i] + d.trend[i];
  return f(z, period);
}

/** Options of {@linkcode seasonalDecompose}. */
export interface SeasonalDecomposeOptions {
  /**
   * Last mode: decompose with {@linkcode stlAdjustTrend} instead of the plain STL.
   * @default {false}
   */
  adjustTrend?: boolean;
}

function mape(remainder: Float64Array, y: NumericArray): number {
  const n = y.length;
  const t = new Float64Array(n);
  for (let i = 0; i < n; i++) t[i] = Math.abs(remainder[i] / y[i]);
  return nanMean(t);
}

/** MAPE above which the log decomposition is tried (§5.7). */
const MAPE_UB = 0.10;
/** MAPE below which the log decomposition is taken (§5.7). */
const MAPE_LB = 0.05;

/**
 * The seasonal model's decomposition (§5.7, "choice between plain and log"): the de-outlier
 * decomposition, replaced by its log variant when the plain MAPE exceeds 0.10 and the log MAPE is
 * below 0.05.
 */
export function seasonalDecompose(
  y: NumericArray,
  period: number,
  options: SeasonalDecomposeOptions = {},
): StlResult {
  const plain: Decompose = options.adjustTrend ? (v, p) => stlAdjustTrend(v, p) : stlCore;
  const logged: Decompose = options.adjustTrend
    ? (v, p) => stlAdjustTrend(v, p, { log: true })
    : stlLog;
  const d = deOutlierStl(y, period, plain);
  if (mape(d.remainder, y) > MAPE_UB) {
    const dl = deOutlierStl(y, period, logged);
    if (mape(dl.remainder, y) < MAPE_LB) return dl;
  }
  return d;
}
