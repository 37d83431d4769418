import assert from "node:assert/strict";
import { LivePreview } from "@/notebook";
import { plain, recorder } from "./_broadcast.ts";

const T0 = Date.UTC(2026, 0, 5);

Deno.test("LivePreview.push() keeps only the last maxRows rows", async () => {
  const preview = await LivePreview.create({ maxRows: 2 });
  await preview.push([{ n: 1 }, { n: 2 }]);
  await preview.push([{ n: 3 }]);
  assert.deepEqual(preview.rows, [{ n: 2 }, { n: 3 }]);
  assert.equal(preview.seen, 3);
});

Deno.test("LivePreview.push() with a key replaces rows with the same key and orders by it", async () => {
  const preview = await LivePreview.create({ key: "groupTime", maxRows: 3 });
  const hour = (h: number) => new Date(T0 + h * 3_600_000);
  await preview.push([{ groupTime: hour(2), count: 1 }, { groupTime: hour(0), count: 1 }]);
  await preview.push([{ groupTime: hour(2), count: 5 }, { groupTime: hour(3), count: 1 }]);
  await preview.push([{ groupTime: hour(1), count: 1 }]);
  assert.deepEqual(preview.rows.map((r) => [(r.groupTime as Date).getUTCHours(), r.count]), [
    [1, 1],
    [2, 5],
    [3, 1],
  ]);
});

Deno.test("LivePreview.frame() is a danfojs DataFrame with ISO UTC times", async () => {
  const preview = await LivePreview.create({ columns: ["timestamp", "favorite"] });
  await preview.push([{ timestamp: new Date(T0), favorite: 3 }, {
    timestamp: new Date(T0 + 1500),
    favorite: 4,
  }]);
  const df = preview.frame();
  assert.deepEqual(df.columns, ["timestamp", "favorite"]);
  assert.deepEqual(df.values, [["2026-01-05T00:00:00Z", 3], ["2026-01-05T00:00:01.500Z", 4]]);
});

Deno.test("LivePreview.frame() of no rows is an empty DataFrame with the columns", async () => {
  const preview = await LivePreview.create({ columns: ["a", "b"] });
  assert.deepEqual(preview.frame().shape, [0, 2]);
});

Deno.test("LivePreview.bundle() renders the rows as a table", async () => {
  const preview = await LivePreview.create({ title: "events", columns: ["timestamp", "favorite"] });
  await preview.push([{ timestamp: new Date(T0), favorite: 3 }]);
  assert.equal(
    preview.bundle()["text/plain"],
    [
      "events (1 seen)",
      "| timestamp            | favorite |",
      "|----------------------|----------|",
      "| 2026-01-05T00:00:00Z | 3        |",
    ].join("\n"),
  );
  assert.match(String(preview.bundle()["text/html"]), /<td>2026-01-05T00:00:00Z<\/td>/);
});

Deno.test("LivePreview.bundle() says it is waiting before any row", async () => {
  const preview = await LivePreview.create({ title: "events" });
  assert.equal(preview.bundle()["text/plain"], "events (0 seen) (waiting for data)");
});

Deno.test("LivePreview takes its columns from the first row when none are given", async () => {
  const preview = await LivePreview.create();
  await preview.push([{ b: 1, a: 2 }]);
  assert.deepEqual(preview.columns, ["b", "a"]);
});

Deno.test("LivePreview.push() re-renders the same display in place", async () => {
  const { messages, broadcast } = recorder();
  const preview = await LivePreview.create({ broadcast, minIntervalInMs: 0, title: "p" });
  await preview.show();
  await preview.push([{ n: 1 }]);
  await preview.flush();
  assert.deepEqual(messages.map((m) => m.msgType), [
    "display_data",
    "update_display_data",
    "update_display_data",
  ]);
  assert.equal(plain(messages[2]), "p (1 seen)\n| n |\n|---|\n| 1 |");
});

Deno.test("LivePreview.clear() forgets the rows", async () => {
  const preview = await LivePreview.create();
  await preview.push([{ n: 1 }]);
  await preview.clear();
  assert.deepEqual(preview.rows, []);
});

Deno.test("LivePreview.create() rejects a maxRows below 1", async () => {
  await assert.rejects(LivePreview.create({ maxRows: 0 }), {
    name: "RangeError",
    message: "Cannot create live preview as maxRows must be a positive integer: current value is 0",
  });
});

Deno.test("LivePreview.create() rejects a key that is not a column", async () => {
  await assert.rejects(LivePreview.create({ columns: ["a"], key: "b" }), {
    name: "RangeError",
    message: "Cannot create live preview as key must be one of the columns (a): current value is b",
  });
});
