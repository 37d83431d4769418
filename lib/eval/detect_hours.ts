/**
 * Last-point detection at every hour of an hourly series, as the tutorial's hourly job would
 * have asked the Anomaly Detector: the request holds the trailing window of hours ending at the
 * evaluated hour, with the tutorial's parameters.
 *
 * @module
 */
import { type ApiVersion, detectDetails, type DetectRequest } from "../detect/mod.ts";
import { boundaryVersionFor, type MarginResult, marginsV1, marginsV3 } from "../detect/margins.ts";

const HOUR_IN_MS = 3_600_000;

/** One hourly value to detect on. */
export interface HourValue {
  /** Start of the hour, ISO 8601 UTC, aligned to the hour. */
  timestamp: string;
  /** The hour's value. */
  value: number;
}

/** The detection outcome of one evaluated hour. */
export interface HourFlag {
  /** Start of the evaluated hour, ISO 8601 UTC. */
  timestamp: string;
  /** Whether the engine flagged the hour (the last point of its request). */
  isAnomaly: boolean;
  /** The engine's severity of the hour (API v1.1 only; absent for v1.0 and after an error). */
  severity?: number;
  /** The detection error of this hour, if detection failed (the hour then counts as not flagged). */
  error?: string;
}

/** The tutorial's request parameters. */
export const TUTORIAL_PARAMETERS: Readonly<{
  granularity: "hourly";
  maxAnomalyRatio: number;
  sensitivity: number;
  windowHours: number;
}> = Object.freeze({
  granularity: "hourly",
  maxAnomalyRatio: 0.25,
  sensitivity: 95,
  windowHours: 72,
});

/** Options of {@linkcode detectHours} and {@linkcode sweepHours}. */
export interface DetectHoursOptions {
  /**
   * Length of the trailing window in hours: the request for hour `h` holds the hours in
   * `[h − windowHours, h]` (73 points for 72 when none is missing), like the tutorial's "last
   * 72 hours ending at endTime". Hours with less history, or with 12 points or fewer in the
   * window, are not evaluated.
   * @default {72}
   */
  windowHours?: number;
  /**
   * Anomaly Detector API version whose behaviour to reproduce.
   * @default {"v1.1"}
   */
  apiVersion?: ApiVersion;
  /**
   * `maxAnomalyRatio` of each request.
   * @default {0.25}
   */
  maxAnomalyRatio?: number;
  /**
   * `sensitivity` of each request ({@linkcode detectHours} only; {@linkcode sweepHours} takes a
   * list).
   * @default {95}
   */
  sensitivity?: number;
  /** Stops the loop between two hours; the call then throws the signal's reason. */
  abortSignal?: AbortSignal;
  /** Called after every `progressEvery` evaluated hours with (done, total). */
  onProgress?: (done: number, total: number) => void;
  /**
   * How often {@linkcode DetectHoursOptions.onProgress} is called, in hours.
   * @default {100}
   */
  progressEvery?: number;
}

function checkSensitivity(s: number): void {
  if (!Number.isInteger(s) || s < 0 || s > 100) {
    throw new RangeError(
      `Cannot detect as sensitivity must be an integer in 0..100: current value is ${s}`,
    );
  }
}

/**
 * Index of the first hour to evaluate and, per hour, the index where its trailing window starts.
 * An hour is evaluated when the series reaches back `windowHours` before it and the window holds
 * more than 12 points.
 */
function windowStarts(hoursMs: readonly number[], windowHours: number): number[] {
  const starts = new Array<number>(hoursMs.length).fill(-1);
  let lo = 0;
  for (let i = 0; i < hoursMs.length; i++) {
    const from = hoursMs[i] - windowHours * HOUR_IN_MS;
    if (from < hoursMs[0]) continue;
    while (hoursMs[lo] < from) lo++;
    if (i - lo + 1 > 12) starts[i] = lo;
  }
  return starts;
}

/**
 * Number of hours {@linkcode detectHours} evaluates: those with `windowHours` of history and
 * more than 12 points in their window.
 */
