/**
 * The analyze job's second half: anomaly detection over the history table, results committed
 * to the anomalies table, alerts for flagged windows.
 *
 * - Last-point detection (the tutorial's question "is the latest hour an anomaly?"): the
 *   windows of the `lastPointWindow` hours ending at `endTime`, asked about the last one;
 *   skipped when there are 12 points or fewer (the tutorial's rule).
 * - Entire-series detection over the whole history (at most the API's 8,640 latest points).
 * - Continuous mode ({@linkcode WindowCloseDetector}): last-point detection at every window that
 *   closes (its end passes the event-time watermark), with alerts.
 *
 * Detection goes through an {@linkcode AnomalyDetectorClient}, so the same job runs against the
 * in-process engine (`"local"`) or any remote Anomaly Detector endpoint.
 * @module
 */
import type { EntireDetectResponse, Granularity, LastDetectResponse } from "@/detect";
import { AnomalyDetectorClient, DETECT_LATEST_MIN_POINTS } from "@/client";
import { HistoryTable, progressWatermarkInMs } from "@/store";
import { type WindowRow, windowStartOf } from "@/window";
import type { AlertHook, AnomalyAlert } from "@/alert";
import { AnomaliesTable, type AnomalyRecord } from "./anomalies_table.ts";

/** Most points one request may carry (the API's limit). */
export const MAX_SERIES_POINTS = 8640;

/** Detection parameters shared by the one-shot job and the continuous mode. */
export interface DetectionSettings {
  /**
   * The endpoint to ask.
   * @default {new AnomalyDetectorClient("local")} (the in-process engine, API v1.1)
   */
  client?: AnomalyDetectorClient;
  /**
   * Hours (windows) of the last-point series, ending at `endTime`.
   * @default {72}
   */
  lastPointWindow?: number;
  /**
   * Detector sensitivity, 0..99.
   * @default {95}
   */
  sensitivity?: number;
  /**
   * Largest share of points that may be anomalies.
   * @default {0.25}
   */
  maxAnomalyRatio?: number;
  /**
   * Window size of the history table.
   * @default {3600000} (1 hour)
   */
  windowSizeInMs?: number;
  /**
   * Receives every window flagged by last-point detection.
   * @default {undefined}
   */
  alert?: AlertHook;
  /**
   * Called when the alert hook fails (the job goes on).
   * @default {undefined} (failures only counted)
   */
  onAlertError?: (error: Error, alert: AnomalyAlert) => void;
  /**
   * Clock of the `detectedAt` column.
   * @default {() => new Date()}
   */
  now?: () => Date;
  /** Cancels detection calls. */
  abortSignal?: AbortSignal;
}

/** Options of {@linkcode detectHistory}. */
export interface DetectHistoryOptions extends DetectionSettings {
  /** The history table folder. */
  historyPath: string;
  /** The anomalies table folder (created when missing). */
  anomaliesPath: string;
  /**
   * End (exclusive) of the last-point series: its last window is the latest one ending at or
   * before `endTime`.
   * @default {undefined} (the end of the latest complete window: see {@linkcode latestCompleteWindowEnd})
   */
  endTime?: Date;
  /**
   * Run last-point detection.
   * @default {true}
   */
  last?: boolean;
  /**
   * Run entire-series detection over the whole history.
   * @default {true}
   */
  entire?: boolean;
  /**
   * Stream whose progress gives the watermark for the default `endTime`.
   * @default {"hubwatch-analyze"}
   */
  appId?: string;
  /**
   * Lateness the analyze job allows (the watermark is the largest event time minus this).
   * @default {3600000}
   */
  graceInMs?: number;
  /**
   * The stream has ended (bounded input fully consumed): every window is complete, so the
   * default `endTime` is the end of the latest window.
   * @default {false}
   */
  inputEnded?: boolean;
  /**
   * The job consumed everything the hub had (it stopped when idle): partitions that received
   * nothing recently must not hold the watermark back, so the default `endTime` uses the
   * largest event time over all partitions (minus `graceInMs`) instead of the smallest.
   * @default {false}
   */
  partitionsIdle?: boolean;
}

/** Outcome of one last-point detection. */
export type LastPointOutcome =
  | {
    status: "detected";
    /** End of the series (exclusive). */
    endTime: Date;
    /** Points sent. */
    points: number;
    /** The verdict on the last window. */
    record: AnomalyRecord;
  }
  | {
    status: "skipped";
    endTime: Date | null;
    points: number;
    /** Why, for people. */
    reason: string;
  }
  | { status: "failed"; endTime: Date; points: number; error: Error };

