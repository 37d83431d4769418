import assert from "node:assert/strict";
import {
  deOutlierStl,
  seasonalDecompose,
  stl,
  stlAdjustTrend,
  stlCore,
  stlLog,
  stlParameters,
} from "../../lib/detect/stl.ts";

const Y18 = [1, 5, 3, 2, 2, 6, 3, 1, 1.5, 5.5, 3.5, 2.5, 2, 7, 3, 2, 1, 5];
const Y20 = [10, 12, 14, 11, 10, 13, 15, 11, 11, 13, 14, 12, 10, 30, 15, 11, 11, 13, 14, 12];

/** Relative closeness for values the spec quotes to the last digit (libm pow/exp may differ by an ulp). */
function close(actual: number, expected: number, rel = 1e-12): void {
  assert.ok(
    Math.abs(actual - expected) <= rel * Math.abs(expected),
    `${actual} is not within ${rel} of ${expected}`,
  );
}

Deno.test("stlParameters() gives the §5.1 table values", () => {
  const pick = (n: number, np: number) => {
    const p = stlParameters(n, np);
    return [p.ns, p.nt, p.nl, p.nsjump, p.ntjump, p.nljump];
  };
  assert.deepEqual(pick(28, 7), [281, 11, 7, 29, 2, 1]);
  assert.deepEqual(pick(48, 12), [481, 19, 13, 49, 2, 2]);
  assert.deepEqual(pick(216, 24).slice(1), [37, 25, 217, 4, 3]);
  assert.deepEqual(pick(2016, 288).slice(1), [433, 289, 2017, 44, 29]);
  assert.deepEqual(pick(8640, 1440).slice(1), [2161, 1441, 8641, 217, 145]);
  assert.deepEqual(pick(18, 4).slice(1), [7, 5, 19, 1, 1]);
});

Deno.test("stl() robust reproduces the §5 trend of the 18-point example", () => {
  const r = stl(Y18, 4);
  close(r.trend[0], 2.4185794398025333);
  close(r.trend[8], 3.030521675353275);
  close(r.trend[17], 2.4638677240826707);
});

Deno.test("stl() robust reproduces the §5 seasonal of the 18-point example", () => {
  const r = stl(Y18, 4);
  close(r.seasonal[0], -1.4661476890620764);
  close(r.seasonal[1], 2.4620572699709644);
  close(r.seasonal[17], 2.462062738986914);
});

Deno.test("stl() robust zeroes the weights of the two outliers", () => {
  const r = stl(Y18, 4);
  assert.equal(r.weights[7], 0);
  assert.equal(r.weights[13], 0);
});

Deno.test("stl() leaves the seasonal component not exactly periodic (no post-processing)", () => {
  const r = stl(Y18, 4);
  close(r.seasonal[4], -1.466151653013624);
  close(r.seasonal[8], -1.466155179258831);
});

Deno.test("stl() non-robust uses 2 inner and no outer iterations", () => {
  const r = stl(Y18, 4, { robust: false });
  close(r.trend[0], 2.3121053405644747);
  close(r.seasonal[0], -1.4735712251457223);
  assert.deepEqual(Array.from(r.weights), new Array(18).fill(1));
});

Deno.test("stl() rejects a series shorter than 2·period + 1", () => {
  assert.throws(
    () => stl([1, 2, 3, 4, 5, 6, 7, 8], 4),
    new RangeError(
      "Cannot decompose series as it must have at least 2·period + 1 = 9 points: current length is 8",
    ),
  );
});

Deno.test("stlCore() gives the §5.7 trend and remainder of the 20-point example", () => {
  const d = stlCore(Y20, 4);
  close(d.trend[0], 11.618032500901197);
  close(d.trend[1], 11.69582936586773);
  close(d.trend[2], 11.771851491876435);
  close(d.remainder[13], 17.100344042951644);
});

Deno.test("deOutlierStl() reruns without the outlier at 13", () => {
  const d = deOutlierStl(Y20, 4, stlCore);
  close(d.trend[13], 12.340786924068626);
  close(d.seasonal[13], 0.5588688927606538);
});

Deno.test("stlAdjustTrend() decomposes the series extended by the same-phase median", () => {
  const d = stlAdjustTrend(Y20, 4);
  assert.equal(d.trend.length, 20);
  close(d.trend[19], 12.574652575086457);
  close(d.remainder[19], 0.36159563165870445);
});

Deno.test("stlLog() decomposes in log space", () => {
  const d = stlLog(Y20, 4);
  close(d.trend[0], 11.516746664368696);
  close(d.seasonal[0], -1.5898348132371023);
});

Deno.test("stlLog() shifts a series whose minimum is below 1", () => {
  const d = stlLog(Y20.map((v) => v - 11.5), 4);
  close(d.trend[0], -0.34437803242920584);
  close(d.seasonal[0], -1.1163014937688884);
  close(d.remainder[0], -0.03932047380190573);
});

Deno.test("seasonalDecompose() keeps the plain decomposition for low-MAPE data", () => {
  const d = seasonalDecompose(Y20, 4);
  const e = deOutlierStl(Y20, 4, stlCore);
  assert.deepEqual(Array.from(d.trend), Array.from(e.trend));
});
