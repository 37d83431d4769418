/**
 * Gap bookkeeping and imputation (spec §2.5, §3): previous, fixed, linear, and the three-stage
 * `auto` fill (not-a-knot cubic spline for short gaps, same-phase weighted average for long gaps,
 * linear for the rest).
 * @module
 */
import { IMPUTE_WEIGHTED_AVERAGE_WEIGHTS } from "./_tables.ts";
import { evalCubicBSpline, notAKnotBSpline } from "./_bspline.ts";

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
  // Evaluated at every grid position, present ones included: the oracle keeps the spline's
  // (rounded) value at a knot, and the monotonicity test below compares those values exactly.
  const sv = Array.from(evalCubicBSpline(notAKnotBSpline(indices, values), 0, span));
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
