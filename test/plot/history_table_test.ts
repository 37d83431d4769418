import assert from "node:assert/strict";
import { historyTable } from "@/plot";
import type { WindowRow } from "@/window";

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 0, 5);

function row(i: number, average: number): WindowRow {
  return {
    groupTime: new Date(T0 + i * HOUR),
    windowEnd: new Date(T0 + (i + 1) * HOUR),
    average,
    count: 4,
    sum: average * 4,
    max: average + 1,
  };
}

Deno.test("historyTable() orders windows by groupTime with ISO UTC times", () => {
  const view = historyTable([row(1, 2.5), row(0, 1.25)]);
  assert.equal(
    view.toString(),
    [
      "| groupTime            | windowEnd            | average | count | sum | max  |",
      "|----------------------|----------------------|---------|-------|-----|------|",
      "| 2026-01-05T00:00:00Z | 2026-01-05T01:00:00Z | 1.25    | 4     | 5   | 2.25 |",
      "| 2026-01-05T01:00:00Z | 2026-01-05T02:00:00Z | 2.5     | 4     | 10  | 3.5  |",
    ].join("\n"),
  );
});

Deno.test("historyTable() captions the number of windows and the time range", () => {
  const view = historyTable([row(1, 2), row(0, 1), row(5, 3)]);
  assert.equal(
    view.options.caption,
    "history: 3 windows, 2026-01-05T00:00:00Z … 2026-01-05T06:00:00Z",
  );
});

Deno.test("historyTable() shows newest first with order desc", () => {
  const view = historyTable([row(0, 1), row(2, 3), row(1, 2)], { order: "desc" });
  assert.deepEqual(view.rows.map((r) => r.average), [3, 2, 1]);
  assert.equal(
    view.options.caption,
    "history: 3 windows, 2026-01-05T00:00:00Z … 2026-01-05T03:00:00Z",
  );
});

Deno.test("historyTable() does not modify its input", () => {
  const rows = [row(1, 2), row(0, 1)];
  historyTable(rows);
  assert.deepEqual(rows.map((r) => r.average), [2, 1]);
});

Deno.test("historyTable() says so when there are no windows", () => {
  const view = historyTable([]);
  assert.equal(view.options.caption, "history: no windows yet");
  assert.match(view.toHTML(), /<tbody>\n\n<\/tbody>/);
});

Deno.test("historyTable() limits rows to maxRows and says how many were left out", () => {
  const view = historyTable([row(0, 1), row(1, 2), row(2, 3)], { maxRows: 2 });
  assert.match(view.toHTML(), /first 2 of 3 rows/);
});

Deno.test("historyTable() renders HTML cells with ISO times", () => {
  const html = historyTable([row(0, 1)]).toHTML();
  assert.match(
    html,
    /<tr><td>2026-01-05T00:00:00Z<\/td><td>2026-01-05T01:00:00Z<\/td><td style="text-align:right">1<\/td>/,
  );
});

Deno.test("historyTable() rejects an unknown order", () => {
  assert.throws(
    () => historyTable([], { order: "up" as "asc" }),
    {
      name: "RangeError",
      message:
        'Cannot render the history table as order must be "asc" or "desc": current value is "up"',
    },
  );
});

Deno.test("historyTable() rejects a negative maxRows", () => {
  assert.throws(() => historyTable([], { maxRows: -1 }), {
    name: "RangeError",
    message:
      "Cannot render the history table as maxRows must be a non-negative integer: current value is -1",
  });
});
