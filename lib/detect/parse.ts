/**
 * Request parsing and validation of the detect endpoints (spec §1): exact error codes and
 * messages, checked in the engine's order (first failure wins), and the parsed defaults (§1.4).
 * @module
 */
import { AnomalyDetectorError, type Granularity, type ImputeMode } from "./types.ts";
import { computeIndices, type ParsedTimestamp, parseTimestamp } from "./time.ts";

/** The nine granularity names, in the order the engine's message lists them. */
export const GRANULARITIES: readonly Granularity[] = [
  "daily",
  "minutely",
  "hourly",
  "weekly",
  "monthly",
  "yearly",
  "secondly",
  "microsecond",
  "none",
];

/** Accepted impute modes including the legacy `last` and `no`, in the message's order. */
export const IMPUTE_MODES: readonly string[] = [
  "last",
  "no",
  "auto",
  "previous",
  "linear",
  "zero",
  "fixed",
  "notFill",
];

/** Internal fill mode after normalisation (`zero` → fixed 0, `last` → previous, `no` → notFill). */
export type FillMode = "auto" | "previous" | "linear" | "fixed" | "notFill";

/** Exact engine messages (§1.3), typos included. */
export const MESSAGES = {
  empty: "Invalid Input Format, input data is Empty.",
  granularity:
    "The 'granularity' field can only be one of the following: ['daily', 'minutely', 'hourly', 'weekly', 'monthly', 'yearly', 'secondly', 'microsecond', 'none'].",
  customInterval: "The 'customInterval' field must be an integer > 0.",
  period: "The 'period' field must be an integer >= 0.",
  maxAnomalyRatio:
    "The 'maxAnomalyRatio' field must be less than 50% of the series points (0 < maxAnomalyRatio < 0.5).",
  sensitivity: "The 'sensitivity' field must be an integer between 0 and 99.",
  imputeMode:
    "The 'imputeMode' field is required and should be one of the following: ['last', 'no', 'auto', 'previous', 'linear', 'zero', 'fixed', 'notFill'].",
  imputeFixedValue: "The 'imputeFixedValue' field must be a number.",
  seriesNull: "The 'series' field cannot be empty.",
  seriesNotArray: "The 'series' field must be array/list type.",
  tooFew: "The 'series' field must have at least 12 points.",
  tooMany: "The 'series' field cannot have more than 8640 points.",
  malformed: "'timestamp' or 'value' is malformed in 'series' Field.",
  tooLarge: "The magnitude of data in 'value' in 'series' filed is too large.",
  noneValues: "The 'series' field cannot have none values.",
  unsorted: "The 'series' field must be sorted by timestamp in ascending order.",
  duplicated: "The 'series' field cannot have duplicated timestamp.",
  twoPeriods: "The 'series' field must have more than 2 periods points",
  unexpected:
    "The series data can not be processed due to unexpected exception, please contact Anomaly Detector Team <anomalydetector@microsoft.com> for further support.",
} as const;

/** Message of error #25 (timestamp off the granularity grid). */
export function misalignedMessage(index: number, granularity: Granularity, ci: number): string {
  return `The 'timestamp' at index ${index} is invalid in ${granularity} granularity with ${ci} gran as interval.`;
}

/** Message of error #27 (seasonal series with more than half of its points missing). */
export function missingRatioMessage(span: number, present: number): string {
  return `Ratio of missing points should be less than 50% for seasonal timeseries. There should be at least ${
    Math.ceil(0.5 * span)
  } points, but got ${present} points.`;
}

/** A validated request with the engine defaults applied (§1.4). */
export interface ParsedRequest {
  /** Values in input order (never NaN, |v| ≤ 1e100). */
  values: number[];
  /** Grid index of every point (0..n−1 for granularity none); strictly increasing, first 0. */
  indices: number[];
  /** Granularity (default `none`). */
  granularity: Granularity;
  /** customInterval, 1 when absent. */
  customInterval: number;
  /** Whether customInterval was given explicitly. */
  customIntervalGiven: boolean;
  /** User period, or `undefined` for auto-detection. */
  period: number | undefined;
  /** maxAnomalyRatio (default 0.25). */
  maxAnomalyRatio: number;
  /** sensitivity 0..100 (default 99). */
  sensitivity: number;
  /** Normalised fill mode (default auto). */
  fillMode: FillMode;
  /** Constant of the fixed fill mode (0 for `zero`). */
  fixedValue: number;
  /** The imputeMode as sent (`undefined` when absent or null). */
  imputeMode: ImputeMode | "last" | "no" | undefined;
}

