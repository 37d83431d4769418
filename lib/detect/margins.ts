/**
 * Margins, boundary refinement and severity (spec §10): boundary version V1 (API v1.0 and the
 * v1.1 previews) and V3 (API v1.1), the factor table and the anomaly score.
 * @module
 */
import { BOUNDARY_FACTORS } from "./_tables.ts";
import type { ApiVersion, DetectMode, ResultsTable } from "./types.ts";

/** Smallest unit of V2/V3 margins and base of V1 severity near zero (`MIN_UNIT`). */
export const MIN_UNIT = 0.3;

/** The boundary version an API version uses (§10.1). */
export function boundaryVersionFor(apiVersion: ApiVersion): "V1" | "V3" {
  return apiVersion === "v1.1" ? "V3" : "V1";
}

/** Margins, final flags and severity of every row. */
export interface MarginResult {
  upperMargins: number[];
  lowerMargins: number[];
  isAnomaly: boolean[];
  isPositive: boolean[];
  isNegative: boolean[];
  severity: number[];
}

function checkSensitivity(sensitivity: number): void {
  if (!Number.isInteger(sensitivity) || sensitivity < 0 || sensitivity > 100) {
    throw new RangeError(
      `Cannot compute margins as sensitivity must be an integer in 0..100: current value is ${sensitivity}`,
    );
  }
}

/** V1 severity of one point (§10.2): 0 unless anomalous, else min(|v − e| / base, 1). */
export function severityV1(value: number, expected: number, isAnomaly: boolean): number {
  if (!isAnomaly) return 0;
  let base = Math.abs(expected);
  if (base <= 1e-8) base = MIN_UNIT;
  return Math.min(Math.abs(value - expected) / base, 1.0);
}

/**
 * V1 margins with the boundary refinement (§10.2) over all rows. `modelId` 20 uses the stored SR
 * score; every other id uses |expected|·(100 − s)/100. Flags of anomalies inside their band are
 * cleared (kept with zero margins when s = 100).
 */
export function marginsV1(
  results: ResultsTable,
  sensitivity: number,
  modelId: number,
): MarginResult {
  checkSensitivity(sensitivity);
  const { value: v, expected: e } = results;
  const n = v.length;
  const m = new Array<number>(n);
  if (modelId === 20 && results.score !== undefined) {
    const sc = results.score;
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < n; i++) {
      if (sc[i] <= 1e-8) {
        if (v[i] < lo) lo = v[i];
        if (v[i] > hi) hi = v[i];
      }
    }
    const nm = lo === Infinity ? 0 : 0.01 * (hi - lo);
    for (let i = 0; i < n; i++) {
      m[i] = sc[i] <= 1e-8 ? nm : (Math.abs(v[i] - e[i]) / sc[i]) * (1 - sensitivity / 100);
    }
  } else {
    for (let i = 0; i < n; i++) m[i] = (Math.abs(e[i]) * (100 - sensitivity)) / 100;
  }
  const isAnomaly = results.isAnomaly.slice();
  const isPositive = results.isPositive.slice();
  const isNegative = results.isNegative.slice();
  const U = new Array<number>(n);
  const Lb = new Array<number>(n);
  let hiData = -Infinity;
  let loData = Infinity;
  let minU = Infinity;
  let maxLb = -Infinity;
  for (let i = 0; i < n; i++) {
    U[i] = e[i] + m[i];
    Lb[i] = e[i] - m[i];
    hiData = Math.max(hiData, v[i], e[i]);
    loData = Math.min(loData, v[i], e[i]);
    if (U[i] < minU) minU = U[i];
    if (Lb[i] > maxLb) maxLb = Lb[i];
  }
  const up = new Array<number>(n);
  const lo = new Array<number>(n);
  const inside = new Array<boolean>(n);
  for (let i = 0; i < n; i++) {
    U[i] = Math.min(Math.max(U[i], minU), hiData);
    Lb[i] = Math.min(Math.max(Lb[i], loData), maxLb);
    up[i] = U[i] - e[i];
    lo[i] = e[i] - Lb[i];
    inside[i] = isAnomaly[i] && Lb[i] <= v[i] && v[i] <= U[i];
  }
  for (let i = 0; i < n; i++) {
    if (!isAnomaly[i]) {
      if (v[i] > U[i]) up[i] = lo[i] = 1.01 * (v[i] - e[i]);
      else if (v[i] < Lb[i]) up[i] = lo[i] = 1.01 * (e[i] - v[i]);
    }
  }
  for (let i = 0; i < n; i++) {
    if (!inside[i]) continue;
    if (sensitivity === 100) {
      up[i] = lo[i] = 0;
    } else {
      isAnomaly[i] = isPositive[i] = isNegative[i] = false;
    }
  }
  const severity = new Array<number>(n);
  for (let i = 0; i < n; i++) severity[i] = severityV1(v[i], e[i], isAnomaly[i]);
  return { upperMargins: up, lowerMargins: lo, isAnomaly, isPositive, isNegative, severity };
}

