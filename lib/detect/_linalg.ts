/**
 * Householder QR for the small dense least-squares problems of the stationarity tests (§9).
 * @module
 */

/** Result of {@linkcode householderLeastSquares}. */
export interface QrResult {
  /** Upper-triangular factor, row-major k × k. */
  r: Float64Array;
  /** Qᵀy: entries 0..k−1 are the rotated right side, the rest the residual components. */
  qty: Float64Array;
  /** Number of columns k. */
  k: number;
}

/**
 * QR-factorises the m × k design matrix given as `columns` (each of length m) by Householder
 * reflections, applying the same reflections to `y`. The inputs are not mutated.
 */
export function householderLeastSquares(columns: Float64Array[], y: ArrayLike<number>): QrResult {
  const k = columns.length;
  const m = y.length;
  const a = columns.map((c) => Float64Array.from(c));
  const qty = Float64Array.from(y);
  const r = new Float64Array(k * k);
  for (let j = 0; j < k; j++) {
    const col = a[j];
    let scale = 0;
    for (let i = j; i < m; i++) scale = Math.max(scale, Math.abs(col[i]));
    if (scale === 0) {
      r[j * k + j] = 0;
      for (let c = j + 1; c < k; c++) r[j * k + c] = a[c][j];
      continue;
    }
    let norm2 = 0;
    for (let i = j; i < m; i++) {
      const v = col[i] / scale;
      norm2 += v * v;
    }
    let alpha = scale * Math.sqrt(norm2);
    if (col[j] > 0) alpha = -alpha;
    // v = col[j..] − alpha·e1, stored in place; H = I − 2vvᵀ/(vᵀv)
    col[j] -= alpha;
    let vtv = 0;
    for (let i = j; i < m; i++) vtv += col[i] * col[i];
    const apply = (target: Float64Array) => {
      let dot = 0;
      for (let i = j; i < m; i++) dot += col[i] * target[i];
      const f = (2 * dot) / vtv;
      for (let i = j; i < m; i++) target[i] -= f * col[i];
    };
    for (let c = j + 1; c < k; c++) apply(a[c]);
    apply(qty);
    r[j * k + j] = alpha;
    for (let c = j + 1; c < k; c++) r[j * k + c] = a[c][j];
  }
  return { r, qty, k };
}

/** Sum of squares of `v[from..]`. */
export function sumSquaresFrom(v: Float64Array, from: number): number {
  let s = 0;
  for (let i = from; i < v.length; i++) s += v[i] * v[i];
  return s;
}
