/**
 * The engine's spline trend (spec §7.2–§7.4): a least-squares cubic B-spline with few knots, its
 * ends straightened by Theil–Sen lines (AGLET), the period guess that picks the window when no
 * period is known, and the Welch periodogram with its peak picking.
 *
 * @module
 */

import { lsqCubicSpline } from "./_spline.ts";
import { medianFilterF32 } from "./f32_kernels.ts";
import { isclose, mean, pairwiseSum, roundHalfEven } from "./stats.ts";
import { fastTheilSenSlope } from "./_theil_sen.ts";
import { rfft } from "./fft.ts";

/** Options of {@linkcode aglet}. */
export interface AgletOptions {
  /**
   * Treat `s` as a float32 array: Theil–Sen differences in float32 and every output value rounded
   * to float32 (the median-filter case of §7.3).
   * @default {false}
   */
  float32?: boolean;
}

/**
 * Least-squares cubic spline of `x` (abscissae 0..n−1) with `nsegs` segments (§7.2 LSQ_SPLINE):
 * nk = max(2, nsegs + 1) and interior knots j·(n−1)/(nk+1) for j = 1..nk−1.
 *
 * @throws {RangeError} when nsegs is not a positive integer or x has fewer than 4 points
 */
export function lsqSpline(x: ArrayLike<number>, nsegs: number): Float64Array {
  if (!Number.isInteger(nsegs) || nsegs < 1) {
    throw new RangeError(
      `Cannot fit spline as nsegs must be a positive integer: current value is ${nsegs}`,
    );
  }
  const n = x.length;
  if (n < 4) {
    throw new RangeError(
      `Cannot fit spline as the series must have at least 4 points: current length is ${n}`,
    );
  }
  const nk = Math.max(2, nsegs + 1);
  const step = (n - 1) / (nk + 1);
  const knots = new Float64Array(nk - 1);
  for (let j = 1; j < nk; j++) knots[j - 1] = j * step;
  return lsqCubicSpline(x, knots);
}

/**
 * Straightens both ends of `s` over half a window (§7.2 AGLET): the first and last `w//2` values
 * are replaced by Theil–Sen lines fitted to the first and last `w` values.
 *
 * @throws {RangeError} when w is not an integer in [2, len(s)]
 */
export function aglet(s: ArrayLike<number>, w: number, options: AgletOptions = {}): Float64Array {
  const n = s.length;
  if (!Number.isInteger(w) || w < 2 || w > n) {
    throw new RangeError(
      `Cannot straighten ends as the window must be an integer in [2, ${n}]: current value is ${w}`,
    );
  }
  const useF32 = options.float32 ?? false;
  const store = useF32 ? Math.fround : (v: number) => v;
  const h = Math.floor(w / 2);
  const left = Array.prototype.slice.call(s, 0, w) as number[];
  const right = Array.prototype.slice.call(s, n - w, n) as number[];
  const mL = fastTheilSenSlope(left, useF32);
  const mR = fastTheilSenSlope(right, useF32);
  const out = Float64Array.from(s, (v) => store(v));
  const sh = s[h];
  for (let i = 0; i < h; i++) out[i] = store((i - h) * mL + sh);
  const sr = s[n - h - 1];
  for (let j = 1; j <= h; j++) out[n - h + j - 1] = store(j * mR + sr);
  return out;
}

/**
 * The engine's trend (§7.2 TREND): mean for fewer than 6 points; otherwise a least-squares spline
 * with window `w` (min(n//3, 512) when the period is ≤ 1, else 2·period − 1 made odd) and
 * `n//(2w) + 1` segments, its ends straightened with {@linkcode aglet}.
 *
 * @param x The series.
 * @param period The seasonal period; `undefined` guesses it with {@linkcode guessPeriod}.
 *
 * @example
 * ```ts
 * import { splineTrend } from "./trend.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(Array.from(splineTrend([1, 2, 3, 4, 5])), [3, 3, 3, 3, 3]);
 * const t = splineTrend([1, 3, 2, 4, 3, 5, 4, 6, 5, 7, 6, 8], 0);
 * assert.equal(t[2], 2.89891238436315);
 * ```
 */
export function splineTrend(x: ArrayLike<number>, period?: number): Float64Array {
  const n = x.length;
  if (n < 6) return new Float64Array(n).fill(mean(x));
  const p = period === undefined ? guessPeriod(x) : period;
  const w = p <= 1 ? Math.min(Math.floor(n / 3), 512) : Math.floor(Math.trunc(2 * p) / 2) * 2 - 1;
  const nsegs = Math.floor(n / (2 * w)) + 1;
  const s = lsqSpline(x, nsegs);
  return aglet(s, w);
}

/**
 * Guesses the period of a trended series (§7.3 GUESS_PERIOD): removes a broad float32 median trend,
 * then takes the power-weighted mean of the periodogram peaks; `min(n//3, 512)` when there is no peak.
 *
 * @throws {RangeError} when the broad trend is not finite (non-finite input)
 */
export function guessPeriod(x: ArrayLike<number>): number {
  const n = x.length;
  const mp = Math.min(Math.floor(n / 3), 512);
  const w = mp > 1 ? 2 * mp - 1 : mp;
  const broad = aglet(medianFilterF32(x, w), w, { float32: true });
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(broad[i])) {
      throw new RangeError(
        `Cannot guess period as the broad trend must be finite: value at ${i} is ${broad[i]}`,
      );
    }
    d[i] = x[i] - broad[i];
  }
  const peaks = periodogramPeaks(d);
  if (peaks === undefined) return mp;
  let num = 0;
  let den = 0;
  for (const pk of peaks) {
    num += pk.period * pk.power;
    den += pk.power;
  }
  return roundHalfEven(num / den);
}