/** Options of {@linkcode parseDetectRequest}. */
export interface ParseDetectRequestOptions {
  /**
   * Whether the #26 period-span check runs (it does for the detect endpoints).
   * @default {true}
   */
  checkPeriodSpan?: boolean;
}

function fail(code: string, message: string): never {
  throw new AnomalyDetectorError(code, message);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isInt(v: unknown): v is number {
  return typeof v === "number" && Number.isInteger(v);
}

const PY_FLOAT =
  /^[+-]?(?:(?:\d(?:_?\d)*)?\.\d(?:_?\d)*(?:[eE][+-]?\d(?:_?\d)*)?|\d(?:_?\d)*\.?(?:[eE][+-]?\d(?:_?\d)*)?|inf|infinity|nan)$/i;

/**
 * Converts a series value like Python `float()`: numbers, booleans (1/0) and numeric strings
 * (`"12.5"`, `" 1e3 "`, `"nan"`, `"inf"`, `"1_000"`). `null`/`undefined` give NaN (a none value).
 * Returns `undefined` when the value is malformed (object, array, unparsable string).
 */
export function toPythonFloat(value: unknown): number | undefined {
  if (value === null || value === undefined) return Number.NaN;
  if (typeof value === "number") return value;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "string") {
    const s = value.trim();
    if (!PY_FLOAT.test(s)) return undefined;
    const lower = s.toLowerCase().replace(/^[+]/, "");
    if (/^-?nan$/.test(lower)) return Number.NaN;
    if (/^-?inf(inity)?$/.test(lower)) {
      return lower.startsWith("-") ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
    }
    return Number(s.replaceAll("_", ""));
  }
  return undefined;
}

/**
 * Validates a detect request body in the engine's order (§1.3) and returns the parsed request.
 * Throws only {@linkcode AnomalyDetectorError}.
 */
