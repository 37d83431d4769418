import type { Granularity, LastDetectResponse } from "@/detect";
import { AnomalyDetectorClient, type DetectCallOptions } from "./anomaly_detector_client.ts";

/** One aggregated point, e.g. an hour's average number of likes. */
export interface LatestPoint {
  /** When the point's window starts: a `Date`, or an ISO 8601 string. */
  timestamp: Date | string;
  value: number;
}

/** Options of {@linkcode detectLatest}. */
export interface DetectLatestOptions extends DetectCallOptions {
  /**
   * The endpoint to ask.
   * @default {new AnomalyDetectorClient("local", { apiVersion: "v1.0" })}
   */
  client?: AnomalyDetectorClient;
  /** @default {0.25} */
  maxAnomalyRatio?: number;
  /** @default {95} */
  sensitivity?: number;
  /** @default {"hourly"} */
  granularity?: Granularity;
}

/** Fewer points than this and {@linkcode detectLatest} does not ask (as the tutorial did). */
export const DETECT_LATEST_MIN_POINTS = 13;

let defaultClient: AnomalyDetectorClient | undefined;

/**
 * Asks whether the latest point is an anomaly — the tutorial's aggregation helper: sorts the
 * points by time, returns `undefined` unless there are more than 12, and calls last-point
 * detection with the tutorial's parameters (`maxAnomalyRatio 0.25`, `sensitivity 95`,
 * `granularity hourly`). The input array is not modified.
 *
 * @example
 * ```ts
 * import { detectLatest } from "@/client";
 * import assert from "node:assert/strict";
 *
 * const hourlyAverages = Array.from({ length: 48 }, (_, i) => ({
 *   timestamp: new Date(Date.UTC(2019, 3, 8, i)),
 *   value: 20 + (i % 24 < 12 ? 5 : 0) + (i === 47 ? 60 : 0),
 * }));
 * const verdict = await detectLatest(hourlyAverages);
 * assert.equal(verdict?.isAnomaly, true);
 * assert.equal(await detectLatest(hourlyAverages.slice(0, 12)), undefined);
 * ```
 */
export async function detectLatest(
  points: readonly LatestPoint[],
  options: DetectLatestOptions = {},
): Promise<LastDetectResponse | undefined> {
  const timed = points.map((point, index) => {
    const time = point.timestamp instanceof Date
      ? point.timestamp.getTime()
      : Date.parse(point.timestamp);
    if (Number.isNaN(time)) {
      throw new RangeError(
        `Cannot detect the latest point as points[${index}].timestamp must be a valid date: current value is ${
          JSON.stringify(point.timestamp)
        }`,
      );
    }
    return { time, value: point.value };
  });
  if (timed.length < DETECT_LATEST_MIN_POINTS) return undefined;
  timed.sort((a, b) => a.time - b.time);
  const client = options.client ??
    (defaultClient ??= new AnomalyDetectorClient("local", { apiVersion: "v1.0" }));
  return await client.detectLastPoint(
    {
      series: timed.map(({ time, value }) => ({ timestamp: new Date(time).toISOString(), value })),
      maxAnomalyRatio: options.maxAnomalyRatio ?? 0.25,
      sensitivity: options.sensitivity ?? 95,
      granularity: options.granularity ?? "hourly",
    },
    { abortSignal: options.abortSignal, timeoutInMs: options.timeoutInMs },
  );
}
