/**
 * One client for any Anomaly Detector endpoint — the in-process engine, our server or a real
 * one — with timeouts, cancellation, retries and typed errors, plus the tutorial's
 * `detectLatest` helper.
 * @module
 */
export * from "./anomaly_detector_client.ts";
export * from "./anomaly_detector_client_error.ts";
export * from "./detect_latest.ts";
