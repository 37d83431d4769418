/**
 * Gap bookkeeping and imputation (spec §2.5, §3): previous, fixed, linear, and the three-stage
 * `auto` fill (not-a-knot cubic spline for short gaps, same-phase weighted average for long gaps,
 * linear for the rest).
 * @module
 */
import { IMPUTE_WEIGHTED_AVERAGE_WEIGHTS } from "./_tables.ts";

/** Largest span the engine fills (`DEFAULT_MAXIMUM_FILLUP_LENGTH` = 8640·2). */
export const MAX_FILL_SPAN = 17280;

/** Gap statistics of a series on its grid (§2.5, §3.1). */
export interface GapInfo {
  /** Span S = last index + 1. */
  span: number;
  /** Number of present points n. */
  present: number;
  /** Missing count M = S − n. */
  missing: number;
  /** M / S. */
  missingRatio: number;
  /** At least one gap and S ≤ 17 280. */
  needFill: boolean;
}

/** Computes the gap statistics of strictly increasing grid indices starting at 0. */
export function gapInfo(indices: readonly number[]): GapInfo {
  const n = indices.length;
  const span = n === 0 ? 0 : indices[n - 1] + 1;
  const missing = span - n;
  return {
    span,
    present: n,
    missing,
    missingRatio: span === 0 ? 0 : missing / span,
    needFill: missing > 0 && span <= MAX_FILL_SPAN,
  };
}

/** Fill modes of {@linkcode fillGaps}. */
export type GapFillMode = "auto" | "previous" | "linear" | "fixed";

/** Options of {@linkcode fillGaps}. */
export interface FillGapsOptions {
  /**
   * Constant of the `fixed` mode.
   * @default {0}
   */
  fixedValue?: number;
  /**
   * Period used by the `auto` mode (≤ 1 makes `auto` behave like `linear`).
   * @default {0}
   */
  period?: number;
}

/** A series filled over its whole grid 0..S−1. */
export interface FilledSeries {
  /** Values on the grid (length S). */
  values: number[];
  /** `true` where the grid position was missing and has been filled (length S). */
  filled: boolean[];
}

/**
 * Fills the gaps of a series given its grid indices and values. Returns `undefined` when no fill
 * happens (no gap, or span > 17 280), in which case the caller uses the present values as is.
 */
export function fillGaps(
  indices: readonly number[],
  values: readonly number[],
  mode: GapFillMode,
  options: FillGapsOptions = {},
): FilledSeries | undefined {
  if (indices.length !== values.length) {
    throw new RangeError(
      `Cannot fill gaps as indices and values must have the same length: current lengths are ${indices.length} and ${values.length}`,
    );
  }
  const info = gapInfo(indices);
  if (!info.needFill) return undefined;
  const filled = new Array<boolean>(info.span).fill(true);
  for (const p of indices) filled[p] = false;
  let out: number[];
  switch (mode) {
    case "previous":
      out = previousFill(indices, values, info.span);
      break;
    case "fixed": {
      const c = options.fixedValue ?? 0;
      out = new Array<number>(info.span).fill(c);
      for (let i = 0; i < indices.length; i++) out[indices[i]] = values[i];
      break;
    }
    case "linear":
      out = linearFill(indices, values, info.span);
      break;
    case "auto": {
      const period = options.period ?? 0;
      if (period <= 1) {
        out = linearFill(indices, values, info.span);
      } else {
        try {
          out = autoFill(indices, values, info.span, period);
        } catch {
          out = previousFill(indices, values, info.span);
        }
      }
      break;
    }
    default:
      throw new RangeError(
        `Cannot fill gaps as mode must be auto, previous, linear or fixed: current value is ${mode}`,
      );
  }
  return { values: out, filled };
}

function previousFill(indices: readonly number[], values: readonly number[], span: number) {
  const out = new Array<number>(span);
  for (let i = 0; i < indices.length; i++) {
    const end = i + 1 < indices.length ? indices[i + 1] : span;
    for (let p = indices[i]; p < end; p++) out[p] = values[i];
  }
  return out;
}

