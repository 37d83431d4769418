/**
 * Not-a-knot cubic interpolation in B-spline form (spec §3.4 stage A, §3.5): the spline that
 * scipy `interp1d(x, y, kind="cubic")` builds, computed the way that routine computes it, so that its
 * value at a knot carries the same rounding as the oracle's (§3.5: "the spline's value at the knot …
 * differs from the data up to rounding"). That rounding decides the exact monotonicity test of
 * §3.4 on flat stretches (e.g. a run of zeros around a short gap).
 *
 * The arithmetic follows the conventions of the oracle's libraries:
 * * knots: x0 four times, x[2 .. n−3], x[n−1] four times (not-a-knot, degree 3);
 * * basis values: the Cox–de Boor triangle (h[0] = 1; for each degree j, w = h[m−1]/(t_b − t_a),
 *   h[m−1] += w·(t_b − x), h[m] = w·(x − t_a));
 * * coefficients: the collocation system solved as LAPACK `gbsv` does it with kl = ku = 3 (banded
 *   LU with partial pivoting, first-maximum pivot, multipliers scaled by the reciprocal of the
 *   pivot, rank-1 updates; forward substitution with the row swaps, then a banded upper
 *   back-substitution that divides by the diagonal), every multiply-add rounded twice (no fused
 *   multiply-add: the golden vectors' clipped V1 margins expose the oracle's knot values, and they
 *   match this order, not the fused one);
 * * evaluation: Σ c·h over the four basis functions of the interval, left to right from 0.
 *
 * @module
 */

/** A cubic B-spline: knots t (length n + 4) and coefficients c (length n). */
export interface CubicBSpline {
  t: Float64Array;
  c: Float64Array;
}

/** Index ell of the knot interval with t[ell] ≤ x < t[ell+1] (the last interval for the right end). */
function findInterval(t: Float64Array, n: number, x: number, from: number): number {
  let l = from < 3 ? 3 : from;
  while (l > 3 && x < t[l]) l--;
  while (l < n - 1 && x >= t[l + 1]) l++;
  return l;
}

/** The four nonzero cubic basis values at x in interval ell (Cox–de Boor), written into h. */
function basis(t: Float64Array, x: number, ell: number, h: Float64Array, hh: Float64Array): void {
  h[0] = 1;
  for (let j = 1; j <= 3; j++) {
    for (let q = 0; q < j; q++) hh[q] = h[q];
    h[0] = 0;
    for (let m = 1; m <= j; m++) {
      const xb = t[ell + m];
      const xa = t[ell + m - j];
      if (xb === xa) {
        h[m] = 0;
        continue;
      }
      const w = hh[m - 1] / (xb - xa);
      h[m - 1] += w * (xb - x);
      h[m] = w * (x - xa);
    }
  }
}

/**
 * The not-a-knot cubic interpolating spline through (x, y) in B-spline form, x strictly
 * increasing, at least 4 points.
 * @throws {RangeError} with fewer than 4 points
 */
export function notAKnotBSpline(x: readonly number[], y: readonly number[]): CubicBSpline {
  const n = x.length;
  if (n < 4) {
    throw new RangeError(
      `Cannot build a not-a-knot spline as it needs at least 4 points: current count is ${n}`,
    );
  }
  const t = new Float64Array(n + 4);
  for (let i = 0; i < 4; i++) {
    t[i] = x[0];
    t[n + i] = x[n - 1];
  }
  for (let i = 2; i < n - 2; i++) t[i + 2] = x[i];
  // banded storage as LAPACK: A(i, j) at ab[KV + i − j + j·LDAB]
  const KL = 3;
  const KU = 3;
  const KV = KL + KU;
  const LDAB = 2 * KL + KU + 1;
  const ab = new Float64Array(LDAB * n);
  const h = new Float64Array(4);
  const hh = new Float64Array(3);
  let ell = 3;
  for (let i = 0; i < n; i++) {
    ell = findInterval(t, n, x[i], ell);
    basis(t, x[i], ell, h, hh);
    for (let a = 0; a < 4; a++) {
      const j = ell - 3 + a;
      ab[KV + i - j + j * LDAB] = h[a];
    }
  }
  // LU with partial pivoting (LAPACK dgbtf2 order)
  const ipiv = new Int32Array(n);
  let ju = 0;
  for (let j = 0; j < n; j++) {
    if (j + KV < n) { for (let i = 0; i < KL; i++) ab[i + (j + KV) * LDAB] = 0; }
    const km = Math.min(KL, n - 1 - j);
    let jp = 0;
    let best = Math.abs(ab[KV + j * LDAB]);
    for (let i = 1; i <= km; i++) {
      const v = Math.abs(ab[KV + i + j * LDAB]);
      if (v > best) {
        best = v;
        jp = i;
      }
    }
    ipiv[j] = jp + j;
    if (ab[KV + jp + j * LDAB] === 0) continue;
    ju = Math.max(ju, Math.min(j + KU + jp, n - 1));
    if (jp !== 0) {
      for (let c = 0; c <= ju - j; c++) {
        const p1 = KV + jp + j * LDAB + c * (LDAB - 1);
        const p2 = KV + j * LDAB + c * (LDAB - 1);
        const tmp = ab[p1];
        ab[p1] = ab[p2];
        ab[p2] = tmp;
      }
    }
    if (km > 0) {
      const r = 1 / ab[KV + j * LDAB];
      for (let i = 1; i <= km; i++) ab[KV + i + j * LDAB] *= r;
      for (let c = 0; c < ju - j; c++) {
        const yv = ab[KV - 1 - c + (j + 1 + c) * LDAB];
        if (yv === 0) continue;
        const temp = -yv;
        for (let i = 0; i < km; i++) {
          const q = KV + i - c + (j + 1 + c) * LDAB;
          ab[q] += ab[KV + 1 + i + j * LDAB] * temp;
        }
      }
    }
  }
  // forward substitution with the row swaps, then banded upper back-substitution
  const b = Float64Array.from(y);
  for (let j = 0; j < n - 1; j++) {
    const lm = Math.min(KL, n - 1 - j);
    const l = ipiv[j];
    if (l !== j) {
      const tmp = b[l];
      b[l] = b[j];
      b[j] = tmp;
    }
    const temp = -b[j];
    for (let i = 0; i < lm; i++) b[j + 1 + i] += ab[KV + 1 + i + j * LDAB] * temp;
  }
  for (let j = n - 1; j >= 0; j--) {
    if (b[j] === 0) continue;
    b[j] = b[j] / ab[KV + j * LDAB];
    const temp = b[j];
    for (let i = j - 1; i >= Math.max(0, j - KV); i--) b[i] -= temp * ab[KV + i - j + j * LDAB];
  }
  return { t, c: b };
}

/** Evaluates a cubic B-spline at the integer positions x0 .. x0 + count − 1 (inside its knots). */
export function evalCubicBSpline(s: CubicBSpline, x0: number, count: number): Float64Array {
  const n = s.c.length;
  const out = new Float64Array(count);
  const h = new Float64Array(4);
  const hh = new Float64Array(3);
  let ell = 3;
  for (let k = 0; k < count; k++) {
    const x = x0 + k;
    ell = findInterval(s.t, n, x, ell);
    basis(s.t, x, ell, h, hh);
    let v = 0;
    for (let a = 0; a < 4; a++) v += s.c[ell + a - 3] * h[a];
    out[k] = v;
  }
  return out;
}
