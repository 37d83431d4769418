/**
 * The offline end-to-end demo: synthetic posts → local Event Hubs emulator → hourly windows in
 * the history table → anomaly detection → offline HTML report, scored against the injected
 * incidents.
 * @module
 */
import { join } from "node:path";
import { EventSink } from "@/hub";
import { startEmulator } from "@/hub/emulator";
import { type GroundTruth, SyntheticSource } from "@/source";
import type { AnomalyDetectorClient } from "@/client";
import {
  anomalyFigure,
  anomalyTable,
  historyTable,
  type TableValue,
  TableView,
  writeReport,
} from "@/plot";
import { HistoryTable } from "@/store";
import { eventSinkTarget, send, type SendProgress } from "./send.ts";
import { type AnalyzeProgress, hubSource } from "./analyze.ts";
import { runAnalyzeJob } from "./analyze_job.ts";
import { AnomaliesTable } from "./anomalies_table.ts";
import { detectHistory, type LastPointOutcome } from "./detect_job.ts";
import { type IncidentMatch, matchIncidents } from "./incident_match.ts";

/** Stages of the demo, in order. */
export type DemoStage = "emulator" | "send" | "analyze" | "detect" | "report";

/** Options of {@linkcode runDemo}. */
export interface DemoOptions {
  /** Working folder for the emulator's logs and the tables; must not hold an earlier run. */
  dir: string;
  /** Where the HTML report goes. */
  reportPath: string;
  /**
   * Seed of the synthetic posts.
   * @default {42}
   */
  seed?: number;
  /**
   * Days of synthetic posts.
   * @default {30}
   */
  days?: number;
  /**
   * The detection endpoint.
   * @default {undefined} (the in-process engine, API v1.1)
   */
  client?: AnomalyDetectorClient;
  /**
   * Detector sensitivity.
   * @default {95}
   */
  sensitivity?: number;
  /**
   * Hours of the last-point series (the tutorial's 72).
   * @default {72}
   */
  lastPointWindow?: number;
  /**
   * Tolerance when matching flags to incidents (see {@linkcode matchIncidents}).
   * @default {3600000} (1 hour)
   */
  toleranceInMs?: number;
  /**
   * Longest pause in the stream before consuming gives up waiting for the rest.
   * @default {15000}
   */
  idleTimeoutInMs?: number;
  /** Called when a stage starts. */
  onStage?: (stage: DemoStage) => void;
  /** Producer progress. */
  onSendProgress?: (progress: SendProgress) => void;
  /** Consumer progress (after each committed micro-batch). */
  onAnalyzeProgress?: (progress: AnalyzeProgress) => void;
  /** Stops the demo. */
  abortSignal?: AbortSignal;
}

/** What the demo did and found. */
export interface DemoSummary {
  /** Events the producer sent / the send job could not send. */
  eventsSent: number;
  sendErrors: number;
  /** Events the consumer counted into windows, and late events. */
  eventsReceived: number;
  lateEvents: number;
  /** Windows (hours) in the history table. */
  windows: number;
  /** The injected incidents. */
  groundTruth: GroundTruth;
  /** Entire-series detection over the history, scored against the incidents. */
  entire: IncidentMatch;
  /** The hourly job (last-point detection at every window that closed), scored. */
  hourly: IncidentMatch & { detections: number; skipped: number; failed: number };
  /** Last-point detection at the end (the tutorial's final question). */
  last: LastPointOutcome | undefined;
  /** Error message of entire-series detection, when it failed or was skipped. */
  entireProblem?: string;
  /** The report written. */
  reportPath: string;
  reportBytes: number;
  /** The tables. */
  historyPath: string;
  anomaliesPath: string;
  /** Milliseconds spent per stage, and in all. */
  stageTimesInMs: Record<DemoStage, number>;
  elapsedInMs: number;
}

function percent(x: number): string {
  return `${(100 * x).toFixed(0)} %`;
}

