/**
 * Discrete Fourier transform for any length (spec §13.3), with numpy's conventions:
 * forward `F[k] = Σ x[t]·e^{−2πi·k·t/N}` (unnormalised), inverse `x[t] = (1/N)·Σ F[k]·e^{+2πi·k·t/N}`.
 *
 * Lengths whose prime factors are small use a mixed-radix Cooley–Tukey transform (radix 4, 2, 3, 5
 * butterflies and a direct DFT for other small primes); lengths with a large prime factor use
 * Bluestein's chirp-z algorithm over a power-of-two transform. No zero padding changes the result:
 * every length is transformed exactly at its own size. Plans (twiddles, factorisations) are cached
 * per length.
 *
 * @module
 */

/** A complex array stored as two parallel typed arrays of equal length. */
export interface ComplexArray {
  /** Real parts. */
  re: Float64Array;
  /** Imaginary parts. */
  im: Float64Array;
}

/** Largest prime factor handled by the direct O(p²) butterfly before switching to Bluestein. */
const MAX_DIRECT_PRIME = 61;
const MAX_CACHED_PLANS = 32;

interface MixedPlan {
  kind: "mixed";
  n: number;
  factors: number[];
  /** cos(2πk/n), k = 0..n−1. */
  cos: Float64Array;
  /** sin(2πk/n), k = 0..n−1. */
  sin: Float64Array;
}

interface BluesteinPlan {
  kind: "bluestein";
  n: number;
  m: number;
  /** Chirp w[k] = e^{−πi·k²/n}. */
  chirpRe: Float64Array;
  chirpIm: Float64Array;
  /** Forward transform (size m) of the conjugate chirp, wrapped. */
  kernelRe: Float64Array;
  kernelIm: Float64Array;
  inner: MixedPlan;
}

type Plan = MixedPlan | BluesteinPlan;

const plans = new Map<number, Plan>();

/** cos and sin of 2π·k/n, reduced to the first octant for accuracy. */
function unitRoot(k: number, n: number): [number, number] {
  // Reduce 8k/n into an octant and evaluate with a small angle.
  const k8 = 8 * k;
  let octant = Math.floor(k8 / n);
  if (octant > 7) octant = 7;
  const rem = k8 - octant * n; // in [0, n)
  let c: number;
  let s: number;
  // angle within the octant: (rem / n)·(π/4)
  if (octant % 2 === 0) {
    const a = (rem / n) * (Math.PI / 4);
    c = Math.cos(a);
    s = Math.sin(a);
  } else {
    const a = ((n - rem) / n) * (Math.PI / 4);
    // angle = π/4·(octant+1) − a; use symmetry about the octant boundary
    c = Math.sin(a);
    s = Math.cos(a);
  }
  // (c, s) now holds cos/sin of the angle measured within a quarter turn for octants 0/1,
  // then rotate by the quarter turns.
  const quarter = Math.floor(octant / 2);
  switch (quarter) {
    case 0:
      return [c, s];
    case 1:
      return [-s, c];
    case 2:
      return [-c, -s];
    default:
      return [s, -c];
  }
}

function factorize(n: number): number[] {
  const out: number[] = [];
  let m = n;
  while (m % 4 === 0) {
    out.push(4);
    m /= 4;
  }
  if (m % 2 === 0) {
    out.push(2);
    m /= 2;
  }
  for (let p = 3; p * p <= m; p += 2) {
    while (m % p === 0) {
      out.push(p);
      m /= p;
    }
  }
  if (m > 1) out.push(m);
  return out;
}

function makeMixedPlan(n: number, factors: number[]): MixedPlan {
  const cos = new Float64Array(n);
  const sin = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const [c, s] = unitRoot(k, n);
    cos[k] = c;
    sin[k] = s;
  }
  return { kind: "mixed", n, factors, cos, sin };
}

function nextPow2(v: number): number {
  let m = 1;
  while (m < v) m *= 2;
  return m;
}

