/**
 * What an alert says about one detected point, and the one-line text form the CLI prints.
 * @module
 */

/** One point the detector flagged: enough to tell a person what happened and how unusual it is. */
export interface AnomalyAlert {
  /** Start of the flagged window, UTC. */
  timestamp: Date;
  /** The observed value (the window's average likes). */
  value: number;
  /** The detector's expected value. */
  expectedValue: number;
  /** `expectedValue + upperMargin`. */
  upperBoundary: number;
  /** `expectedValue − lowerMargin`. */
  lowerBoundary: number;
  /** `up`: above the band; `down`: below it. */
  direction: "up" | "down";
  /** Severity in [0, 1] (API v1.1); 0 when the endpoint gave none (API v1.0). */
  severity: number;
  /** Which detection flagged it: `last` (last point of a window) or `entire` (whole series). */
  mode: "last" | "entire";
  /** What was measured, for people. @default {"average likes"} */
  metric?: string;
}

/**
 * Receives every alert. May be async; a rejection is reported by the caller and never stops the
 * job that raised the alert.
 */
export type AlertHook = (alert: AnomalyAlert) => void | Promise<void>;

/** Digits after the decimal point of values in alert lines. */
const DIGITS = 2;

function fixed(value: number): string {
  return Number.isFinite(value) ? value.toFixed(DIGITS) : String(value);
}

/** Throws a TypeError naming the field when `alert` is not a well-formed {@linkcode AnomalyAlert}. */
export function validateAlert(alert: AnomalyAlert): void {
  if (alert === null || typeof alert !== "object") {
    throw new TypeError(`Cannot format alert as it must be an object: current value is ${alert}`);
  }
  if (!(alert.timestamp instanceof Date) || Number.isNaN(alert.timestamp.getTime())) {
    throw new TypeError(
      `Cannot format alert as timestamp must be a valid Date: current value is ${
        String(alert.timestamp)
      }`,
    );
  }
  for (const name of ["value", "expectedValue", "upperBoundary", "lowerBoundary"] as const) {
    if (typeof alert[name] !== "number" || Number.isNaN(alert[name])) {
      throw new TypeError(
        `Cannot format alert as ${name} must be a number: current value is ${String(alert[name])}`,
      );
    }
  }
  if (alert.direction !== "up" && alert.direction !== "down") {
    throw new TypeError(
      `Cannot format alert as direction must be "up" or "down": current value is ${
        JSON.stringify(alert.direction)
      }`,
    );
  }
  if (!(typeof alert.severity === "number" && alert.severity >= 0 && alert.severity <= 1)) {
    throw new RangeError(
      `Cannot format alert as severity must be a number in [0, 1]: current value is ${
        String(alert.severity)
      }`,
    );
  }
  if (alert.mode !== "last" && alert.mode !== "entire") {
    throw new TypeError(
      `Cannot format alert as mode must be "last" or "entire": current value is ${
        JSON.stringify(alert.mode)
      }`,
    );
  }
}

/**
 * The alert as one line of text, e.g.
 * `ANOMALY 2026-01-13T14:00:00.000Z average likes 96.12 above expected 12.03 (band 9.80..14.27), severity 0.84 [last]`.
 */
export function formatAlertLine(alert: AnomalyAlert): string {
  validateAlert(alert);
  const side = alert.direction === "up" ? "above" : "below";
  return `ANOMALY ${alert.timestamp.toISOString()} ${alert.metric ?? "average likes"} ${
    fixed(alert.value)
  } ${side} expected ${fixed(alert.expectedValue)} (band ${fixed(alert.lowerBoundary)}..${
    fixed(alert.upperBoundary)
  }), severity ${alert.severity.toFixed(2)} [${alert.mode}]`;
}

/** The JSON body a webhook receives: the alert with an ISO time and a `text` line for chat tools. */
export function alertPayload(alert: AnomalyAlert): Record<string, unknown> {
  const text = formatAlertLine(alert);
  return {
    text,
    timestamp: alert.timestamp.toISOString(),
    metric: alert.metric ?? "average likes",
    value: alert.value,
    expectedValue: alert.expectedValue,
    upperBoundary: alert.upperBoundary,
    lowerBoundary: alert.lowerBoundary,
    direction: alert.direction,
    severity: alert.severity,
    mode: alert.mode,
  };
}
