import assert from "node:assert/strict";
import { runTable, sweepTable } from "../../lib/eval/mod.ts";
import { fakeRun as run } from "./_fake_run.ts";

Deno.test("sweepTable() lists sensitivities in ascending order and marks the best rows", () => {
  const t = sweepTable([run(95, 4, 60, -50), run(30, 2, 2, 40), run(60, 3, 3, 35)]);
  assert.deepEqual(t.rows.map((r) => r.sensitivity), [30, 60, 95]);
  assert.deepEqual(t.rows.map((r) => r[""]), ["best NAB score", "best F1", ""]);
  assert.deepEqual(t.rows[2]["% of hours"], 32);
  assert.equal(t.rows[0].found, "2/4");
});

Deno.test("runTable() ends with the run's total row", () => {
  const t = runTable(run(95, 4, 60, -50));
  assert.equal(t.rows.length, 1);
  assert.deepEqual(
    [t.rows[0].file, t.rows[0].flagged, t.rows[0]["NAB score"]],
    ["total", 64, -50],
  );
});
