import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { hourlySums, listNabFiles, parseNabWindows, readNabSeries } from "../../lib/eval/mod.ts";

const NAB_DIR = fileURLToPath(new URL("../../../shared/nab/data/realTweets", import.meta.url));
const H = 3_600_000;
const M5 = 300_000;

Deno.test("hourlySums() sums the rows of each complete UTC hour", () => {
  const times = Array.from({ length: 24 }, (_, i) => 2 * H + 53_000 + i * M5);
  const values = times.map((_, i) => i);
  const hours = hourlySums(times, values);
  assert.deepEqual(hours, [
    {
      timestamp: new Date(2 * H).toISOString(),
      value: 66,
      firstRowMs: 2 * H + 53_000,
      lastRowMs: 2 * H + 53_000 + 11 * M5,
    },
    {
      timestamp: new Date(3 * H).toISOString(),
      value: 210,
      firstRowMs: 3 * H + 53_000,
      lastRowMs: 3 * H + 53_000 + 23 * M5 - 12 * M5,
    },
  ]);
});

Deno.test("hourlySums() leaves out partial hours", () => {
  // 4 rows in hour 1 (from :40), 12 in hour 2, 3 in hour 3
  const times = Array.from({ length: 19 }, (_, i) => H + 40 * 60_000 + i * M5);
  const hours = hourlySums(times, times.map(() => 1));
  assert.deepEqual(hours.map((h) => [h.timestamp, h.value]), [[new Date(2 * H).toISOString(), 12]]);
});

Deno.test("hourlySums() rejects an interval that does not divide an hour", () => {
  assert.throws(
    () => hourlySums([], [], { rowIntervalInMs: 7 * 60_000 }),
    new RangeError(
      "Cannot sum rows into hours as rowIntervalInMs must be a positive integer dividing 3600000: current value is 420000",
    ),
  );
});

Deno.test("parseNabWindows() reads NAB's zone-less times as UTC", () => {
  const w = parseNabWindows(
    '{"a/b.csv": [["2015-03-03 04:37:53.000000", "2015-03-04 13:37:53.000000"]]}',
  );
  assert.deepEqual(w.get("a/b.csv"), [{
    startMs: Date.UTC(2015, 2, 3, 4, 37, 53),
    endMs: Date.UTC(2015, 2, 4, 13, 37, 53),
  }]);
});

Deno.test("parseNabWindows() rejects a window whose end is before its start", () => {
  assert.throws(
    () => parseNabWindows('{"a/b.csv": [["2015-03-04 00:00:00", "2015-03-03 00:00:00"]]}'),
    SyntaxError,
  );
});

Deno.test("readNabSeries() reads AAPL's rows, 1324 complete hours and 4 windows", async () => {
  const s = await readNabSeries(`${NAB_DIR}/Twitter_volume_AAPL.csv`);
  assert.equal(s.key, "realTweets/Twitter_volume_AAPL.csv");
  assert.equal(s.rowTimesMs.length, 15902);
  assert.equal(s.hours.length, 1324);
  assert.equal(s.hours[0].timestamp, "2015-02-26T22:00:00.000Z");
  assert.equal(s.windows.length, 4);
  assert.equal(s.windows[0].startMs, Date.UTC(2015, 2, 3, 4, 37, 53));
});

Deno.test("readNabSeries() hour values equal the sum of their twelve rows", async () => {
  const s = await readNabSeries(`${NAB_DIR}/Twitter_volume_AAPL.csv`);
  const start = s.rowTimesMs.indexOf(s.hours[0].firstRowMs);
  const expected = s.rowValues.slice(start, start + 12).reduce((a, b) => a + b, 0);
  assert.equal(s.hours[0].value, expected);
});

Deno.test("listNabFiles() lists the ten realTweets files in name order", async () => {
  const files = await listNabFiles(NAB_DIR);
  assert.equal(files.length, 10);
  assert.ok(files[0].endsWith("/Twitter_volume_AAPL.csv"));
  assert.ok(files[9].endsWith("/Twitter_volume_UPS.csv"));
});

Deno.test("listNabFiles() names a missing folder in its error", async () => {
  await assert.rejects(
    () => listNabFiles("/nonexistent/nab"),
    /Cannot list NAB data folder "\/nonexistent\/nab"/,
  );
});
