import assert from "node:assert/strict";
import {
  NAB_PROFILES,
  nabScore,
  normalizeNabScore,
  probationRows,
  scaledSigmoid,
} from "../../lib/eval/mod.ts";

const MINUTE = 60_000;
/** 100 rows one minute apart starting at 0; windows given in row numbers. */
const times = Array.from({ length: 100 }, (_, i) => i * MINUTE);
const win = (first: number, last: number) => ({ startMs: first * MINUTE, endMs: last * MINUTE });
/** No probation, so every row is scored. */
const noProbation = { probationFraction: 0 };

Deno.test("scaledSigmoid() matches NAB's documented values at -1, -0.5, 0 and 1", () => {
  assert.equal(scaledSigmoid(-1).toFixed(5), "0.98661");
  assert.equal(scaledSigmoid(-0.5).toFixed(5), "0.84828");
  assert.equal(scaledSigmoid(0), 0);
  assert.equal(scaledSigmoid(1).toFixed(5), "-0.98661");
});

Deno.test("scaledSigmoid() is -1 from a relative position of 3", () => {
  assert.equal(scaledSigmoid(3), -1);
  assert.equal(scaledSigmoid(12), -1);
  assert.ok(scaledSigmoid(2.99) > -1);
});

Deno.test("probationRows() caps 15% of the rows at 750 like NAB's scorer", () => {
  assert.equal(probationRows(1000), 150);
  assert.equal(probationRows(15902), 750);
  assert.equal(probationRows(15902, { probationMaxRows: Infinity }), 2385);
});

Deno.test("probationRows() rejects a fraction outside 0..1 naming the field", () => {
  assert.throws(
    () => probationRows(10, { probationFraction: 1.5 }),
    new RangeError(
      "Cannot compute the probationary period as probationFraction must be in 0..1: current value is 1.5",
    ),
  );
});

Deno.test("NAB_PROFILES.standard has NAB's standard weights", () => {
  assert.deepEqual(NAB_PROFILES.standard, {
    tpWeight: 1,
    fpWeight: 0.11,
    fnWeight: 1,
    tnWeight: 1,
  });
});

Deno.test("nabScore() of no detection equals the null score and normalises to 0", () => {
  const s = nabScore(times, [], [win(20, 29), win(60, 69)], noProbation);
  assert.deepEqual(
    [s.raw, s.nullScore, s.perfectScore, s.normalized, s.falseNegatives],
    [-2, -2, 2, 0, 2],
  );
});

Deno.test("nabScore() of a detection at each window's first row normalises to 100", () => {
  const s = nabScore(times, [20, 60], [win(20, 29), win(60, 69)], noProbation);
  assert.equal(s.raw, 2);
  assert.equal(s.normalized, 100);
  assert.equal(s.truePositives, 2);
});

Deno.test("nabScore() rewards a detection at a window's last row with sigma(-1/width)/sigma(-1)", () => {
  const s = nabScore(times, [29], [win(20, 29)], noProbation);
  // width 10: position -(29 - 29 + 1) / 10 = -0.1
  assert.equal(s.raw, scaledSigmoid(-0.1) / scaledSigmoid(-1));
});

Deno.test("nabScore() counts only the earliest detection of a window", () => {
  const early = nabScore(times, [22], [win(20, 29)], noProbation);
  const both = nabScore(times, [22, 27], [win(20, 29)], noProbation);
  assert.equal(both.raw, early.raw);
  assert.equal(both.falsePositives, 0);
});

Deno.test("nabScore() charges -A_FP for a false positive before any window", () => {
  const s = nabScore(times, [5], [win(20, 29)], noProbation);
  assert.equal(s.raw, -1 - 0.11);
  assert.equal(s.falsePositives, 1);
});

Deno.test("nabScore() charges less for a false positive just after a window", () => {
  const s = nabScore(times, [30], [win(20, 29)], noProbation);
  // one row past a 10-row window: position 1 / (10 - 1)
  assert.equal(s.raw, -1 + 0.11 * scaledSigmoid(1 / 9));
});

Deno.test("nabScore() ignores detections in the probationary rows", () => {
  const s = nabScore(times, [3, 10], [win(20, 29)], { probationFraction: 0.15 });
  assert.equal(s.probationRows, 15);
  assert.equal(s.falsePositives, 0);
  assert.equal(s.raw, -1);
});

Deno.test("nabScore() does not count a window that lies entirely in probation", () => {
  const s = nabScore(times, [], [win(2, 5), win(60, 69)], { probationFraction: 0.15 });
  assert.equal(s.windows, 1);
  assert.equal(s.nullScore, -1);
});

Deno.test("nabScore() uses the costMatrix of another profile", () => {
  const s = nabScore(times, [5], [win(20, 29)], {
    ...noProbation,
    costMatrix: NAB_PROFILES.reward_low_FN_rate,
  });
  assert.equal(s.raw, -2 - 0.11);
  assert.equal(s.nullScore, -2);
});

Deno.test("nabScore() rejects a detected row outside the file naming the value", () => {
  assert.throws(
    () => nabScore(times, [100], [], noProbation),
    new RangeError(
      "Cannot compute the NAB score as a detected row must be an index in 0..99: current value is 100",
    ),
  );
});

Deno.test("nabScore() rejects overlapping windows", () => {
  assert.throws(() => nabScore(times, [], [win(20, 29), win(25, 40)], noProbation), RangeError);
});

Deno.test("normalizeNabScore() is 0 when perfect equals null", () => {
  assert.equal(normalizeNabScore(-3, 0, 0), 0);
  assert.equal(normalizeNabScore(0, -4, 4), 50);
});
