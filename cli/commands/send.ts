/**
 * `./run send`: posts from a source (X search, X stream, replay files, synthetic, NAB) to Event
 * Hubs as the tutorial's `{"timestamp", "favorite"}` events.
 * @module
 */
import path from "node:path";
import {
  type Command,
  HUB_FLAGS,
  hubFlags,
  numberFlag,
  parseFlags,
  UsageError,
} from "../command.ts";
import { loadConfig } from "@/config";
import { EventSink } from "@/hub";
import { eventSinkTarget, send, type SendProgress, type SendTarget } from "@/pipeline";
import {
  convertNab,
  createXClient,
  DEFAULT_X_QUERY,
  groundTruthPath,
  jsonFileStateStore,
  type Post,
  type PostSource,
  ReplaySource,
  SyntheticSource,
  writeGroundTruth,
  writePostsJsonl,
  XSearchSource,
  type XSearchState,
  type XSourceEvent,
  XStreamSource,
} from "@/source";
import { type HubTarget, resolveHubTarget } from "../_hub_target.ts";

const help = `Usage: ./run send [--source x|x-stream|replay|synthetic|nab] [options]

Sends posts to Event Hubs as {"timestamp": created_at, "favorite": likes}, like the tutorial's
producer notebook. Shows progress on one updating line (events/s, sent, skipped, errors); Ctrl-C
stops the source, flushes the hub and prints a summary. Exit code 0 when the source ended, was
stopped or reached --max-events; 1 when it failed or some events could not be sent.

Source:
  --source NAME          x | x-stream | replay | synthetic | nab
                         (default: x when X_BEARER_TOKEN is set, else synthetic)
X API v2 (X_BEARER_TOKEN; X_API_BASE_URL redirects, e.g. to a proxy):
  --query Q              search query / stream rule       (default "${DEFAULT_X_QUERY}")
  --poll-interval S      seconds between search rounds    (default 10)
  --rounds N             stop after N search rounds       (default: until Ctrl-C)
  --state FILE           high-water mark, so a restart sends no duplicates
                         (default <HUBWATCH_DATA_DIR>/x-search-state.json)
  --post-fields          send post.fields instead of tweet.fields
Replay files (replay) and NAB series (nab):
  --file PATH            JSONL or CSV posts (replay; repeatable) or a NAB CSV (nab)
  --speed max|FACTOR     as fast as possible, or real time x FACTOR (default max)
  --strict               fail on the first bad row instead of skipping it
  --nab-mode row|expand  row: one post per 5-min row with likes = count (default);
                         expand: count posts per row
Synthetic:
  --seed N               generator seed                   (default 42)
  --days D               days of posts                    (default 30)
  --start ISO            first instant                    (default 2026-01-05T00:00:00.000Z)
  --posts-per-day N      average volume                   (default 1667)
Output:
  --write FILE           write the posts to FILE (JSONL) and the ground truth next to it
                         (FILE with .truth.json) instead of sending (synthetic, nab, replay)
  --truth FILE           also write the ground truth here when sending (synthetic, nab)
  --connection-string CS Event Hubs connection string (default EVENTHUB_CONNECTION_STRING, else
                         the local emulator: 127.0.0.1:--emulator-port with the key in
                         <HUBWATCH_DATA_DIR>/eventhubs/emulator.key)
  --emulator-port N      port of ./run emulator           (default 5672)
  --hub NAME             event hub                        (default EVENTHUB_NAME, hubwatch)
  --dry-run              count the events, send nothing
  --max-events N         stop after N events
  --verbose              print "Sent event: {...}" for every event
  --quiet                no progress line

Examples:
  ./run send --source synthetic --days 30
  ./run send --source replay --file posts.jsonl --speed 60
  ./run send --source synthetic --write data/demo/posts.jsonl
  ./run send --source nab --file ../shared/nab/data/realTweets/Twitter_volume_AAPL.csv --dry-run
  ./run send --source x --rounds 3 --verbose`;

