/**
 * `./run demo`: the offline end-to-end demo (README's first command).
 * @module
 */
import { fileURLToPath } from "node:url";
import { resolve } from "node:path";
import { type Command, numberFlag, parseFlags, UsageError } from "../command.ts";
import { loadConfig } from "@/config";
import { AnomalyDetectorClient } from "@/client";
import { type DemoStage, describeLast, type IncidentMatch, runDemo } from "@/pipeline";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

const help = `Usage: ./run demo [--out DIR] [--report FILE] [--seed N] [--days D] [--sensitivity S]

The offline end-to-end demo, with no configuration: starts the local Event Hubs emulator in this
process, sends the synthetic data set (30 days of posts with 5 injected incidents), consumes it
into hourly windows in the history table while the hourly job runs last-point detection at
every window that closes, detects over the whole history, writes an offline HTML report and
prints a summary: events sent and received, windows, anomalies found against the injected
incidents (precision and recall) and where the report is.

A flagged hour counts as finding an incident when it overlaps the incident widened by
--tolerance on both sides; other flagged hours are false alarms.

Options:
  --out DIR          working folder, emptied first          (default build/demo)
  --report FILE      the HTML report                        (default build/report.html)
  --seed N           synthetic data seed                    (default 42)
  --days D           days of synthetic posts                (default 30)
  --sensitivity S    detector sensitivity 0..99             (default 95)
  --window H         hours of the last-point series         (default 72)
  --tolerance MIN    matching tolerance in minutes          (default 60)
  --quiet            no progress lines

ANOMALY_DETECTOR_ENDPOINT / ANOMALY_DETECTOR_KEY (if set) send detection to that endpoint
instead of the in-process engine.

Example:
  ./run demo`;

function matchLine(name: string, m: IncidentMatch): string {
  return `${name}: found ${m.found} of ${m.incidents} incidents (recall ${
    (100 * m.recall).toFixed(0)
  } %), ${m.flagged} anomalous hours, ${m.falseAlarms} false alarms (precision ${
    (100 * m.precision).toFixed(0)
  } %)`;
}

const STAGE_TEXT: Record<DemoStage, string> = {
  emulator: "starting the Event Hubs emulator",
  send: "sending synthetic posts",
  analyze: "consuming into hourly windows (hourly job detecting at every closed window)",
  detect: "detecting over the whole history",
  report: "writing the report",
};

/** What an earlier demo leaves in its folder: only these may be deleted. */
const DEMO_ENTRIES = new Set(["history", "anomalies", "eventhubs"]);

/** Empties the demo's folder, refusing one that holds anything a demo did not write. */
async function emptyDemoFolder(dir: string): Promise<void> {
  const entries: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) entries.push(entry.name);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return;
    throw error;
  }
  const foreign = entries.filter((name) => !DEMO_ENTRIES.has(name));
  if (foreign.length > 0) {
    throw new UsageError(
      `--out must be a new or empty folder, or one an earlier demo wrote: ${dir} also holds ${
        foreign.slice(0, 5).join(", ")
      }`,
    );
  }
  for (const name of entries) await Deno.remove(`${dir}/${name}`, { recursive: true });
}

