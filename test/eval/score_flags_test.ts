import assert from "node:assert/strict";
import { hourlySums, type NabSeries, scoreFlags, totalScore } from "../../lib/eval/mod.ts";

const H = 3_600_000;
const M5 = 300_000;
const T0 = Date.UTC(2015, 2, 1) + 53_000;

/** 48 complete hours of 5-minute rows; one window from hour 30's first row to 30 minutes later. */
function series(): NabSeries {
  const rowTimesMs = Array.from({ length: 48 * 12 }, (_, i) => T0 + i * M5);
  const rowValues = rowTimesMs.map(() => 1);
  return {
    name: "test.csv",
    key: "x/test.csv",
    rowTimesMs,
    rowValues,
    hours: hourlySums(rowTimesMs, rowValues),
    windows: [{ startMs: T0 + 30 * H, endMs: T0 + 30 * H + 30 * 60_000 }],
  };
}

const hour = (i: number) => new Date(T0 - 53_000 + i * H).toISOString();
const noProbation = { probationFraction: 0 };

Deno.test("scoreFlags() scores a flagged hour at its first row by default", () => {
  const s = scoreFlags(series(), [{ timestamp: hour(30), isAnomaly: true }], noProbation);
  assert.deepEqual([s.events.found, s.events.falseAlarms], [1, 0]);
  assert.equal(s.nab.normalized, 100);
});

Deno.test("scoreFlags() with flagAt last-row scores the hour at its last row", () => {
  const s = scoreFlags(series(), [{ timestamp: hour(30), isAnomaly: true }], {
    ...noProbation,
    flagAt: "last-row",
  });
  assert.deepEqual([s.events.found, s.events.falseAlarms], [0, 1]);
  assert.equal(s.nab.falsePositives, 1);
});

Deno.test("scoreFlags() counts evaluated, flagged and failed hours", () => {
  const s = scoreFlags(series(), [
    { timestamp: hour(10), isAnomaly: false },
    { timestamp: hour(11), isAnomaly: true },
    { timestamp: hour(12), isAnomaly: false, error: "BadArgument" },
  ], noProbation);
  assert.deepEqual([s.evaluatedHours, s.flaggedHours, s.errors], [3, 1, 1]);
});

Deno.test("scoreFlags() applies NAB's probation to the event metrics too", () => {
  // 576 rows: probation floor(0.15 * 576) = 86 rows, about 7 hours.
  const s = scoreFlags(series(), [{ timestamp: hour(5), isAnomaly: true }]);
  assert.equal(s.nab.probationRows, 86);
  assert.deepEqual([s.events.flagged, s.events.falseAlarms], [0, 0]);
});

Deno.test("scoreFlags() rejects a flagged hour that is not an hour of the file", () => {
  assert.throws(
    () => scoreFlags(series(), [{ timestamp: hour(60), isAnomaly: true }]),
    new RangeError(
      `Cannot score flags of "test.csv" as a flagged hour is not an hour of the file: current value is ${
        hour(60)
      }`,
    ),
  );
});

Deno.test("totalScore() normalises the summed NAB scores and micro-averages events", () => {
  const a = scoreFlags(series(), [{ timestamp: hour(30), isAnomaly: true }], noProbation);
  const b = scoreFlags(series(), [{ timestamp: hour(40), isAnomaly: true }], noProbation);
  const t = totalScore([a, b]);
  assert.equal(t.nabRaw, a.nab.raw + b.nab.raw);
  assert.equal(t.nabNormalized, (100 * (t.nabRaw - -2)) / (2 - -2));
  assert.deepEqual([t.events.windows, t.events.found, t.events.falseAlarms], [2, 1, 1]);
  assert.equal(t.events.precision, 0.5);
});
