import assert from "node:assert/strict";
import { fastTheilSenSlope } from "../../lib/detect/_theil_sen.ts";
import { medianFilterF32 } from "../../lib/detect/f32_kernels.ts";
import { theilSenSlope } from "../../lib/detect/stats.ts";

function lcg(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
}

Deno.test("fastTheilSenSlope() equals theilSenSlope() on noisy data (odd pair count)", () => {
  const rnd = lcg(3);
  const y = Array.from({ length: 301 }, (_, i) => 0.02 * i + rnd());
  assert.equal(fastTheilSenSlope(y), theilSenSlope(y));
});

Deno.test("fastTheilSenSlope() equals theilSenSlope() with an even pair count", () => {
  const rnd = lcg(5);
  const y = Array.from({ length: 400 }, (_, i) => Math.sin(i / 20) + 0.1 * rnd());
  assert.equal(fastTheilSenSlope(y), theilSenSlope(y));
});

Deno.test("fastTheilSenSlope() equals theilSenSlope() with float32 differences", () => {
  const rnd = lcg(11);
  const y = Array.from({ length: 1023 }, () => Math.fround(1e4 + rnd()));
  assert.equal(fastTheilSenSlope(y, true), theilSenSlope(y, { float32: true }));
});

Deno.test("fastTheilSenSlope() equals theilSenSlope() on median-filter plateaus", () => {
  const rnd = lcg(13);
  const x = Array.from({ length: 1200 }, (_, i) => 10 + Math.sin(i / 30) + 0.3 * rnd());
  const y = Array.from(medianFilterF32(x, 401)).slice(0, 401);
  assert.equal(fastTheilSenSlope(y, true), theilSenSlope(y, { float32: true }));
});

Deno.test("fastTheilSenSlope() equals theilSenSlope() on heavily tied integers", () => {
  const rnd = lcg(17);
  const y = Array.from({ length: 500 }, () => Math.round(rnd() * 3));
  assert.equal(fastTheilSenSlope(y), theilSenSlope(y));
});

Deno.test("fastTheilSenSlope() of a short series uses the direct computation", () => {
  assert.equal(fastTheilSenSlope([1, 3, 2, 5]), 1.1666666666666665);
});
