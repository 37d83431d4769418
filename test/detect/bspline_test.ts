import assert from "node:assert/strict";
import { evalCubicBSpline, notAKnotBSpline } from "../../lib/detect/_bspline.ts";
import { fillGaps } from "../../lib/detect/fill.ts";

// Hourly counts with a zero tail and gaps at 1, 3, 31 and 43 (golden case synthetic-209).
const IDX = [
  0,
  2,
  4,
  5,
  6,
  7,
  8,
  9,
  10,
  11,
  12,
  13,
  14,
  15,
  16,
  17,
  18,
  19,
  20,
  21,
  22,
  23,
  24,
  25,
  26,
  27,
  28,
  29,
  30,
  32,
  33,
  34,
  35,
  36,
  37,
  38,
  39,
  40,
  41,
  42,
  44,
  45,
  46,
  47,
  48,
  49,
  50,
  51,
];
const VAL = [
  4,
  1,
  7,
  9,
  3,
  9,
  2,
  6,
  4,
  14,
  8,
  6,
  7,
  3,
  5,
  3,
  3,
  1,
  3,
  1,
  1,
  1,
  3,
  0,
  3,
  5,
  4,
  5,
  7,
  5,
  5,
  7,
  4,
  8,
  5,
  3,
  0,
  12,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
];

Deno.test("notAKnotBSpline() interpolates and keeps the rounding of the B-spline form at the knots", () => {
  const v = evalCubicBSpline(notAKnotBSpline(IDX, VAL), 0, 52);
  IDX.forEach((p, k) => assert.ok(Math.abs(v[p] - VAL[k]) < 1e-14, `knot ${p}`));
  // the oracle's interp1d(kind="cubic") values on the zero tail: not exactly 0
  assert.deepEqual(
    [v[41], v[42], v[44], v[45]],
    [
      2.7755575615628914e-16,
      -1.3877787807814457e-17,
      -5.551115123125783e-17,
      -2.6020852139652106e-18,
    ],
  );
  assert.equal(v[43], 1.015974795696967);
  assert.equal(v[1], 1.2250059319602289);
  assert.equal(v[31], 6.611431629551517); // unfused multiply-adds (a fused solve gives …518)
});

Deno.test("notAKnotBSpline() with 4 points is the interpolating cubic", () => {
  const x = [0, 1, 3, 4];
  const y = [1, 2, 0, 5];
  const v = evalCubicBSpline(notAKnotBSpline(x, y), 0, 5);
  // the Lagrange form of the same cubic
  const lag = (t: number) =>
    x.reduce(
      (s, xi, i) =>
        s + y[i] * x.reduce((p, xj, j) => (j === i ? p : (p * (t - xj)) / (xi - xj)), 1),
      0,
    );
  for (let t = 0; t <= 4; t++) assert.ok(Math.abs(v[t] - lag(t)) < 1e-12);
});

Deno.test("notAKnotBSpline() needs 4 points", () => {
  assert.throws(() => notAKnotBSpline([0, 1, 2], [1, 2, 3]), RangeError);
});

Deno.test("fillGaps() auto: rounded knot values on a flat run are not monotone, so the spline value stays", () => {
  const f = fillGaps(IDX, VAL, "auto", { period: 24 });
  assert.ok(f !== undefined);
  assert.equal(f.values[43], 1.015974795696967);
  // present positions hold the spline's value at the knot, not the data
  assert.equal(f.values[42], -1.3877787807814457e-17);
  assert.equal(f.filled[43], true);
});
