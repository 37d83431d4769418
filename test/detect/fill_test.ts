import assert from "node:assert/strict";
import { fillGaps, gapInfo } from "../../lib/detect/fill.ts";

const IDX = [0, 1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12];
const VAL = [1, 2, 4, 5, 7, 8, 6, 5, 4, 3, 2, 1];

function at(mode: "previous" | "linear" | "fixed" | "auto", pos: number, period = 0): number {
  const f = fillGaps(IDX, VAL, mode, { fixedValue: 9.5, period });
  assert.ok(f !== undefined);
  return f.values[pos];
}

Deno.test("fillGaps() previous copies the last present value", () => {
  assert.equal(at("previous", 3), 4);
});

Deno.test("fillGaps() linear interpolates between neighbours", () => {
  assert.equal(at("linear", 3), 4.5);
});

Deno.test("fillGaps() fixed uses the constant", () => {
  assert.equal(at("fixed", 3), 9.5);
});

Deno.test("fillGaps() auto with period 0 is linear", () => {
  assert.equal(at("auto", 3, 0), 4.5);
});

Deno.test("fillGaps() auto with a period fills short gaps by not-a-knot spline", () => {
  assert.ok(Math.abs(at("auto", 3, 4) - 4.5042838412) < 1e-9);
});

Deno.test("fillGaps() auto replaces an overshooting spline by a straight line", () => {
  const f = fillGaps(
    [0, 1, 2, 3, 4, 7, 8, 9, 10, 11, 12, 13],
    [5, 0, 1, 2, 3, 4, 5, 20, 0, 1, 0, 1],
    "auto",
    {
      period: 12,
    },
  );
  assert.ok(f !== undefined);
  assert.ok(Math.abs(f.values[5] - 3.3333333333) < 1e-9);
  assert.ok(Math.abs(f.values[6] - 3.6666666667) < 1e-9);
});

Deno.test("fillGaps() auto fills long gaps with the same-phase weighted average", () => {
  const idx: number[] = [];
  const val: number[] = [];
  for (let i = 0; i < 24; i++) {
    if (i >= 10 && i <= 12) continue;
    idx.push(i);
    val.push(10 + 2 * (i % 4) + 0.1 * i);
  }
  const f = fillGaps(idx, val, "auto", { period: 4 });
  assert.ok(f !== undefined);
  const expected = [15.0631578947, 17.1631578947, 11.1368421053];
  for (let k = 0; k < 3; k++) assert.ok(Math.abs(f.values[10 + k] - expected[k]) < 1e-9);
});

Deno.test("fillGaps() marks exactly the filled positions", () => {
  const f = fillGaps(IDX, VAL, "previous");
  assert.deepEqual(f?.filled.map((b, i) => (b ? i : -1)).filter((i) => i >= 0), [3]);
});

Deno.test("fillGaps() returns undefined without gaps", () => {
  assert.equal(fillGaps([0, 1, 2, 3], [1, 2, 3, 4], "linear"), undefined);
});

Deno.test("fillGaps() does not fill spans above 17280", () => {
  assert.equal(fillGaps([0, 17280], [1, 2], "linear"), undefined);
});

Deno.test("gapInfo() computes span, missing count and ratio", () => {
  assert.deepEqual(gapInfo([0, 1, 3, 7]), {
    span: 8,
    present: 4,
    missing: 4,
    missingRatio: 0.5,
    needFill: true,
  });
});
