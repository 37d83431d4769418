import assert from "node:assert/strict";
import { detectLastPoint } from "../../lib/detect/mod.ts";
import { detectHours, type HourValue, sweepHours } from "../../lib/eval/mod.ts";

const H = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);

/** A daily-seasonal hourly series with a spike at hour 78 and a dip at hour 83. */
function series(n: number): HourValue[] {
  return Array.from({ length: n }, (_, i) => ({
    timestamp: new Date(T0 + i * H).toISOString(),
    value: 100 + 20 * Math.sin((2 * Math.PI * i) / 24) + ((i * 7) % 5) +
      (i === 78 ? 90 : 0) - (i === 83 ? 60 : 0),
  }));
}

Deno.test("detectHours() evaluates every hour with 72 hours of history, in time order", () => {
  const flags = detectHours(series(76), { sensitivity: 50 });
  assert.deepEqual(
    flags.map((f) => f.timestamp),
    [72, 73, 74, 75].map((i) => new Date(T0 + i * H).toISOString()),
  );
});

Deno.test("detectHours() flags the spike hour of the example series", () => {
  const flags = detectHours(series(80));
  const flagged = flags.filter((f) => f.isAnomaly).map((f) => f.timestamp);
  assert.ok(flagged.includes(new Date(T0 + 78 * H).toISOString()));
});

for (const apiVersion of ["v1.0", "v1.1"] as const) {
  Deno.test(`sweepHours() equals detectLastPoint() per hour and sensitivity (${apiVersion})`, () => {
    const hours = series(86);
    const sensitivities = [95, 60, 99];
    const swept = sweepHours(hours, sensitivities, { apiVersion, windowHours: 72 });
    sensitivities.forEach((sensitivity, k) => {
      const direct = [];
      for (let i = 72; i < hours.length; i++) {
        const res = detectLastPoint({
          series: hours.slice(i - 72, i + 1),
          granularity: "hourly",
          maxAnomalyRatio: 0.25,
          sensitivity,
        }, { apiVersion });
        const flag: Record<string, unknown> = {
          timestamp: hours[i].timestamp,
          isAnomaly: res.isAnomaly,
        };
        if (res.severity !== undefined) flag.severity = res.severity;
        direct.push(flag);
      }
      assert.deepEqual(swept[k], direct);
    });
  });
}

Deno.test("detectHours() leaves severity out for API v1.0", () => {
  const flags = detectHours(series(74), { apiVersion: "v1.0" });
  assert.equal(flags.length, 2);
  assert.ok(flags.every((f) => !("severity" in f)));
});

Deno.test("detectHours() records a failing hour's error and goes on", () => {
  const hours = series(76);
  hours[74] = { ...hours[74], value: Number.NaN };
  const flags = detectHours(hours, { windowHours: 12 });
  const failed = flags.filter((f) => f.error !== undefined).map((f) => f.timestamp);
  assert.deepEqual(failed, [74, 75].map((i) => new Date(T0 + i * H).toISOString()));
  assert.equal(flags.length, 76 - 12);
  assert.equal(flags[flags.length - 1].isAnomaly, false);
  assert.match(flags[flags.length - 1].error!, /^AnomalyDetectorError: /);
});

Deno.test("detectHours() skips hours whose window holds 12 points or fewer", () => {
  // Hours 3..6 missing: the window [h - 12 h, h] holds 13 points only from hour 19 on.
  const hours = series(30).filter((_, i) => i < 3 || i > 6);
  const flags = detectHours(hours, { windowHours: 12 });
  assert.deepEqual(
    flags.map((f) => f.timestamp),
    Array.from({ length: 11 }, (_, k) => new Date(T0 + (19 + k) * H).toISOString()),
  );
});

Deno.test("detectHours() reports progress as (done, total)", () => {
  const calls: [number, number][] = [];
  detectHours(series(76), { onProgress: (d, t) => calls.push([d, t]), progressEvery: 3 });
  assert.deepEqual(calls, [[3, 4], [4, 4]]);
});

Deno.test("detectHours() rejects a window shorter than 12 hours naming the value", () => {
  assert.throws(
    () => detectHours(series(20), { windowHours: 5 }),
    new RangeError("Cannot detect as windowHours must be an integer >= 12: current value is 5"),
  );
});

Deno.test("sweepHours() rejects a sensitivity outside 0..100", () => {
  assert.throws(
    () => sweepHours(series(20), [95, 101]),
    new RangeError(
      "Cannot detect as sensitivity must be an integer in 0..100: current value is 101",
    ),
  );
});

Deno.test("detectHours() rejects an hour that is not aligned to the hour", () => {
  const hours = series(20);
  hours[3] = { ...hours[3], timestamp: "2024-01-01T03:30:00.000Z" };
  assert.throws(() => detectHours(hours), /hour 3 must be an ISO time aligned to the hour/);
});

Deno.test("detectHours() stops when its abortSignal is aborted", () => {
  const controller = new AbortController();
  controller.abort(new Error("stop"));
  assert.throws(() => detectHours(series(76), { abortSignal: controller.signal }), /stop/);
});
