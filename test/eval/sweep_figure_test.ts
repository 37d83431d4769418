import assert from "node:assert/strict";
import { type NabRun, sweepFigure } from "../../lib/eval/mod.ts";
import { eventRates } from "../../lib/eval/mod.ts";

function run(sensitivity: number, found: number, falseAlarms: number, nab: number): NabRun {
  return {
    sensitivity,
    files: [],
    total: {
      files: 1,
      evaluatedHours: 100,
      flaggedHours: found + falseAlarms,
      errors: 0,
      nabRaw: 0,
      nabNull: -4,
      nabPerfect: 4,
      nabNormalized: nab,
      events: eventRates(4, found, falseAlarms, found + falseAlarms),
    },
  };
}

Deno.test("sweepFigure() plots precision, recall, F1 and the NAB score in sensitivity order", () => {
  const fig = sweepFigure([run(95, 4, 12, -20), run(50, 2, 2, 30)]);
  assert.deepEqual(fig.data.map((t) => t.name), [
    "precision",
    "recall",
    "F1",
    "NAB standard score",
  ]);
  assert.deepEqual(fig.data[0].x, [50, 95]);
  assert.deepEqual(fig.data[0].y, [0.5, 0.25]);
  assert.deepEqual(fig.data[1].y, [0.5, 1]);
  assert.deepEqual(fig.data[3].y, [30, -20]);
  assert.equal(fig.data[3].yaxis, "y2");
});

Deno.test("sweepFigure() renders as a self-drawing HTML snippet", () => {
  const html = sweepFigure([run(95, 4, 12, -20)]).toHTML();
  assert.match(html, /window\.Plotly\.newPlot/);
});
