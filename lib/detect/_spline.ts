/**
 * Least-squares cubic B-spline with fixed knots (spec §7.2 LSQ_SPLINE), solved by Givens QR on
 * the banded design matrix, the way FITPACK's `curfit` does with given knots.
 * @module
 */

const K = 3;

/**
 * Values of the k + 1 = 4 cubic B-splines that are non-zero at `x`, for the knot interval
 * `t[l] ≤ x < t[l+1]` (de Boor's recurrence). `out[i]` belongs to basis function `l − 3 + i`.
 */
function basisAt(t: Float64Array, l: number, x: number, out: Float64Array): void {
  const left = [0, 0, 0, 0];
  const right = [0, 0, 0, 0];
  out[0] = 1;
  for (let j = 1; j <= K; j++) {
    left[j] = x - t[l + 1 - j];
    right[j] = t[l + j] - x;
    let saved = 0;
    for (let r = 0; r < j; r++) {
      const temp = out[r] / (right[r + 1] + left[j - r]);
      out[r] = saved + right[r + 1] * temp;
      saved = left[j - r] * temp;
    }
    out[j] = saved;
  }
}

/**
 * Least-squares cubic spline of `y` over abscissae 0..n−1 with the given interior knots (boundary
 * knots 0 and n−1 of multiplicity 4), evaluated at 0..n−1.
 *
 * @throws {RangeError} when the fit is rank deficient (a basis function without data)
 */
export function lsqCubicSpline(y: ArrayLike<number>, interior: ArrayLike<number>): Float64Array {
  const n = y.length;
  const ni = interior.length;
  const t = new Float64Array(ni + 8);
  const end = n - 1;
  for (let i = 0; i < 4; i++) {
    t[i] = 0;
    t[ni + 4 + i] = end;
  }
  for (let i = 0; i < ni; i++) t[4 + i] = interior[i];
  const nb = ni + 4;
  // Upper-triangular band R (nb × 4: R[r*4 + c] = element (r, r + c)) and rotated right side z.
  const R = new Float64Array(nb * 4);
  const z = new Float64Array(nb);
  const rows = new Float64Array(n * 4);
  const firstCol = new Int32Array(n);
  const h = new Float64Array(4);
  let l = K; // knot interval index, t[l] ≤ x < t[l+1]
  for (let i = 0; i < n; i++) {
    const x = i;
    while (l < nb - 1 && x >= t[l + 1]) l++;
    basisAt(t, l, x, h);
    const j0 = l - K;
    firstCol[i] = j0;
    rows.set(h, i * 4);
    let yi = y[i];
    for (let a = 0; a < 4; a++) {
      const piv = h[a];
      if (piv === 0) continue;
      const col = j0 + a;
      const d = R[col * 4];
      const rr = Math.hypot(piv, d);
      const cos = d / rr;
      const sin = piv / rr;
      R[col * 4] = rr;
      const zc = z[col];
      z[col] = cos * zc + sin * yi;
      yi = cos * yi - sin * zc;
      for (let c = a + 1; c < 4; c++) {
        const rIdx = col * 4 + (c - a);
        const rv = R[rIdx];
        const hv = h[c];
        R[rIdx] = cos * rv + sin * hv;
        h[c] = cos * hv - sin * rv;
      }
    }
  }
  const coef = new Float64Array(nb);
  for (let r = nb - 1; r >= 0; r--) {
    const diag = R[r * 4];
    if (diag === 0) {
      throw new RangeError(
        `Cannot fit spline as every basis function needs data: basis ${r} of ${nb} has none (n = ${n})`,
      );
    }
    let s = z[r];
    for (let c = 1; c < 4 && r + c < nb; c++) s -= R[r * 4 + c] * coef[r + c];
    coef[r] = s / diag;
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const j0 = firstCol[i];
    const o = i * 4;
    out[i] = rows[o] * coef[j0] + rows[o + 1] * coef[j0 + 1] + rows[o + 2] * coef[j0 + 2] +
      rows[o + 3] * coef[j0 + 3];
  }
  return out;
}
