/**
 * End-to-end detection (spec §0.4, §11): parse and validate, majority ratio, period, fill, model
 * selection, dropping filled rows, EPS refine, margins, and the wire response of the entire and
 * last endpoints.
 * @module
 */
import { DEFAULT_GRAN_WINDOW } from "./_tables.ts";
import { runDynamicThreshold, runSeasonal, runSpectralResidual } from "./_models.ts";
import { fillGaps, type GapFillMode, gapInfo } from "./fill.ts";
import { boundaryVersionFor, type MarginResult, marginsV1, marginsV3 } from "./margins.ts";
import { MESSAGES, missingRatioMessage, parseDetectRequest, type ParsedRequest } from "./parse.ts";
import { detectPeriod } from "./period.ts";
import { srTrigger } from "./spectral_residual.ts";
import { histogramCounts } from "./stats.ts";
import {
  AnomalyDetectorError,
  API_VERSIONS,
  type ApiVersion,
  type DetectMode,
  type DetectOptions,
  type EntireDetectResponse,
  type Granularity,
  type LastDetectResponse,
  type ModelId,
  type ResultsTable,
} from "./types.ts";

/** Everything one detection computed, before it is shaped into a wire response. */
export interface DetectionDetails {
  /** The validated request. */
  request: ParsedRequest;
  /** API version whose behaviour was reproduced. */
  apiVersion: ApiVersion;
  /** entire or last. */
  mode: DetectMode;
  /** The period used (user-supplied, detected, or 0). */
  period: number;
  /** Engine model id (`model-id` response header): 10/11 seasonal, 20/21 SR, 40/41 DT. */
  modelId: ModelId;
  /** Anomaly ratio handed to the model (after the last-mode adjustment). */
  ratio: number;
  /** Majority ratio of the raw values (§11.3). */
  majorityRatio: number;
  /** Whether gaps were filled for detection. */
  filled: boolean;
  /** Model rows aligned with the input points, after EPS refine (pre-margin flags). */
  rows: ResultsTable;
  /** Margins, final flags and severity of every row. */
  margins: MarginResult;
}

/** `max(20-bin histogram counts) / n` of the raw input values (§11.3). */
export function majorityRatio(values: readonly number[]): number {
  const counts = histogramCounts(values, 20);
  let max = 0;
  for (const c of counts) if (c > max) max = c;
  return max / values.length;
}

/** Last-mode ratio adjustment (§11.4). */
export function adjustLastModeRatio(ratio: number, majority: number): number {
  if (!(majority > 0.6)) return ratio;
  return Math.max((1 - majority) * ratio, Math.min(0.05, ratio));
}

/** `suggestedWindow` of the last endpoint (§11.1). */
export function suggestedWindow(period: number, granularity: Granularity): number {
  return period !== 0 ? 4 * period + 1 : DEFAULT_GRAN_WINDOW[granularity] + 1;
}

/** EPS refine (§11.5): rows with |value − expected| < 1e-8 are never anomalies. Mutates `rows`. */
export function epsRefine(rows: ResultsTable): ResultsTable {
  for (let i = 0; i < rows.value.length; i++) {
    if (Math.abs(rows.value[i] - rows.expected[i]) < 1e-8) {
      rows.isAnomaly[i] = rows.isPositive[i] = rows.isNegative[i] = false;
    }
  }
  return rows;
}

/**
 * A copy of a model's rows as plain arrays (models may hand typed arrays), keeping only the rows
 * where `keep` holds when it is given.
 */
function plainRows(rows: ResultsTable, keep?: (i: number) => boolean): ResultsTable {
  const pick = <T>(a: ArrayLike<T>): T[] => {
    const out = Array.from(a);
    return keep === undefined ? out : out.filter((_, i) => keep(i));
  };
  const out: ResultsTable = {
    value: pick(rows.value),
    expected: pick(rows.expected),
    isAnomaly: pick(rows.isAnomaly),
    isPositive: pick(rows.isPositive),
    isNegative: pick(rows.isNegative),
  };
  if (rows.trend !== undefined) out.trend = pick(rows.trend);
  if (rows.score !== undefined) out.score = pick(rows.score);
  return out;
}

