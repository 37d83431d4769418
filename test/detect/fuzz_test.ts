/**
 * Fuzz test: thousands of random and malformed requests; the detect functions may only return a
 * response or throw AnomalyDetectorError with status 400 — never another error, never a 500.
 */
import assert from "node:assert/strict";
import {
  AnomalyDetectorError,
  detectChangePoint,
  detectEntireSeries,
  detectLastPoint,
} from "../../lib/detect/mod.ts";
import { rng } from "./_random.ts";

const CASES = 5000;

function fuzzRequest(r: () => number): unknown {
  const pick = <T>(a: T[]): T => a[Math.floor(r() * a.length)];
  const weird = (): unknown =>
    pick([
      null,
      true,
      false,
      0,
      -1,
      1.5,
      "7",
      "",
      "abc",
      [],
      {},
      [1, 2],
      { a: 1 },
      1e101,
      -1e101,
      Number.MAX_VALUE,
      "NaN",
      "Infinity",
      "1e3",
      0.25,
      99,
      100,
      7,
      24,
    ]);
  if (r() < 0.03) return pick([null, 42, "text", [], [{ value: 1 }], true]);
  const granularities = [
    "daily",
    "hourly",
    "minutely",
    "secondly",
    "weekly",
    "monthly",
    "yearly",
    "microsecond",
    "none",
  ];
  const granularity = r() < 0.9 ? pick(granularities) : weird();
  const stepMs: Record<string, number> = {
    daily: 86_400_000,
    hourly: 3_600_000,
    minutely: 60_000,
    secondly: 1000,
    weekly: 604_800_000,
    microsecond: 1,
    none: 3_600_000,
  };
  const n = r() < 0.1 ? Math.floor(r() * 14) : 12 + Math.floor(r() * 50);
  const t0 = Date.UTC(2023, 0, 31);
  const shape = Math.floor(r() * 4);
  const series: unknown[] = [];
  let t = 0;
  for (let i = 0; i < n; i++) {
    t += r() < 0.1 ? 2 : 1;
    let ts: string;
    if (granularity === "monthly" || granularity === "yearly") {
      const d = new Date(t0);
      if (granularity === "monthly") d.setUTCMonth(d.getUTCMonth() + t);
      else d.setUTCFullYear(d.getUTCFullYear() + t);
      ts = d.toISOString();
    } else {
      ts = new Date(t0 + t * (stepMs[granularity as string] ?? 3_600_000)).toISOString();
    }
    const value: unknown = shape === 0
      ? Math.sin(i / 3) * 10 + r()
      : shape === 1
      ? Math.floor(r() * 3)
      : shape === 2
      ? 5
      : (r() - 0.5) * 1e6;
    series.push({ timestamp: ts, value });
  }
  if (n > 0 && r() < 0.25) {
    // Corrupt one point in one of several ways.
    const i = Math.floor(r() * n);
    const point = series[i] as Record<string, unknown>;
    const how = Math.floor(r() * 4);
    if (how === 0) point.value = weird();
    else if (how === 1) point.timestamp = weird();
    else if (how === 2) delete point.value;
    else series[i] = weird();
  }
  if (r() < 0.05) series.reverse();
  const body: Record<string, unknown> = { series: r() < 0.03 ? weird() : series };
  if (r() < 0.9) body.granularity = granularity;
  const maybe = (key: string, good: () => unknown) => {
    const u = r();
    if (u < 0.04) body[key] = weird();
    else if (u < 0.4) body[key] = good();
  };
  maybe("customInterval", () => pick([1, 1, 2, 5]));
  maybe("period", () => pick([0, 1, 2, 4, 7, 12]));
  maybe("maxAnomalyRatio", () => pick([0.01, 0.1, 0.25, 0.49]));
  maybe("sensitivity", () => pick([0, 50, 95, 99, 100]));
  maybe("imputeMode", () => pick(["auto", "previous", "linear", "zero", "fixed", "notFill"]));
  maybe("imputeFixedValue", () => pick([0, 3.5, -1]));
  maybe("stableTrendWindow", () => pick([3, 5, 10]));
  maybe("threshold", () => pick([0.5, 0.9, 0.99]));
  return body;
}

Deno.test("detect functions only ever throw AnomalyDetectorError(400) on random requests", () => {
  const r = rng(20240601);
  const failures: string[] = [];
  let ok = 0;
  let rejected = 0;
  for (let k = 0; k < CASES; k++) {
    const body = fuzzRequest(r);
    const fn = [detectEntireSeries, detectLastPoint, detectChangePoint][k % 3];
    const apiVersion = k % 2 === 0 ? "v1.0" : "v1.1";
    try {
      fn(body, { apiVersion });
      ok++;
    } catch (error) {
      if (error instanceof AnomalyDetectorError && error.status === 400) {
        rejected++;
      } else if (failures.length < 5) {
        const cause = error instanceof AnomalyDetectorError ? error.cause : error;
        failures.push(
          `case ${k} (${fn.name}): ${String(cause)} — ${JSON.stringify(body).slice(0, 300)}`,
        );
      } else {
        failures.push("more");
      }
    }
  }
  assert.deepEqual(failures, []);
  assert.equal(ok + rejected, CASES);
  // Both outcomes must be exercised for the fuzz to mean anything.
  assert.ok(ok > CASES / 10 && rejected > CASES / 10, `ok ${ok}, rejected ${rejected}`);
});
