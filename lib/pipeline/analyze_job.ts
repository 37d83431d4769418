/**
 * The whole analyze job: consume the hub into the history table ({@linkcode analyze}), detect
 * at every window that closes (continuous mode, optional), then detect once over the result
 * ({@linkcode detectHistory}).
 * @module
 */
import { HistoryTable, progressWatermarkInMs } from "@/store";
import { analyze, type AnalyzeOptions, type AnalyzeSummary } from "./analyze.ts";
import {
  detectHistory,
  type DetectHistoryResult,
  type DetectionSettings,
  type LastPointOutcome,
  WindowCloseDetector,
  type WindowCloseStats,
} from "./detect_job.ts";

/** The watermark of an ended input: the largest valid Date. */
const END_OF_INPUT_IN_MS = 8.64e15;

/** Options of {@linkcode runAnalyzeJob}. */
export interface AnalyzeJobOptions
  extends Omit<AnalyzeOptions, "tablePath" | "sizeInMs">, DetectionSettings {
  /** The history table folder. */
  historyPath: string;
  /** The anomalies table folder. */
  anomaliesPath: string;
  /**
   * Detect at every window that closes while consuming (the tutorial's hourly job).
   * @default {false}
   */
  continuous?: boolean;
  /**
   * After consuming, run entire-series and last-point detection once.
   * @default {true}
   */
  detectAtEnd?: boolean;
  /**
   * Include entire-series detection in the final detection.
   * @default {true}
   */
  entire?: boolean;
  /**
   * End of the final last-point series.
   * @default {undefined} (the latest complete window)
   */
  endTime?: Date;
  /**
   * Stop consuming once this many events were counted into windows (e.g. the number a producer
   * is known to have sent); the final detection still runs.
   * @default {undefined} (until the source ends, goes idle or `abortSignal`)
   */
  maxEvents?: number;
  /**
   * Called after each continuous-mode detection.
   * @default {undefined}
   */
  onDetection?: (outcome: LastPointOutcome) => void;
}

/** What {@linkcode runAnalyzeJob} did. */
export interface AnalyzeJobResult {
  /** The consuming half. */
  analyze: AnalyzeSummary;
  /** Continuous-mode counters (when `continuous`). */
  continuous?: WindowCloseStats;
  /** The final detection (when `detectAtEnd`). */
  detection?: DetectHistoryResult;
}

/**
 * Runs the analyze job: consumes until the source ends (or `maxEvents` were counted), goes idle
 * or `abortSignal` fires, detecting at every closed window when `continuous` (starting with the
 * windows the table already holds as closed but not yet detected). When the input
 * ended, every remaining window counts as closed. Then (unless `detectAtEnd` is false or the
 * job was aborted) runs entire-series and last-point detection over the history table.
 */
export async function runAnalyzeJob(options: AnalyzeJobOptions): Promise<AnalyzeJobResult> {
  const {
    historyPath,
    anomaliesPath,
    continuous,
    detectAtEnd,
    endTime,
    onDetection,
    onProgress,
    windowSizeInMs,
    maxEvents,
    abortSignal,
    ...rest
  } = options;
  if (maxEvents !== undefined && !(Number.isSafeInteger(maxEvents) && maxEvents > 0)) {
    throw new RangeError(
      `Cannot run the analyze job as maxEvents must be a positive integer: current value is ${maxEvents}`,
    );
  }
  const stop = new AbortController();
  const onAbort = () => stop.abort(abortSignal?.reason);
  if (abortSignal?.aborted) onAbort();
  abortSignal?.addEventListener("abort", onAbort, { once: true });
  const monitor = continuous
    ? new WindowCloseDetector({
      ...rest,
      abortSignal,
      windowSizeInMs,
      historyPath,
      anomaliesPath,
      onDetection,
    })
    : undefined;
  if (monitor) {
    // Catch up first: windows the table already holds as closed but not yet detected.
    const history = await HistoryTable.open(historyPath, rest.tableOptions);
    const progress = await history.streamProgress(rest.appId ?? "hubwatch-analyze");
    const watermarkInMs = progressWatermarkInMs(progress, rest.graceInMs ?? 3_600_000);
    if (watermarkInMs !== undefined) monitor.watermark(new Date(watermarkInMs));
  }
  let summary: AnalyzeSummary;
  try {
    summary = await analyze({
      ...rest,
      tablePath: historyPath,
      sizeInMs: windowSizeInMs,
      abortSignal: stop.signal,
      onProgress: (progress) => {
        monitor?.watermark(progress.watermark);
        onProgress?.(progress);
        if (maxEvents !== undefined && progress.totalEvents >= maxEvents) stop.abort();
      },
    });
  } finally {
    abortSignal?.removeEventListener("abort", onAbort);
    await monitor?.idle();
  }
  if (summary.stoppedBy === "abort" && !abortSignal?.aborted) summary.stoppedBy = "end";
  // A bounded input that was consumed to its end closes every window (like the final watermark
  // of a bounded stream), even those of partitions that received nothing recently.
  const inputEnded = summary.stoppedBy === "end";
  if (monitor && inputEnded) {
    monitor.watermark(new Date(END_OF_INPUT_IN_MS));
    await monitor.idle();
  }
  const result: AnalyzeJobResult = { analyze: summary, continuous: monitor?.stats };
  if ((detectAtEnd ?? true) && !abortSignal?.aborted) {
    result.detection = await detectHistory({
      ...rest,
      abortSignal,
      windowSizeInMs,
      historyPath,
      anomaliesPath,
      endTime,
      inputEnded,
      partitionsIdle: summary.stoppedBy === "idle",
      // Continuous mode already alerted on every closed window.
      alert: continuous ? undefined : rest.alert,
    });
  }
  return result;
}