/** numpy `interp` over the grid: `slope·(x − a) + y_a` between present neighbours. */
function linearFill(indices: readonly number[], values: readonly number[], span: number) {
  const out = new Array<number>(span);
  for (let i = 0; i < indices.length; i++) {
    const a = indices[i];
    out[a] = values[i];
    if (i + 1 < indices.length) {
      const b = indices[i + 1];
      if (b - a > 1) {
        const slope = (values[i + 1] - values[i]) / (b - a);
        for (let p = a + 1; p < b; p++) out[p] = slope * (p - a) + values[i];
      }
    }
  }
  return out;
}

/**
 * Slopes of the not-a-knot cubic interpolating spline through (x, y), x strictly increasing,
 * at least 4 points (scipy `CubicSpline(bc_type="not-a-knot")`).
 */
export function notAKnotSlopes(x: readonly number[], y: readonly number[]): Float64Array {
  const n = x.length;
  if (n < 4) {
    throw new RangeError(
      `Cannot build a not-a-knot spline as it needs at least 4 points: current count is ${n}`,
    );
  }
  const dx = new Float64Array(n - 1);
  const sl = new Float64Array(n - 1);
  for (let i = 0; i < n - 1; i++) {
    dx[i] = x[i + 1] - x[i];
    sl[i] = (y[i + 1] - y[i]) / dx[i];
  }
  // Tridiagonal system: sub[i]·s[i−1] + diag[i]·s[i] + sup[i]·s[i+1] = rhs[i].
  const sub = new Float64Array(n);
  const diag = new Float64Array(n);
  const sup = new Float64Array(n);
  const rhs = new Float64Array(n);
  for (let i = 1; i < n - 1; i++) {
    sub[i] = dx[i];
    diag[i] = 2 * (dx[i - 1] + dx[i]);
    sup[i] = dx[i - 1];
    rhs[i] = 3 * (dx[i] * sl[i - 1] + dx[i - 1] * sl[i]);
  }
  {
    const d = x[2] - x[0];
    diag[0] = dx[1];
    sup[0] = d;
    rhs[0] = ((dx[0] + 2 * d) * dx[1] * sl[0] + dx[0] * dx[0] * sl[1]) / d;
  }
  {
    const d = x[n - 1] - x[n - 3];
    diag[n - 1] = dx[n - 3];
    sub[n - 1] = d;
    rhs[n - 1] = (dx[n - 2] * dx[n - 2] * sl[n - 3] + (2 * d + dx[n - 2]) * dx[n - 3] * sl[n - 2]) /
      d;
  }
  // Thomas algorithm: after the first elimination step the system is diagonally dominant.
  const c = new Float64Array(n);
  const d = new Float64Array(n);
  c[0] = sup[0] / diag[0];
  d[0] = rhs[0] / diag[0];
  for (let i = 1; i < n; i++) {
    const m = diag[i] - sub[i] * c[i - 1];
    c[i] = i < n - 1 ? sup[i] / m : 0;
    d[i] = (rhs[i] - sub[i] * d[i - 1]) / m;
  }
  const s = new Float64Array(n);
  s[n - 1] = d[n - 1];
  for (let i = n - 2; i >= 0; i--) s[i] = d[i] - c[i] * s[i + 1];
  return s;
}

/** Evaluates the cubic Hermite form of a spline with knot slopes at every grid position. */
function evalSplineOnGrid(
  x: readonly number[],
  y: readonly number[],
  slopes: Float64Array,
  span: number,
): number[] {
  const out = new Array<number>(span);
  for (let i = 0; i < x.length - 1; i++) {
    const a = x[i];
    const h = x[i + 1] - a;
    const m = (y[i + 1] - y[i]) / h;
    const c1 = slopes[i];
    const c2 = (3 * m - 2 * slopes[i] - slopes[i + 1]) / h;
    const c3 = (slopes[i] + slopes[i + 1] - 2 * m) / (h * h);
    for (let p = a; p < x[i + 1]; p++) {
      const t = p - a;
      out[p] = y[i] + t * (c1 + t * (c2 + t * c3));
    }
  }
  out[x[x.length - 1]] = y[y.length - 1];
  return out;
}

