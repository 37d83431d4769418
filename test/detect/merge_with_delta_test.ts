import assert from "node:assert/strict";
import {
  deltaSeries,
  differencingOrder,
  integrateDelta,
  mergeWithDelta,
} from "../../lib/detect/merge_with_delta.ts";
import type { ResultsTable } from "../../lib/detect/types.ts";

Deno.test("deltaSeries() with k = 0 repeats the first difference once", () => {
  assert.deepEqual(Array.from(deltaSeries(0, [1, 4, 9, 16, 25])), [3, 3, 5, 7, 9]);
});

Deno.test("deltaSeries() with k = 1 drops the zero second difference", () => {
  assert.deepEqual(Array.from(deltaSeries(1, [3, 3, 5, 7, 9])), [2, 2, 2, 2, 2]);
});

Deno.test("deltaSeries() rejects k beyond the series", () => {
  assert.throws(
    () => deltaSeries(4, [1, 2, 3, 4, 5]),
    new RangeError(
      "Cannot difference series as k must be an integer in [0, 3]: current value is 4",
    ),
  );
});

Deno.test("integrateDelta() rebuilds first differences from x[1] − x[0]", () => {
  assert.deepEqual(Array.from(integrateDelta([9, 9, 2, 2, 2], 3)), [3, 3, 5, 7, 9]);
});

Deno.test("differencingOrder() of a constant series is 0", () => {
  assert.equal(differencingOrder(new Array(20).fill(5)).order, 0);
});

Deno.test("differencingOrder() of a linear trend with alternating noise is 1", () => {
  const x = Array.from({ length: 30 }, (_, i) => 20 + 0.5 * i + (i % 2 === 0 ? -0.3 : 0.3));
  x[12] -= 9;
  const r = differencingOrder(x);
  assert.equal(r.order, 1);
  assert.equal(r.series[0], x[1] - x[0]);
  assert.equal(r.series[5], x[5] - x[4]);
});

function table(value: number[], expected: number[], anomalies: number[]): ResultsTable {
  const isAnomaly = value.map((_, i) => anomalies.includes(i));
  return {
    value,
    expected,
    isAnomaly,
    isPositive: isAnomaly.map((a, i) => a && expected[i] <= value[i]),
    isNegative: isAnomaly.map((a, i) => a && expected[i] > value[i]),
  };
}

Deno.test("mergeWithDelta() returns the first pass when the series is stationary", () => {
  const x = Array.from({ length: 20 }, (_, i) => Math.sin(i * 2.3) + 0.5 * Math.cos(i * 0.9));
  const first = table(x, x.map(() => 0), []);
  let calls = 0;
  const out = mergeWithDelta(first, {
    series: x,
    ratio: 0.25,
    rerun: (y) => {
      calls++;
      return table(Array.from(y), Array.from(y), []);
    },
  });
  assert.equal(out, first);
  assert.equal(calls, 0);
});

Deno.test("mergeWithDelta() adds the rerun's new anomalies with previous expected + change", () => {
  const x = Array.from({ length: 30 }, (_, i) => 20 + 0.5 * i + (i % 2 === 0 ? -0.3 : 0.3));
  x[12] -= 9;
  const expected = x.map((_, i) => 20 + 0.5 * i);
  const first = table(x, expected, []);
  let seenRatio = NaN;
  const out = mergeWithDelta(first, {
    series: x,
    ratio: 0.25,
    rerun: (y, ratio) => {
      seenRatio = ratio;
      const r = table(Array.from(y), Array.from(y, () => 0.5), [0, 12, 13]);
      return r;
    },
  });
  // K = trunc(30·0.25) = 7 anomalies left, rerun ratio 7/30.
  assert.equal(seenRatio, 7 / 30);
  assert.deepEqual(
    out.isAnomaly.flatMap((a, i) => (a ? [i] : [])),
    [0, 12, 13],
  );
  assert.equal(out.expected[0], expected[0]);
  assert.equal(out.expected[12], expected[11] + 0.5);
  assert.equal(out.expected[13], expected[12] + 0.5);
  assert.equal(out.isNegative[12], true);
  assert.equal(out.isPositive[13], true);
  assert.equal(out.expected[14], expected[14]);
});

Deno.test("mergeWithDelta() skips the rerun when the budget is used up", () => {
  const x = Array.from({ length: 12 }, (_, i) => i * i * i);
  const first = table(x, x, [1, 2, 3]);
  const out = mergeWithDelta(first, {
    series: x,
    ratio: 0.25,
    rerun: () => {
      throw new Error("must not rerun");
    },
  });
  assert.equal(out, first);
});

Deno.test("mergeWithDelta() does not read the rerun's trend when it adds no anomaly", () => {
  const x = Array.from({ length: 30 }, (_, i) => 20 + 0.5 * i + (i % 2 === 0 ? -0.3 : 0.3));
  const first = { ...table(x, x, []), trend: x.slice() };
  const out = mergeWithDelta(first, {
    series: x,
    ratio: 0.25,
    rerun: (y) => {
      const r = table(Array.from(y), Array.from(y), []);
      Object.defineProperty(r, "trend", {
        get() {
          throw new Error("trend must not be read");
        },
      });
      return r;
    },
  });
  assert.equal(out, first);
});
