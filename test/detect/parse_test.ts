import assert from "node:assert/strict";
import { MESSAGES, parseDetectRequest, toPythonFloat } from "../../lib/detect/parse.ts";
import { AnomalyDetectorError } from "../../lib/detect/types.ts";

function daily(n: number, value: (i: number) => unknown = (i) => 10 + (i % 7)) {
  return Array.from({ length: n }, (_, i) => ({
    timestamp: new Date(Date.UTC(2020, 0, 1 + i)).toISOString(),
    value: value(i),
  }));
}

function errorOf(body: unknown): { code: string; message: string } {
  try {
    parseDetectRequest(body);
  } catch (error) {
    assert.ok(error instanceof AnomalyDetectorError);
    return error.toJSON();
  }
  throw new Error("no error");
}

Deno.test("parseDetectRequest() rejects a maxAnomalyRatio of 1", () => {
  assert.deepEqual(errorOf({ series: daily(30), granularity: "daily", maxAnomalyRatio: 1 }), {
    code: "InvalidModelArgument",
    message: MESSAGES.maxAnomalyRatio,
  });
});

Deno.test("parseDetectRequest() rejects a period whose two spans exceed the series", () => {
  assert.deepEqual(errorOf({ series: daily(30), granularity: "daily", period: 15 }), {
    code: "InvalidModelArgument",
    message: "The 'series' field must have more than 2 periods points",
  });
});

Deno.test("parseDetectRequest() accepts a period of exactly (n − 1) / 2", () => {
  assert.equal(
    parseDetectRequest({ series: daily(30), granularity: "daily", period: 14 }).period,
    14,
  );
});

Deno.test("parseDetectRequest() names the first misaligned index with customInterval", () => {
  assert.deepEqual(errorOf({ series: daily(30), granularity: "daily", customInterval: 2 }), {
    code: "InvalidSeries",
    message: "The 'timestamp' at index 1 is invalid in daily granularity with 2 gran as interval.",
  });
});

Deno.test("parseDetectRequest() converts numeric strings and booleans like Python float()", () => {
  const r = parseDetectRequest({
    series: daily(30, (i) => (i === 0 ? "12.5" : i === 1 ? true : i)),
    granularity: "daily",
  });
  assert.deepEqual(r.values.slice(0, 3), [12.5, 1, 2]);
});

Deno.test("parseDetectRequest() treats a null value as a none value", () => {
  assert.deepEqual(errorOf({ series: daily(30, (i) => (i === 3 ? null : i)) }), {
    code: "BadArgument",
    message: MESSAGES.noneValues,
  });
});

Deno.test("parseDetectRequest() rejects a string value beyond 1e100 as too large", () => {
  assert.deepEqual(errorOf({ series: daily(30, (i) => (i === 3 ? "1e101" : i)) }), {
    code: "InvalidSeries",
    message: MESSAGES.tooLarge,
  });
});

Deno.test("parseDetectRequest() checks parameters before the series", () => {
  const body = { series: daily(11), granularity: "Hourly" };
  assert.equal(errorOf(body).code, "InvalidGranularity");
});

Deno.test("parseDetectRequest() rejects non-integer integer fields", () => {
  assert.equal(errorOf({ series: daily(30), customInterval: 1.5 }).code, "InvalidCustomInterval");
  assert.equal(errorOf({ series: daily(30), period: "7" }).code, "InvalidPeriod");
  assert.equal(errorOf({ series: daily(30), sensitivity: 95.5 }).message, MESSAGES.sensitivity);
  assert.equal(errorOf({ series: daily(30), sensitivity: true }).message, MESSAGES.sensitivity);
});

Deno.test("parseDetectRequest() accepts sensitivity 100", () => {
  assert.equal(parseDetectRequest({ series: daily(30), sensitivity: 100 }).sensitivity, 100);
});

Deno.test("parseDetectRequest() distinguishes empty, null and non-array series", () => {
  assert.equal(errorOf({}).message, MESSAGES.empty);
  assert.equal(errorOf({ series: [] }).message, MESSAGES.empty);
  assert.equal(errorOf({ series: null }).message, MESSAGES.seriesNull);
  assert.equal(errorOf({ series: "abc" }).message, MESSAGES.seriesNotArray);
});

Deno.test("parseDetectRequest() enforces 12..8640 points", () => {
  assert.equal(errorOf({ series: daily(11) }).message, MESSAGES.tooFew);
  const big = Array.from({ length: 8641 }, (_, i) => ({ value: i }));
  assert.equal(errorOf({ series: big }).message, MESSAGES.tooMany);
});

Deno.test("parseDetectRequest() rejects a missing timestamp as malformed", () => {
  const series = daily(30);
  delete (series[4] as { timestamp?: string }).timestamp;
  assert.equal(errorOf({ series, granularity: "daily" }).message, MESSAGES.malformed);
});

Deno.test("parseDetectRequest() requires a numeric imputeFixedValue for fixed mode", () => {
  const body = { series: daily(30), imputeMode: "fixed", imputeFixedValue: "800" };
  assert.deepEqual(errorOf(body), {
    code: "InvalidImputeFixedValue",
    message: MESSAGES.imputeFixedValue,
  });
});

Deno.test("parseDetectRequest() applies the engine defaults", () => {
  const r = parseDetectRequest({ series: daily(30) });
  assert.deepEqual(
    [r.granularity, r.customInterval, r.period, r.maxAnomalyRatio, r.sensitivity, r.fillMode],
    ["none", 1, undefined, 0.25, 99, "auto"],
  );
  assert.deepEqual(r.indices.slice(0, 3), [0, 1, 2]);
});

Deno.test("parseDetectRequest() maps zero to fixed 0 and last to previous", () => {
  const zero = parseDetectRequest({ series: daily(30), imputeMode: "zero" });
  assert.deepEqual([zero.fillMode, zero.fixedValue], ["fixed", 0]);
  assert.equal(parseDetectRequest({ series: daily(30), imputeMode: "last" }).fillMode, "previous");
});

Deno.test("toPythonFloat() parses like Python float()", () => {
  assert.equal(toPythonFloat(" 1e3 "), 1000);
  assert.equal(toPythonFloat("1_000.5"), 1000.5);
  assert.ok(Number.isNaN(toPythonFloat("NaN") as number));
  assert.equal(toPythonFloat("-Infinity"), Number.NEGATIVE_INFINITY);
  assert.equal(toPythonFloat("abc"), undefined);
  assert.equal(toPythonFloat({}), undefined);
  assert.equal(toPythonFloat("."), undefined);
});
