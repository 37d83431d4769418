import assert from "node:assert/strict";
import { sweepFigure } from "../../lib/eval/mod.ts";
import { fakeRun as run } from "./_fake_run.ts";

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