function autoFill(
  indices: readonly number[],
  values: readonly number[],
  span: number,
  period: number,
): number[] {
  const present = new Array<boolean>(span).fill(false);
  for (const p of indices) present[p] = true;
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  // Stage A: not-a-knot spline for short gaps.
  const sv = evalSplineOnGrid(indices, values, notAKnotSlopes(indices, values), span);
  const stageA = sv.slice();
  const unfilled = new Array<boolean>(span).fill(false);
  for (let i = 0; i + 1 < indices.length; i++) {
    const p = indices[i] + 1;
    const L = indices[i + 1] - p;
    if (L <= 0) continue;
    if (L > 6 || L > period / 4) {
      for (let q = p; q < p + L; q++) unfilled[q] = true;
      continue;
    }
    const collected: number[] = [];
    for (const q of [p - 2, p - 1, p + L, p + L + 1]) {
      if (q > 0 && q < span && present[q]) collected.push(sv[q]);
    }
    if (collected.length >= 3 && isMonotone(collected)) {
      const first = collected[0];
      const last = collected[collected.length - 1];
      const cLo = Math.min(first, last);
      const cHi = Math.max(first, last);
      let overshoot = false;
      for (let q = p; q < p + L; q++) {
        if (sv[q] < cLo || sv[q] > cHi) overshoot = true;
      }
      if (overshoot) {
        const vl = stageA[p - 1];
        const vr = stageA[p + L];
        const step = 1 / (L + 1);
        for (let k = 1; k <= L; k++) stageA[p + k - 1] = (vr - vl) * (k * step) + vl;
      }
    }
    for (let q = p; q < p + L; q++) stageA[q] = Math.min(Math.max(stageA[q], lo), hi);
  }
  // Stage B: same-phase weighted average for long gaps.
  const missingB = unfilled;
  const fwd = new Int32Array(span);
  const gapLen = new Int32Array(span);
  for (let p = span - 1; p >= 0; p--) {
    fwd[p] = missingB[p] ? (p + 1 < span ? fwd[p + 1] : 0) + 1 : 0;
  }
  for (let p = 0; p < span;) {
    if (!missingB[p]) {
      p++;
      continue;
    }
    const len = fwd[p];
    for (let q = p; q < p + len; q++) gapLen[q] = len;
    p += len;
  }
  const stageB = stageA.slice();
  const stillMissing = new Array<boolean>(span).fill(false);
  const W = IMPUTE_WEIGHTED_AVERAGE_WEIGHTS;
  const samePhase = (i: number, dir: 1 | -1): (number | undefined)[] => {
    const out: (number | undefined)[] = [];
    let q = i + dir * period;
    let steps = 3;
    while (q >= 0 && q < span && steps > 0) {
      if (fwd[q] > 0) {
        out.push(undefined);
        if (dir === 1) q += Math.ceil((fwd[q] - period) / period) * period;
        else q -= Math.floor((gapLen[q] - fwd[q]) / period) * period;
      } else {
        out.push(stageA[q]);
      }
      q += dir * period;
      steps--;
    }
    if (dir === -1) out.reverse();
    return out;
  };
  for (let i = 0; i < span; i++) {
    if (!missingB[i]) continue;
    const backward = samePhase(i, -1).filter((v): v is number => v !== undefined);
    const forward = samePhase(i, 1).filter((v): v is number => v !== undefined);
    if (backward.length === 0 && forward.length === 0) {
      stillMissing[i] = true;
      continue;
    }
    const weights = [...W.slice(3 - backward.length, 3), ...W.slice(3, 3 + forward.length)];
    const vals = [...backward, ...forward];
    let num = 0;
    let den = 0;
    for (let k = 0; k < vals.length; k++) num += weights[k] * vals[k];
    for (let k = 0; k < vals.length; k++) den += weights[k];
    stageB[i] = num / den;
  }
  // Stage C: linear for anything left.
  const knotsX: number[] = [];
  const knotsY: number[] = [];
  let any = false;
  for (let p = 0; p < span; p++) {
    if (stillMissing[p]) any = true;
    else {
      knotsX.push(p);
      knotsY.push(stageB[p]);
    }
  }
  return any ? linearFill(knotsX, knotsY, span) : stageB;
}

function isMonotone(v: readonly number[]): boolean {
  let inc = true;
  let dec = true;
  for (let i = 1; i < v.length; i++) {
    if (v[i] < v[i - 1]) inc = false;
    if (v[i] > v[i - 1]) dec = false;
  }
  return inc || dec;
}