export const demoCommand: Command = {
  name: "demo",
  summary: "run the offline end-to-end demo (emulator → windows → detection → report)",
  help,
  async run(args: string[]): Promise<number> {
    const { values } = parseFlags({
      args,
      options: {
        out: { type: "string" },
        report: { type: "string" },
        seed: { type: "string" },
        days: { type: "string" },
        sensitivity: { type: "string" },
        window: { type: "string" },
        tolerance: { type: "string" },
        quiet: { type: "boolean", default: false },
      },
      strict: true,
      allowPositionals: false,
    });
    const seed = numberFlag("--seed", values.seed, Number.isSafeInteger, "an integer");
    const days = numberFlag(
      "--days",
      values.days,
      (n) => n > 0 && n <= 366,
      "a number in (0, 366]",
    );
    const sensitivity = numberFlag(
      "--sensitivity",
      values.sensitivity,
      (n) => n >= 0 && n <= 99,
      "a number from 0 to 99",
    );
    const window = numberFlag(
      "--window",
      values.window,
      (n) => Number.isInteger(n) && n >= 13,
      "an integer >= 13",
    );
    const tolerance = numberFlag(
      "--tolerance",
      values.tolerance,
      (n) => Number.isFinite(n) && n >= 0,
      "a number of minutes >= 0",
    );
    const dir = resolve(ROOT, values.out ?? "build/demo");
    const reportPath = resolve(ROOT, values.report ?? "build/report.html");
    const config = loadConfig();
    const client = config.anomalyDetectorEndpoint === "local"
      ? undefined
      : new AnomalyDetectorClient(
        config.anomalyDetectorEndpoint,
        { apiKey: config.anomalyDetectorKeys[0]?.reveal() },
      );

    await emptyDemoFolder(dir);
    await Deno.mkdir(dir, { recursive: true });

    const say = (line: string) => {
      if (!values.quiet) console.error(line);
    };
    // One updating progress line on a terminal; nothing when piped.
    const tty = !values.quiet && Deno.stderr.isTerminal();
    const encoder = new TextEncoder();
    let shown = false;
    const live = (line: string) => {
      if (!tty) return;
      Deno.stderr.writeSync(encoder.encode(`\r\x1b[K${line}`));
      shown = true;
    };
    const clearLine = () => {
      if (shown) Deno.stderr.writeSync(encoder.encode("\r\x1b[K"));
      shown = false;
    };
    const controller = new AbortController();
    const onSigint = () => controller.abort(new Error("interrupted"));
    Deno.addSignalListener("SIGINT", onSigint);
    let summary;
    try {
      summary = await runDemo({
        dir,
        reportPath,
        seed,
        days,
        sensitivity,
        lastPointWindow: window,
        toleranceInMs: tolerance === undefined ? undefined : tolerance * 60_000,
        client,
        abortSignal: controller.signal,
        onStage: (stage) => {
          clearLine();
          say(`… ${STAGE_TEXT[stage]}`);
        },
        onSendProgress: (p) =>
          live(`   sent ${p.sent} events (${Math.round(p.eventsPerSecond)} events/s)`),
        onAnalyzeProgress: (p) =>
          live(
            `   received ${p.totalEvents} events, watermark ${p.watermark?.toISOString() ?? "-"}`,
          ),
      });
      clearLine();
    } catch (error) {
      console.error(`hubwatch demo: ${(error as Error).message}`);
      const cause = (error as Error).cause;
      if (cause instanceof Error) console.error(`  caused by: ${cause.message}`);
      return 1;
    } finally {
      Deno.removeSignalListener("SIGINT", onSigint);
    }
    const s = summary;
    const seconds = (ms: number) => (ms / 1000).toFixed(1);
    console.log(
      `Events sent: ${s.eventsSent}; received: ${s.eventsReceived}; late: ${s.lateEvents}`,
    );
    console.log(
      `Windows: ${s.windows} hours in the history table (${s.historyPath})`,
    );
    console.log(`Injected incidents: ${s.groundTruth.incidents.length}`);
    console.log(matchLine("Entire-series detection", s.entire));
    if (s.entireProblem) console.log(`  ${s.entireProblem}`);
    for (const p of s.entire.perIncident) {
      console.log(
        `  ${p.found ? "found " : "missed"} ${p.incident.start} ${
          p.incident.description ?? p.incident.kind
        } (${p.flags.length} hours flagged)`,
      );
    }
    if (s.entire.falseAlarmTimes.length > 0) {
      console.log(
        `  false alarms: ${s.entire.falseAlarmTimes.map((t) => t.toISOString()).join(", ")}`,
      );
    }
    console.log(
      matchLine(`Hourly job (last point of ${window ?? 72} h, at every closed window)`, s.hourly) +
        `; ${s.hourly.detections} detections, ${s.hourly.skipped} skipped (12 points or fewer)`,
    );
    console.log(`Last point: ${describeLast(s.last)}`);
    console.log(`Anomalies table: ${s.anomaliesPath}`);
    console.log(`Report: ${s.reportPath}`);
    const t = s.stageTimesInMs;
    console.log(
      `Done in ${seconds(s.elapsedInMs)} s (emulator ${seconds(t.emulator)} s, send ${
        seconds(t.send)
      } s, consume + hourly job ${seconds(t.analyze)} s, detect ${seconds(t.detect)} s, report ${
        seconds(t.report)
      } s)`,
    );
    return 0;
  },
};