/**
 * Runs the demo end to end, in process: starts the emulator (free port, logs under `dir`),
 * sends the synthetic data set, consumes it into the history table while the hourly job detects
 * at every closed window, detects over the whole history, writes the report, stops the
 * emulator. Throws when a stage fails for good (the emulator is stopped either way).
 */
export async function runDemo(options: DemoOptions): Promise<DemoSummary> {
  const started = performance.now();
  const stageTimesInMs = { emulator: 0, send: 0, analyze: 0, detect: 0, report: 0 };
  let stageStart = started;
  let current: DemoStage | undefined;
  const stage = (next: DemoStage | undefined) => {
    const now = performance.now();
    if (current) stageTimesInMs[current] += now - stageStart;
    stageStart = now;
    current = next;
    if (next) options.onStage?.(next);
  };
  const historyPath = join(options.dir, "history");
  const anomaliesPath = join(options.dir, "anomalies");
  const source = new SyntheticSource({ seed: options.seed ?? 42, days: options.days ?? 30 });
  const truth = source.groundTruth;

  stage("emulator");
  const emulator = await startEmulator({ port: 0, dataDir: join(options.dir, "eventhubs") });
  try {
    stage("send");
    const sink = new EventSink(emulator.connectionString);
    const sent = await send(source.generate(), eventSinkTarget(sink), {
      abortSignal: options.abortSignal,
      onProgress: options.onSendProgress,
    }).finally(() => sink.close());
    if (sent.error) throw new Error("Cannot run the demo as sending failed", { cause: sent.error });
    options.abortSignal?.throwIfAborted();

    stage("analyze");
    const job = await runAnalyzeJob({
      source: hubSource({
        connectionString: emulator.connectionString,
        maxBatchSize: 2000,
        maxWaitTimeInSeconds: 0.2,
      }),
      historyPath,
      anomaliesPath,
      client: options.client,
      sensitivity: options.sensitivity,
      lastPointWindow: options.lastPointWindow,
      continuous: true,
      detectAtEnd: false,
      maxEvents: sent.sent,
      idleTimeoutInMs: options.idleTimeoutInMs ?? 15_000,
      abortSignal: options.abortSignal,
      onProgress: options.onAnalyzeProgress,
    });
    options.abortSignal?.throwIfAborted();
    stage("detect");
    await emulator.stop();
    const detection = await detectHistory({
      historyPath,
      anomaliesPath,
      client: options.client,
      sensitivity: options.sensitivity,
      lastPointWindow: options.lastPointWindow,
      inputEnded: job.analyze.stoppedBy === "end",
      abortSignal: options.abortSignal,
    });

    const verdicts = await (await AnomaliesTable.open(anomaliesPath)).read();
    const entireRows = verdicts.filter((r) => r.mode === "entire");
    const lastRows = verdicts.filter((r) => r.mode === "last");
    const windows = await (await HistoryTable.open(historyPath)).read();
    const flags = (rows: typeof entireRows) =>
      rows.filter((r) => r.isAnomaly).map((r) => r.timestamp);
    const match = { toleranceInMs: options.toleranceInMs };
    const entire = matchIncidents(flags(entireRows), truth, match);
    const stats = job.continuous!;
    const hourly = {
      ...matchIncidents(flags(lastRows), truth, match),
      detections: stats.detected,
      skipped: stats.skipped,
      failed: stats.failed,
    };
    const entireOutcome = detection.entire;
    const entireProblem = entireOutcome?.status === "failed"
      ? entireOutcome.error.message
      : entireOutcome?.status === "skipped"
      ? entireOutcome.reason
      : undefined;

    stage("report");
    const summaryRows: Record<string, TableValue> = {
      "events sent": sent.sent,
      "events received": job.analyze.events,
      "late events": job.analyze.lateEvents,
      "windows (hours)": windows.length,
      "history": `${windows[0]?.groupTime.toISOString() ?? "-"} … ${
        windows.at(-1)?.windowEnd.toISOString() ?? "-"
      }`,
      "injected incidents": entire.incidents,
      "entire series: incidents found": `${entire.found} / ${entire.incidents}`,
      "entire series: anomalous hours": entire.flagged,
      "entire series: false alarms (hours)": entire.falseAlarms,
      "entire series: precision": percent(entire.precision),
      "entire series: recall": percent(entire.recall),
      [`hourly job (last point of ${options.lastPointWindow ?? 72} h): incidents found`]:
        `${hourly.found} / ${hourly.incidents}`,
      "hourly job: alerts (hours)": hourly.flagged,
      "hourly job: false alarms (hours)": hourly.falseAlarms,
      "last point": describeLast(detection.last),
      "matching tolerance": `${
        (options.toleranceInMs ?? 3_600_000) / 60_000
      } min around each incident`,
    };
    const incidentRows = entire.perIncident.map((p, i) => ({
      incident: p.incident.description ?? p.incident.kind,
      start: p.incident.start,
      end: p.incident.end,
      direction: p.incident.direction,
      "entire: found": p.found,
      "entire: flagged hours": p.flags.length,
      "hourly job: flagged hours": hourly.perIncident[i].flags.length,
    }));
    const reportBytes = await writeReport(options.reportPath, {
      title: "hubwatch demo: anomalies in the hourly average of likes",
      subtitle:
        `${sent.sent} synthetic posts (seed ${truth.seed}, ${truth.start} … ${truth.end}) went ` +
        "through the local Event Hubs emulator into hourly windows; the anomaly detector " +
        `(sensitivity ${options.sensitivity ?? 95}) looked at the whole history and, as the ` +
        "tutorial's hourly job, at the last point of every window.",
      summary: summaryRows,
      sections: [
        {
          title: "Entire-series detection",
          description:
            "The whole history at once: the expected value, the margin band and the anomalies " +
            "(red: above the band, blue: below).",
          content: [
            anomalyFigure(entireRows, { title: "Average likes per hour: entire-series detection" }),
            anomalyTable(entireRows),
          ],
        },
        {
          title: "Hourly job: last-point detection at every closed window",
          description: `Each point was judged against the ${
            options.lastPointWindow ?? 72
          } hours before it, as soon as its window closed.`,
          content: [
            anomalyFigure(lastRows, { title: "Average likes per hour: last-point verdicts" }),
            anomalyTable(lastRows),
          ],
        },
        {
          title: "Injected incidents",
          content: new TableView(
            Object.keys(incidentRows[0] ?? { incident: "" }),
            incidentRows,
            { caption: `${entire.found} of ${entire.incidents} found by entire-series detection` },
          ),
        },
        {
          title: "History table",
          content: historyTable(windows, { order: "desc", maxRows: 48 }),
        },
      ],
    });
    stage(undefined);
    return {
      eventsSent: sent.sent,
      sendErrors: sent.errors,
      eventsReceived: job.analyze.events,
      lateEvents: job.analyze.lateEvents,
      windows: windows.length,
      groundTruth: truth,
      entire,
      hourly,
      last: detection.last,
      entireProblem,
      reportPath: options.reportPath,
      reportBytes,
      historyPath,
      anomaliesPath,
      stageTimesInMs,
      elapsedInMs: performance.now() - started,
    };
  } finally {
    await emulator.stop();
  }
}

/** One line about the final last-point verdict. */
export function describeLast(outcome: LastPointOutcome | undefined): string {
  if (!outcome) return "not run";
  if (outcome.status === "skipped") return outcome.reason;
  if (outcome.status === "failed") return `failed: ${outcome.error.message}`;
  const r = outcome.record;
  return `${r.timestamp.toISOString()}: ${
    r.isAnomaly ? `anomaly (${r.direction}, severity ${r.severity.toFixed(2)})` : "normal"
  } — value ${r.value.toFixed(2)}, expected ${r.expectedValue.toFixed(2)} (${
    r.lowerBoundary.toFixed(2)
  }..${r.upperBoundary.toFixed(2)}), ${outcome.points} points`;
}
