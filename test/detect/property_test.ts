/**
 * Contract properties of the public detect functions over seeded random series on every model
 * path (seasonal, spectral residual, dynamic threshold), with and without gaps.
 */
import assert from "node:assert/strict";
import {
  type ApiVersion,
  detectDetails,
  detectEntireSeries,
  detectLastPoint,
} from "../../lib/detect/mod.ts";
import { gridSeries, rng } from "./_random.ts";

const HOUR = 3_600_000;
const MINUTE = 60_000;

interface Scenario {
  name: string;
  request: Record<string, unknown>;
}

function scenarios(): Scenario[] {
  const out: Scenario[] = [];
  for (let seed = 1; seed <= 4; seed++) {
    const r = rng(seed);
    const n = 60 + Math.floor(r() * 140);
    const seasonal = Array.from(
      { length: n },
      (_, i) => 50 + 10 * Math.sin((2 * Math.PI * i) / 24) + 3 * r() + (i === n - 5 ? 40 : 0),
    );
    out.push({
      name: `seasonal hourly seed ${seed}`,
      request: {
        series: gridSeries(seasonal, HOUR),
        granularity: "hourly",
        sensitivity: 80 + seed,
      },
    });
    out.push({
      name: `seasonal hourly with gaps seed ${seed}`,
      request: {
        series: gridSeries(seasonal, HOUR, (i) => i > 0 && i < n - 1 && r() < 0.05),
        granularity: "hourly",
        period: 24,
      },
    });
    let walk = 100;
    const noisy = Array.from({ length: n }, (_, i) => {
      walk += r() - 0.5;
      return walk + (i === Math.floor(n / 2) ? 15 : 0);
    });
    out.push({
      name: `spectral residual minutely seed ${seed}`,
      request: { series: gridSeries(noisy, MINUTE), granularity: "minutely", maxAnomalyRatio: 0.1 },
    });
    out.push({
      name: `dynamic threshold none seed ${seed}`,
      request: { series: noisy.map((value) => ({ value })), sensitivity: 95 },
    });
  }
  return out;
}

const VERSIONS: ApiVersion[] = ["v1.0", "v1.1"];

Deno.test("detectEntireSeries() outputs one row per input point with consistent flags", () => {
  for (const s of scenarios()) {
    for (const apiVersion of VERSIONS) {
      const res = detectEntireSeries(s.request, { apiVersion });
      const n = (s.request.series as unknown[]).length;
      for (
        const key of [
          "expectedValues",
          "upperMargins",
          "lowerMargins",
          "isAnomaly",
          "isNegativeAnomaly",
          "isPositiveAnomaly",
        ] as const
      ) {
        assert.equal(res[key].length, n, `${s.name} ${apiVersion} ${key}`);
      }
      for (let i = 0; i < n; i++) {
        assert.equal(
          res.isAnomaly[i],
          res.isPositiveAnomaly[i] || res.isNegativeAnomaly[i],
          `${s.name} ${apiVersion} flags at ${i}`,
        );
        assert.ok(
          res.upperMargins[i] >= 0 && res.lowerMargins[i] >= 0,
          `${s.name} margins at ${i}`,
        );
      }
      assert.equal(res.severity === undefined, apiVersion === "v1.0");
    }
  }
});

Deno.test("detectLastPoint() gives non-negative margins and consistent flags", () => {
  for (const s of scenarios()) {
    for (const apiVersion of VERSIONS) {
      const res = detectLastPoint(s.request, { apiVersion });
      assert.ok(res.upperMargin >= 0 && res.lowerMargin >= 0, s.name);
      assert.equal(res.isAnomaly, res.isPositiveAnomaly || res.isNegativeAnomaly, s.name);
      assert.ok(res.suggestedWindow >= 5, s.name);
    }
  }
});

Deno.test("detectEntireSeries() is deterministic and does not mutate its input", () => {
  for (const s of scenarios()) {
    const before = structuredClone(s.request);
    const a = detectEntireSeries(s.request);
    const b = detectEntireSeries(s.request);
    assert.deepEqual(a, b, s.name);
    assert.deepEqual(s.request, before, s.name);
  }
});

Deno.test("detect paths cover the seasonal, spectral-residual and dynamic-threshold models", () => {
  const ids = new Set(
    scenarios().map((s) => Math.floor(detectDetails(s.request, "entire").modelId / 10)),
  );
  assert.deepEqual([...ids].sort(), [1, 2, 4]);
});
