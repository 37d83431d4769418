/**
 * `./run emulator`: serves the local Event Hubs emulator until SIGINT/SIGTERM.
 * @module
 */
import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { type Command, numberFlag, parseFlags, UsageError } from "../command.ts";
import { type HubConfig, maskConnectionString, startEmulator } from "@/hub/emulator";
import { loadConfig } from "@/config";
import { emulatorDataDir, emulatorKeyFile } from "../_hub_target.ts";

const help = `Usage: ./run emulator [options]

Serves a durable local Event Hubs (AMQP 1.0) that the @azure/event-hubs SDK talks to, and prints
one line EVENTHUB_CONNECTION_STRING=... (the key masked unless --show-key). Serves until SIGINT
or SIGTERM. The key is kept in <data>/emulator.key so restarts keep the same connection string.

Options:
  --port N                 TCP port on 127.0.0.1; 0 picks a free one          (default 5672)
  --host ADDR              interface to bind                                   (default 127.0.0.1)
  --data DIR               data directory of the partition logs               (default $HUBWATCH_DATA_DIR/eventhubs)
  --hub NAME[:PARTITIONS]  a hub to serve, repeatable; the first one is in the
                           printed connection string              (default hubwatch:4)
  --consumer-group NAME    an extra consumer group, repeatable ($Default always exists)
  --fsync POLICY           batch | interval | never                           (default batch)
  --retention-hours H      delete events older than H hours                   (default 24)
  --retention-mb M         keep at most M MiB per partition                   (default unlimited)
  --key KEY                use this shared access key instead of the stored/generated one
  --show-key               print the key in the connection string

Examples:
  ./run emulator
  ./run emulator --port 0 --data /tmp/eh --hub tweets:2 --hub alerts --consumer-group spark --show-key`;

function parseHub(value: string): HubConfig {
  const match = /^([^:]+)(?::(\d+))?$/.exec(value);
  if (!match) {
    throw new UsageError(`--hub must be NAME or NAME:PARTITIONS: current value is ${value}`);
  }
  const partitionCount = match[2] === undefined ? 4 : Number(match[2]);
  if (partitionCount < 1) {
    throw new UsageError(`--hub partition count must be at least 1: current value is ${value}`);
  }
  return { name: match[1], partitionCount };
}

function positive(flag: string, value: string | undefined): number | undefined {
  return numberFlag(flag, value, (n) => n > 0, "a positive number");
}

/** Reads the key stored in the data directory, creating it on first use. */
function storedKey(dataDir: string): string {
  const file = emulatorKeyFile(dataDir);
  if (fs.existsSync(file)) return fs.readFileSync(file, "utf8").trim();
  fs.mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32).toString("base64");
  fs.writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return key;
}

export const emulatorCommand: Command = {
  name: "emulator",
  summary: "serve a durable local Event Hubs for the @azure/event-hubs SDK",
  help,
  async run(args: string[]): Promise<number> {
    const { values } = parseFlags({
      args,
      options: {
        port: { type: "string", default: "5672" },
        host: { type: "string", default: "127.0.0.1" },
        data: { type: "string" },
        hub: { type: "string", multiple: true },
        "consumer-group": { type: "string", multiple: true },
        fsync: { type: "string", default: "batch" },
        "retention-hours": { type: "string" },
        "retention-mb": { type: "string" },
        key: { type: "string" },
        "show-key": { type: "boolean", default: false },
      },
      strict: true,
      allowPositionals: false,
    });
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new UsageError(
        `--port must be an integer in 0..65535: current value is ${values.port}`,
      );
    }
    const fsync = values.fsync;
    if (fsync !== "batch" && fsync !== "interval" && fsync !== "never") {
      throw new UsageError(`--fsync must be batch, interval or never: current value is ${fsync}`);
    }
    const hubs = (values.hub ?? ["hubwatch"]).map(parseHub);
    const retentionHours = positive("--retention-hours", values["retention-hours"]);
    const retentionMb = positive("--retention-mb", values["retention-mb"]);
    // The same place `./run send` and `./run analyze` read the key from.
    const dataDir = path.resolve(values.data ?? emulatorDataDir(loadConfig()));
    const key = values.key ?? storedKey(dataDir);

    let emulator;
    try {
      emulator = await startEmulator({
        port,
        host: values.host,
        dataDir,
        hubs,
        consumerGroups: ["$Default", ...(values["consumer-group"] ?? [])],
        key,
        fsync,
        retentionInMs: retentionHours === undefined ? undefined : retentionHours * 3_600_000,
        retentionBytes: retentionMb === undefined ? undefined : retentionMb * 1024 * 1024,
      });
    } catch (error) {
      const reasons = [];
      for (let e: unknown = error; e instanceof Error; e = e.cause) reasons.push(e.message);
      console.error(`hubwatch emulator: ${reasons.join(": ")}`);
      return 1;
    }
    // Listen for the signals before printing: a supervisor may signal as soon as it sees the line.
    const signals: Deno.Signal[] = ["SIGINT", "SIGTERM"];
    const stopped = new Promise<void>((resolve) => {
      const onSignal = () => {
        for (const s of signals) Deno.removeSignalListener(s, onSignal);
        resolve();
      };
      for (const s of signals) Deno.addSignalListener(s, onSignal);
    });
    const shown = values["show-key"]
      ? emulator.connectionString
      : maskConnectionString(emulator.connectionString);
    console.log(`EVENTHUB_CONNECTION_STRING=${shown}`);
    await stopped;
    await emulator.stop();
    return 0;
  },
};
