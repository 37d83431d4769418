import assert from "node:assert/strict";
import { eventMetrics } from "../../lib/eval/mod.ts";

const windows = [{ startMs: 100, endMs: 200 }, { startMs: 500, endMs: 600 }, {
  startMs: 900,
  endMs: 950,
}];

Deno.test("eventMetrics() counts a window found by any flag inside it, both ends inclusive", () => {
  const m = eventMetrics([200, 150, 500], windows);
  assert.deepEqual(m, {
    windows: 3,
    found: 2,
    missed: 1,
    falseAlarms: 0,
    flagged: 3,
    precision: 1,
    recall: 2 / 3,
    f1: 0.8,
  });
});

Deno.test("eventMetrics() counts each flag outside all windows as a false alarm", () => {
  const m = eventMetrics([10, 300, 301, 550], windows);
  assert.equal(m.falseAlarms, 3);
  assert.equal(m.precision, 1 / 4);
  assert.equal(m.recall, 1 / 3);
  assert.equal(m.f1, (2 * (1 / 4) * (1 / 3)) / (1 / 4 + 1 / 3));
});

Deno.test("eventMetrics() ignores flags and windows before the end of probation", () => {
  const m = eventMetrics([150, 400, 920], windows, { probationEndMs: 300 });
  assert.deepEqual([m.windows, m.found, m.falseAlarms, m.flagged], [2, 1, 1, 2]);
});

Deno.test("eventMetrics() gives precision, recall and F1 of 0 when nothing is flagged", () => {
  const m = eventMetrics([], windows);
  assert.deepEqual([m.precision, m.recall, m.f1, m.missed], [0, 0, 0, 3]);
});
