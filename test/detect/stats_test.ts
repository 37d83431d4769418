import assert from "node:assert/strict";
import {
  adjacentOrderStatistics,
  argsortStable,
  histogramCounts,
  isclose,
  kthSmallest,
  linearFillNaN,
  mad,
  mean,
  meanF32,
  median,
  naiveStd,
  nanMean,
  normalize,
  pairwiseSum,
  pairwiseSumF32,
  quantile,
  roundHalfEven,
  std,
  stdF32,
  theilSenSlope,
  variance,
} from "../../lib/detect/stats.ts";

/** Deterministic, exactly representable test data: ((i·7919) mod 10007)/997 − 5. */
function ramp(n: number): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = ((i * 7919) % 10007) / 997 - 5;
  return a;
}

Deno.test("Math.fround() gives the float32 constants of §13", () => {
  assert.equal(Math.fround(0.6744897501960817), 0.6744897365570068);
  assert.equal(Math.fround(1e-8), 9.99999993922529e-09);
  assert.equal(Math.fround(0.05), 0.05000000074505806);
});

Deno.test("pairwiseSum() matches numpy float64 sums across block sizes", () => {
  const a = ramp(20000);
  assert.equal(pairwiseSum(a, 0, 13), 2.499498495486459);
  assert.equal(pairwiseSum(a, 0, 100), 3.4914744232698087);
  assert.equal(pairwiseSum(a, 0, 300), 4.268806419257771);
  // numpy 1.24 (the oracle) adds 8192-element block sums; without blocking: 361.99297893681035
  assert.equal(pairwiseSum(a), 361.99297893681023);
});

Deno.test("pairwiseSum() differs from a naive left-to-right sum", () => {
  const a = ramp(20000);
  let naive = 0;
  for (const v of a) naive += v;
  assert.equal(naive, 361.9929789368097);
  assert.notEqual(pairwiseSum(a), naive);
});

Deno.test("pairwiseSumF32() matches numpy float32 sums", () => {
  const a = ramp(20000);
  assert.equal(pairwiseSumF32(a, 0, 300), 4.268804550170898);
  // blocked like numpy 1.24; without blocking: 361.9929504394531
  assert.equal(pairwiseSumF32(a), 361.99285888671875);
});

Deno.test("meanF32() and stdF32() match numpy float32 reductions", () => {
  assert.equal(meanF32([0.1, 0.2, 0.4]), 0.23333334922790527);
  assert.equal(stdF32([0.1, 0.2, 0.4]), 0.12472191452980042);
  const a = ramp(20000);
  assert.equal(meanF32(a), 0.018099643290042877);
  assert.equal(stdF32(a), 2.897524118423462);
});

Deno.test("std() and variance() match numpy population statistics", () => {
  const a = ramp(20000);
  assert.equal(std(a), 2.897524033729467);
  assert.equal(variance(a.subarray(0, 1000)), 8.40288382829431);
  assert.equal(mean([1, 2, 3, 4]), 2.5);
});

Deno.test("naiveStd() gives the pandas/bottleneck std of [1, 2, 3, 4]", () => {
  assert.equal(naiveStd([1, 2, 3, 4]), 1.118033988749895);
});

Deno.test("nanMean() skips NaN terms (pandas mean)", () => {
  assert.equal(nanMean([1 / 1, 0 / 0, 2 / 4]), 0.75);
  assert.ok(Number.isNaN(nanMean([NaN, NaN])));
  assert.equal(nanMean([1, Infinity]), Infinity);
});

Deno.test("median() averages the two middle elements for even length", () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([5, 5, 1, 9, 5, 2]), 5);
  assert.ok(Number.isNaN(median([])));
});

Deno.test("median() does not mutate its input", () => {
  const a = [9, 1, 8, 2, 7];
  median(a);
  assert.deepEqual(a, [9, 1, 8, 2, 7]);
});

Deno.test("median() equals the sorted middle on a long array with ties", () => {
  const a = Array.from({ length: 1001 }, (_, i) => (i * 37) % 101);
  const s = [...a].sort((x, y) => x - y);
  assert.equal(median(a), s[500]);
  const b = a.slice(1);
  const t = [...b].sort((x, y) => x - y);
  assert.equal(median(b), (t[499] + t[500]) / 2);
});

