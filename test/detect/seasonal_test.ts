import assert from "node:assert/strict";
import { seasonalModel } from "../../lib/detect/seasonal.ts";
import { AnomalyDetectorError } from "../../lib/detect/types.ts";

const Y20 = [10, 12, 14, 11, 10, 13, 15, 11, 11, 13, 14, 12, 10, 30, 15, 11, 11, 13, 14, 12];

function indicesOf(flags: boolean[]): number[] {
  return flags.flatMap((f, i) => (f ? [i] : []));
}

function close(actual: number, expected: number, abs = 5e-7): void {
  assert.ok(Math.abs(actual - expected) <= abs, `${actual} is not within ${abs} of ${expected}`);
}

Deno.test("seasonalModel() flags the §6.7 anomalies, all positive, model 10", () => {
  const out = seasonalModel(Y20, 4, 0.25, "entire");
  assert.equal(out.modelId, 10);
  assert.deepEqual(indicesOf(out.results.isAnomaly), [6, 11, 13, 14, 19]);
  assert.deepEqual(indicesOf(out.results.isPositive), [6, 11, 13, 14, 19]);
  assert.deepEqual(indicesOf(out.results.isNegative), []);
});

Deno.test("seasonalModel() rebuilds the §6.7 expected values from the filled trend", () => {
  const r = seasonalModel(Y20, 4, 0.25, "entire").results;
  close(r.expected[13], 12.946021);
  close(r.expected[0], 9.859654);
});

Deno.test("seasonalModel() blanks the last half period when it holds anomalies", () => {
  const trend = seasonalModel(Y20, 4, 0.25, "entire").results.trend!;
  close(trend[17], 12.425990);
  assert.equal(trend[18], trend[17]);
  assert.equal(trend[19], trend[17]);
});

Deno.test("seasonalModel() omits the trend column when asked", () => {
  const r = seasonalModel(Y20, 4, 0.25, "entire", { includeTrend: false }).results;
  assert.equal(r.trend, undefined);
});

Deno.test("seasonalModel() returns one row per point and keeps the values", () => {
  const r = seasonalModel(Y20, 4, 0.25, "last").results;
  assert.equal(r.expected.length, 20);
  assert.deepEqual(r.value, Y20);
});

Deno.test("seasonalModel() rejects a series shorter than 2·period + 1", () => {
  assert.throws(
    () => seasonalModel(Y20.slice(0, 8), 4, 0.25, "entire"),
    new AnomalyDetectorError(
      "InvalidModelArgument",
      "The 'series' field must have more than 2 periods points",
    ),
  );
});

Deno.test("seasonalModel() rejects a period of 1", () => {
  assert.throws(
    () => seasonalModel(Y20, 1, 0.25, "entire"),
    new RangeError(
      "Cannot run seasonal model as the period must be an integer > 1: current value is 1",
    ),
  );
});