/** V2/V3 units from the trend column and the (pre-filter) anomaly flags (§10.3). */
export function marginUnits(trend: readonly number[], isAnomaly: readonly boolean[]): number[] {
  const n = trend.length;
  let sum = 0;
  let count = 0;
  let allSmall = true;
  for (let i = 0; i < n; i++) {
    if (isAnomaly[i]) continue;
    const a = Math.abs(trend[i]);
    if (a >= 1e-8) allSmall = false;
    sum += a;
    count++;
  }
  if (allSmall) return new Array<number>(n).fill(MIN_UNIT);
  const u = sum / count;
  return trend.map((t) => Math.max(MIN_UNIT, 0.5 * Math.abs(t) + 0.5 * u));
}

/** V2/V3 margin of one point (§10.3): `[upper, lower]`. */
export function marginV3(
  unit: number,
  sensitivity: number,
  value: number,
  expected: number,
  anomalous: boolean,
): [number, number] {
  let delta = unit * BOUNDARY_FACTORS[sensitivity];
  if (!anomalous) {
    const d = Math.abs(expected - value) + 0.5 * delta;
    return value > expected ? [d, d / 3.0] : [d / 3.0, d];
  }
  const dist = Math.abs(value - expected);
  if (sensitivity === 99 && delta * 0.0001 < dist && dist < delta) delta = 0.5 * dist;
  return [delta, delta];
}

const REVERSED_FACTORS: readonly number[] = [...BOUNDARY_FACTORS].reverse();

/** Anomaly score 0..100 of a unit distance (§10.3, bisection on the reversed factor table). */
export function anomalyScore(dist: number): number {
  const R = REVERSED_FACTORS;
  let lb = 0;
  let hi = R.length;
  while (lb < hi) {
    const mid = (lb + hi) >>> 1;
    if (R[mid] < dist) lb = mid + 1;
    else hi = mid;
  }
  if (lb === 0) return 0;
  if (lb >= 100) return 100;
  return lb - 1 + (dist - R[lb - 1]) / (R[lb] - R[lb - 1]);
}

/**
 * V3 margins, sensitivity filter and severity (§10.3). In `last` mode the severity uses the
 * pre-filter flag (a quirk of the engine); only the last row is meaningful then.
 */
export function marginsV3(
  results: ResultsTable,
  sensitivity: number,
  mode: DetectMode = "entire",
): MarginResult {
  checkSensitivity(sensitivity);
  const { value: v, expected: e } = results;
  const n = v.length;
  const trend = results.trend ?? e;
  const units = marginUnits(trend, results.isAnomaly);
  const upperMargins = new Array<number>(n);
  const lowerMargins = new Array<number>(n);
  const isAnomaly = new Array<boolean>(n);
  const isPositive = new Array<boolean>(n);
  const isNegative = new Array<boolean>(n);
  const severity = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const pre = results.isAnomaly[i];
    const [up, lo] = marginV3(units[i], sensitivity, v[i], e[i], pre);
    upperMargins[i] = up;
    lowerMargins[i] = lo;
    const score = anomalyScore(Math.abs(e[i] - v[i]) / units[i]);
    isPositive[i] = pre && v[i] > e[i] + up;
    isNegative[i] = pre && v[i] < e[i] - lo;
    isAnomaly[i] = isPositive[i] || isNegative[i];
    const flag = mode === "last" ? pre : isAnomaly[i];
    severity[i] = flag ? score / 100 : 0;
  }
  return { upperMargins, lowerMargins, isAnomaly, isPositive, isNegative, severity };
}