const SOURCES = ["x", "x-stream", "replay", "synthetic", "nab"] as const;
type SourceName = typeof SOURCES[number];

const positiveInteger = (n: number) => Number.isInteger(n) && n > 0;
const nonNegative = (n: number) => Number.isFinite(n) && n >= 0;
const positive = (n: number) => Number.isFinite(n) && n > 0;

function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}

function progressLine(p: SendProgress): string {
  return `sent ${formatCount(p.sent)} · ${formatCount(Math.round(p.eventsPerSecond))} events/s · ` +
    `skipped ${formatCount(p.skipped)} · errors ${formatCount(p.errors)}`;
}

function describeEvent(event: XSourceEvent): string | undefined {
  switch (event.type) {
    case "rate-limit-wait":
      return `X API rate limit used up: waiting ${Math.ceil(event.delayInMs / 1000)} s until ${
        new Date(event.resetAtInMs).toISOString()
      }`;
    case "retry":
      return `${event.error.message}; retry ${event.attempt} in ${event.delayInMs} ms`;
    case "reconnect":
      return `X stream ended${
        event.error ? ` (${event.error.message})` : ""
      }; reconnecting in ${event.delayInMs} ms`;
    case "since-id-dropped":
      return `X API rejected since_id ${event.sinceId} (older than recent search reaches); ` +
        "searching the last 7 days instead";
    case "invalid-post":
      return `skipped post ${event.id ?? "?"}: ${event.reason}`;
    default:
      return undefined;
  }
}

