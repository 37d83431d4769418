import assert from "node:assert/strict";
import {
  anomalyScore,
  boundaryVersionFor,
  marginsV1,
  marginsV3,
  marginUnits,
  marginV3,
  severityV1,
} from "../../lib/detect/margins.ts";
import { BOUNDARY_FACTORS } from "../../lib/detect/_tables.ts";
import type { ResultsTable } from "../../lib/detect/types.ts";

function close(a: number, b: number, tol = 1e-12) {
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} != ${b}`);
}

function table(v: number[], e: number[], anomalies: number[], score?: number[]): ResultsTable {
  const isAnomaly = v.map((_, i) => anomalies.includes(i));
  return {
    value: v,
    expected: e,
    isAnomaly,
    isPositive: isAnomaly.map((a, i) => a && v[i] >= e[i]),
    isNegative: isAnomaly.map((a, i) => a && v[i] < e[i]),
    score,
  };
}

Deno.test("boundary factor table has the documented literals", () => {
  assert.equal(BOUNDARY_FACTORS.length, 101);
  assert.deepEqual(
    [0, 25, 50, 55, 95, 99, 100].map((s) => BOUNDARY_FACTORS[s]),
    [532, 30, 3, 1, 0.008, 0.0002999999999999999, 0],
  );
});

Deno.test("boundaryVersionFor() uses V3 only for v1.1", () => {
  assert.deepEqual(
    (["v1.0", "v1.1-preview", "v1.1-preview.1", "v1.1"] as const).map(boundaryVersionFor),
    ["V1", "V1", "V1", "V3"],
  );
});

Deno.test("marginUnits() mixes the point's trend with the normal mean", () => {
  assert.deepEqual(marginUnits([10, 20, 30, 1000], [false, false, false, true]), [15, 20, 25, 510]);
});

Deno.test("marginUnits() falls back to 0.3 when the normal trend is zero", () => {
  assert.deepEqual(marginUnits([0, 0, 5], [false, false, true]), [0.3, 0.3, 0.3]);
});

Deno.test("marginV3() widens the value's side of a normal point", () => {
  const [u, l] = marginV3(2, 95, 105, 100, false);
  close(u, 5.008);
  close(l, 1.6693333333333333);
  const [u2, l2] = marginV3(2, 95, 95, 100, false);
  close(u2, 1.6693333333333333);
  close(l2, 5.008);
});

Deno.test("marginV3() uses δ for anomalies and shrinks it at sensitivity 99", () => {
  assert.deepEqual(marginV3(2, 95, 130, 100, true), [0.016, 0.016]);
  const [s] = marginV3(100, 99, 100.02, 100, true);
  close(s, 0.00999999999999801, 1e-9);
  const [ns] = marginV3(100, 99, 100.0000001, 100, true);
  close(ns, 0.029999999999999992);
});

Deno.test("anomalyScore() interpolates on the reversed factor table", () => {
  close(anomalyScore(30 / 2), 63);
  close(anomalyScore(0.5 / 2), 21.666666666666675, 1e-9);
  assert.equal(anomalyScore(0), 0);
  assert.equal(anomalyScore(950), 100);
});

Deno.test("severityV1() uses 0.3 as base near zero", () => {
  close(severityV1(1030, 798.04041887249764, true), 0.2906614447614368);
  close(severityV1(0.1, 0, true), 0.33333333333333337);
  assert.equal(severityV1(5, 1, false), 0);
});

Deno.test("marginsV1() refines margins and un-flags anomalies inside the band", () => {
  const r = marginsV1(table([10, 11, 30, 9, 10], [10, 10.5, 11, 10, 10], [2, 4]), 95, 10);
  [0.5, 0.525, 0.55, 1.01, 0.5].forEach((m, i) => {
    close(r.upperMargins[i], m);
    close(r.lowerMargins[i], m);
  });
  assert.deepEqual(r.isAnomaly, [false, false, true, false, false]);
  assert.equal(r.severity[2], 1);
});

Deno.test("marginsV1() keeps anomalies flagged with zero margins at sensitivity 100", () => {
  const r = marginsV1(table([10, 11, 30, 9, 10], [10, 10.5, 11, 10, 10], [2, 4]), 100, 10);
  [0, 0.505, 0, 1.01, 0].forEach((m, i) => close(r.upperMargins[i], m));
  assert.equal(r.isAnomaly[4], true);
});

Deno.test("marginsV1() clips upper boundaries to the data range", () => {
  const r = marginsV1(table([10, 11, 30, 9, 10], [10, 10.5, 11, 10, 10], []), 0, 10);
  [10, 10.5, 19.19, 10, 10].forEach((m, i) => close(r.upperMargins[i], m));
});

Deno.test("marginsV1() lifts every lower boundary to max(Lb) when all are below the data", () => {
  const r = marginsV1(table([10, 11, 30, 9, 10], [10, 10.5, 11, 10, 10], []), 40, 10);
  [6, 6.300000000000001, 19.19, 6, 6].forEach((m, i) => close(r.upperMargins[i], m));
  [5.6, 6.1, 19.19, 5.6, 5.6].forEach((m, i) => close(r.lowerMargins[i], m));
});

Deno.test("marginsV1() uses stored scores for the SR model", () => {
  const r = marginsV1(
    table([10, 11, 30, 9, 10], [10, 10.5, 11, 10, 10], [2], [0, 0.1, 0.9, 0, 0]),
    95,
    20,
  );
  [0.01, 0.505, 1.055556, 1.01, 0.01].forEach((m, i) => close(r.upperMargins[i], m, 1e-6));
});

Deno.test("marginsV3() drops anomalies within ±δ and scores severity", () => {
  const t = table([100, 100, 130, 100.001], [100, 100, 100, 100], [2, 3]);
  t.trend = [2, 2, 2, 2];
  const r = marginsV3(t, 95, "entire");
  assert.deepEqual(r.isAnomaly, [false, false, true, false]);
  close(r.severity[2], anomalyScore(30 / 2) / 100);
  assert.equal(r.severity[3], 0);
});

Deno.test("marginsV3() last mode keeps the pre-filter severity", () => {
  const t = table([100, 100, 100.001], [100, 100, 100], [2]);
  t.trend = [2, 2, 2];
  const r = marginsV3(t, 95, "last");
  assert.equal(r.isAnomaly[2], false);
  close(r.severity[2], anomalyScore(0.001 / 2) / 100);
  assert.ok(r.severity[2] > 0);
});
