import assert from "node:assert/strict";
import { hourlySums, type NabSeries, nabSeriesFigure } from "../../lib/eval/mod.ts";

const M5 = 300_000;
const T0 = Date.UTC(2015, 2, 1) + 53_000;

function series(): NabSeries {
  const rowTimesMs = Array.from({ length: 100 * 12 }, (_, i) => T0 + i * M5);
  const rowValues = rowTimesMs.map((_, i) => i % 7);
  return {
    name: "t.csv",
    key: "x/t.csv",
    rowTimesMs,
    rowValues,
    hours: hourlySums(rowTimesMs, rowValues),
    windows: [{ startMs: T0 + 50 * 3_600_000, endMs: T0 + 60 * 3_600_000 }],
  };
}

Deno.test("nabSeriesFigure() shades each labelled window and the probationary period", () => {
  const fig = nabSeriesFigure(series());
  const shapes = fig.layout.shapes as Record<string, unknown>[];
  assert.equal(shapes.length, 2);
  assert.equal(shapes[0].x0, new Date(T0 + 50 * 3_600_000).toISOString());
  // 1200 rows: probation floor(0.15 * 1200) = 180 rows
  assert.equal(shapes[1].x1, new Date(T0 + 180 * M5).toISOString());
});

Deno.test("nabSeriesFigure() marks only the flagged hours at their hourly sums", () => {
  const s = series();
  const fig = nabSeriesFigure(s, {
    flags: [
      { timestamp: s.hours[80].timestamp, isAnomaly: true, severity: 0.5 },
      { timestamp: s.hours[81].timestamp, isAnomaly: false, severity: 0 },
    ],
  });
  const marks = fig.data[2];
  assert.equal(marks.name, "flagged hour (1)");
  assert.deepEqual(marks.x, [s.hours[80].timestamp]);
  assert.deepEqual(marks.y, [s.hours[80].value]);
  assert.deepEqual(marks.text, ["severity 0.500"]);
});
