import assert from "node:assert/strict";
import { splineTrend } from "../../lib/detect/trend.ts";
import { mergeWithDelta } from "../../lib/detect/merge_with_delta.ts";
import {
  extendSeries,
  predictNext,
  spectralResidualModel,
  srScores,
  srTransform,
  srTrigger,
  trailingAverage,
} from "../../lib/detect/spectral_residual.ts";

function assertAllClose(actual: ArrayLike<number>, expected: number[], rel: number, abs = 0) {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(
      Math.abs(actual[i] - expected[i]) <= Math.max(rel * Math.abs(expected[i]), abs),
      `element ${i}: ${actual[i]} vs ${expected[i]}`,
    );
  }
}

function flagged(a: boolean[]): number[] {
  return a.flatMap((v, i) => (v ? [i] : []));
}

/** x_i = sin(i/2), i = 0..29, with x[20] += 3 (§8 check). */
function spiked30(): number[] {
  const x = Array.from({ length: 30 }, (_, i) => Math.sin(i / 2));
  x[20] += 3;
  return x;
}

/** x_i = sin(i/2), i = 0..39, with x[36] += 5 and x[39] += 4 (§8 check). */
function spiked40(): number[] {
  const x = Array.from({ length: 40 }, (_, i) => Math.sin(i / 2));
  x[36] += 5;
  x[39] += 4;
  return x;
}

Deno.test("trailingAverage() without fill divides the first values by their count", () => {
  assert.deepEqual(Array.from(trailingAverage([1, 2, 3, 4, 5], 3, false)), [1, 1.5, 2, 3, 4]);
});

Deno.test("trailingAverage() with fill pads to the original window", () => {
  assertAllClose(trailingAverage([1, 2, 3, 4, 5], 100, true), [1, 1.01, 1.515, 2.02, 2.525], 1e-15);
  assert.deepEqual(
    Array.from(trailingAverage([1, 2, 3, 4, 5], 3, true)),
    [1, 1.3333333333333333, 2, 3, 4],
  );
});

Deno.test("predictNext() is the median plus 0.7 × the summed slopes", () => {
  assert.equal(predictNext([1, 2, 3, 4, 5, 6]), 7.0);
  assert.equal(predictNext([5, 1, 4, 2, 3, 8]), 11.678333333333333);
});

Deno.test("extendSeries() in last mode predicts from the six values before the last", () => {
  const e = extendSeries([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 50, 11], false);
  assert.equal(e.length, 17);
  assert.deepEqual(Array.from(e.subarray(12)), new Array(5).fill(74.33500000000001));
});

Deno.test("extendSeries() in entire mode skips IQR outliers", () => {
  const e = extendSeries([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 50, 11], true);
  assert.deepEqual(Array.from(e.subarray(12)), new Array(5).fill(12.0));
});

Deno.test("srTransform() matches the §8 saliency check", () => {
  assertAllClose(srTransform([1, 2, 1, 2, 1, 5, 1, 2, 1, 2]), [
    0.07809265093913031,
    0.14138692139477574,
    0.07158219162965672,
    0.17675232513229516,
    0.12767770520693747,
    0.932381849599692,
    0.12767770520693747,
    0.17675232513229513,
    0.07158219162965672,
    0.14138692139477568,
  ], 1e-13);
});

Deno.test("srScores() of the spiked sine peaks at the spike", () => {
  const raw = srScores(spiked30(), true);
  assertAllClose(
    raw.subarray(18, 23),
    [0.6784716538, 0.4641492306, 5.4897185131, 1.0156768522, 0.7528572564],
    1e-9,
  );
});

Deno.test("spectralResidualModel() in entire mode flags the spike with model 20", () => {
  const { results, modelId } = spectralResidualModel(spiked30(), 0.25, "entire");
  assert.equal(modelId, 20);
  assert.deepEqual(flagged(results.isAnomaly), [20]);
  assert.deepEqual(flagged(results.isPositive), [20]);
  assert.deepEqual(flagged(results.isNegative), []);
});

Deno.test("spectralResidualModel() stores clip(raw − 3.5/11.5, 0, 1) as the score", () => {
  const { results } = spectralResidualModel(spiked30(), 0.25, "entire");
  assert.ok(results.score !== undefined);
  assertAllClose(
    results.score.slice(19, 22),
    [0.15980140448005503, 1.0, 0.7113290260676555],
    1e-12,
  );
});

Deno.test("spectralResidualModel() entire expected values average the skeleton values", () => {
  const { results } = spectralResidualModel(spiked30(), 0.25, "entire");
  assertAllClose(
    results.expected.slice(19, 22),
    [0.6125625401603115, 0.46478332858887794, 0.3067324630477158],
    1e-13,
  );
});

Deno.test("spectralResidualModel() in last mode with z < 1.5 is model 21 with score 0", () => {
  const { results, modelId } = spectralResidualModel(spiked30(), 0.25, "last");
  assert.equal(modelId, 21);
  assert.equal(results.score?.[29], 0);
  assert.equal(results.isAnomaly[29], false);
  assertAllClose([results.expected[29]], [0.31363685553767107], 1e-13);
});

