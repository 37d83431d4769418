/**
 * Change-point detection (spec §12): a documented, deterministic **surrogate** of the retired
 * `/timeseries/changepoint/detect` endpoint. The service's algorithm is not public; this one
 * compares least-squares lines fitted on either side of every candidate point (§12.2). Responses
 * are behaviourally approximate, not service-exact.
 * @module
 */
import { CHANGEPOINT_DEFAULTS } from "./_tables.ts";
import { runStlSeasonal } from "./_models.ts";
import { fillGaps } from "./fill.ts";
import { readRequestBody, withEngineErrors } from "./orchestrator.ts";
import { parseDetectRequest } from "./parse.ts";
import { detectPeriod } from "./period.ts";
import { median } from "./stats.ts";
import {
  AnomalyDetectorError,
  type ChangePointDetectResponse,
  type DetectOptions,
} from "./types.ts";

/** Message of an invalid `stableTrendWindow`. */
export const STABLE_TREND_WINDOW_MESSAGE =
  "The 'stableTrendWindow' field must be an integer >= 3 and < half of series' length.";
/** Message of an invalid change-point `threshold`. */
export const THRESHOLD_MESSAGE = "The 'threshold' field must be an float between 0.01 and 0.99.";
/** Message of a missing `granularity` (change-point endpoint only). */
export const REQUIRED_GRANULARITY_MESSAGE = "The 'granularity' field is required in request.";
/** Message of a missing `series` (change-point endpoint only). */
export const REQUIRED_SERIES_MESSAGE = "The 'series' field is required in request.";

/** Least-squares line through (x0 + j, y[start + j]), j = 0..w−1: `[intercept at x0, slope]`. */
function fitLine(y: ArrayLike<number>, start: number, w: number): [number, number] {
  const xm = (w - 1) / 2;
  let ym = 0;
  for (let j = 0; j < w; j++) ym += y[start + j];
  ym /= w;
  let sxy = 0;
  let sxx = 0;
  for (let j = 0; j < w; j++) {
    const dx = j - xm;
    sxy += dx * (y[start + j] - ym);
    sxx += dx * dx;
  }
  const slope = sxx === 0 ? 0 : sxy / sxx;
  return [ym - slope * xm, slope];
}

/**
 * Change-point scores of a (deseasonalised) series with window `w` (§12.2): for every t in
 * w..n−w the level gap between lines fitted on `y[t−w..t−1]` and `y[t..t+w−1]`, divided by a
 * robust residual scale. Zero outside that range.
 */
export function changePointScores(y: ArrayLike<number>, w: number): number[] {
  const n = y.length;
  const s = new Array<number>(n).fill(0);
  const floor = 1e-8 * (1 + Math.abs(median(y)));
  const res = new Array<number>(2 * w);
  for (let t = w; t <= n - w; t++) {
    const [aL, bL] = fitLine(y, t - w, w);
    const [aR, bR] = fitLine(y, t, w);
    // Left line at abscissa w − 0.5; right line (abscissa w..2w−1) at w − 0.5 = its −0.5.
    const jump = Math.abs(aR + bR * -0.5 - (aL + bL * (w - 0.5)));
    for (let j = 0; j < w; j++) {
      res[j] = y[t - w + j] - (aL + bL * j);
      res[w + j] = y[t + j] - (aR + bR * j);
    }
    const med = median(res);
    const scale = 1.4826 * median(res.map((r) => Math.abs(r - med)));
    s[t] = jump / Math.max(scale, floor);
  }
  return s;
}

/**
 * Picks change points from scores (§12.2): confidence = score / max(score); scanning by
 * decreasing score, a point is flagged when its confidence ≥ `threshold` and no flagged point lies
 * closer than `w`. Flagged points get confidence 1.
 */
