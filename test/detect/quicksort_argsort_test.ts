import assert from "node:assert/strict";
import { quicksortArgsort } from "../../lib/detect/_quicksort_argsort.ts";

Deno.test("quicksortArgsort() sorts ascending", () => {
  assert.deepEqual(Array.from(quicksortArgsort([3, 1, 2, 0.5, 9])), [3, 1, 2, 0, 4]);
});

Deno.test("quicksortArgsort() keeps ties in position order below 17 elements", () => {
  const v = [2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2];
  assert.deepEqual(
    Array.from(quicksortArgsort(v)),
    [1, 3, 5, 7, 9, 11, 13, 15, 0, 2, 4, 6, 8, 10, 12, 14, 16],
  );
});

Deno.test("quicksortArgsort() orders the E3 first-difference ties as the oracle did", () => {
  // E3 (§A): x_i = 20 + 0.5·i ± 0.3, x[12] −= 9; its first differences with the first repeated.
  const x = Array.from({ length: 30 }, (_, i) => 20 + 0.5 * i + (i % 2 === 0 ? -0.3 : 0.3));
  x[12] -= 9;
  const y = [x[1] - x[0], ...x.slice(1).map((v, i) => v - x[i])];
  const order = Array.from(quicksortArgsort(y));
  assert.equal(order[0], 12);
  assert.equal(order[29], 13);
  // The oracle flagged these −0.1 and 1.1 ties next to the extremes (§9 E3 check).
  assert.deepEqual(order.slice(1, 7).sort((a, b) => a - b), [2, 4, 6, 14, 22, 24]);
  assert.deepEqual(order.slice(23, 29).sort((a, b) => a - b), [0, 1, 3, 5, 15, 23]);
});

Deno.test("quicksortArgsort() sorts long inputs with many ties", () => {
  const v = Array.from({ length: 500 }, (_, i) => (i * 7919) % 13);
  const order = quicksortArgsort(v);
  assert.deepEqual(
    Array.from(order).sort((a, b) => a - b),
    Array.from({ length: 500 }, (_, i) => i),
  );
  for (let i = 1; i < 500; i++) assert.ok(v[order[i - 1]] <= v[order[i]]);
});
