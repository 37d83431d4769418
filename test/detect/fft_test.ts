import assert from "node:assert/strict";
import { fft, ifft, rfft } from "../../lib/detect/fft.ts";

/** Direct O(N²) DFT, the definition of §13.3, used as an independent reference. */
function directDft(re: number[], im: number[]): { re: number[]; im: number[] } {
  const n = re.length;
  const outRe: number[] = [];
  const outIm: number[] = [];
  for (let k = 0; k < n; k++) {
    let sr = 0;
    let si = 0;
    for (let t = 0; t < n; t++) {
      const a = (-2 * Math.PI * ((k * t) % n)) / n;
      sr += re[t] * Math.cos(a) - im[t] * Math.sin(a);
      si += re[t] * Math.sin(a) + im[t] * Math.cos(a);
    }
    outRe.push(sr);
    outIm.push(si);
  }
  return { re: outRe, im: outIm };
}

function sample(n: number, seed: number): number[] {
  // Deterministic pseudo-random values in [−0.5, 0.5).
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648 - 0.5;
  });
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number) {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(
      Math.abs(actual[i] - expected[i]) <= tol,
      `element ${i}: ${actual[i]} vs ${expected[i]}`,
    );
  }
}

Deno.test("fft() of [1,2,3,4] is [10, −2+2i, −2, −2−2i]", () => {
  const { re, im } = fft([1, 2, 3, 4]);
  assert.deepEqual(Array.from(re), [10, -2, -2, -2]);
  assert.deepEqual(Array.from(im), [0, 2, 0, -2]);
});

Deno.test("ifft() of [10, −2+2i, −2, −2−2i] is [1,2,3,4]", () => {
  const { re, im } = ifft([10, -2, -2, -2], [0, 2, 0, -2]);
  assert.deepEqual(Array.from(re), [1, 2, 3, 4]);
  assertClose(im, [0, 0, 0, 0], 0);
});

Deno.test("fft() matches the direct DFT for mixed-radix lengths", () => {
  for (const n of [1, 2, 3, 5, 6, 7, 9, 12, 15, 16, 30, 49, 60, 100, 121]) {
    const re = sample(n, n);
    const im = sample(n, n + 1000);
    const want = directDft(re, im);
    const got = fft(re, im);
    assertClose(got.re, want.re, 1e-12 * n);
    assertClose(got.im, want.im, 1e-12 * n);
  }
});

Deno.test("fft() matches the direct DFT for lengths with a large prime factor (Bluestein)", () => {
  for (const n of [67, 127, 251, 2 * 131, 5 * 401]) {
    const re = sample(n, n);
    const want = directDft(re, new Array(n).fill(0));
    const got = fft(re);
    assertClose(got.re, want.re, 1e-12 * n);
    assertClose(got.im, want.im, 1e-12 * n);
  }
});

Deno.test("ifft() inverts fft() for an odd prime length", () => {
  const x = sample(509, 3);
  const f = fft(x);
  const back = ifft(f.re, f.im);
  assertClose(back.re, x, 1e-14);
  assertClose(back.im, new Array(509).fill(0), 1e-14);
});

Deno.test("rfft() returns the N//2 + 1 non-negative frequency bins", () => {
  const x = [1, 2, 3, 4, 5];
  const got = rfft(x);
  const want = directDft(x, [0, 0, 0, 0, 0]);
  assert.equal(got.re.length, 3);
  assertClose(got.re, want.re.slice(0, 3), 1e-13);
  assertClose(got.im, want.im.slice(0, 3), 1e-13);
  assert.equal(rfft([1, 2, 3, 4]).re.length, 3);
});

Deno.test("fft() rejects imaginary parts of a different length", () => {
  assert.throws(
    () => fft([1, 2, 3], [1, 2]),
    new RangeError(
      "Cannot transform as im must have the same length as the real parts (3): current length is 2",
    ),
  );
});
