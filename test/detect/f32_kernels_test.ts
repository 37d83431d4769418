import assert from "node:assert/strict";
import {
  gcv,
  maxGcv,
  medianFilterF32,
  removeAnomalyInBucket,
  sortedMedianF32,
} from "../../lib/detect/f32_kernels.ts";

const TEN = [0.1, 0.5, 0.3, 0.2, 0.6, 0.35, 0.15, 0.55, 0.25, 0.05];
const TWELVE = [0.1, 0.7, 0.3, 0.9, 0.2, 0.5, 0.6, 0.4, 0.8, 0.35, 0.45, 0.05];

Deno.test("gcv() gives the §4.4 cvMse and seasons for period 3", () => {
  const r = gcv([1, 2, 3, 1, 2, 3, 1, 2, 4, 1, 2, 3], 3);
  assert.equal(r.cvMse, 0.1111111119389534);
  assert.deepEqual(Array.from(r.seasons), [1.0, 2.0, 3.25]);
});

Deno.test("gcv() gives the §4.4 cvMse for periods 2 and 4", () => {
  assert.equal(gcv(TEN, 2).cvMse, 0.05093752220273018);
  assert.equal(gcv(TEN, 4).cvMse, 0.08224998414516449);
});

Deno.test("gcv() returns 0 for a perfectly periodic series", () => {
  assert.equal(gcv([1, 2, 1, 2, 1, 2], 2).cvMse, 0);
});

Deno.test("gcv() rejects a non-integer period", () => {
  assert.throws(
    () => gcv(TEN, 2.5),
    new RangeError(
      "Cannot compute gcv as the period must be a positive integer: current value is 2.5",
    ),
  );
});

Deno.test("maxGcv() picks period 3 over [2, 3, 4]", () => {
  const r = maxGcv(TEN, [2, 3, 4]);
  assert.equal(r.cvMse, 0.004472213797271252);
  assert.equal(r.period, 3);
  assert.equal(r.seasons.length, 3);
});

Deno.test("maxGcv() keeps the first of equal candidates", () => {
  const r = maxGcv([1, 2, 1, 2, 1, 2, 1, 2], [2, 4]);
  assert.equal(r.period, 2);
});

Deno.test("maxGcv() returns +∞ and period 0 without candidates", () => {
  const r = maxGcv(TEN, []);
  assert.equal(r.cvMse, Infinity);
  assert.equal(r.period, 0);
});

Deno.test("sortedMedianF32() averages in float32 for an even count", () => {
  assert.equal(sortedMedianF32([Math.fround(0.2), Math.fround(0.25)]), 0.22499999403953552);
  assert.equal(sortedMedianF32([1, 2, 3]), 2);
});

Deno.test("medianFilterF32() reproduces the two-ends tail quirk of §4.4", () => {
  assert.deepEqual(Array.from(medianFilterF32(TWELVE, 5, { twoEnds: true })), [
    0.30000001192092896,
    0.5,
    0.30000001192092896,
    0.5,
    0.5,
    0.5,
    0.5,
    0.5,
    0.44999998807907104,
    0.4000000059604645,
    0.42500001192092896,
    0.4000000059604645,
  ]);
});

Deno.test("medianFilterF32() keeps f32(v) at the ends without twoEnds", () => {
  const out = Array.from(medianFilterF32(TWELVE, 5));
  assert.deepEqual(out.slice(0, 2), [Math.fround(0.1), Math.fround(0.7)]);
  assert.deepEqual(out.slice(-3), [0.4000000059604645, 0.44999998807907104, 0.05000000074505806]);
});

Deno.test("medianFilterF32() treats window 4 as window 5", () => {
  assert.deepEqual(
    Array.from(medianFilterF32(TWELVE, 4, { twoEnds: true })),
    Array.from(medianFilterF32(TWELVE, 5, { twoEnds: true })),
  );
});

Deno.test("medianFilterF32() returns f32(v) when the series is shorter than the window", () => {
  assert.deepEqual(Array.from(medianFilterF32([0.1, 0.2], 5)), [
    Math.fround(0.1),
    Math.fround(0.2),
  ]);
});

Deno.test("medianFilterF32() matches a brute-force median in the centred part", () => {
  const v = Array.from({ length: 200 }, (_, i) => ((i * 7919) % 101) / 7);
  const out = medianFilterF32(v, 9);
  for (let i = 4; i < 196; i++) {
    const s = Float32Array.from(v.slice(i - 4, i + 5)).sort();
    assert.equal(out[i], s[4]);
  }
});

Deno.test("removeAnomalyInBucket() clamps values above the bucket median (§4.2)", () => {
  const d = [0.1, 0.5, 0.2, 0.9, 0.3, 0.4, 0.25, 0.8, 0.15, 0.6, 0.35, 0.7];
  const out = Array.from(removeAnomalyInBucket(d, 2));
  assert.deepEqual(
    out.filter((_, i) => i % 2 === 0),
    [0.1, 0.2, 0.22499999403953552, 0.22499999403953552, 0.15, 0.22499999403953552],
  );
  assert.deepEqual(
    out.filter((_, i) => i % 2 === 1),
    [0.5, 0.6499999761581421, 0.4, 0.6499999761581421, 0.6, 0.6499999761581421],
  );
});

Deno.test("removeAnomalyInBucket() does not mutate its input", () => {
  const d = [0.1, 0.5, 0.2, 0.9, 0.3, 0.4];
  removeAnomalyInBucket(d, 2);
  assert.deepEqual(d, [0.1, 0.5, 0.2, 0.9, 0.3, 0.4]);
});