export function pickChangePoints(
  scores: readonly number[],
  w: number,
  threshold: number,
): { isChangePoint: boolean[]; confidenceScores: number[] } {
  const n = scores.length;
  let max = 0;
  for (const v of scores) if (v > max) max = v;
  const conf = scores.map((v) => (max > 0 ? v / max : 0));
  const flags = new Array<boolean>(n).fill(false);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) =>
    scores[b] - scores[a] || a - b
  );
  const flagged: number[] = [];
  for (const t of order) {
    if (!(conf[t] >= threshold)) break;
    if (flagged.some((f) => Math.abs(t - f) < w)) continue;
    flagged.push(t);
    flags[t] = true;
    conf[t] = 1;
  }
  return { isChangePoint: flags, confidenceScores: conf };
}

function fail(code: string, message: string): never {
  throw new AnomalyDetectorError(code, message);
}

/**
 * Detects change points, like `POST /timeseries/changepoint/detect` — **approximate**: a
 * documented surrogate (spec §12.2), not the retired service's algorithm. `granularity` is
 * required; `stableTrendWindow` (integer, 3 ≤ W < n/2) and `threshold` (0.01..0.99) default per
 * granularity.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { detectChangePoint } from "./mod.ts";
 * const series = Array.from({ length: 60 }, (_, i) => ({
 *   timestamp: new Date(Date.UTC(2024, 0, 1, 0, i)).toISOString(),
 *   value: (i < 30 ? 10 : 25) + (i % 3) * 0.1,
 * }));
 * const res = detectChangePoint({ series, granularity: "minutely", stableTrendWindow: 5, period: 0 });
 * assert.deepEqual(res.isChangePoint.flatMap((f, i) => (f ? [i] : [])), [30]);
 * ```
 *
 * @throws {AnomalyDetectorError} for an invalid request.
 */
export function detectChangePoint(
  request: unknown,
  _options: DetectOptions = {},
): ChangePointDetectResponse {
  return withEngineErrors(() => run(readRequestBody(request)));
}

function run(body: unknown): ChangePointDetectResponse {
  if (typeof body === "object" && body !== null && !Array.isArray(body)) {
    const b = body as Record<string, unknown>;
    if (!("series" in b)) fail("RequiredSeries", REQUIRED_SERIES_MESSAGE);
    if (!("granularity" in b)) fail("RequiredGranularity", REQUIRED_GRANULARITY_MESSAGE);
  }
  const req = parseDetectRequest(body);
  const b = body as Record<string, unknown>;
  const n = req.values.length;
  let w = CHANGEPOINT_DEFAULTS.stableTrendWindow[req.granularity];
  if ("stableTrendWindow" in b) {
    const v = b.stableTrendWindow;
    if (typeof v !== "number" || !Number.isInteger(v) || v < 3 || v >= n / 2) {
      fail("InvalidModelArgument", STABLE_TREND_WINDOW_MESSAGE);
    }
    w = v;
  }
  let threshold = CHANGEPOINT_DEFAULTS.threshold[req.granularity];
  if ("threshold" in b) {
    const v = b.threshold;
    if (typeof v !== "number" || !(v >= 0.01 && v <= 0.99)) {
      fail("InvalidModelArgument", THRESHOLD_MESSAGE);
    }
    threshold = v;
  }
  // A default window longer than the series' half is clamped so that short series still work.
  w = Math.max(3, Math.min(w, Math.ceil(n / 2) - 1));

  const lin = fillGaps(req.indices, req.values, "linear");
  const x = lin?.values ?? req.values;
  let period: number;
  if (req.period !== undefined) {
    period = req.period;
  } else {
    const prev = fillGaps(req.indices, req.values, "previous");
    period = detectPeriod(prev?.values ?? req.values, req.granularity, req.customInterval);
  }
  let y = x;
  if (period > 1 && x.length >= 2 * period + 1) {
    const seasonal = runStlSeasonal(x, period);
    y = x.map((v, i) => v - seasonal[i]);
  }
  const { isChangePoint, confidenceScores } = pickChangePoints(
    changePointScores(y, w),
    w,
    threshold,
  );
  if (lin === undefined) return { period, isChangePoint, confidenceScores };
  const keep = (_: unknown, i: number) => !lin.filled[i];
  return {
    period,
    isChangePoint: isChangePoint.filter(keep),
    confidenceScores: confidenceScores.filter(keep),
  };
}
