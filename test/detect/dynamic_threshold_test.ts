import assert from "node:assert/strict";
import { dynamicThresholdModel } from "../../lib/detect/dynamic_threshold.ts";
import { mergeWithDelta } from "../../lib/detect/merge_with_delta.ts";
import { splineTrend } from "../../lib/detect/trend.ts";
import { NOISE } from "./_noise.ts";

function trendedSine(): number[] {
  return NOISE.map((e, i) => 5 + 0.05 * i + Math.sin((2 * Math.PI * i) / 10) + e);
}

/** E3: 20 + 0.5·i ± 0.3 (minus at even i), x[12] −= 9. */
function e3(): number[] {
  const x = Array.from({ length: 30 }, (_, i) => 20 + 0.5 * i + (i % 2 === 0 ? -0.3 : 0.3));
  x[12] -= 9;
  return x;
}

function flagged(a: boolean[]): number[] {
  return a.flatMap((v, i) => (v ? [i] : []));
}

Deno.test("dynamicThresholdModel() finds no anomaly in the trended sine (model 40)", () => {
  const d = trendedSine();
  const t0 = splineTrend(d, 0);
  const { results, modelId } = dynamicThresholdModel(d, t0, 0.25, "entire");
  assert.equal(modelId, 40);
  assert.deepEqual(flagged(results.isAnomaly), []);
  assert.deepEqual(results.expected, Array.from(t0));
  assert.deepEqual(results.trend, Array.from(t0));
});

Deno.test("dynamicThresholdModel() does not detrend: moderate spikes stay unflagged", () => {
  const d = trendedSine();
  d[30] += 4;
  d[60] -= 3;
  const { results } = dynamicThresholdModel(d, splineTrend(d, 0), 0.25, "entire");
  assert.deepEqual(flagged(results.isAnomaly), []);
});

Deno.test("dynamicThresholdModel() flags an extreme value and refits the trend without it", () => {
  const x = Array.from({ length: 40 }, (_, i) => 10 + Math.sin(i));
  x[25] = 60;
  const t0 = splineTrend(x, 0);
  const { results, modelId } = dynamicThresholdModel(x, t0, 0.1, "entire");
  assert.equal(modelId, 40);
  assert.deepEqual(flagged(results.isAnomaly), [25]);
  assert.deepEqual(flagged(results.isPositive), [25]);
  const holed = x.slice();
  holed[25] = (x[24] + x[26]) / 2;
  assert.deepEqual(results.expected, Array.from(splineTrend(holed)));
});

Deno.test("dynamicThresholdModel() reports model 41 when a majority value exists", () => {
  const x = new Array(30).fill(5);
  x[3] = 9;
  x[10] = 1;
  x[20] = 5.5;
  const { modelId } = dynamicThresholdModel(x, splineTrend(x, 0), 0.25, "entire");
  assert.equal(modelId, 41);
});

Deno.test("dynamicThresholdModel() on E3 finds nothing in the first pass", () => {
  const x = e3();
  const t0 = splineTrend(x, 0);
  const { results, modelId } = dynamicThresholdModel(x, t0, 0.25, "entire");
  assert.equal(modelId, 40);
  assert.deepEqual(flagged(results.isAnomaly), []);
  assert.equal(results.expected[0], 20.777711220686612);
});

Deno.test("mergeWithDelta() on E3 adds 7 anomalies per direction from the differenced rerun", () => {
  const x = e3();
  const t0 = splineTrend(x, 0);
  const first = dynamicThresholdModel(x, t0, 0.25, "entire").results;
  const merged = mergeWithDelta(first, {
    series: x,
    ratio: 0.25,
    rerun: (y, ratio) => dynamicThresholdModel(y, t0, ratio, "entire").results,
  });
  assert.deepEqual(flagged(merged.isAnomaly), [0, 1, 2, 3, 4, 5, 6, 12, 13, 14, 15, 22, 23, 24]);
  assert.equal(merged.expected[0], 20.777711220686612);
  assert.equal(merged.expected[1].toFixed(4), "22.0171");
});

Deno.test("dynamicThresholdModel() rejects a trend of the wrong length", () => {
  assert.throws(
    () => dynamicThresholdModel([1, 2, 3], [1, 2], 0.25, "entire"),
    new RangeError(
      "Cannot run dynamic threshold as trend0 must have the series length 3: current length is 2",
    ),
  );
});

/** Oracle outputs of Appendix A (read-only reference data in ../shared). */
function e2eExample(id: string): Record<string, Record<string, unknown>> {
  const url = new URL("../../../shared/spec/tables.json", import.meta.url);
  // The file writes one unbounded table limit as a bare Infinity, which JSON.parse rejects.
  const text = Deno.readTextFileSync(url).replaceAll(": Infinity", ": 1e999");
  return JSON.parse(text).e2e_examples[id];
}

function dtWithDelta(x: number[], mode: "entire" | "last") {
  const t0 = splineTrend(x, 0);
  const first = dynamicThresholdModel(x, t0, 0.25, mode);
  return mergeWithDelta(first.results, {
    series: x,
    ratio: 0.25,
    rerun: (y, r) => dynamicThresholdModel(y, t0, r, mode).results,
  });
}

Deno.test("dynamicThresholdModel() with the delta merge reproduces E3's expected values", () => {
  const merged = dtWithDelta(e3(), "entire");
  const oracle = e2eExample("E3_none_DT_delta").entire_V3;
  assert.deepEqual(merged.isAnomaly, oracle.isAnomaly);
  const expected = oracle.expectedValues as number[];
  assert.equal(merged.expected.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(
      Math.abs(merged.expected[i] - expected[i]) <= 1e-10 * Math.abs(expected[i]),
      `expected[${i}]: ${merged.expected[i]} vs ${expected[i]}`,
    );
  }
});

Deno.test("dynamicThresholdModel() on E3 in last mode expects 34.7650492600771, not anomalous", () => {
  const merged = dtWithDelta(e3(), "last");
  assert.equal(merged.isAnomaly[29], false);
  assert.ok(Math.abs(merged.expected[29] - 34.7650492600771) <= 1e-12 * 34.7650492600771);
});