Deno.test("srScores() of the last-mode tail matches the §8 check", () => {
  const raw = srScores(spiked40(), false);
  assertAllClose(
    raw.subarray(30, 40),
    [2.0495, 0.9051, 0.007, 2.0067, 0.1797, 0.284, 5.1187, 0.2726, 0.6971, 4.9156],
    0,
    5e-5,
  );
});

Deno.test("srScores() rescoring without the dropped tail gives the last point 7.2991", () => {
  // D = 10, the first tail score ≥ 1.5 is at 30: x[0..29] ++ [x[39]].
  const x = spiked40();
  const xf = [...x.slice(0, 30), x[39]];
  assertAllClose([srScores(xf, false)[30]], [7.2991], 0, 5e-5);
});

Deno.test("spectralResidualModel() in last mode flags an extreme last point (model 20)", () => {
  const { results, modelId } = spectralResidualModel(spiked40(), 0.25, "last");
  assert.equal(modelId, 20);
  assert.equal(results.isAnomaly[39], true);
  assert.equal(results.score?.[39], 1);
  // The dropped tail 30..38 is excluded from the skeleton (score 2.0 → normalised 1).
  assert.deepEqual(results.score?.slice(30, 39), new Array(9).fill(1));
});

Deno.test("spectralResidualModel() adds a trend column only on request", () => {
  const without = spectralResidualModel(spiked30(), 0.25, "entire", { needTrend: false });
  assert.equal(without.results.trend, undefined);
  const withTrend = spectralResidualModel(spiked30(), 0.25, "entire");
  assert.equal(withTrend.results.trend?.length, 30);
});

Deno.test("srTrigger() fires for minutely data under 60 and secondly under 3600", () => {
  const x = spiked30();
  assert.equal(srTrigger("minutely", undefined, x), true);
  assert.equal(srTrigger("minutely", 60, x), false);
  assert.equal(srTrigger("secondly", 3599, x), true);
  assert.equal(srTrigger("secondly", 3600, x), false);
  assert.equal(srTrigger("hourly", 1, x), false);
});

Deno.test("srTrigger() does not fire when the MAD is ≈ 0 (majority value)", () => {
  const x = new Array(30).fill(5);
  x[3] = 9;
  assert.equal(srTrigger("minutely", 1, x), false);
});

Deno.test("spectralResidualModel() rejects a series shorter than 7 points", () => {
  assert.throws(
    () => spectralResidualModel([1, 2, 3, 4, 5, 6], 0.25, "entire"),
    new RangeError(
      "Cannot run spectral residual as the series must have at least 7 points: current length is 6",
    ),
  );
});

Deno.test("spectralResidualModel() trend column is the spline trend of the expected values", () => {
  const { results } = spectralResidualModel(spiked30(), 0.25, "entire");
  assert.deepEqual(results.trend, Array.from(splineTrend(results.expected)));
  assert.deepEqual(Object.keys(results).sort(), [
    "expected",
    "isAnomaly",
    "isNegative",
    "isPositive",
    "score",
    "trend",
    "value",
  ]);
});

/** Appendix A E2: minutely, v_i = 2·sin(i/3) + 10 + 0.01·(i mod 5), v[45] += 6. */
function e2(): number[] {
  const v = Array.from({ length: 60 }, (_, i) => 2 * Math.sin(i / 3) + 10 + 0.01 * (i % 5));
  v[45] += 6;
  return v;
}

/** Oracle outputs of Appendix A (read-only reference data in ../shared). */
function e2eExample(id: string): Record<string, Record<string, unknown>> {
  const url = new URL("../../../shared/spec/tables.json", import.meta.url);
  // The file writes one unbounded table limit as a bare Infinity, which JSON.parse rejects.
  const text = Deno.readTextFileSync(url).replaceAll(": Infinity", ": 1e999");
  return JSON.parse(text).e2e_examples[id];
}

function srWithDelta(x: number[], mode: "entire" | "last") {
  const first = spectralResidualModel(x, 0.25, mode);
  const results = mergeWithDelta(first.results, {
    series: x,
    ratio: 0.25,
    rerun: (y, r) => spectralResidualModel(y, r, mode).results,
  });
  return { results, modelId: first.modelId };
}

Deno.test("spectralResidualModel() on E2 (entire) flags 45 with the oracle's expected values", () => {
  const { results, modelId } = srWithDelta(e2(), "entire");
  assert.equal(modelId, 20);
  assert.deepEqual(flagged(results.isAnomaly), [45]);
  assert.equal(results.expected[0], 10.0);
  assertAllClose([results.expected[45]], [11.581462557797499], 1e-12);
  const oracle = e2eExample("E2_minutely_SR").entire_V1.expectedValues as number[];
  assertAllClose(results.expected, oracle, 1e-10);
});

Deno.test("spectralResidualModel() on E2 (last) is model 21 with expected 10.34449442129631", () => {
  const { results, modelId } = srWithDelta(e2(), "last");
  assert.equal(modelId, 21);
  assert.equal(results.isAnomaly[59], false);
  assertAllClose([results.expected[59]], [10.34449442129631], 1e-12);
});