export function parseDetectRequest(
  body: unknown,
  options: ParseDetectRequestOptions = {},
): ParsedRequest {
  const checkPeriodSpan = options.checkPeriodSpan ?? true;
  // #1: no series rows.
  if (!isPlainObject(body)) fail("BadArgument", MESSAGES.empty);
  const rawSeries = body.series;
  if (rawSeries === undefined || (Array.isArray(rawSeries) && rawSeries.length === 0)) {
    fail("BadArgument", MESSAGES.empty);
  }
  // #2 granularity
  let granularity: Granularity = "none";
  if ("granularity" in body) {
    const g = body.granularity;
    if (typeof g !== "string" || !(GRANULARITIES as readonly string[]).includes(g)) {
      fail("InvalidGranularity", MESSAGES.granularity);
    }
    granularity = g as Granularity;
  }
  // #3 customInterval
  let customInterval = 1;
  let customIntervalGiven = false;
  if ("customInterval" in body) {
    const v = body.customInterval;
    if (!isInt(v) || v <= 0) fail("InvalidCustomInterval", MESSAGES.customInterval);
    customInterval = v;
    customIntervalGiven = true;
  }
  // #4 period
  let period: number | undefined;
  if ("period" in body) {
    const v = body.period;
    if (!isInt(v) || v < 0) fail("InvalidPeriod", MESSAGES.period);
    period = v;
  }
  // #6 maxAnomalyRatio
  let maxAnomalyRatio = 0.25;
  if ("maxAnomalyRatio" in body) {
    const v = body.maxAnomalyRatio;
    if (typeof v !== "number" || !(v > 0) || v > 0.49) {
      fail("InvalidModelArgument", MESSAGES.maxAnomalyRatio);
    }
    maxAnomalyRatio = v;
  }
  // #7 sensitivity
  let sensitivity = 99;
  if ("sensitivity" in body) {
    const v = body.sensitivity;
    if (!isInt(v) || v < 0 || v > 100) fail("InvalidModelArgument", MESSAGES.sensitivity);
    sensitivity = v;
  }
  // #9 / #10 imputeMode, imputeFixedValue
  let fillMode: FillMode = "auto";
  let fixedValue = 0;
  let imputeMode: ParsedRequest["imputeMode"];
  const im = body.imputeMode;
  if (im !== undefined && im !== null) {
    if (typeof im !== "string" || !IMPUTE_MODES.includes(im)) {
      fail("InvalidImputeMode", MESSAGES.imputeMode);
    }
    imputeMode = im as ParsedRequest["imputeMode"];
    if (im === "fixed") {
      const fv = body.imputeFixedValue;
      if (typeof fv !== "number" || !Number.isFinite(fv)) {
        fail("InvalidImputeFixedValue", MESSAGES.imputeFixedValue);
      }
      fixedValue = fv;
    }
    fillMode = normaliseFillMode(im);
  }
  // #16 / #17
  if (rawSeries === null) fail("BadArgument", MESSAGES.seriesNull);
  if (!Array.isArray(rawSeries)) fail("BadArgument", MESSAGES.seriesNotArray);
  const series: unknown[] = rawSeries;
  // #18 / #19
  if (series.length < 12) fail("InvalidSeries", MESSAGES.tooFew);
  if (series.length > 8640) fail("InvalidSeries", MESSAGES.tooMany);
  // #20: malformed values or timestamps
  const n = series.length;
  const values = new Array<number>(n);
  const stamps: ParsedTimestamp[] = [];
  for (let i = 0; i < n; i++) {
    const point = series[i];
    if (!isPlainObject(point)) fail("BadArgument", MESSAGES.malformed);
    const v = toPythonFloat(point.value);
    if (v === undefined) fail("BadArgument", MESSAGES.malformed);
    values[i] = v;
    if (granularity !== "none") {
      const ts = point.timestamp;
      const parsed = typeof ts === "string" ? parseTimestamp(ts) : undefined;
      if (parsed === undefined) fail("BadArgument", MESSAGES.malformed);
      stamps.push(parsed);
    }
  }
  // #21 magnitude, #22 none values
  for (const v of values) {
    if (v < -1e100 || v > 1e100) fail("InvalidSeries", MESSAGES.tooLarge);
  }
  for (const v of values) {
    if (Number.isNaN(v)) fail("BadArgument", MESSAGES.noneValues);
  }
  // #23 – #25 timestamps → indices
  let indices: number[];
  if (granularity === "none") {
    indices = Array.from({ length: n }, (_, i) => i);
  } else {
    const r = computeIndices(stamps, granularity, customInterval);
    if (r.error === "unsorted") fail("InvalidSeries", MESSAGES.unsorted);
    if (r.error === "duplicated") fail("InvalidSeries", MESSAGES.duplicated);
    if (r.error === "misaligned") {
      fail("InvalidSeries", misalignedMessage(r.errorIndex, granularity, customInterval));
    }
    indices = r.indices as number[];
    // #26
    const span = indices[n - 1] + 1;
    if (checkPeriodSpan && period !== undefined && span < 2 * period + 1) {
      fail("InvalidModelArgument", MESSAGES.twoPeriods);
    }
  }
  return {
    values,
    indices,
    granularity,
    customInterval,
    customIntervalGiven,
    period,
    maxAnomalyRatio,
    sensitivity,
    fillMode,
    fixedValue,
    imputeMode,
  };
}

function normaliseFillMode(mode: string): FillMode {
  switch (mode) {
    case "last":
    case "previous":
      return "previous";
    case "no":
    case "notFill":
      return "notFill";
    case "zero":
    case "fixed":
      return "fixed";
    case "linear":
      return "linear";
    default:
      return "auto";
  }
}