function resolveApiVersion(options: DetectOptions): ApiVersion {
  const v = options.apiVersion ?? "v1.1";
  if (!API_VERSIONS.includes(v)) {
    throw new RangeError(
      `Cannot detect as apiVersion must be one of ${
        API_VERSIONS.join(", ")
      }: current value is ${v}`,
    );
  }
  return v;
}

const INTEGER_FIELDS = new Set(["customInterval", "period", "sensitivity"]);

/**
 * Parses a JSON request body, classifying numeric literals lexically like the engine (§1.2):
 * `customInterval`, `period` and `sensitivity` written with a fraction or an exponent (`7.0`,
 * `7e0`) are not integers and become NaN, so validation rejects them.
 */
export function parseRequestText(text: string): unknown {
  const reviver = function (
    key: string,
    value: unknown,
    context?: { source?: string },
  ): unknown {
    if (typeof value === "number" && INTEGER_FIELDS.has(key) && context?.source !== undefined) {
      if (/[.eE]/.test(context.source)) return Number.NaN;
    }
    return value;
  };
  return JSON.parse(text, reviver as (key: string, value: unknown) => unknown);
}

/** The request body: a string is parsed with {@linkcode parseRequestText}. */
export function readRequestBody(request: unknown): unknown {
  if (typeof request !== "string") return request;
  try {
    return parseRequestText(request);
  } catch (cause) {
    throw new AnomalyDetectorError("BadArgument", MESSAGES.empty, { cause });
  }
}

/**
 * Runs one endpoint's work, letting {@linkcode AnomalyDetectorError}s through and turning any
 * other failure into the engine's "unexpected exception" (status 500).
 */
export function withEngineErrors<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof AnomalyDetectorError) throw error;
    throw new AnomalyDetectorError("InternalServerError", MESSAGES.unexpected, {
      cause: error,
      status: 500,
    });
  }
}

/**
 * Runs the whole detection flow (§0.4) and returns the intermediate results. Throws only
 * {@linkcode AnomalyDetectorError} (unexpected internal failures become status 500 with the
 * engine's "unexpected exception" message).
 */
export function detectDetails(
  request: unknown,
  mode: DetectMode,
  options: DetectOptions = {},
): DetectionDetails {
  const apiVersion = resolveApiVersion(options);
  return withEngineErrors(() => run(readRequestBody(request), mode, apiVersion));
}

function run(body: unknown, mode: DetectMode, apiVersion: ApiVersion): DetectionDetails {
  const req = parseDetectRequest(body);
  const xIn = req.values;
  const n = xIn.length;
  const majority = majorityRatio(xIn);
  const ratio = mode === "last"
    ? adjustLastModeRatio(req.maxAnomalyRatio, majority)
    : req.maxAnomalyRatio;
  const gaps = gapInfo(req.indices);

  let period: number;
  if (req.period !== undefined) {
    period = req.period;
  } else if (gaps.missingRatio > 0.5) {
    period = 0;
  } else {
    let forPeriod = xIn;
    if (gaps.needFill && req.fillMode !== "notFill") {
      const m: GapFillMode = req.fillMode === "auto" ? "previous" : req.fillMode;
      const f = fillGaps(req.indices, xIn, m, { fixedValue: req.fixedValue });
      if (f !== undefined) forPeriod = f.values;
    }
    period = detectPeriod(forPeriod, req.granularity, req.customInterval);
  }
  if (period > 1 && gaps.missingRatio > 0.5) {
    throw new AnomalyDetectorError("InvalidSeries", missingRatioMessage(gaps.span, n));
  }

  let x = xIn;
  let filledMask: boolean[] | undefined;
  if (
    req.fillMode !== "notFill" &&
    (period > 1 || req.fillMode === "fixed" || req.fillMode === "previous" ||
      req.fillMode === "linear")
  ) {
    const f = fillGaps(req.indices, xIn, req.fillMode, {
      fixedValue: req.fixedValue,
      period,
    });
    if (f !== undefined) {
      x = f.values;
      filledMask = f.filled;
    }
  }
  if (period > 1 && x.length < 2 * period + 1) {
    throw new AnomalyDetectorError("InvalidModelArgument", MESSAGES.twoPeriods);
  }

  const needTrend = boundaryVersionFor(apiVersion) !== "V1";
  const args = { x, ratio, mode, needTrend };
  let out;
  if (period > 1) {
    out = runSeasonal(args, period);
  } else if (srTrigger(req.granularity, req.customInterval, x)) {
    out = runSpectralResidual(args);
  } else {
    out = runDynamicThreshold(args, period);
  }
  const mask = filledMask;
  const rows = plainRows(out.results, mask === undefined ? undefined : (i) => !mask[i]);
  epsRefine(rows);
  const margins = needTrend
    ? marginsV3(rows, req.sensitivity, mode)
    : marginsV1(rows, req.sensitivity, out.modelId);
  return {
    request: req,
    apiVersion,
    mode,
    period,
    modelId: out.modelId,
    ratio,
    majorityRatio: majority,
    filled: filledMask !== undefined,
    rows,
    margins,
  };
}

