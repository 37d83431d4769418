/**
 * `./run analyze`: the tutorial's analyze notebook as a job — consume the hub into the history
 * table, then detect (last point over the last 72 hours, entire series), with alerts; or, with
 * `--every 1h`, the hourly job: detect at every window that closes.
 * @module
 */
import path from "node:path";
import {
  type Command,
  dateFlag,
  HUB_FLAGS,
  hubFlags,
  numberFlag,
  parseFlags,
  UsageError,
} from "../command.ts";
import { loadConfig } from "@/config";
import { AnomalyDetectorClient } from "@/client";
import type { ApiVersion } from "@/detect";
import { type AlertHook, formatAlertLine, webhookAlertHook } from "@/alert";
import {
  type AnalyzeProgress,
  DEAD_LETTERS_DIR,
  describeLast,
  detectHistory,
  type DetectHistoryResult,
  hubSource,
  LATE_EVENTS_DIR,
  runAnalyzeJob,
} from "@/pipeline";
import { type HubTarget, resolveHubTarget } from "../_hub_target.ts";

const help = `Usage: ./run analyze [--every 1h] [--end-time ISO] [options]

Consumes the tutorial's {"timestamp", "favorite"} events from Event Hubs into hourly windows in the
history table (exactly once: a restart resumes after the last committed event), then runs the
detection half of the tutorial's analyze notebook:
  - last-point detection over the --window hours ending at --end-time (default: the end of the
    latest complete window), skipped when there are 12 points or fewer, printed as the tutorial's
    "| timestamp | anomaly |" table;
  - entire-series detection over the whole history.
Results go to the anomalies table; a flagged last point raises an alert (a line on stdout and,
with --webhook or ALERT_WEBHOOK_URL, a JSON POST retried with back-off).

Without --every the job consumes until no event arrives for --idle-timeout seconds, detects once
and exits. With --every 1h it is the tutorial's hourly job: it keeps consuming (Ctrl-C stops it)
and runs last-point detection at every window that closes (its end passes the event-time
watermark), alerting on each anomaly.

Modes:
  --every DURATION       continuous mode; the window size, must be 1h (also 60m, 3600s)
  --detect-only          skip consuming: detect over the history table as it is
  --idle-timeout S       one-shot mode: stop consuming after S seconds without events (default 5)
Detection (the tutorial's parameters by default):
  --end-time ISO         end of the last-point series (default: latest complete window)
  --window H             hours of the last-point series              (default 72)
  --sensitivity S        0..99                                       (default 95)
  --max-anomaly-ratio R  (0, 0.5]                                    (default 0.25)
  --api-version V        v1.0 | v1.1 (v1.1 adds severity)            (default v1.1)
  --no-entire            skip entire-series detection
  Detection goes to ANOMALY_DETECTOR_ENDPOINT (default: the in-process engine) with
  ANOMALY_DETECTOR_KEY.
Alerts:
  --webhook URL          POST alerts here (default ALERT_WEBHOOK_URL)
Event Hubs:
  --connection-string CS (default EVENTHUB_CONNECTION_STRING, else the local emulator on
                         127.0.0.1:--emulator-port with the key in <HUBWATCH_DATA_DIR>/eventhubs/emulator.key)
  --emulator-port N      port of ./run emulator                      (default 5672)
  --hub NAME             event hub (default EVENTHUB_NAME, hubwatch)
  --consumer-group G     (default EVENTHUB_CONSUMER_GROUP, $Default)
  --start-from P         earliest | latest, for partitions never consumed (default earliest)
Tables:
  --history PATH         history table   (default <HUBWATCH_DATA_DIR>/history)
  --anomalies PATH       anomalies table (default <HUBWATCH_DATA_DIR>/anomalies)
  --quiet                no progress lines

Examples:
  ./run analyze
  ./run analyze --end-time 2026-01-31T21:00:00Z --detect-only
  ./run analyze --every 1h --webhook http://127.0.0.1:8080/alerts`;

/** `1h`, `60m`, `3600s` → ms. */
export function parseDuration(flag: string, value: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(value.trim());
  if (!match) {
    throw new UsageError(
      `${flag} must be a duration such as 1h, 60m or 3600s: current value is ${value}`,
    );
  }
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2]]!;
  return Number(match[1]) * unit;
}

