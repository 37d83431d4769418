import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import {
  adjustLastModeRatio,
  detectDetails,
  detectEntireSeries,
  detectLastPoint,
  epsRefine,
  majorityRatio,
  suggestedWindow,
} from "../../lib/detect/orchestrator.ts";
import { MODEL_IDS } from "../../lib/detect/_tables.ts";
import { AnomalyDetectorError } from "../../lib/detect/types.ts";

const tablesPath = join(
  dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  "..",
  "shared",
  "spec",
  "tables.json",
);
// tables.json holds the non-JSON literal Infinity elsewhere; only e2e_examples is needed here.
const e2e: Record<string, Record<string, Record<string, unknown>>> = JSON.parse(
  readFileSync(tablesPath, "utf8").replace(/\bInfinity\b/g, "1e999"),
).e2e_examples;

function assertClose(got: unknown, expected: unknown, field: string) {
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(got), field);
    assert.equal(got.length, expected.length, field);
    expected.forEach((e, i) => assertClose(got[i], e, `${field}[${i}]`));
  } else if (typeof expected === "number") {
    assert.equal(typeof got, "number", field);
    const tol = Math.max(1e-9, 1e-7 * Math.abs(expected));
    assert.ok(Math.abs((got as number) - expected) <= tol, `${field}: ${got} vs ${expected}`);
  } else {
    assert.equal(got, expected, field);
  }
}

for (
  const name of ["E1_daily_seasonal", "E2_minutely_SR", "E3_none_DT_delta", "E4_hourly_gaps_auto"]
) {
  const ex = e2e[name];
  for (const variant of ["entire_V1", "last_V1", "entire_V3", "last_V3"]) {
    Deno.test(`detect${variant.startsWith("entire") ? "EntireSeries" : "LastPoint"}() reproduces ${name} ${variant}`, () => {
      const expected = { ...ex[variant] };
      const modelName = expected.modelName as string;
      delete expected.modelName;
      // v1.1-preview serves V1 with severity; v1.1 serves V3.
      const apiVersion = variant.endsWith("V1") ? "v1.1-preview" : "v1.1";
      const got: Record<string, unknown> = variant.startsWith("entire")
        ? { ...detectEntireSeries(ex.request, { apiVersion }) }
        : { ...detectLastPoint(ex.request, { apiVersion }) };
      assert.deepEqual(Object.keys(got).sort(), Object.keys(expected).sort());
      for (const key of Object.keys(expected)) assertClose(got[key], expected[key], key);
      const mode = variant.startsWith("entire") ? "entire" : "last";
      assert.equal(detectDetails(ex.request, mode, { apiVersion }).modelId, MODEL_IDS[modelName]);
    });
  }
}

Deno.test("detectEntireSeries() omits severity for v1.0", () => {
  const res = detectEntireSeries(e2e.E1_daily_seasonal.request, { apiVersion: "v1.0" });
  assert.equal("severity" in res, false);
});

Deno.test("detectLastPoint() reports the period-based suggested window", () => {
  const res = detectLastPoint(e2e.E4_hourly_gaps_auto.request, { apiVersion: "v1.0" });
  assert.deepEqual([res.period, res.suggestedWindow], [24, 97]);
});

Deno.test("detectEntireSeries() aligns outputs with input points when gaps were filled", () => {
  const req = e2e.E4_hourly_gaps_auto.request as { series: unknown[] };
  const res = detectEntireSeries(req, { apiVersion: "v1.1" });
  assert.equal(res.expectedValues.length, req.series.length);
  assert.deepEqual(res.isAnomaly.flatMap((a, i) => (a ? [i] : [])), [66]);
});

Deno.test("detectEntireSeries() accepts the request as JSON text", () => {
  const req = e2e.E1_daily_seasonal.request;
  assert.deepEqual(detectEntireSeries(JSON.stringify(req)), detectEntireSeries(req));
});

Deno.test("detectEntireSeries() reports #27 for a seasonal series with too many gaps", () => {
  const series = Array.from({ length: 21 }, (_, i) => ({
    timestamp: new Date(Date.UTC(2020, 0, 1 + 3 * i)).toISOString(),
    value: i % 7,
  }));
  assert.throws(
    () => detectEntireSeries({ series, granularity: "daily", period: 7 }),
    (e: unknown) =>
      e instanceof AnomalyDetectorError && e.code === "InvalidSeries" &&
      e.message ===
        "Ratio of missing points should be less than 50% for seasonal timeseries. There should be at least 31 points, but got 21 points.",
  );
});

Deno.test("detectEntireSeries() reports #26 when granularity none leaves too few points for the period", () => {
  const series = Array.from({ length: 20 }, (_, i) => ({ value: i % 5 }));
  assert.throws(
    () => detectEntireSeries({ series, period: 10 }),
    (e: unknown) => e instanceof AnomalyDetectorError && e.code === "InvalidModelArgument",
  );
});

Deno.test("majorityRatio() uses 20 equal-width bins", () => {
  assert.equal(majorityRatio([1, 1, 1, 1, 1, 1, 1, 1, 2, 3, 10, 1]), 0.75);
});

Deno.test("adjustLastModeRatio() shrinks the ratio when a majority exists", () => {
  assert.equal(adjustLastModeRatio(0.25, 0.75), 0.0625);
  assert.equal(adjustLastModeRatio(0.25, 0.5), 0.25);
});

Deno.test("suggestedWindow() uses 4·period + 1 or the granularity default", () => {
  assert.deepEqual(
    [
      suggestedWindow(7, "daily"),
      suggestedWindow(0, "daily"),
      suggestedWindow(0, "minutely"),
      suggestedWindow(1, "none"),
    ],
    [29, 29, 1441, 5],
  );
});

Deno.test("epsRefine() clears flags where value equals expected", () => {
  const rows = epsRefine({
    value: [1, 2],
    expected: [1 + 1e-9, 3],
    isAnomaly: [true, true],
    isPositive: [true, false],
    isNegative: [false, true],
  });
  assert.deepEqual([rows.isAnomaly, rows.isPositive, rows.isNegative], [[false, true], [
    false,
    false,
  ], [false, true]]);
});

Deno.test("detectEntireSeries() rejects 95.0-style integer fields in JSON text", () => {
  const req = e2e.E1_daily_seasonal.request as Record<string, unknown>;
  const text = JSON.stringify({ ...req, sensitivity: 1 }).replace(
    '"sensitivity":1',
    '"sensitivity":95.0',
  );
  assert.throws(
    () => detectEntireSeries(text),
    (e: unknown) =>
      e instanceof AnomalyDetectorError &&
      e.message === "The 'sensitivity' field must be an integer between 0 and 99.",
  );
  const ok = JSON.stringify({ ...req, sensitivity: 1 }).replace(
    '"sensitivity":1',
    '"sensitivity":95',
  );
  assert.equal(detectEntireSeries(ok).period, 7);
});
