import assert from "node:assert/strict";
import {
  aglet,
  guessPeriod,
  lsqSpline,
  periodogram,
  periodogramPeaks,
  splineTrend,
} from "../../lib/detect/trend.ts";
import { medianFilterF32 } from "../../lib/detect/f32_kernels.ts";
import { theilSenSlope } from "../../lib/detect/stats.ts";
import { NOISE } from "./_noise.ts";

/** d = 5 + 0.05·i + sin(2πi/10) + N(0, 0.1), n = 80. */
const D = NOISE.map((e, i) => 5 + 0.05 * i + Math.sin((2 * Math.PI * i) / 10) + e);

function assertAllClose(actual: ArrayLike<number>, expected: number[], rel: number) {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(
      Math.abs(actual[i] - expected[i]) <= rel * Math.max(Math.abs(expected[i]), 1e-300),
      `element ${i}: ${actual[i]} vs ${expected[i]}`,
    );
  }
}

const X = [1, 3, 2, 4, 3, 5, 4, 6, 5, 7, 6, 8];

Deno.test("lsqSpline() with two segments matches the spline ends of the §7 check", () => {
  const s = lsqSpline(X, 2);
  assertAllClose([s[0], s[1], s[10], s[11]], [
    1.1085822554698366,
    2.5078903311715517,
    6.7572995661490545,
    7.7737552278558875,
  ], 1e-13);
});

Deno.test("splineTrend() with period 0 matches the §7 check", () => {
  assertAllClose(splineTrend(X, 0), [
    1.8394680549881395,
    2.3691902196756445,
    2.89891238436315,
    3.1138490840200728,
    3.642794831239271,
    4.3114227630561635,
    4.876997974770381,
    5.279169133597673,
    5.639968478669909,
    6.0893579696370495,
    6.778959892757381,
    7.468561815877714,
  ], 1e-13);
});

Deno.test("splineTrend() of fewer than 6 points is the mean", () => {
  assert.deepEqual(Array.from(splineTrend([1, 2, 3, 4, 5])), [3, 3, 3, 3, 3]);
});

Deno.test("theilSenSlope() of [1,3,2,5] is 1.1666666666666665", () => {
  assert.equal(theilSenSlope([1, 3, 2, 5]), 1.1666666666666665);
});

Deno.test("aglet() replaces both half-window ends by Theil–Sen lines", () => {
  const s = [0, 0, 0, 1, 2, 3, 4, 9, 9, 9];
  const out = aglet(s, 4);
  // h = 2; mL = TheilSen([0,0,0,1]) = median of [0,0,0,1/3,1/2,1] = (0 + 1/3)/2;
  // mR = TheilSen([4,9,9,9]) = median of [0,0,0,5/3,5/2,5] = (0 + 5/3)/2.
  const mL = (0 + 1 / 3) / 2;
  const mR = (0 + 5 / 3) / 2;
  assert.deepEqual(Array.from(out), [
    -2 * mL + 0,
    -1 * mL + 0,
    0,
    1,
    2,
    3,
    4,
    9,
    mR + 9,
    2 * mR + 9,
  ]);
});

Deno.test("aglet() rejects a window longer than the series", () => {
  assert.throws(
    () => aglet([1, 2, 3], 4),
    new RangeError(
      "Cannot straighten ends as the window must be an integer in [2, 3]: current value is 4",
    ),
  );
});

Deno.test("guessPeriod() finds 10 in the trended sine of the §7 check", () => {
  assert.equal(guessPeriod(D), 10);
});

function detrended(): number[] {
  const broad = aglet(medianFilterF32(D, 51), 51, { float32: true });
  return D.map((v, i) => v - broad[i]);
}

Deno.test("periodogram() of the detrended §7 series matches its periods and powers", () => {
  const p = periodogram(detrended());
  assert.deepEqual(p.period, [40, 20, 13, 10, 8, 7, 6, 5, 4]);
  assertAllClose(p.power.slice(1), [
    0.0009371469,
    0.1316876378,
    0.5032689339,
    0.1266125363,
    0.00052013,
    0.0002553373,
    0.0003750222,
    0.0008818717,
  ], 2e-7);
  assert.equal(p.power[0], 0);
});

Deno.test("periodogramPeaks() of the detrended §7 series is the single peak (10, 8, 13)", () => {
  const peaks = periodogramPeaks(detrended());
  assert.ok(peaks !== undefined);
  assert.equal(peaks.length, 1);
  assert.equal(peaks[0].period, 10);
  assert.equal(peaks[0].next, 8);
  assert.equal(peaks[0].previous, 13);
  assertAllClose([peaks[0].power], [0.5032689339339104], 1e-13);
});

Deno.test("periodogramPeaks() returns undefined for tiny power (absolute 1e-8 test)", () => {
  const tiny = Array.from({ length: 60 }, (_, i) => 1e-6 * Math.sin(i));
  assert.equal(periodogramPeaks(tiny), undefined);
});

Deno.test("guessPeriod() falls back to min(n//3, 512) without peaks", () => {
  assert.equal(guessPeriod(new Array(30).fill(2)), 10);
});