function printDetection(result: DetectHistoryResult, entire: boolean): void {
  const last = result.last;
  if (last?.status === "detected") {
    const r = last.record;
    console.log(
      `Last point of the ${last.points} windows ending at ${last.endTime.toISOString()}:`,
    );
    console.log("| timestamp                | anomaly |");
    console.log("|--------------------------|---------|");
    console.log(`| ${r.timestamp.toISOString()} | ${String(r.isAnomaly).padEnd(7)} |`);
  }
  console.log(`Last point: ${describeLast(last)}`);
  if (!entire) return;
  const e = result.entire;
  if (e?.status === "detected") {
    console.log(
      `Entire series: ${e.anomalies.length} anomalies among ${e.points} windows` +
        (e.anomalies.length > 0 ? ":" : ""),
    );
    for (const a of e.anomalies) {
      console.log(
        `  ${a.timestamp.toISOString()} ${a.direction} value ${a.value.toFixed(2)} expected ${
          a.expectedValue.toFixed(2)
        } (${a.lowerBoundary.toFixed(2)}..${a.upperBoundary.toFixed(2)}) severity ${
          a.severity.toFixed(2)
        }`,
      );
    }
  } else if (e?.status === "skipped") console.log(`Entire series: ${e.reason}`);
  else if (e?.status === "failed") console.log(`Entire series: failed: ${e.error.message}`);
}

