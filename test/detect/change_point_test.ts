import assert from "node:assert/strict";
import {
  changePointScores,
  detectChangePoint,
  pickChangePoints,
  REQUIRED_GRANULARITY_MESSAGE,
  STABLE_TREND_WINDOW_MESSAGE,
  THRESHOLD_MESSAGE,
} from "../../lib/detect/change_point.ts";
import { AnomalyDetectorError } from "../../lib/detect/types.ts";
import { gridSeries, rng } from "./_random.ts";

const MINUTE = 60_000;

function levels(n: number, shifts: number[], seed = 3): number[] {
  const r = rng(seed);
  return Array.from({ length: n }, (_, i) => {
    const level = shifts.filter((s) => i >= s).length * 10;
    return 100 + level + (r() - 0.5);
  });
}

function errorOf(body: unknown): { code: string; message: string } {
  try {
    detectChangePoint(body);
  } catch (error) {
    assert.ok(error instanceof AnomalyDetectorError);
    return error.toJSON();
  }
  throw new Error("no error");
}

Deno.test("detectChangePoint() flags level shifts with confidence 1", () => {
  const series = gridSeries(levels(200, [60, 130]), 5 * MINUTE);
  const res = detectChangePoint({
    series,
    granularity: "minutely",
    customInterval: 5,
    stableTrendWindow: 10,
    threshold: 0.5,
    period: 0,
  });
  const flagged = res.isChangePoint.flatMap((f, i) => (f ? [i] : []));
  assert.deepEqual(flagged, [60, 130]);
  assert.deepEqual(flagged.map((i) => res.confidenceScores[i]), [1, 1]);
  assert.equal(res.period, 0);
});

Deno.test("detectChangePoint() keeps flags at least one window apart", () => {
  const { isChangePoint } = pickChangePoints([0, 5, 9, 10, 8, 0, 0, 0, 9.5, 0], 3, 0.5);
  assert.deepEqual(isChangePoint.flatMap((f, i) => (f ? [i] : [])), [3, 8]);
});

Deno.test("changePointScores() is zero outside the window range and peaks at a step", () => {
  const y = [0, 0, 0, 0, 0, 0, 10, 10, 10, 10, 10, 10];
  const s = changePointScores(y, 3);
  assert.deepEqual([s[0], s[1], s[2], s[10], s[11]], [0, 0, 0, 0, 0]);
  assert.equal(s.indexOf(Math.max(...s)), 6);
});

Deno.test("detectChangePoint() aligns outputs with input points when there are gaps", () => {
  const series = gridSeries(levels(120, [50]), MINUTE, (i) => i === 10 || i === 11);
  const res = detectChangePoint({
    series,
    granularity: "minutely",
    stableTrendWindow: 8,
    period: 0,
  });
  assert.equal(res.isChangePoint.length, series.length);
  assert.equal(res.confidenceScores.length, series.length);
});

Deno.test("detectChangePoint() requires granularity", () => {
  const series = levels(30, [15]).map((value) => ({ value }));
  assert.deepEqual(errorOf({ series }), {
    code: "RequiredGranularity",
    message: REQUIRED_GRANULARITY_MESSAGE,
  });
});

Deno.test("detectChangePoint() rejects a stableTrendWindow of 2", () => {
  const series = levels(30, [15]).map((value) => ({ value }));
  assert.deepEqual(errorOf({ series, granularity: "none", stableTrendWindow: 2 }), {
    code: "InvalidModelArgument",
    message: STABLE_TREND_WINDOW_MESSAGE,
  });
});

Deno.test("detectChangePoint() rejects a threshold of 0.995", () => {
  const series = levels(30, [15]).map((value) => ({ value }));
  assert.deepEqual(errorOf({ series, granularity: "none", threshold: 0.995 }), {
    code: "InvalidModelArgument",
    message: THRESHOLD_MESSAGE,
  });
});

Deno.test("detectChangePoint() detects the period first and removes the seasonal part", () => {
  const r = rng(9);
  const week = [5, 9, 12, 11, 10, 3, 2];
  const values = Array.from(
    { length: 63 },
    (_, i) => 50 + week[i % 7] + (i >= 35 ? 20 : 0) + r() * 0.2,
  );
  const res = detectChangePoint({ series: gridSeries(values, 86_400_000), granularity: "daily" });
  assert.equal(res.period, 7);
  assert.deepEqual(res.isChangePoint.flatMap((f, i) => (f ? [i] : [])), [35]);
});

Deno.test("detectChangePoint() flags only near the service's change points on the official example", () => {
  const path = new URL("./testdata/changepoint_example.json", import.meta.url);
  const ex = JSON.parse(Deno.readTextFileSync(path));
  const t0 = Date.parse(ex.start);
  const series = ex.values.map((value: number, i: number) => ({
    timestamp: new Date(t0 + i * ex.stepMinutes * 60_000).toISOString(),
    value,
  }));
  const res = detectChangePoint({
    series,
    granularity: "minutely",
    customInterval: 5,
    stableTrendWindow: 10,
    threshold: 0.99,
    period: 0,
  });
  const flagged = res.isChangePoint.flatMap((f, i) => (f ? [i] : []));
  assert.equal(res.period, 0);
  assert.ok(flagged.length > 0);
  for (const t of flagged) {
    assert.ok(
      ex.serviceFlags.some((s: number) => Math.abs(s - t) < 10),
      `flag ${t} is not within the window of a service change point`,
    );
  }
});

Deno.test("detectChangePoint() reads a string request like the other endpoints: period 7.0 is not an integer", () => {
  const series = Array.from({ length: 30 }, (_, i) => ({
    timestamp: new Date(Date.UTC(2024, 0, 1 + i)).toISOString(),
    value: i % 7,
  }));
  const text = JSON.stringify({ series, granularity: "daily" }).replace(/}$/, ', "period": 7.0}');
  assert.deepEqual(errorOf(text), {
    code: "InvalidPeriod",
    message: "The 'period' field must be an integer >= 0.",
  });
  assert.deepEqual(errorOf("{oops"), {
    code: "BadArgument",
    message: "Invalid Input Format, input data is Empty.",
  });
});