export const sendCommand: Command = {
  name: "send",
  summary: "send posts (X API, replay, synthetic, NAB) to Event Hubs",
  help,
  async run(args: string[]): Promise<number> {
    const { values } = parseFlags({
      args,
      options: {
        source: { type: "string" },
        query: { type: "string" },
        "poll-interval": { type: "string" },
        rounds: { type: "string" },
        state: { type: "string" },
        "post-fields": { type: "boolean", default: false },
        file: { type: "string", multiple: true },
        speed: { type: "string", default: "max" },
        strict: { type: "boolean", default: false },
        "nab-mode": { type: "string", default: "row" },
        seed: { type: "string" },
        days: { type: "string" },
        start: { type: "string" },
        "posts-per-day": { type: "string" },
        write: { type: "string" },
        truth: { type: "string" },
        ...HUB_FLAGS,
        "dry-run": { type: "boolean", default: false },
        "max-events": { type: "string" },
        verbose: { type: "boolean", default: false },
        quiet: { type: "boolean", default: false },
      },
      strict: true,
      allowPositionals: false,
    });
    const config = loadConfig();
    const sourceName = (values.source ?? (config.xBearerToken ? "x" : "synthetic")) as SourceName;
    if (!SOURCES.includes(sourceName)) {
      throw new UsageError(
        `--source must be one of ${SOURCES.join(", ")}: current value is ${values.source}`,
      );
    }
    const pollSeconds = numberFlag(
      "--poll-interval",
      values["poll-interval"],
      nonNegative,
      "a number >= 0",
    );
    const rounds = numberFlag("--rounds", values.rounds, positiveInteger, "a positive integer");
    const seed = numberFlag("--seed", values.seed, Number.isInteger, "an integer");
    const days = numberFlag("--days", values.days, positive, "a positive number");
    const postsPerDay = numberFlag(
      "--posts-per-day",
      values["posts-per-day"],
      positive,
      "a positive number",
    );
    const maxEvents = numberFlag(
      "--max-events",
      values["max-events"],
      positiveInteger,
      "a positive integer",
    );
    const hubOptions = hubFlags(values);
    const speed = values.speed === "max"
      ? "max"
      : numberFlag("--speed", values.speed, positive, "max or a positive number")!;
    const nabMode = values["nab-mode"];
    if (nabMode !== "row" && nabMode !== "expand") {
      throw new UsageError(`--nab-mode must be row or expand: current value is ${nabMode}`);
    }
    const files = values.file ?? [];
    if ((sourceName === "replay" || sourceName === "nab") && files.length === 0) {
      throw new UsageError(`--source ${sourceName} needs --file`);
    }
    if (sourceName === "nab" && files.length !== 1) {
      throw new UsageError(
        `--source nab takes exactly one --file: current count is ${files.length}`,
      );
    }
    if (values.write && (sourceName === "x" || sourceName === "x-stream")) {
      throw new UsageError(
        `--write works with synthetic, nab and replay sources, not ${sourceName}`,
      );
    }

    const controller = new AbortController();
    const signal = controller.signal;
    const stderr = (line: string) => console.error(line);
    const onXEvent = (event: XSourceEvent) => {
      const text = describeEvent(event);
      if (text) stderr(text);
    };

    // The source.
    let source: PostSource;
    let truth;
    let replay: ReplaySource | undefined;
    if (sourceName === "x" || sourceName === "x-stream") {
      if (!config.xBearerToken) {
        console.error(
          `hubwatch send: --source ${sourceName} needs X_BEARER_TOKEN (an X API v2 app-only bearer token); ` +
            "use --source synthetic or --source replay to run offline",
        );
        return 1;
      }
      const client = createXClient(config.xBearerToken.reveal(), { baseUrl: config.xApiBaseUrl });
      const common = {
        query: values.query,
        fieldsParameter: values["post-fields"] ? "post.fields" as const : "tweet.fields" as const,
        includeText: values.verbose,
        abortSignal: signal,
        onEvent: onXEvent,
      };
      source = sourceName === "x"
        ? new XSearchSource(client, {
          ...common,
          pollIntervalInMs: pollSeconds === undefined ? undefined : pollSeconds * 1000,
          maxRounds: rounds,
          stateStore: jsonFileStateStore<XSearchState>(
            values.state ?? path.join(config.dataDir, "x-search-state.json"),
          ),
        })
        : new XStreamSource(client, common);
    } else if (sourceName === "replay") {
      replay = new ReplaySource(files, {
        speed,
        strict: values.strict,
        abortSignal: signal,
        onBadRow: (row) => stderr(`skipped ${row.file}:${row.line}: ${row.reason}`),
      });
      source = replay;
    } else if (sourceName === "nab") {
      if (speed !== "max") {
        throw new UsageError(
          "--speed works with --source replay (write NAB posts with --write first)",
        );
      }
      const dataset = await convertNab(files[0], { mode: nabMode, seed });
      truth = dataset.groundTruth;
      source = untilAborted(dataset.posts, signal);
    } else {
      let synthetic: SyntheticSource;
      try {
        synthetic = new SyntheticSource({
          seed,
          days,
          start: values.start,
          postsPerDay,
          includeText: values.verbose,
        });
      } catch (error) {
        throw new UsageError((error as Error).message, { cause: error });
      }
      truth = synthetic.groundTruth;
      source = untilAborted(synthetic.generate(), signal);
    }

    if (values.write) {
      const count = await writePostsJsonl(values.write, source);
      console.log(`Wrote ${formatCount(count)} posts to ${values.write}`);
      if (truth) {
        const truthPath = groundTruthPath(values.write);
        await writeGroundTruth(truthPath, truth);
        console.log(`Wrote ground truth (${truth.incidents.length} incidents) to ${truthPath}`);
      }
      if (replay) printBadRows(replay);
      return 0;
    }
    if (values.truth && truth) {
      await writeGroundTruth(values.truth, truth);
      console.error(`Wrote ground truth (${truth.incidents.length} incidents) to ${values.truth}`);
    }

    // The target.
    let target: SendTarget;
    let destination: string;
    if (values["dry-run"]) {
      target = {
        send: () => Promise.resolve(),
        flush: () => Promise.resolve(),
        close: () => Promise.resolve(),
      };
      destination = "nowhere (dry run)";
    } else {
      let hub: HubTarget;
      try {
        hub = await resolveHubTarget(config, { ...hubOptions, purpose: "send to" });
      } catch (error) {
        console.error(`hubwatch send: ${(error as Error).message}`);
        return 1;
      }
      const sink = new EventSink(hub.connectionString, {
        eventHubName: hub.eventHubName,
        onSendError: (error, events) =>
          stderr(`could not send ${events.length} events: ${error.message}`),
      });
      target = eventSinkTarget(sink, { abortSignal: signal });
      destination = `event hub "${hub.hubName}"`;
    }

    const tty = !values.quiet && !values.verbose && Deno.stderr.isTerminal();
    const encoder = new TextEncoder();
    const showProgress = (p: SendProgress) => {
      if (tty) Deno.stderr.writeSync(encoder.encode(`\r\x1b[K${progressLine(p)}`));
    };
    let firstInterrupt: number | undefined;
    const onSigint = () => {
      // `deno task` forwards Ctrl-C to the process group that already received it: a second
      // SIGINT within a second is the same keypress.
      if (firstInterrupt !== undefined) {
        if (Date.now() - firstInterrupt > 1000) Deno.exit(130);
        return;
      }
      firstInterrupt = Date.now();
      if (tty) Deno.stderr.writeSync(encoder.encode("\n"));
      stderr("Stopping: flushing the events sent so far (Ctrl-C again to quit at once)...");
      controller.abort();
    };
    Deno.addSignalListener("SIGINT", onSigint);
    let summary;
    try {
      summary = await send(source, target, {
        abortSignal: signal,
        maxEvents,
        onProgress: showProgress,
        onSent: values.verbose
          ? (event) => console.log(`Sent event: ${JSON.stringify(event)}`)
          : undefined,
        onSkip: (post, reason) => values.verbose && stderr(`skipped post ${post.id}: ${reason}`),
        onError: (error, post) => stderr(`could not send post ${post.id}: ${error.message}`),
      });
    } finally {
      Deno.removeSignalListener("SIGINT", onSigint);
      if (tty) Deno.stderr.writeSync(encoder.encode("\n"));
    }
    try {
      await target.close();
    } catch (error) {
      stderr(`could not close the hub connection: ${(error as Error).message}`);
    }
    const seconds = summary.elapsedInMs / 1000;
    const how = {
      end: "source finished",
      abort: "stopped",
      limit: "reached --max-events",
      error: "failed",
    }[summary.stoppedBy];
    console.log(
      `Sent ${formatCount(summary.sent)} events to ${destination} in ${seconds.toFixed(1)} s ` +
        `(${formatCount(Math.round(summary.eventsPerSecond))} events/s); skipped ` +
        `${formatCount(summary.skipped)}, errors ${formatCount(summary.errors)}; ${how}.`,
    );
    if (replay) printBadRows(replay);
    if (summary.error) {
      console.error(`hubwatch send: ${summary.error.message}`);
      return 1;
    }
    return summary.errors > 0 ? 1 : 0;
  },
};

/** The posts of a generator, ending early once `signal` aborts. */
async function* untilAborted(posts: Iterable<Post>, signal: AbortSignal): AsyncGenerator<Post> {
  for (const post of posts) {
    if (signal.aborted) return;
    yield post;
  }
}

/** Prints the replay's skipped rows by file, when there are any. */
function printBadRows(replay: ReplaySource): void {
  if (replay.badRows.length === 0) return;
  const byFile = new Map<string, number[]>();
  for (const row of replay.badRows) {
    const lines = byFile.get(row.file) ?? [];
    lines.push(row.line);
    byFile.set(row.file, lines);
  }
  const files = [...byFile].map(([file, lines]) => `${file} lines ${lines.join(", ")}`);
  console.log(`Skipped ${replay.badRows.length} bad rows: ${files.join("; ")}`);
}
