/**
 * Householder QR for the small dense least-squares problems of the stationarity tests (§9).
 * @module
 */

const EPS = 2 ** -52;

/** Result of {@linkcode householderLeastSquares}. */
export interface QrResult {
  /** Rotated right side Qᵀy: entries 0..rank−1 are explained, the rest are residual components. */
  qty: Float64Array;
  /** Rank of the leading columns: `rankAfter[j]` = rank of columns 0..j. */
  rankAfter: Int32Array;
  /** Diagonal of R per column (0 for a column dependent on the previous ones). */
  diag: Float64Array;
  /** Row of Qᵀy belonging to each independent column (−1 for a dependent one). */
  rowOf: Int32Array;
}

/**
 * QR-factorises the m × k design matrix given as `columns` (each of length m) by Householder
 * reflections, applying the same reflections to `y`. A column whose part orthogonal to the
 * previous columns is at most max(m, k)·ε times the largest column norm counts as dependent (the
 * rank rule of numpy `matrix_rank`, approximately); it takes no row, so the fit of any leading set
 * of columns is the pseudo-inverse fit. The inputs are not mutated.
 */
export function householderLeastSquares(columns: Float64Array[], y: ArrayLike<number>): QrResult {
  const k = columns.length;
  const m = y.length;
  // Column-major copy: a[c*m + i]; the right side is stored as column k.
  const a = new Float64Array((k + 1) * m);
  for (let c = 0; c < k; c++) a.set(columns[c].subarray(0, m), c * m);
  for (let i = 0; i < m; i++) a[k * m + i] = y[i];
  const rankAfter = new Int32Array(k);
  const diag = new Float64Array(k);
  const rowOf = new Int32Array(k).fill(-1);
  let maxNorm = 0;
  for (let c = 0; c < k; c++) {
    let s = 0;
    for (let i = c * m, e = c * m + m; i < e; i++) s += a[i] * a[i];
    maxNorm = Math.max(maxNorm, Math.sqrt(s));
  }
  const tol = Math.max(m, k) * EPS * maxNorm;
  let row = 0;
  for (let j = 0; j < k; j++) {
    const off = j * m;
    let scale = 0;
    for (let i = off + row; i < off + m; i++) {
      const v = Math.abs(a[i]);
      if (v > scale) scale = v;
    }
    let norm = 0;
    if (scale > 0) {
      let norm2 = 0;
      for (let i = off + row; i < off + m; i++) {
        const v = a[i] / scale;
        norm2 += v * v;
      }
      norm = scale * Math.sqrt(norm2);
    }
    if (norm <= tol || row >= m) {
      rankAfter[j] = row;
      continue;
    }
    const alpha = a[off + row] > 0 ? -norm : norm;
    // v = col[row..] − alpha·e1, stored in place; H = I − 2vvᵀ/(vᵀv)
    a[off + row] -= alpha;
    let vtv = 0;
    for (let i = off + row; i < off + m; i++) vtv += a[i] * a[i];
    const len = m - row;
    for (let c = j + 1; c <= k; c++) {
      const tOff = c * m + row;
      const vOff = off + row;
      let dot = 0;
      for (let i = 0; i < len; i++) dot += a[vOff + i] * a[tOff + i];
      const f = (2 * dot) / vtv;
      for (let i = 0; i < len; i++) a[tOff + i] -= f * a[vOff + i];
    }
    diag[j] = alpha;
    rowOf[j] = row;
    row++;
    rankAfter[j] = row;
  }
  const qty = a.slice(k * m, k * m + m);
  return { qty, rankAfter, diag, rowOf };
}