function hasSeverity(apiVersion: ApiVersion): boolean {
  return apiVersion !== "v1.0";
}

/**
 * Detects anomalies over a whole series, like `POST /timeseries/entire/detect` of the retired
 * Azure Anomaly Detector. `request` is the JSON body (parsed, or its text).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { detectEntireSeries } from "./mod.ts";
 * const week = [10, 12, 14, 11, 10, 6, 5];
 * const series = Array.from({ length: 28 }, (_, i) => ({
 *   timestamp: new Date(Date.UTC(2021, 0, 1 + i)).toISOString(),
 *   value: week[i % 7] + (i === 17 ? 8 : 0),
 * }));
 * const res = detectEntireSeries({ series, granularity: "daily", sensitivity: 95 });
 * assert.equal(res.period, 7);
 * assert.deepEqual(res.isAnomaly.flatMap((a, i) => (a ? [i] : [])), [17]);
 * ```
 *
 * @throws {AnomalyDetectorError} for an invalid request (code and message as the service).
 */
export function detectEntireSeries(
  request: unknown,
  options: DetectOptions = {},
): EntireDetectResponse {
  const d = detectDetails(request, "entire", options);
  const res: EntireDetectResponse = {
    period: d.period,
    expectedValues: d.rows.expected,
    upperMargins: d.margins.upperMargins,
    lowerMargins: d.margins.lowerMargins,
    isAnomaly: d.margins.isAnomaly,
    isNegativeAnomaly: d.margins.isNegative,
    isPositiveAnomaly: d.margins.isPositive,
  };
  if (hasSeverity(d.apiVersion)) res.severity = d.margins.severity;
  return res;
}

/**
 * Detects whether the last point of a series is an anomaly, like
 * `POST /timeseries/last/detect` of the retired Azure Anomaly Detector.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { detectLastPoint } from "./mod.ts";
 * const series = Array.from({ length: 60 }, (_, i) => ({
 *   timestamp: new Date(Date.UTC(2024, 0, 1, i)).toISOString(),
 *   value: 100 + 10 * Math.sin((2 * Math.PI * i) / 24) + (i === 59 ? 80 : 0),
 * }));
 * const res = detectLastPoint({ series, granularity: "hourly", period: 24 }, { apiVersion: "v1.0" });
 * assert.equal(res.isAnomaly, true);
 * assert.equal(res.suggestedWindow, 97);
 * ```
 *
 * @throws {AnomalyDetectorError} for an invalid request (code and message as the service).
 */
export function detectLastPoint(
  request: unknown,
  options: DetectOptions = {},
): LastDetectResponse {
  const d = detectDetails(request, "last", options);
  const i = d.rows.value.length - 1;
  const res: LastDetectResponse = {
    period: d.period,
    suggestedWindow: suggestedWindow(d.period, d.request.granularity),
    expectedValue: d.rows.expected[i],
    upperMargin: d.margins.upperMargins[i],
    lowerMargin: d.margins.lowerMargins[i],
    isAnomaly: d.margins.isAnomaly[i],
    isNegativeAnomaly: d.margins.isNegative[i],
    isPositiveAnomaly: d.margins.isPositive[i],
  };
  if (hasSeverity(d.apiVersion)) res.severity = d.margins.severity[i];
  return res;
}
