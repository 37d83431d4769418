import assert from "node:assert/strict";
import { esdCriticalValues } from "../../lib/detect/_tables.ts";
import {
  esdOrdered,
  generalizedEsd,
  majorityValue,
  maxOutliers,
  rankSeries,
  zScore,
} from "../../lib/detect/esd.ts";
import { pairwiseSumF32 } from "../../lib/detect/stats.ts";

const SORTED12 = [0, 0.1, 0.12, 0.15, 0.2, 0.22, 0.25, 0.3, 0.31, 0.35, 0.4, 1.0];

Deno.test("esdCriticalValues() gives the §6.4 values for N = 12, K = 5", () => {
  assert.deepEqual(esdCriticalValues(12, 5), [
    2.2849531173706055,
    2.233907699584961,
    2.1760683059692383,
    2.1095616817474365,
    2.0316519737243652,
  ]);
});

Deno.test("esdCriticalValues() gives the §6.4 values for N = 48, K = 5", () => {
  assert.deepEqual(esdCriticalValues(48, 5), [
    2.940946340560913,
    2.9326233863830566,
    2.9240808486938477,
    2.9153079986572266,
    2.9062931537628174,
  ]);
});

Deno.test("maxOutliers() applies min(max(ceil(n·ratio), 1), n//2 − 1)", () => {
  assert.equal(maxOutliers(20, 0.25), 5);
  assert.equal(maxOutliers(12, 0.25), 3);
  assert.equal(maxOutliers(25, 7 / 25), 8);
  assert.equal(maxOutliers(12, 0.0001), 1);
  assert.equal(maxOutliers(12, 0.49), 5);
});

Deno.test("generalizedEsd() flags only the top value of the §6.4 example", () => {
  const hits = generalizedEsd(rankSeries(SORTED12), 5);
  assert.deepEqual(hits, { upper: [11], lower: [] });
});

Deno.test("generalizedEsd() reports positions, not ranks", () => {
  const values = [0.3, 1.0, 0.1, 0.25, 0, 0.22, 0.12, 0.15, 0.2, 0.31, 0.35, 0.4];
  assert.deepEqual(generalizedEsd(rankSeries(values), 5), { upper: [1], lower: [] });
});

Deno.test("esdOrdered() returns every step up to the last that passed", () => {
  // descending: step 0 tests 10 (passes), step 1 tests 9 (passes), step 2 tests 0.59 (fails)
  const u = [10, 9, 0.59, 0.58, 0.57, 0.56, 0.55, 0.54, 0.53, 0.52, 0.51, 0.5];
  const lambda = esdCriticalValues(u.length, 3);
  assert.equal(esdOrdered(u, 3, lambda, true), 1);
  assert.equal(esdOrdered(u.slice().reverse(), 3, lambda, false), -1);
});

Deno.test("generalizedEsd() in last mode only flags when the last point is among the extremes", () => {
  const values = [0.1, 0.2, 0.15, 0.12, 0.18, 0.11, 0.14, 0.16, 0.13, 0.17, 0.19, 5];
  assert.deepEqual(generalizedEsd(rankSeries(values), 3, { lastIndex: 11 }), {
    upper: [11],
    lower: [],
  });
  assert.deepEqual(generalizedEsd(rankSeries(values), 3, { lastIndex: 10 }), {
    upper: [],
    lower: [],
  });
});

Deno.test("generalizedEsd() in last mode returns the more extreme positions up to the hit", () => {
  const values = [0.1, 0.2, 0.15, 0.12, 0.18, 6, 0.14, 0.16, 0.13, 0.17, 0.19, 5];
  assert.deepEqual(generalizedEsd(rankSeries(values), 3, { lastIndex: 11 }).upper, [5, 11]);
});

Deno.test("generalizedEsd() cuts the ordered list at the majority value", () => {
  // upper order after the cut is [1.0, 0.7, 0.5 × 9]; lower order is [0, 0.5 × 9]
  const values = [0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.7, 1.0];
  const hits = generalizedEsd(rankSeries(values), 5, { majorityValue: 0.5 });
  assert.deepEqual(hits, { upper: [11, 10], lower: [0] });
});