/** Options of {@linkcode periodogram} and {@linkcode periodogramPeaks}. */
export interface PeriodogramOptions {
  /**
   * Shortest period kept.
   * @default {4}
   */
  minPeriod?: number;
  /**
   * Longest period of interest; the first kept period is the last one ≥ this.
   * @default {trunc(min(n/3, 512))}
   */
  maxPeriod?: number;
}

/** A periodogram over integer periods, in descending period order. */
export interface Periodogram {
  period: number[];
  power: number[];
}

/**
 * Welch periodogram over integer periods (§7.4 PERIODOGRAM): periodic Hann window of length
 * L = min(2·maxPeriod, n//2), 50 % overlap, per-segment mean removal, "spectrum" scaling, mean over
 * segments; bins converted to rounded periods, equal periods merged (max power), the segment-length
 * artefact zeroed, and the range cut to [minPeriod, last period ≥ maxPeriod].
 *
 * @throws {RangeError} when the series is too short for one segment
 */
export function periodogram(d: ArrayLike<number>, options: PeriodogramOptions = {}): Periodogram {
  const n = d.length;
  const minPeriod = options.minPeriod ?? 4;
  const maxPeriod = options.maxPeriod ?? Math.trunc(Math.min(n / 3.0, 512));
  const L = Math.min(2 * maxPeriod, Math.floor(n / 2));
  if (L < 2) {
    throw new RangeError(
      `Cannot compute periodogram as the segment length must be at least 2: current value is ${L}`,
    );
  }
  const win = new Float64Array(L);
  const stepAngle = (2 * Math.PI) / L;
  for (let k = 0; k < L; k++) win[k] = 0.5 + 0.5 * Math.cos(k * stepAngle + -Math.PI);
  const wsum = pairwiseSum(win);
  const scale = 1.0 / (wsum * wsum);
  const noverlap = Math.floor(L / 2);
  const step = L - noverlap;
  const nseg = Math.floor((n - noverlap) / step);
  const nb = Math.floor(L / 2) + 1;
  const acc = new Float64Array(nb);
  const seg = new Float64Array(L);
  const evenL = L % 2 === 0;
  for (let s = 0; s < nseg; s++) {
    const off = s * step;
    for (let k = 0; k < L; k++) seg[k] = d[off + k];
    const m = mean(seg);
    for (let k = 0; k < L; k++) seg[k] = win[k] * (seg[k] - m);
    const F = rfft(seg);
    for (let k = 0; k < nb; k++) {
      let p = (F.re[k] * F.re[k] + F.im[k] * F.im[k]) * scale;
      if (k > 0 && !(evenL && k === nb - 1)) p *= 2;
      acc[k] += p;
    }
  }
  // Periods of bins 1..L//2, descending; runs of equal rounded period keep their maximum power.
  const val = 1.0 / L;
  const period: number[] = [];
  const power: number[] = [];
  for (let k = 1; k < nb; k++) {
    const per = roundHalfEven(1 / (k * val));
    const pw = acc[k] / nseg;
    const last = period.length - 1;
    if (last >= 0 && period[last] === per) {
      if (pw > power[last]) power[last] = pw;
    } else {
      period.push(per);
      power.push(pw);
    }
  }
  for (let i = 0; i < period.length; i++) if (period[i] === L) power[i] = 0;
  let atLeastMax = 0;
  let belowMin = 0;
  for (const per of period) {
    if (per >= maxPeriod) atLeastMax++;
    if (per < minPeriod) belowMin++;
  }
  const len = period.length;
  const [from, to] = pySlice(atLeastMax - 1, len - belowMin, len);
  return { period: period.slice(from, to), power: power.slice(from, to) };
}

/** Python slice bounds [start:stop] resolved against a length. */
function pySlice(start: number, stop: number, len: number): [number, number] {
  const s = start < 0 ? Math.max(0, len + start) : Math.min(start, len);
  const e = stop < 0 ? Math.max(0, len + stop) : Math.min(stop, len);
  return [s, Math.max(s, e)];
}

/** One periodogram peak: its period and power, and the neighbouring periods. */
export interface PeriodogramPeak {
  period: number;
  power: number;
  /** Period of the next (shorter-period) entry. */
  next: number;
  /** Period of the previous (longer-period) entry. */
  previous: number;
}

/** Options of {@linkcode periodogramPeaks}. */
export interface PeriodogramPeaksOptions extends PeriodogramOptions {
  /**
   * Peaks must reach this fraction of the strongest power.
   * @default {0.9}
   */
  thresh?: number;
}

/**
 * Strongest periodogram peaks (§7.4 PERIODOGRAM_PEAKS): every entry whose power is at least
 * `thresh` times the maximum, strongest first. `undefined` when all power is ≈ 0 (|p| ≤ 1e-8).
 */
export function periodogramPeaks(
  d: ArrayLike<number>,
  options: PeriodogramPeaksOptions = {},
): PeriodogramPeak[] | undefined {
  const thresh = options.thresh ?? 0.9;
  const { period, power } = periodogram(d, options);
  const pw = power.slice();
  if (pw.every((p) => isclose(p, 0))) return undefined;
  let maxPw = -Infinity;
  for (const p of pw) if (p > maxPw) maxPw = p;
  const keep = maxPw * thresh;
  const out: PeriodogramPeak[] = [];
  const end = pw.length - 1;
  while (out.length < pw.length) {
    let i = 0;
    for (let j = 1; j < pw.length; j++) if (pw[j] > pw[i]) i = j;
    if (pw[i] < keep) break;
    out.push({
      period: period[i],
      power: pw[i],
      next: period[Math.min(i + 1, end)],
      previous: period[Math.max(i - 1, 0)],
    });
    pw[i] = 0;
  }
  return out.length === 0 ? undefined : out;
}