export function countEvaluableHours(
  hours: readonly HourValue[],
  options: Pick<DetectHoursOptions, "windowHours"> = {},
): number {
  const windowHours = options.windowHours ?? TUTORIAL_PARAMETERS.windowHours;
  const starts = windowStarts(hours.map((h) => Date.parse(h.timestamp)), windowHours);
  return starts.filter((s) => s >= 0).length;
}

/**
 * Runs last-point detection for every evaluable hour once, and derives the flags of each
 * requested sensitivity from the same model output: sensitivity only enters the engine's margin
 * step, so this equals calling `detectLastPoint` once per hour and sensitivity.
 *
 * @returns one list of flags per sensitivity, in the order given; each lists the evaluated hours
 * in time order.
 */
export function sweepHours(
  hours: readonly HourValue[],
  sensitivities: readonly number[],
  options: DetectHoursOptions = {},
): HourFlag[][] {
  const windowHours = options.windowHours ?? TUTORIAL_PARAMETERS.windowHours;
  const apiVersion = options.apiVersion ?? "v1.1";
  const maxAnomalyRatio = options.maxAnomalyRatio ?? TUTORIAL_PARAMETERS.maxAnomalyRatio;
  const progressEvery = options.progressEvery ?? 100;
  if (!Number.isInteger(windowHours) || windowHours < 12) {
    throw new RangeError(
      `Cannot detect as windowHours must be an integer >= 12: current value is ${windowHours}`,
    );
  }
  if (sensitivities.length === 0) {
    throw new RangeError("Cannot detect as sensitivities must not be empty: current value is []");
  }
  sensitivities.forEach(checkSensitivity);
  const hoursMs = hours.map((h, i) => {
    const ms = Date.parse(h.timestamp);
    if (!Number.isFinite(ms) || ms % HOUR_IN_MS !== 0) {
      throw new RangeError(
        `Cannot detect as hour ${i} must be an ISO time aligned to the hour: current value is ${
          JSON.stringify(h.timestamp)
        }`,
      );
    }
    if (i > 0 && !(ms > Date.parse(hours[i - 1].timestamp))) {
      throw new RangeError(
        `Cannot detect as hours must be in increasing time order: hour ${i} is ${h.timestamp}`,
      );
    }
    return ms;
  });
  const starts = windowStarts(hoursMs, windowHours);
  const total = starts.filter((s) => s >= 0).length;
  const out: HourFlag[][] = sensitivities.map(() => []);
  const v3 = boundaryVersionFor(apiVersion) === "V3";
  const withSeverity = apiVersion !== "v1.0";
  let done = 0;
  for (let i = 0; i < hours.length; i++) {
    const start = starts[i];
    if (start < 0) continue;
    options.abortSignal?.throwIfAborted();
    const request: DetectRequest = {
      series: hours.slice(start, i + 1).map((h) => ({ timestamp: h.timestamp, value: h.value })),
      granularity: "hourly",
      maxAnomalyRatio,
      sensitivity: sensitivities[0],
    };
    const timestamp = hours[i].timestamp;
    try {
      const d = detectDetails(request, "last", { apiVersion });
      const last = d.rows.value.length - 1;
      sensitivities.forEach((s, k) => {
        const m: MarginResult = k === 0
          ? d.margins
          : v3
          ? marginsV3(d.rows, s, "last")
          : marginsV1(d.rows, s, d.modelId);
        const flag: HourFlag = { timestamp, isAnomaly: m.isAnomaly[last] };
        if (withSeverity) flag.severity = m.severity[last];
        out[k].push(flag);
      });
    } catch (error) {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      for (const list of out) list.push({ timestamp, isAnomaly: false, error: message });
    }
    done++;
    if (options.onProgress !== undefined && (done % progressEvery === 0 || done === total)) {
      options.onProgress(done, total);
    }
  }
  return out;
}

/**
 * Last-point detection at every evaluable hour (see {@linkcode DetectHoursOptions.windowHours})
 * with one sensitivity. A detection error on one hour is recorded in that hour's
 * {@linkcode HourFlag.error} and the loop goes on.
 */
export function detectHours(
  hours: readonly HourValue[],
  options: DetectHoursOptions = {},
): HourFlag[] {
  return sweepHours(hours, [options.sensitivity ?? TUTORIAL_PARAMETERS.sensitivity], options)[0];
}