export const analyzeCommand: Command = {
  name: "analyze",
  summary: "consume events into the history table, then detect anomalies (--every 1h: hourly job)",
  help,
  async run(args: string[]): Promise<number> {
    const { values } = parseFlags({
      args,
      options: {
        every: { type: "string" },
        "detect-only": { type: "boolean", default: false },
        "idle-timeout": { type: "string", default: "5" },
        "end-time": { type: "string" },
        window: { type: "string" },
        sensitivity: { type: "string" },
        "max-anomaly-ratio": { type: "string" },
        "api-version": { type: "string", default: "v1.1" },
        "no-entire": { type: "boolean", default: false },
        webhook: { type: "string" },
        ...HUB_FLAGS,
        "consumer-group": { type: "string" },
        "start-from": { type: "string", default: "earliest" },
        history: { type: "string" },
        anomalies: { type: "string" },
        quiet: { type: "boolean", default: false },
      },
      strict: true,
      allowPositionals: false,
    });
    const continuous = values.every !== undefined;
    if (continuous && parseDuration("--every", values.every!) !== 3_600_000) {
      throw new UsageError(
        `--every must be 1h (the history table's window size): current value is ${values.every}`,
      );
    }
    if (continuous && values["detect-only"]) {
      throw new UsageError("--every and --detect-only cannot be combined");
    }
    const endTime = dateFlag("--end-time", values["end-time"]);
    const idleSeconds = numberFlag(
      "--idle-timeout",
      values["idle-timeout"],
      (n) => Number.isFinite(n) && n > 0,
      "a positive number of seconds",
    )!;
    const lastPointWindow = numberFlag(
      "--window",
      values.window,
      (n) => Number.isInteger(n) && n >= 1,
      "a positive integer",
    );
    const sensitivity = numberFlag(
      "--sensitivity",
      values.sensitivity,
      (n) => n >= 0 && n <= 99,
      "a number from 0 to 99",
    );
    const maxAnomalyRatio = numberFlag(
      "--max-anomaly-ratio",
      values["max-anomaly-ratio"],
      (n) => n > 0 && n <= 0.5,
      "a number in (0, 0.5]",
    );
    const apiVersion = values["api-version"] as ApiVersion;
    if (apiVersion !== "v1.0" && apiVersion !== "v1.1") {
      throw new UsageError(`--api-version must be v1.0 or v1.1: current value is ${apiVersion}`);
    }
    const hubOptions = hubFlags(values);
    const startFrom = values["start-from"];
    if (startFrom !== "earliest" && startFrom !== "latest") {
      throw new UsageError(
        `--start-from must be earliest or latest: current value is ${startFrom}`,
      );
    }
    const config = loadConfig();
    const webhook = values.webhook ?? config.alertWebhookUrl;
    let webhookHook: AlertHook | undefined;
    try {
      webhookHook = webhook === undefined ? undefined : webhookAlertHook(webhook);
    } catch (error) {
      throw new UsageError((error as Error).message, { cause: error });
    }
    const historyPath = path.resolve(values.history ?? path.join(config.dataDir, "history"));
    const anomaliesPath = path.resolve(
      values.anomalies ?? path.join(config.dataDir, "anomalies"),
    );
    const client = new AnomalyDetectorClient(config.anomalyDetectorEndpoint, {
      apiVersion,
      apiKey: config.anomalyDetectorKeys[0]?.reveal(),
    });
    const alert: AlertHook = async (a) => {
      console.log(formatAlertLine(a));
      await webhookHook?.(a);
    };
    const onAlertError = (error: Error) => console.error(`alert not delivered: ${error.message}`);
    const settings = {
      client,
      lastPointWindow,
      sensitivity,
      maxAnomalyRatio,
      alert,
      onAlertError,
    };
    const entire = !values["no-entire"];

    if (values["detect-only"]) {
      const result = await detectHistory({
        ...settings,
        historyPath,
        anomaliesPath,
        endTime,
        entire,
      });
      console.log(`History: ${result.windows} windows (${historyPath})`);
      printDetection(result, entire);
      console.log(`Anomalies table: ${anomaliesPath} (version ${result.anomaliesVersion})`);
      return result.last?.status === "failed" || result.entire?.status === "failed" ? 1 : 0;
    }

    let target: HubTarget;
    try {
      target = await resolveHubTarget(config, {
        ...hubOptions,
        purpose: "consume from",
        hint: "(or use --detect-only)",
      });
    } catch (error) {
      console.error(`hubwatch analyze: ${(error as Error).message}`);
      return 1;
    }
    const controller = new AbortController();
    let interrupted = false;
    const onSigint = () => {
      if (interrupted) Deno.exit(130);
      interrupted = true;
      console.error("Stopping: committing the events consumed so far (Ctrl-C again to quit)...");
      controller.abort();
    };
    Deno.addSignalListener("SIGINT", onSigint);
    const progress = (p: AnalyzeProgress) => {
      if (values.quiet) return;
      console.error(
        `batch ${p.batchId}: ${p.events} events, ${p.windows} windows written, watermark ${
          p.watermark?.toISOString() ?? "-"
        }, ${p.totalEvents} events so far`,
      );
    };
    let result;
    try {
      result = await runAnalyzeJob({
        ...settings,
        source: hubSource({
          connectionString: target.connectionString,
          eventHubName: target.eventHubName,
          consumerGroup: values["consumer-group"] ?? config.eventHubConsumerGroup,
          startFrom,
        }),
        historyPath,
        anomaliesPath,
        continuous,
        endTime,
        entire,
        idleTimeoutInMs: continuous ? undefined : idleSeconds * 1000,
        abortSignal: controller.signal,
        onProgress: progress,
        onDetection: (outcome) => {
          if (values.quiet || outcome.status !== "detected" || outcome.record.isAnomaly) return;
          const r = outcome.record;
          console.error(
            `${r.timestamp.toISOString()}: normal (value ${r.value.toFixed(2)}, expected ${
              r.expectedValue.toFixed(2)
            })`,
          );
        },
      });
    } catch (error) {
      console.error(`hubwatch analyze: ${(error as Error).message}`);
      const cause = (error as Error).cause;
      if (cause instanceof Error) console.error(`  caused by: ${cause.message}`);
      return 1;
    } finally {
      Deno.removeSignalListener("SIGINT", onSigint);
    }
    const a = result.analyze;
    console.log(
      `Consumed ${a.events} events in ${a.batches} micro-batches (${a.lateEvents} late, ${a.rejectedEvents} rejected, ${a.duplicatesSkipped} duplicates skipped); history table version ${a.tableVersion} (${historyPath})`,
    );
    if (a.lateEvents > 0) {
      console.log(`Late events (not in any window): ${path.join(historyPath, LATE_EVENTS_DIR)}`);
    }
    if (a.rejectedEvents > 0) {
      console.log(
        `Rejected events, with the reason: ${path.join(historyPath, DEAD_LETTERS_DIR)}`,
      );
    }
    if (result.continuous) {
      const c = result.continuous;
      console.log(
        `Hourly job: ${c.windows} closed windows, ${c.detected} detections, ${c.skipped} skipped (12 points or fewer), ${c.failed} failed, ${c.anomalies} anomalies, ${c.alertErrors} alerts not delivered`,
      );
    }
    if (result.detection) {
      printDetection(result.detection, entire);
      console.log(`Anomalies table: ${anomaliesPath}`);
    }
    const failed = result.detection?.last?.status === "failed" ||
      result.detection?.entire?.status === "failed" || (result.continuous?.failed ?? 0) > 0 ||
      (result.continuous?.tableErrors ?? 0) > 0;
    return failed ? 1 : 0;
  },
};
