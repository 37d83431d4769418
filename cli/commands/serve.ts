/**
 * `./run serve`: serves the Anomaly Detector REST API over the in-process engine until SIGINT or
 * SIGTERM.
 * @module
 */
import { type Command, integerFlag, parseFlags, UsageError } from "../command.ts";
import { ConfigError, loadConfig } from "@/config";
import {
  createDetectorApp,
  DEFAULT_MAX_BODY_BYTES,
  DetectionPool,
  type DetectorLogEntry,
} from "@/server";

const help = `Usage: ./run serve [options]

Serves the Anomaly Detector REST API (POST /anomalydetector/{v1.0|v1.1-preview|v1.1-preview.1|v1.1}
/timeseries/{entire|last|changepoint}/detect) over the in-process engine, prints
"listening on http://HOST:PORT", one log line per request, and stops on SIGINT or SIGTERM.

Keys: requests must carry one of the keys of ANOMALY_DETECTOR_KEY (comma-separated, from the
environment or .env) or of --key in Ocp-Apim-Subscription-Key. Without any key the server is
open to every caller, so keep it on 127.0.0.1.

Options:
  --host ADDR            interface to bind                                (default 127.0.0.1)
  --port N               TCP port; 0 picks a free one                     (default 5000)
  --key KEY              an accepted subscription key, repeatable (added to ANOMALY_DETECTOR_KEY)
  --max-body-bytes N     largest accepted request body                    (default ${DEFAULT_MAX_BODY_BYTES})
  --workers N            detection worker threads; 0 runs detection on the serving thread
                                                                          (default: number of cores)
  --quiet                log only failures (HTTP 5xx), not every request

Examples:
  ./run serve
  ./run serve --port 0 --key local-dev-key
  curl -s -H 'content-type: application/json' -d @request.json \\
    http://127.0.0.1:5000/anomalydetector/v1.0/timeseries/last/detect`;

function logLine(entry: DetectorLogEntry): string {
  const parts = [
    new Date().toISOString(),
    entry.method,
    entry.path,
    String(entry.status),
    `${entry.durationInMs.toFixed(1)}ms`,
    entry.requestId,
  ];
  if (entry.code !== undefined) parts.push(`${entry.code}: ${entry.message}`);
  return parts.join(" ");
}

/** The `serve` subcommand. */
export const serveCommand: Command = {
  name: "serve",
  summary: "serve the Anomaly Detector REST API (a local drop-in for the retired service)",
  help,
  async run(args: string[]): Promise<number> {
    const { values } = parseFlags({
      args,
      options: {
        host: { type: "string", default: "127.0.0.1" },
        port: { type: "string", default: "5000" },
        key: { type: "string", multiple: true, default: [] },
        "max-body-bytes": { type: "string", default: String(DEFAULT_MAX_BODY_BYTES) },
        quiet: { type: "boolean", default: false },
        workers: { type: "string", default: String(navigator.hardwareConcurrency) },
      },
    });
    // Every flag here has a default, so integerFlag() always has a value to check.
    const port = integerFlag("--port", values.port, 0, 65535)!;
    const maxBodyBytes = integerFlag(
      "--max-body-bytes",
      values["max-body-bytes"],
      0,
      Number.MAX_SAFE_INTEGER,
    )!;
    const workers = integerFlag("--workers", values.workers, 0, 256)!;
    if (values.key.some((k) => k.trim() === "")) {
      throw new UsageError("--key must not be empty");
    }
    let configKeys: string[];
    try {
      configKeys = loadConfig().anomalyDetectorKeys.map((key) => key.reveal());
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      console.error(`hubwatch serve: ${error.message}`);
      return 1;
    }
    const subscriptionKeys = [...new Set([...configKeys, ...values.key])];
    const quiet = values.quiet;
    using pool = workers > 0 ? new DetectionPool({ size: workers }) : undefined;
    const app = createDetectorApp({
      subscriptionKeys,
      maxBodyBytes,
      pool,
      onLog: (entry) => {
        if (entry.level === "error") {
          console.error(logLine(entry));
          if (entry.error !== undefined) console.error(entry.error);
        } else if (!quiet) {
          console.log(logLine(entry));
        }
      },
    });

    const hostname = values.host;
    let server: Deno.HttpServer<Deno.NetAddr>;
    try {
      server = Deno.serve({
        hostname,
        port,
        onListen: ({ hostname, port }) => {
          const host = hostname.includes(":") ? `[${hostname}]` : hostname;
          console.log(`listening on http://${host}:${port}`);
        },
      }, app.fetch);
    } catch (error) {
      console.error(`hubwatch serve: cannot listen on ${hostname}:${port}: ${error}`);
      return 1;
    }
    if (subscriptionKeys.length === 0 && !["127.0.0.1", "localhost", "::1"].includes(hostname)) {
      console.error(
        `hubwatch serve: warning: no subscription key is configured and ${hostname} is not a loopback address; anyone who can reach it can use the API`,
      );
    }

    const stop = () => void server.shutdown();
    const signals: Deno.Signal[] = ["SIGINT", "SIGTERM"];
    for (const signal of signals) Deno.addSignalListener(signal, stop);
    try {
      await server.finished;
    } finally {
      for (const signal of signals) Deno.removeSignalListener(signal, stop);
    }
    console.log("stopped");
    return 0;
  },
};
