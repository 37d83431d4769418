import assert from "node:assert/strict";
import {
  calendarDiff,
  computeIndices,
  type ParsedTimestamp,
  parseTimestamp,
} from "../../lib/detect/time.ts";
import type { Granularity } from "../../lib/detect/types.ts";

function ts(list: string[]): ParsedTimestamp[] {
  return list.map((s) => {
    const t = parseTimestamp(s);
    if (t === undefined) throw new Error(`unparsable ${s}`);
    return t;
  });
}

function indices(g: Granularity, list: string[], ci = 1) {
  return computeIndices(ts(list), g, ci);
}

Deno.test("parseTimestamp() reads naive timestamps as UTC", () => {
  const t = parseTimestamp("2020-01-01T00:00:00");
  assert.equal(t?.epochSeconds, 1577836800);
});

Deno.test("parseTimestamp() applies offsets to the instant but keeps local calendar fields", () => {
  const t = parseTimestamp("2020-01-01T00:30:00+01:00");
  assert.deepEqual(t, { epochSeconds: 1577835000, micros: 0, year: 2020, month: 1, day: 1 });
});

Deno.test("parseTimestamp() accepts a date only, a space separator and fractions", () => {
  assert.equal(parseTimestamp("2020-03-01")?.epochSeconds, 1583020800);
  assert.equal(parseTimestamp("2020-03-01 01:00")?.epochSeconds, 1583024400);
  assert.equal(parseTimestamp("2020-03-01T00:00:00.0014Z")?.micros, 1400);
});

Deno.test("parseTimestamp() rejects invalid dates and text", () => {
  assert.equal(parseTimestamp("2020-02-30T00:00:00Z"), undefined);
  assert.equal(parseTimestamp("not a date"), undefined);
  assert.equal(parseTimestamp("2020-01-01T25:00:00Z"), undefined);
});

Deno.test("computeIndices() aligns month-end series", () => {
  const r = indices("monthly", ["2020-01-31", "2020-02-29", "2020-03-31", "2020-05-31"]);
  assert.deepEqual(r.indices, [0, 1, 2, 4]);
});

Deno.test("computeIndices() treats a shorter month's last day as aligned", () => {
  assert.deepEqual(indices("monthly", ["2020-01-30", "2020-02-29", "2020-03-30"]).indices, [
    0,
    1,
    2,
  ]);
});

Deno.test("computeIndices() rejects a monthly day shift", () => {
  assert.deepEqual(indices("monthly", ["2020-01-15", "2020-02-16"]), {
    error: "misaligned",
    errorIndex: 1,
  });
});

Deno.test("computeIndices() rejects a monthly step off the customInterval grid", () => {
  const r = indices("monthly", ["2020-01-01", "2020-03-01", "2020-04-01"], 2);
  assert.deepEqual(r, { error: "misaligned", errorIndex: 2 });
});

Deno.test("computeIndices() ignores the time of day for monthly", () => {
  const r = indices("monthly", ["2020-01-01T00:00:00Z", "2020-02-01T13:45:00Z"]);
  assert.deepEqual(r.indices, [0, 1]);
});

Deno.test("computeIndices() counts Feb 28 → Feb 29 as one year", () => {
  const r = indices("yearly", ["2019-02-28", "2020-02-29", "2021-02-28"]);
  assert.deepEqual(r.indices, [0, 1, 2]);
});

Deno.test("computeIndices() rejects a yearly day shift", () => {
  assert.deepEqual(indices("yearly", ["2019-03-01", "2020-03-02"]), {
    error: "misaligned",
    errorIndex: 1,
  });
});

Deno.test("calendarDiff() follows the engine's month rule", () => {
  const [a, b] = ts(["2020-03-30", "2020-01-31"]);
  assert.deepEqual(calendarDiff(a, b), { years: 0, months: 1, days: 30 });
});

Deno.test("computeIndices() divides daily steps by customInterval", () => {
  const r = indices("daily", ["2020-01-01", "2020-01-03", "2020-01-07"], 2);
  assert.deepEqual(r.indices, [0, 1, 3]);
});

Deno.test("computeIndices() measures weekly distance from the first point", () => {
  const r = indices("weekly", ["2020-01-01", "2020-01-08", "2020-01-29"]);
  assert.deepEqual(r.indices, [0, 1, 4]);
});

Deno.test("computeIndices() uses milliseconds for microsecond granularity", () => {
  const base = "2020-01-01T00:00:";
  const r = indices("microsecond", [`${base}00.000Z`, `${base}00.005Z`, `${base}00.015Z`], 5);
  assert.deepEqual(r.indices, [0, 1, 3]);
});

Deno.test("computeIndices() truncates sub-millisecond parts for microsecond granularity", () => {
  const base = "2020-01-01T00:00:";
  const r = indices("microsecond", [`${base}00.000Z`, `${base}00.0014Z`, `${base}00.002Z`]);
  assert.deepEqual(r.indices, [0, 1, 2]);
});

Deno.test("computeIndices() compares instants across offsets", () => {
  const r = indices(
    "minutely",
    ["2020-01-01T00:00:00+01:00", "2020-01-01T00:15:00+01:00", "2020-01-01T00:00:00+00:00"],
    15,
  );
  assert.deepEqual(r.indices, [0, 1, 4]);
});

Deno.test("computeIndices() rejects a daily point one second late", () => {
  const r = indices("daily", ["2020-01-01T00:00:00Z", "2020-01-02T00:00:01Z"]);
  assert.deepEqual(r, { error: "misaligned", errorIndex: 1 });
});

Deno.test("computeIndices() reports the first unsorted or duplicated pair", () => {
  assert.deepEqual(indices("daily", ["2020-01-02", "2020-01-01", "2020-01-01"]), {
    error: "unsorted",
  });
  assert.deepEqual(indices("daily", ["2020-01-01", "2020-01-01", "2019-01-01"]), {
    error: "duplicated",
  });
});

Deno.test("parseTimestamp() reads US month/day/year with AM/PM like pandas", () => {
  assert.equal(parseTimestamp("12/16/2021 4:39:32 AM ")?.epochSeconds, 1639629572);
  assert.equal(parseTimestamp("12/16/2021 12:50:38 PM")?.epochSeconds, 1639659038);
  assert.equal(parseTimestamp("12/16/2021 12:00:00 AM")?.epochSeconds, 1639612800);
});

Deno.test("parseTimestamp() accepts year-first dates with slashes", () => {
  assert.equal(parseTimestamp("2020/03/01 01:00:00")?.epochSeconds, 1583024400);
});

Deno.test("parseTimestamp() reads year-month and year-only text as the first day", () => {
  assert.deepEqual(parseTimestamp("2020-03"), {
    epochSeconds: 1583020800,
    micros: 0,
    year: 2020,
    month: 3,
    day: 1,
  });
  assert.equal(parseTimestamp("2021")?.epochSeconds, 1609459200);
});

Deno.test("parseTimestamp() keeps years below 100 as written", () => {
  assert.equal(parseTimestamp("0050-01-01T00:00:00Z")?.epochSeconds, -60589296000);
});
