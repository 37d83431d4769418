import assert from "node:assert/strict";
import { vote } from "../../lib/detect/vote.ts";

Deno.test("vote() unites the kept positions of both directions", () => {
  const d = [{ upper: [3], lower: [7] }, { upper: [3], lower: [] }];
  assert.deepEqual(vote(d, 10, 2), [3, 7]);
});

Deno.test("vote() keeps the K lowest scores, dominated by the first reporting detector", () => {
  // scores: 1 → 0 (+1 later), 2 → 1, 5 → 0 + 10 (detector 1), 6 → 2·10
  const d = [
    { upper: [1, 2], lower: [] },
    { upper: [5, 1], lower: [] },
    { upper: [6], lower: [] },
  ];
  assert.deepEqual(vote(d, 10, 2), [1, 2]);
  assert.deepEqual(vote(d, 10, 3), [1, 2, 5]);
});

Deno.test("vote() breaks score ties by insertion order", () => {
  // 4 → 0, 8 → 0 + 1 (detector 0 rank 1) ... 9 → 0 + 10 − ... construct equal scores 1 and 1
  const d = [{ upper: [4, 8], lower: [] }, { upper: [], lower: [] }, { upper: [9], lower: [] }];
  // scores with n = 0: 4 → 0, 8 → 1, 9 → 0 → stable order 4, 9, 8
  assert.deepEqual(vote(d, 0, 2), [4, 9]);
});

Deno.test("vote() returns nothing when no detector fired", () => {
  assert.deepEqual(vote([{ upper: [], lower: [] }], 5, 2), []);
});
