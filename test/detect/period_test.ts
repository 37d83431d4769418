import assert from "node:assert/strict";
import {
  autocorrelation,
  correlogramCandidates,
  detectPeriod,
  isValidPeriod,
  simpleDetector,
  smoothSpikes,
  spectrumDetector,
} from "../../lib/detect/period.ts";

/** Deterministic noise in [−0.5, 0.5): a fixed linear congruential sequence. */
function noise(n: number, seed = 12345): number[] {
  const out: number[] = [];
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    out.push(s / 2147483648 - 0.5);
  }
  return out;
}

function daily60(): number[] {
  const e = noise(60);
  return Array.from({ length: 60 }, (_, i) => 10 + 3 * Math.sin((2 * Math.PI * i) / 7) + e[i]);
}

function hourly216(): number[] {
  const e = noise(216, 7);
  return Array.from(
    { length: 216 },
    (_, i) =>
      20 + 5 * Math.sin((2 * Math.PI * i) / 24) + 2 * Math.sin((2 * Math.PI * i) / 168) +
      0.3 * e[i],
  );
}

Deno.test("smoothSpikes() interpolates over values 3 std from the mean", () => {
  const v = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 50];
  const out = Array.from(smoothSpikes(v));
  assert.deepEqual(out, new Array(20).fill(1));
});

Deno.test("smoothSpikes() leaves a series without spikes unchanged", () => {
  assert.deepEqual(Array.from(smoothSpikes([1, 2, 3, 2, 1])), [1, 2, 3, 2, 1]);
});

Deno.test("simpleDetector() finds 7 in 60 daily points of a weekly sine", () => {
  assert.equal(simpleDetector(daily60(), "daily"), 7);
});

Deno.test("simpleDetector() returns 24 for 216 hourly points (n ≤ 336 blocks 168)", () => {
  assert.equal(simpleDetector(hourly216(), "hourly"), 24);
});

Deno.test("simpleDetector() divides candidates by customInterval", () => {
  const every2 = hourly216().filter((_, i) => i % 2 === 0);
  assert.equal(simpleDetector(every2, "hourly", 2), 12);
});

Deno.test("simpleDetector() returns the weekly standard 12 for [1,2,3,9] repeated", () => {
  const v = Array.from({ length: 32 }, (_, i) => [1, 2, 3, 9][i % 4]);
  assert.equal(simpleDetector(v, "weekly"), 12);
});

Deno.test("simpleDetector() returns undefined for granularity none", () => {
  assert.equal(simpleDetector(daily60(), "none"), undefined);
});

Deno.test("isValidPeriod() rejects a constant series", () => {
  assert.equal(isValidPeriod(new Array(40).fill(3), 7), false);
});

Deno.test("autocorrelation() gives ρ and Bartlett half-widths", () => {
  const { acf, halfWidth } = autocorrelation([1, -1, 1, -1], 2);
  assert.deepEqual(Array.from(acf), [1, -0.75, 0.5]);
  assert.equal(halfWidth[1], 1.6448536269514722 * Math.sqrt(1 / 4));
  assert.equal(halfWidth[2], 1.6448536269514722 * Math.sqrt((1 / 4) * (1 + 2 * 0.5625)));
});

Deno.test("correlogramCandidates() proposes the period and its multiple", () => {
  const v = Array.from({ length: 60 }, (_, i) => Math.sin((2 * Math.PI * i) / 7));
  assert.deepEqual(correlogramCandidates(v).slice(0, 2), [7, 14]);
});

Deno.test("spectrumDetector() finds 6 in [1,3,5,4,2,0] repeated plus a ramp", () => {
  const v = Array.from({ length: 24 }, (_, i) => [1, 3, 5, 4, 2, 0][i % 6] + 0.01 * i);
  assert.equal(spectrumDetector(v), 6);
});

Deno.test("spectrumDetector() finds 20 in a 5 + 20 sine mixture", () => {
  const v = Array.from(
    { length: 200 },
    (_, t) => Math.sin((2 * Math.PI * t) / 5) + 2 * Math.sin((2 * Math.PI * t) / 20),
  );
  assert.equal(spectrumDetector(v), 20);
});

Deno.test("detectPeriod() falls back to the spectrum detector for granularity none", () => {
  const v = Array.from({ length: 24 }, (_, i) => [1, 3, 5, 4, 2, 0][i % 6] + 0.01 * i);
  assert.equal(detectPeriod(v, "none"), 6);
});

Deno.test("simpleDetector() returns the verified 1000 for microsecond (no standard period)", () => {
  const e = noise(2400, 3);
  const v = Array.from(
    { length: 2400 },
    (_, i) => 5 * Math.sin((2 * Math.PI * i) / 1000) + 0.1 * e[i],
  );
  assert.equal(simpleDetector(v, "microsecond"), 1000);
});
