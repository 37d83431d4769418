/**
 * Anomaly alerts: the one-line text the CLI prints and a webhook sender with retries.
 *
 * @example
 * ```ts
 * import { formatAlertLine } from "./mod.ts";
 * const line = formatAlertLine({
 *   timestamp: new Date("2026-01-13T14:00:00Z"),
 *   value: 96.1,
 *   expectedValue: 12,
 *   upperBoundary: 14.3,
 *   lowerBoundary: 9.8,
 *   direction: "up",
 *   severity: 0.84,
 *   mode: "last",
 * });
 * console.assert(line.startsWith("ANOMALY 2026-01-13T14:00:00.000Z average likes 96.10 above"));
 * ```
 * @module
 */
export * from "./anomaly_alert.ts";
export * from "./webhook_alert.ts";