Deno.test("majorityValue() gives 0.5 for [0, 0.5×9, 0.7, 1.0]", () => {
  const values = [0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.7, 1.0];
  assert.equal(majorityValue(rankSeries(values)), 0.5);
});

Deno.test("majorityValue() is undefined when the MAD is not about 0", () => {
  assert.equal(majorityValue(rankSeries(SORTED12)), undefined);
});

Deno.test("majorityValue() is undefined when the middle equals the minimum", () => {
  assert.equal(majorityValue(rankSeries([0, 0, 0, 0, 0, 0, 0, 1])), undefined);
});

Deno.test("zScore() flags the top value of the §6.4 example", () => {
  assert.deepEqual(zScore(rankSeries(SORTED12), 5), { upper: [11], lower: [] });
});

Deno.test("zScore() falls back to mean and std when the MAD is 0", () => {
  const values = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 9];
  assert.deepEqual(zScore(rankSeries(values), 3), { upper: [20], lower: [] });
});

Deno.test("zScore() returns nothing for constant data", () => {
  assert.deepEqual(zScore(rankSeries([2, 2, 2, 2]), 1), { upper: [], lower: [] });
});

/** Straightforward transcription of the §6.4 kernel, used to check the fast implementation. */
function referenceEsd(
  u: number[],
  k: number,
  lambda: number[],
  upper: boolean,
  lastPos = -1,
): number {
  const f32 = Math.fround;
  const v = u.map(f32);
  const status = (c: number, s: number, x: number, l: number) => {
    const d = upper ? f32(x - c) : f32(c - x);
    if (s < f32(1e-8)) s = f32(1e-8);
    return f32(d / s) > l;
  };
  const f32Sum = (a: number[]) => pairwiseSumF32(a);
  let num = -1;
  for (let i = lastPos !== -1 ? lastPos : 0; i < Math.min(k, v.length); i++) {
    const r = v.slice(i);
    const m = r.length;
    const med = m % 2 ? r[(m - 1) / 2] : f32(f32(r[m / 2 - 1] + r[m / 2]) / 2);
    const dev = r.map((x) => Math.abs(f32(x - med))).sort((a, b) => a - b);
    const mad = m % 2 ? dev[(m - 1) / 2] : f32((dev[m / 2 - 1] + dev[m / 2]) / 2);
    const sigma = f32(mad / f32(0.6744897501960817));
    let hit = status(med, sigma, v[i], lambda[i] ?? 0);
    if (!hit) {
      const mu = f32(f32Sum(r) / m);
      const sd = f32(Math.sqrt(f32(f32Sum(r.map((x) => f32(x - mu) * f32(x - mu))) / m)));
      hit = status(mu, sd, v[i], lambda[i] ?? 0);
    }
    if (hit) {
      num = i;
      if (lastPos !== -1) break;
    }
  }
  return num;
}

function lcg(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

Deno.test("esdOrdered() agrees with a direct transcription of §6.4 on varied data", () => {
  const rnd = lcg(99);
  let hits = 0;
  for (let c = 0; c < 300; c++) {
    const n = 12 + Math.floor(rnd() * 150);
    const shape = c % 4;
    const raw = Array.from({ length: n }, () => {
      const z = rnd();
      if (shape === 0) return z;
      if (shape === 1) return Math.round(z * 5) / 5; // many ties
      if (shape === 2) return z < 0.1 ? 1 + rnd() * 3 : z * 0.2; // heavy upper tail
      return Math.pow(z, 4);
    });
    const asc = [...raw].sort((a, b) => a - b);
    const k = Math.max(1, Math.floor(n * 0.3));
    const lambda = esdCriticalValues(n, Math.min(k, n));
    for (const upper of [true, false]) {
      const u = upper ? [...asc].reverse() : asc;
      const want = referenceEsd(u, k, lambda, upper);
      assert.equal(esdOrdered(u, k, lambda, upper), want, `case ${c} upper=${upper}`);
      const lastPos = Math.floor(rnd() * k);
      assert.equal(
        esdOrdered(u, k, lambda, upper, lastPos),
        referenceEsd(u, k, lambda, upper, lastPos),
        `case ${c} upper=${upper} lastPos=${lastPos}`,
      );
      if (want >= 0) hits++;
    }
  }
  // the data must exercise both outcomes
  assert.ok(hits > 50);
});