function getPlan(n: number): Plan {
  const cached = plans.get(n);
  if (cached) return cached;
  const factors = factorize(n);
  let plan: Plan;
  if (factors[factors.length - 1] <= MAX_DIRECT_PRIME || n <= 4 * MAX_DIRECT_PRIME) {
    plan = makeMixedPlan(n, factors);
  } else {
    const m = nextPow2(2 * n - 1);
    const inner = getPlan(m) as MixedPlan;
    const chirpRe = new Float64Array(n);
    const chirpIm = new Float64Array(n);
    const twoN = 2 * n;
    for (let k = 0; k < n; k++) {
      // e^{−πi·k²/n} = e^{−2πi·(k² mod 2n)/(2n)}; k² is exact in double for n ≤ 9e7.
      const e = (k * k) % twoN;
      const [c, s] = unitRoot(e, twoN);
      chirpRe[k] = c;
      chirpIm[k] = -s;
    }
    const bRe = new Float64Array(m);
    const bIm = new Float64Array(m);
    bRe[0] = chirpRe[0];
    bIm[0] = -chirpIm[0];
    for (let k = 1; k < n; k++) {
      bRe[k] = bRe[m - k] = chirpRe[k];
      bIm[k] = bIm[m - k] = -chirpIm[k];
    }
    const kernelRe = new Float64Array(m);
    const kernelIm = new Float64Array(m);
    runMixed(inner, bRe, bIm, kernelRe, kernelIm);
    plan = { kind: "bluestein", n, m, chirpRe, chirpIm, kernelRe, kernelIm, inner };
  }
  if (plans.size >= MAX_CACHED_PLANS) {
    const oldest = plans.keys().next().value as number;
    plans.delete(oldest);
  }
  plans.set(n, plan);
  return plan;
}

/**
 * Recursive decimation-in-time step: transforms the `len` samples at `inRe[off + j·stride]`
 * into `outRe[outOff .. outOff+len)`. `tw` is the step into the plan's twiddle table (N/len).
 */
