/**
 * Shared types of the detection engine: the wire format of the retired Azure Anomaly Detector
 * REST API, and the internal per-point results table the models hand to the orchestrator.
 *
 * Wire names are spelled exactly as the Azure API spells them.
 */

/** One input point as sent on the wire. `value` may be a number or a numeric string. */
export interface TimeSeriesPoint {
  timestamp?: string;
  value: number | string | null;
}

/** The nine granularities the API accepts (case-sensitive). */
export type Granularity =
  | "yearly"
  | "monthly"
  | "weekly"
  | "daily"
  | "hourly"
  | "minutely"
  | "secondly"
  | "microsecond"
  | "none";

/** Imputation modes of API v1.1. */
export type ImputeMode = "auto" | "previous" | "linear" | "fixed" | "zero" | "notFill";

/** Request body of `/timeseries/{entire|last|changepoint}/detect`. */
export interface DetectRequest {
  series: TimeSeriesPoint[];
  granularity?: Granularity;
  customInterval?: number;
  period?: number;
  maxAnomalyRatio?: number;
  sensitivity?: number;
  imputeMode?: ImputeMode;
  imputeFixedValue?: number;
  /** Change-point detection only. */
  stableTrendWindow?: number;
  /** Change-point detection only. */
  threshold?: number;
}

/** Response of `/timeseries/entire/detect`. `severity` is present for v1.1 (and the previews). */
export interface EntireDetectResponse {
  period: number;
  expectedValues: number[];
  upperMargins: number[];
  lowerMargins: number[];
  isAnomaly: boolean[];
  isNegativeAnomaly: boolean[];
  isPositiveAnomaly: boolean[];
  severity?: number[];
}

/** Response of `/timeseries/last/detect`. `severity` is present for v1.1 (and the previews). */
export interface LastDetectResponse {
  period: number;
  suggestedWindow: number;
  expectedValue: number;
  upperMargin: number;
  lowerMargin: number;
  isAnomaly: boolean;
  isNegativeAnomaly: boolean;
  isPositiveAnomaly: boolean;
  severity?: number;
}

/** Response of `/timeseries/changepoint/detect` (our documented surrogate; approximate). */
export interface ChangePointDetectResponse {
  period: number;
  isChangePoint: boolean[];
  confidenceScores: number[];
}

/** API versions the engine serves. The two previews behave like each other. */
export type ApiVersion = "v1.0" | "v1.1-preview" | "v1.1-preview.1" | "v1.1";

/** Every {@linkcode ApiVersion}, in the order the docs list them. */
export const API_VERSIONS: readonly ApiVersion[] = [
  "v1.0",
  "v1.1-preview",
  "v1.1-preview.1",
  "v1.1",
];

/** Options of the public detect functions. */
export interface DetectOptions {
  /**
   * API version whose behaviour to reproduce (margin algorithm, severity field, accepted fields).
   * @default {"v1.1"}
   */
  apiVersion?: ApiVersion;
}

/** Detection mode of the models: whole series or only the last point. */
export type DetectMode = "entire" | "last";

/**
 * Internal per-point results table, one row per detection point (the filled grid when gaps were
 * filled). Every array has the same length. Produced by the seasonal, dynamic-threshold and
 * spectral-residual models, consumed by the merge (§9), the orchestrator and the margins (§10).
 */
export interface ResultsTable {
  value: number[];
  expected: number[];
  isAnomaly: boolean[];
  isPositive: boolean[];
  isNegative: boolean[];
  /** Trend column (kept for V2/V3 margins). */
  trend?: number[];
  /** Normalised spectral-residual score (SR model only). */
  score?: number[];
}

/** Engine model ids (spec Appendix / tables.json `model_ids`). */
export type ModelId = 10 | 11 | 20 | 21 | 40 | 41;

/** What a model returns. */
export interface ModelOutput {
  results: ResultsTable;
  modelId: ModelId;
}

/** Options of {@linkcode AnomalyDetectorError}. */
export interface AnomalyDetectorErrorOptions extends ErrorOptions {
  /**
   * HTTP status of the error response.
   * @default {400}
   */
  status?: number;
}

/** A detection error with the exact code and message the service answered with. */
export class AnomalyDetectorError extends Error {
  /** Wire error code, e.g. `InvalidSeries`, `InvalidGranularity`. */
  readonly code: string;
  /** HTTP status the service answers with: 400 for invalid requests, 500 for internal failures. */
  readonly status: number;
  constructor(code: string, message: string, options?: AnomalyDetectorErrorOptions) {
    super(message, options);
    this.name = "AnomalyDetectorError";
    this.code = code;
    this.status = options?.status ?? 400;
  }
  /** The wire body `{code, message}`. */
  toJSON(): { code: string; message: string } {
    return { code: this.code, message: this.message };
  }
}