Deno.test("quantile() uses numpy's linear method", () => {
  assert.equal(quantile([1, 5, 2, 8, 3, 9, 4], 0.3), 2.8);
  assert.equal(quantile([1, 5, 2, 8, 3, 9, 4], 0.85), 8.1);
  assert.equal(quantile([1, 5, 2], 1), 5);
  assert.equal(quantile([1, 5, 2], 0), 1);
});

Deno.test("quantile() rejects q outside [0, 1]", () => {
  assert.throws(
    () => quantile([1, 2], 1.5),
    new RangeError("Cannot compute quantile as q must be in [0, 1]: current value is 1.5"),
  );
});

Deno.test("mad() gives the statsmodels scaled MAD of §6.4", () => {
  const u = [0, 0.1, 0.12, 0.15, 0.2, 0.22, 0.25, 0.3, 0.31, 0.35, 0.4, 1.0];
  assert.equal(mad(u), 0.14826022185056018);
});

Deno.test("theilSenSlope() is the median of pairwise slopes", () => {
  assert.equal(theilSenSlope([0, 1, 2, 3, 10]), 1);
  assert.equal(theilSenSlope([1, 3, 2]), 0.5);
});

Deno.test("theilSenSlope() computes differences in float32 when asked", () => {
  const y = [0.1, 0.2];
  assert.equal(theilSenSlope(y), 0.2 - 0.1);
  assert.equal(theilSenSlope(y, { float32: true }), Math.fround(0.2 - 0.1));
});

Deno.test("histogramCounts() matches numpy histogram with 20 bins", () => {
  const v = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0.5, 0.5, 0.5];
  assert.deepEqual(
    Array.from(histogramCounts(v)),
    [1, 3, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 1],
  );
});

Deno.test("histogramCounts() widens a constant range by 0.5", () => {
  const c = histogramCounts([3, 3, 3]);
  assert.equal(c[10], 3);
  assert.equal(c.reduce((s, x) => s + x, 0), 3);
});

Deno.test("histogramCounts() rejects a bad bin count", () => {
  assert.throws(
    () => histogramCounts([1, 2], 0),
    new RangeError("Cannot build histogram as bins must be a positive integer: current value is 0"),
  );
});

Deno.test("isclose() uses numpy's default tolerances", () => {
  assert.equal(isclose(1e-8, 0), true);
  assert.equal(isclose(1.1e-8, 0), false);
  assert.equal(isclose(100.0009, 100), true);
  assert.equal(isclose(100.0011, 100), false);
});

Deno.test("roundHalfEven() rounds ties to even like Python round()", () => {
  assert.deepEqual(
    [0.5, 1.5, 2.5, -0.5, -1.5, 2.4, 2.6, -2.6].map(roundHalfEven),
    [0, 2, 2, -0, -2, 2, 3, -3],
  );
});

Deno.test("argsortStable() orders ties by position", () => {
  assert.deepEqual(Array.from(argsortStable([3, 1, 2, 1, 3])), [1, 3, 2, 0, 4]);
});

Deno.test("normalize() maps to [0, 1] and keeps constant data", () => {
  assert.deepEqual(Array.from(normalize([2, 4, 3])), [0, 1, 0.5]);
  assert.deepEqual(Array.from(normalize([7, 7])), [7, 7]);
});

Deno.test("linearFillNaN() interpolates inside and copies beyond the ends", () => {
  assert.deepEqual(
    Array.from(linearFillNaN([NaN, 1, NaN, NaN, 4, NaN])),
    [1, 1, 2, 3, 4, 4],
  );
});

Deno.test("kthSmallest() selects the k-th order statistic", () => {
  const a = [5, 3, 9, 1, 7, 3];
  assert.deepEqual([0, 1, 2, 3, 4, 5].map((k) => kthSmallest(a, k)), [1, 3, 3, 5, 7, 9]);
  assert.deepEqual(a, [5, 3, 9, 1, 7, 3]);
});

Deno.test("kthSmallest() rejects an index outside the array", () => {
  assert.throws(
    () => kthSmallest([1, 2], 2),
    new RangeError(
      "Cannot select order statistic as k must be an index below 2: current value is 2",
    ),
  );
});

Deno.test("adjacentOrderStatistics() returns the k-th and (k+1)-th smallest", () => {
  assert.deepEqual(adjacentOrderStatistics([5, 3, 9, 1, 7, 3], 2), [3, 5]);
  assert.deepEqual(adjacentOrderStatistics([5, 3, 9], 2), [9, NaN]);
});