function rec(
  plan: MixedPlan,
  fi: number,
  inRe: Float64Array,
  inIm: Float64Array,
  off: number,
  stride: number,
  len: number,
  outRe: Float64Array,
  outIm: Float64Array,
  outOff: number,
  scratchRe: Float64Array,
  scratchIm: Float64Array,
): void {
  if (len === 1) {
    outRe[outOff] = inRe[off];
    outIm[outOff] = inIm[off];
    return;
  }
  const p = plan.factors[fi];
  const m = len / p;
  for (let j = 0; j < p; j++) {
    rec(
      plan,
      fi + 1,
      inRe,
      inIm,
      off + j * stride,
      stride * p,
      m,
      outRe,
      outIm,
      outOff + j * m,
      scratchRe,
      scratchIm,
    );
  }
  const N = plan.n;
  const cos = plan.cos;
  const sin = plan.sin;
  const tw = N / len; // twiddle W_len^e = W_N^{e·tw}
  if (p === 2) {
    for (let k = 0; k < m; k++) {
      const i0 = outOff + k;
      const i1 = i0 + m;
      const t = k * tw;
      const wr = cos[t];
      const wi = -sin[t];
      const br = outRe[i1] * wr - outIm[i1] * wi;
      const bi = outRe[i1] * wi + outIm[i1] * wr;
      const ar = outRe[i0];
      const ai = outIm[i0];
      outRe[i0] = ar + br;
      outIm[i0] = ai + bi;
      outRe[i1] = ar - br;
      outIm[i1] = ai - bi;
    }
    return;
  }
  if (p === 4) {
    for (let k = 0; k < m; k++) {
      const i0 = outOff + k;
      const i1 = i0 + m;
      const i2 = i1 + m;
      const i3 = i2 + m;
      const t1 = k * tw;
      const t2 = 2 * t1;
      const t3 = 3 * t1;
      const ar = outRe[i0];
      const ai = outIm[i0];
      let wr = cos[t1];
      let wi = -sin[t1];
      const br = outRe[i1] * wr - outIm[i1] * wi;
      const bi = outRe[i1] * wi + outIm[i1] * wr;
      wr = cos[t2];
      wi = -sin[t2];
      const cr = outRe[i2] * wr - outIm[i2] * wi;
      const ci = outRe[i2] * wi + outIm[i2] * wr;
      wr = cos[t3];
      wi = -sin[t3];
      const dr = outRe[i3] * wr - outIm[i3] * wi;
      const di = outRe[i3] * wi + outIm[i3] * wr;
      const s0r = ar + cr;
      const s0i = ai + ci;
      const s1r = ar - cr;
      const s1i = ai - ci;
      const s2r = br + dr;
      const s2i = bi + di;
      const s3r = br - dr;
      const s3i = bi - di;
      outRe[i0] = s0r + s2r;
      outIm[i0] = s0i + s2i;
      outRe[i2] = s0r - s2r;
      outIm[i2] = s0i - s2i;
      // −i·s3 for the forward transform
      outRe[i1] = s1r + s3i;
      outIm[i1] = s1i - s3r;
      outRe[i3] = s1r - s3i;
      outIm[i3] = s1i + s3r;
    }
    return;
  }
  // Generic radix p: X[k + q·m] = Σ_j W_len^{j·(k+q·m)} Y_j[k].
  for (let k = 0; k < m; k++) {
    for (let j = 0; j < p; j++) {
      const idx = outOff + k + j * m;
      if (j === 0) {
        scratchRe[0] = outRe[idx];
        scratchIm[0] = outIm[idx];
      } else {
        const t = (j * k * tw) % N;
        const wr = cos[t];
        const wi = -sin[t];
        scratchRe[j] = outRe[idx] * wr - outIm[idx] * wi;
        scratchIm[j] = outRe[idx] * wi + outIm[idx] * wr;
      }
    }
    const step = N / p; // W_p^{1} = W_N^{N/p}
    for (let q = 0; q < p; q++) {
      let sr = scratchRe[0];
      let si = scratchIm[0];
      for (let j = 1; j < p; j++) {
        const t = ((j * q) % p) * step;
        const wr = cos[t];
        const wi = -sin[t];
        sr += scratchRe[j] * wr - scratchIm[j] * wi;
        si += scratchRe[j] * wi + scratchIm[j] * wr;
      }
      scratchRe[p + q] = sr;
      scratchIm[p + q] = si;
    }
    for (let q = 0; q < p; q++) {
      outRe[outOff + k + q * m] = scratchRe[p + q];
      outIm[outOff + k + q * m] = scratchIm[p + q];
    }
  }
}

function runMixed(
  plan: MixedPlan,
  inRe: Float64Array,
  inIm: Float64Array,
  outRe: Float64Array,
  outIm: Float64Array,
): void {
  let maxP = 1;
  for (const p of plan.factors) maxP = Math.max(maxP, p);
  const scratchRe = new Float64Array(2 * maxP);
  const scratchIm = new Float64Array(2 * maxP);
  rec(plan, 0, inRe, inIm, 0, 1, plan.n, outRe, outIm, 0, scratchRe, scratchIm);
}

function runBluestein(
  plan: BluesteinPlan,
  inRe: Float64Array,
  inIm: Float64Array,
  outRe: Float64Array,
  outIm: Float64Array,
): void {
  const { n, m, chirpRe, chirpIm, kernelRe, kernelIm, inner } = plan;
  const aRe = new Float64Array(m);
  const aIm = new Float64Array(m);
  for (let k = 0; k < n; k++) {
    aRe[k] = inRe[k] * chirpRe[k] - inIm[k] * chirpIm[k];
    aIm[k] = inRe[k] * chirpIm[k] + inIm[k] * chirpRe[k];
  }
  const fRe = new Float64Array(m);
  const fIm = new Float64Array(m);
  runMixed(inner, aRe, aIm, fRe, fIm);
  // Pointwise product, then inverse via conjugation: ifft(z) = conj(fft(conj(z)))/m.
  for (let k = 0; k < m; k++) {
    const r = fRe[k] * kernelRe[k] - fIm[k] * kernelIm[k];
    const i = fRe[k] * kernelIm[k] + fIm[k] * kernelRe[k];
    aRe[k] = r;
    aIm[k] = -i;
  }
  runMixed(inner, aRe, aIm, fRe, fIm);
  for (let k = 0; k < n; k++) {
    const cr = fRe[k] / m;
    const ci = -fIm[k] / m;
    outRe[k] = cr * chirpRe[k] - ci * chirpIm[k];
    outIm[k] = cr * chirpIm[k] + ci * chirpRe[k];
  }
}