/** Outcome of entire-series detection. */
export type EntireOutcome =
  | {
    status: "detected";
    /** Points sent. */
    points: number;
    /** Every point's verdict, in time order. */
    records: AnomalyRecord[];
    /** The flagged ones. */
    anomalies: AnomalyRecord[];
  }
  | { status: "skipped"; points: number; reason: string }
  | { status: "failed"; points: number; error: Error };

/** What {@linkcode detectHistory} did. */
export interface DetectHistoryResult {
  /** Last-point detection, unless disabled. */
  last?: LastPointOutcome;
  /** Entire-series detection, unless disabled. */
  entire?: EntireOutcome;
  /** Windows in the history table. */
  windows: number;
  /** Version of the anomalies table after the run. */
  anomaliesVersion: number;
  /** Alerts raised / alert hook failures. */
  alerts: number;
  alertErrors: number;
}

interface Resolved {
  client: AnomalyDetectorClient;
  lastPointWindow: number;
  sensitivity: number;
  maxAnomalyRatio: number;
  windowSizeInMs: number;
  granularity: { granularity: Granularity; customInterval?: number };
  now: () => Date;
  abortSignal?: AbortSignal;
}

let defaultClient: AnomalyDetectorClient | undefined;

function resolveSettings(options: DetectionSettings): Resolved {
  const lastPointWindow = options.lastPointWindow ?? 72;
  if (!Number.isInteger(lastPointWindow) || lastPointWindow < 1) {
    throw new RangeError(
      `Cannot detect as lastPointWindow must be a positive integer: current value is ${lastPointWindow}`,
    );
  }
  const sensitivity = options.sensitivity ?? 95;
  if (!(Number.isFinite(sensitivity) && sensitivity >= 0 && sensitivity <= 99)) {
    throw new RangeError(
      `Cannot detect as sensitivity must be a number from 0 to 99: current value is ${sensitivity}`,
    );
  }
  const maxAnomalyRatio = options.maxAnomalyRatio ?? 0.25;
  if (!(maxAnomalyRatio > 0 && maxAnomalyRatio <= 0.5)) {
    throw new RangeError(
      `Cannot detect as maxAnomalyRatio must be in (0, 0.5]: current value is ${maxAnomalyRatio}`,
    );
  }
  const windowSizeInMs = options.windowSizeInMs ?? 3_600_000;
  return {
    client: options.client ?? (defaultClient ??= new AnomalyDetectorClient("local")),
    lastPointWindow,
    sensitivity,
    maxAnomalyRatio,
    windowSizeInMs,
    granularity: granularityOf(windowSizeInMs),
    now: options.now ?? (() => new Date()),
    abortSignal: options.abortSignal,
  };
}

/** The API granularity of a window size: hourly, daily, or minutely with a custom interval. */
export function granularityOf(
  windowSizeInMs: number,
): { granularity: Granularity; customInterval?: number } {
  if (windowSizeInMs === 3_600_000) return { granularity: "hourly" };
  if (windowSizeInMs === 86_400_000) return { granularity: "daily" };
  if (Number.isInteger(windowSizeInMs) && windowSizeInMs > 0 && windowSizeInMs % 60_000 === 0) {
    const minutes = windowSizeInMs / 60_000;
    if (minutes < 60 || minutes % 60 !== 0) {
      return minutes === 1
        ? { granularity: "minutely" }
        : { granularity: "minutely", customInterval: minutes };
    }
    return { granularity: "hourly", customInterval: minutes / 60 };
  }
  throw new RangeError(
    `Cannot detect as windowSizeInMs must be a whole number of minutes: current value is ${windowSizeInMs}`,
  );
}

function directionOf(
  anomaly: boolean,
  positive: boolean,
  negative: boolean,
  value: number,
  expected: number,
): "up" | "down" | null {
  if (!anomaly) return null;
  if (positive) return "up";
  if (negative) return "down";
  return value >= expected ? "up" : "down";
}

function clampSeverity(value: number | undefined): number {
  return typeof value === "number" && Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
}

/** The verdict of a last-point response as an anomalies-table record. */
export function recordFromLast(
  window: WindowRow,
  response: LastDetectResponse,
  detectedAt: Date,
): AnomalyRecord {
  return {
    timestamp: window.groupTime,
    mode: "last",
    value: window.average,
    expectedValue: response.expectedValue,
    upperBoundary: response.expectedValue + response.upperMargin,
    lowerBoundary: response.expectedValue - response.lowerMargin,
    isAnomaly: response.isAnomaly,
    direction: directionOf(
      response.isAnomaly,
      response.isPositiveAnomaly,
      response.isNegativeAnomaly,
      window.average,
      response.expectedValue,
    ),
    severity: clampSeverity(response.severity),
    detectedAt,
  };
}

