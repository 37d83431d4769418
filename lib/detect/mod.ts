/**
 * The anomaly detection engine: an offline reimplementation of the retired Azure Anomaly
 * Detector (univariate) — entire-series and last-point detection, with the service's request
 * validation, error codes and response shapes. Pure functions, no I/O.
 *
 * @example
 * ```ts
 * import { detectLastPoint } from "./mod.ts";
 * import assert from "node:assert/strict";
 * const series = Array.from({ length: 30 }, (_, i) => ({
 *   timestamp: new Date(Date.UTC(2024, 0, 1 + i)).toISOString(),
 *   value: 10 + (i % 7) + (i === 29 ? 40 : 0),
 * }));
 * const res = detectLastPoint({ series, granularity: "daily" }, { apiVersion: "v1.1" });
 * assert.equal(res.isAnomaly, true);
 * assert.equal(res.isPositiveAnomaly, true);
 * ```
 * @module
 */
export { detectEntireSeries, detectLastPoint } from "./orchestrator.ts";
export { detectChangePoint } from "./change_point.ts";
export type { DetectionDetails } from "./orchestrator.ts";
export { detectDetails, parseRequestText } from "./orchestrator.ts";
export {
  AnomalyDetectorError,
  type AnomalyDetectorErrorOptions,
  API_VERSIONS,
  type ApiVersion,
  type ChangePointDetectResponse,
  type DetectMode,
  type DetectOptions,
  type DetectRequest,
  type EntireDetectResponse,
  type Granularity,
  type ImputeMode,
  type LastDetectResponse,
  type ModelId,
  type ModelOutput,
  type ResultsTable,
  type TimeSeriesPoint,
} from "./types.ts";