function toFloat64(v: ArrayLike<number> | undefined, n: number, field: string): Float64Array {
  if (v === undefined) return new Float64Array(n);
  if (v.length !== n) {
    throw new RangeError(
      `Cannot transform as ${field} must have the same length as the real parts (${n}): current length is ${v.length}`,
    );
  }
  return v instanceof Float64Array ? v : Float64Array.from(v);
}

function forward(re: Float64Array, im: Float64Array): ComplexArray {
  const n = re.length;
  const outRe = new Float64Array(n);
  const outIm = new Float64Array(n);
  if (n === 0) return { re: outRe, im: outIm };
  const plan = getPlan(n);
  if (plan.kind === "mixed") runMixed(plan, re, im, outRe, outIm);
  else runBluestein(plan, re, im, outRe, outIm);
  return { re: outRe, im: outIm };
}

/**
 * Forward discrete Fourier transform of a complex sequence (numpy `fft.fft`), any length.
 *
 * @param re Real parts.
 * @param im Imaginary parts (zeros when omitted); must have the same length as `re`.
 * @returns The unnormalised spectrum, same length as the input.
 *
 * @example
 * ```ts
 * import { fft } from "./fft.ts";
 * import assert from "node:assert/strict";
 * const { re, im } = fft([1, 2, 3, 4]);
 * assert.deepEqual(Array.from(re), [10, -2, -2, -2]);
 * assert.deepEqual(Array.from(im), [0, 2, 0, -2]);
 * ```
 */
export function fft(re: ArrayLike<number>, im?: ArrayLike<number>): ComplexArray {
  const r = toFloat64(re, re.length, "re");
  const i = toFloat64(im, re.length, "im");
  return forward(r, i);
}

/**
 * Inverse discrete Fourier transform (numpy `fft.ifft`): conjugated kernel, scaled by 1/N.
 *
 * @param re Real parts of the spectrum.
 * @param im Imaginary parts (zeros when omitted); must have the same length as `re`.
 * @returns The time-domain sequence, same length as the input.
 */
export function ifft(re: ArrayLike<number>, im?: ArrayLike<number>): ComplexArray {
  const n = re.length;
  const r = toFloat64(re, n, "re");
  const i = toFloat64(im, n, "im");
  const negIm = new Float64Array(n);
  for (let k = 0; k < n; k++) negIm[k] = -i[k];
  const out = forward(r, negIm);
  for (let k = 0; k < n; k++) {
    out.re[k] = out.re[k] / n;
    out.im[k] = -out.im[k] / n;
  }
  return out;
}

/**
 * Forward transform of a real sequence, keeping the non-negative frequencies (numpy `fft.rfft`):
 * `N//2 + 1` bins.
 *
 * @param x Real samples.
 * @returns Bins 0..N//2 of the unnormalised spectrum.
 */
export function rfft(x: ArrayLike<number>): ComplexArray {
  const n = x.length;
  const full = forward(toFloat64(x, n, "x"), new Float64Array(n));
  const h = n === 0 ? 0 : Math.floor(n / 2) + 1;
  const re = full.re.slice(0, h);
  const im = full.im.slice(0, h);
  // A real input has an exactly real DC bin (and Nyquist bin for even N).
  if (h > 0) im[0] = 0;
  if (n > 0 && n % 2 === 0) im[h - 1] = 0;
  return { re, im };
}