/** The verdicts of an entire-series response as anomalies-table records. */
export function recordsFromEntire(
  windows: readonly WindowRow[],
  response: EntireDetectResponse,
  detectedAt: Date,
): AnomalyRecord[] {
  if (response.expectedValues.length !== windows.length) {
    throw new RangeError(
      `Cannot read the entire-series response as it must have one verdict per point (${windows.length}): current value is ${response.expectedValues.length}`,
    );
  }
  return windows.map((w, i) => ({
    timestamp: w.groupTime,
    mode: "entire",
    value: w.average,
    expectedValue: response.expectedValues[i],
    upperBoundary: response.expectedValues[i] + response.upperMargins[i],
    lowerBoundary: response.expectedValues[i] - response.lowerMargins[i],
    isAnomaly: response.isAnomaly[i],
    direction: directionOf(
      response.isAnomaly[i],
      response.isPositiveAnomaly[i],
      response.isNegativeAnomaly[i],
      w.average,
      response.expectedValues[i],
    ),
    severity: clampSeverity(response.severity?.[i]),
    detectedAt,
  }));
}

/** The alert for a flagged record. */
export function alertFromRecord(record: AnomalyRecord): AnomalyAlert {
  return {
    timestamp: record.timestamp,
    value: record.value,
    expectedValue: record.expectedValue,
    upperBoundary: record.upperBoundary,
    lowerBoundary: record.lowerBoundary,
    direction: record.direction ?? (record.value >= record.expectedValue ? "up" : "down"),
    severity: record.severity,
    mode: record.mode,
  };
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * Last-point detection of the windows ending at or before `endTime` within the
 * `lastPointWindow` windows before it (`windows` sorted by `groupTime`). Never throws for a
 * failed call: the outcome says `failed`.
 */
async function detectLast(
  windows: readonly WindowRow[],
  endTime: Date,
  s: Resolved,
): Promise<LastPointOutcome> {
  const endMs = endTime.getTime();
  const startMs = endMs - s.lastPointWindow * s.windowSizeInMs;
  const series = windows.filter((w) =>
    w.windowEnd.getTime() <= endMs && w.groupTime.getTime() >= startMs
  );
  const hours = s.lastPointWindow * s.windowSizeInMs / 3_600_000;
  if (series.length < DETECT_LATEST_MIN_POINTS) {
    return {
      status: "skipped",
      endTime,
      points: series.length,
      reason: `Skipped last-point detection: it needs more than ${
        DETECT_LATEST_MIN_POINTS - 1
      } points in the ${hours} hours ending at ${endTime.toISOString()}, found ${series.length}`,
    };
  }
  try {
    const response = await s.client.detectLastPoint(
      {
        series: series.map((w) => ({ timestamp: w.groupTime.toISOString(), value: w.average })),
        ...s.granularity,
        sensitivity: s.sensitivity,
        maxAnomalyRatio: s.maxAnomalyRatio,
      },
      { abortSignal: s.abortSignal },
    );
    return {
      status: "detected",
      endTime,
      points: series.length,
      record: recordFromLast(series[series.length - 1], response, s.now()),
    };
  } catch (error) {
    if (s.abortSignal?.aborted) throw error;
    return { status: "failed", endTime, points: series.length, error: toError(error) };
  }
}

async function detectEntire(windows: readonly WindowRow[], s: Resolved): Promise<EntireOutcome> {
  const series = windows.slice(-MAX_SERIES_POINTS);
  if (series.length < 12) {
    return {
      status: "skipped",
      points: series.length,
      reason:
        `Skipped entire-series detection: it needs at least 12 points, found ${series.length}`,
    };
  }
  try {
    const response = await s.client.detectEntireSeries(
      {
        series: series.map((w) => ({ timestamp: w.groupTime.toISOString(), value: w.average })),
        ...s.granularity,
        sensitivity: s.sensitivity,
        maxAnomalyRatio: s.maxAnomalyRatio,
      },
      { abortSignal: s.abortSignal },
    );
    const records = recordsFromEntire(series, response, s.now());
    return {
      status: "detected",
      points: series.length,
      records,
      anomalies: records.filter((r) => r.isAnomaly),
    };
  } catch (error) {
    if (s.abortSignal?.aborted) throw error;
    return { status: "failed", points: series.length, error: toError(error) };
  }
}

async function raise(
  record: AnomalyRecord,
  options: DetectionSettings,
  counts: { alerts: number; alertErrors: number },
): Promise<void> {
  if (!options.alert || !record.isAnomaly) return;
  const alert = alertFromRecord(record);
  counts.alerts++;
  try {
    await options.alert(alert);
  } catch (error) {
    counts.alertErrors++;
    options.onAlertError?.(toError(error), alert);
  }
}

/**
 * The end of the latest complete window of a history table: the latest `windowEnd` at or before
 * the watermark stream `appId` recorded (for progress written before it was recorded: its
 * largest event time per partition, minimum over partitions, minus `graceInMs`); with
 * `partitionsIdle`, the largest event time of any partition minus `graceInMs`. Without stream progress (a
 * table written otherwise) or with `inputEnded`, the end of the latest window. `null` for an
 * empty table.
 */
export async function latestCompleteWindowEnd(
  history: HistoryTable,
  options: {
    appId?: string;
    graceInMs?: number;
    windows?: readonly WindowRow[];
    inputEnded?: boolean;
    partitionsIdle?: boolean;
  } = {},
): Promise<Date | null> {
  const windows = options.windows ?? await history.read();
  if (windows.length === 0) return null;
  if (options.inputEnded) return windows[windows.length - 1].windowEnd;
  const progress = await history.streamProgress(options.appId ?? "hubwatch-analyze");
  const times = Object.values(progress?.maxEventTimeByPartition ?? {});
  if (times.length === 0) return windows[windows.length - 1].windowEnd;
  const graceInMs = options.graceInMs ?? 3_600_000;
  const watermark = options.partitionsIdle
    ? Math.max(...times) - graceInMs
    : progressWatermarkInMs(progress, graceInMs)!;
  for (let i = windows.length - 1; i >= 0; i--) {
    if (windows[i].windowEnd.getTime() <= watermark) return windows[i].windowEnd;
  }
  return null;
}

/**
 * Runs the analyze job's detection once: last-point detection over the `lastPointWindow` hours
 * ending at `endTime` and entire-series detection over the whole history; commits the verdicts
 * to the anomalies table in one commit (entire results replace the previous entire results; the
 * last-point verdict is upserted by time) and raises an alert when the last point is an anomaly.
 * A failed detection call is reported in the result, not thrown.
 */
export async function detectHistory(options: DetectHistoryOptions): Promise<DetectHistoryResult> {
  const s = resolveSettings(options);
  if (options.endTime !== undefined && Number.isNaN(options.endTime?.getTime?.())) {
    throw new TypeError(
      `Cannot detect as endTime must be a valid Date: current value is ${String(options.endTime)}`,
    );
  }
  let history: HistoryTable;
  let anomalies: AnomaliesTable;
  let windows: WindowRow[];
  try {
    history = await HistoryTable.open(options.historyPath);
    anomalies = await AnomaliesTable.open(options.anomaliesPath);
    windows = await history.read();
  } catch (error) {
    throw new Error(`Cannot open the tables of the detect job`, { cause: error });
  }
  const result: DetectHistoryResult = {
    windows: windows.length,
    anomaliesVersion: 0,
    alerts: 0,
    alertErrors: 0,
  };
  if (options.last ?? true) {
    const endTime = options.endTime ??
      await latestCompleteWindowEnd(history, { ...options, windows });
    result.last = endTime === null
      ? {
        status: "skipped",
        endTime: null,
        points: 0,
        reason: "Skipped last-point detection: the history table has no complete window yet",
      }
      : await detectLast(windows, endTime, s);
  }
  if (options.entire ?? true) result.entire = await detectEntire(windows, s);
  // Both verdicts in one commit: the entire-series ones replace the previous ones.
  const entire = result.entire?.status === "detected" ? result.entire.records : undefined;
  const toWrite: AnomalyRecord[] = [...entire ?? []];
  if (result.last?.status === "detected") toWrite.push(result.last.record);
  result.anomaliesVersion = entire !== undefined || toWrite.length > 0
    ? await anomalies.write(toWrite, { replaceMode: entire ? "entire" : undefined })
    : await anomalies.latestVersion();
  if (result.last?.status === "detected") await raise(result.last.record, options, result);
  return result;
}

/** Options of {@linkcode WindowCloseDetector}. */
export interface WindowCloseDetectorOptions extends DetectionSettings {
  /** The history table folder. */
  historyPath: string;
  /** The anomalies table folder (created when missing). */
  anomaliesPath: string;
  /**
   * Windows ending at or before this instant count as already handled (e.g. detected by an
   * earlier run).
   * @default {undefined} (the end of the latest last-point verdict in the anomalies table)
   */
  after?: Date;
  /**
   * Called after each detection at a closed window.
   * @default {undefined}
   */
  onDetection?: (outcome: LastPointOutcome) => void;
}

/** Counters of a {@linkcode WindowCloseDetector}. */
export interface WindowCloseStats {
  /** Closed windows handled. */
  windows: number;
  /** Detections that ran. */
  detected: number;
  /** Skipped (12 points or fewer). */
  skipped: number;
  /** Failed calls. */
  failed: number;
  /** Windows flagged. */
  anomalies: number;
  /** Alerts raised / alert hook failures. */
  alerts: number;
  alertErrors: number;
  /** Failures reading or writing the tables (the detector goes on at the next watermark). */
  tableErrors: number;
}

/**
 * Continuous mode: give it the watermark after every micro-batch ({@linkcode watermark}) and
 * it runs last-point detection at every window that closed since (windowEnd ≤ watermark), in
 * time order, one at a time, commits the verdicts (one commit per watermark) and raises alerts
 * for flagged windows. Failures are counted (and reported through `onDetection`), never thrown
 * from {@linkcode watermark}. A window must be in the history table when a watermark past its
 * end is given (as the analyze job commits it): the table is read again only once a watermark
 * passes the next window end.
 */
export class WindowCloseDetector {
  readonly #options: WindowCloseDetectorOptions;
  readonly #settings: Resolved;
  #queue: Promise<void> = Promise.resolve();
  #doneUntil: number | undefined;
  #tables?: Promise<{ history: HistoryTable; anomalies: AnomaliesTable }>;
  #lastError?: Error;
  readonly #stats: WindowCloseStats = {
    windows: 0,
    detected: 0,
    skipped: 0,
    failed: 0,
    anomalies: 0,
    alerts: 0,
    alertErrors: 0,
    tableErrors: 0,
  };

  constructor(options: WindowCloseDetectorOptions) {
    this.#options = options;
    this.#settings = resolveSettings(options);
    if (options.after !== undefined) this.#doneUntil = options.after.getTime();
  }

  /** Counters so far. */
  get stats(): Readonly<WindowCloseStats> {
    return { ...this.#stats };
  }

  /** The last table error, if any. */
  get lastError(): Error | undefined {
    return this.#lastError;
  }

  /** Queues detection at every window closed by `watermark` (null: nothing closed yet). */
  watermark(watermark: Date | null): void {
    if (watermark === null) return;
    const at = watermark.getTime();
    this.#queue = this.#queue.then(() => this.#run(at)).catch((error) => {
      this.#stats.tableErrors++;
      this.#lastError = toError(error);
    });
  }

  /** Resolves when all queued detection has finished. */
  async idle(): Promise<void> {
    await this.#queue;
  }

  async #run(watermarkInMs: number): Promise<void> {
    this.#tables ??= (async () => ({
      history: await HistoryTable.open(this.#options.historyPath),
      anomalies: await AnomaliesTable.open(this.#options.anomaliesPath),
    }))();
    let tables;
    try {
      tables = await this.#tables;
    } catch (error) {
      this.#tables = undefined;
      throw error;
    }
    const s = this.#settings;
    if (this.#doneUntil === undefined) {
      const last = await tables.anomalies.read({ mode: "last" });
      this.#doneUntil = last.length === 0
        ? -Infinity
        : last[last.length - 1].timestamp.getTime() + s.windowSizeInMs;
    }
    // Windows end on multiples of the window size (as the analyze job writes them): none closed
    // since the last run unless the watermark passed the next one.
    if (windowStartOf(watermarkInMs, s.windowSizeInMs) <= this.#doneUntil) return;
    const from = Number.isFinite(this.#doneUntil)
      ? new Date(this.#doneUntil - s.lastPointWindow * s.windowSizeInMs)
      : undefined;
    const windows = await tables.history.read({ from });
    const closed = windows.filter((w) => {
      const end = w.windowEnd.getTime();
      return end <= watermarkInMs && end > (this.#doneUntil as number);
    });
    const records: AnomalyRecord[] = [];
    for (const window of closed) {
      this.#settings.abortSignal?.throwIfAborted();
      const outcome = await detectLast(windows, window.windowEnd, s);
      this.#stats.windows++;
      if (outcome.status === "detected") {
        this.#stats.detected++;
        records.push(outcome.record);
        if (outcome.record.isAnomaly) this.#stats.anomalies++;
      } else if (outcome.status === "skipped") this.#stats.skipped++;
      else this.#stats.failed++;
      this.#options.onDetection?.(outcome);
    }
    if (records.length > 0) await tables.anomalies.write(records);
    // The windows ending at or before the watermark are final and were all read.
    this.#doneUntil = watermarkInMs;
    for (const record of records) await raise(record, this.#options, this.#stats);
  }
}
