/**
 * The Event Hubs a notebook talks to: the configured one, or — offline, when no connection
 * string is configured — a local emulator started inside the notebook's kernel.
 *
 * The two tutorial notebooks run in separate kernels, one after the other. Each starts its own
 * in-process emulator on a free port over the same durable data folder
 * (`<dataDir>/eventhubs`, the folder `./run emulator` uses, with the same stored key), so the
 * events the send notebook wrote are on disk when the analyze notebook starts its emulator.
 * Each notebook stops its emulator in its last cell; re-running the cell that opens the hub
 * reuses the emulator already running in the kernel for that folder. When `./run emulator` is
 * already serving that folder (on its default port 5672, answering to the folder's key), the
 * notebook uses it instead of starting a second emulator over the same files.
 * @module
 */
import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { EventHubConsumerClient } from "@azure/event-hubs";
import { fileURLToPath } from "node:url";
import type { HubwatchConfig } from "../config/config.ts";
import { maskConnectionString } from "../config/secret.ts";
import { type Emulator, startEmulator } from "../hub/emulator/start_emulator.ts";
import type { MimeBundle } from "../plot/plotly.ts";
import { htmlTable, textTable } from "../plot/table.ts";

/** The project's root folder (where `deno.json` is), whatever the working directory. */
export const PROJECT_ROOT: string = fileURLToPath(new URL("../../", import.meta.url));

/**
 * The configured data folder as an absolute path: a relative `dataDir` is taken from the
 * project root (a notebook kernel runs in `notebooks/`, the CLI in the root; both then use the
 * same folder).
 */
export function resolveDataDir(config: Pick<HubwatchConfig, "dataDir">): string {
  return path.resolve(PROJECT_ROOT, config.dataDir);
}

/** Options of {@linkcode openNotebookHub}. */
export interface NotebookHubOptions {
  /** Folder of the emulator's partition logs and key. @default {"<dataDir>/eventhubs"} */
  emulatorDataDir?: string;
  /** Emulator port; 0 picks a free one. @default {0} */
  port?: number;
  /** Partitions of a hub the emulator creates. @default {4} */
  partitionCount?: number;
  /**
   * Port where `./run emulator` may already serve the folder: when an emulator there accepts
   * the folder's key, it is used and none is started. `false` never looks.
   * @default {5672}
   */
  runningEmulatorPort?: number | false;
  /** Longest wait for the running emulator to answer. @default {3000} */
  probeTimeoutInMs?: number;
}

/** Where a notebook's events go to and come from. */
export interface NotebookHub {
  /** Connection string with `EntityPath` (pass it to the SDK; do not print it). */
  connectionString: string;
  /** The event hub's name. */
  eventHubName: string;
  /** Consumer group to read with. */
  consumerGroup: string;
  /** The in-process emulator, when one was started. */
  emulator?: Emulator;
  /** The emulator's data folder (in-process or running), when the hub is an emulator. */
  emulatorDataDir?: string;
  /**
   * `emulator`: started in this process; `running emulator`: a `./run emulator` found serving
   * the folder; `Event Hubs`: the configured connection string.
   */
  kind: "emulator" | "running emulator" | "Event Hubs";
  /** Stops the emulator (if one was started for this hub; every hub opened on its folder shares it). Idempotent. */
  close(): Promise<void>;
}

/** Emulators started by this module, by data folder (one per folder per process). */
const running = new Map<string, Emulator>();

/** Reads the emulator key stored in `dir`, creating it on first use (as `./run emulator`). */
export function storedEmulatorKey(dir: string): string {
  const file = path.join(dir, "emulator.key");
  try {
    if (fs.existsSync(file)) return fs.readFileSync(file, "utf8").trim();
    fs.mkdirSync(dir, { recursive: true });
    const key = randomBytes(32).toString("base64");
    fs.writeFileSync(file, `${key}\n`, { mode: 0o600 });
    return key;
  } catch (error) {
    throw new Error(`Cannot read or create the emulator key ${file}`, { cause: error });
  }
}

/**
 * Opens the notebook's event hub: the configured Event Hubs when `config.eventHub` is set,
 * else an in-process emulator over `<dataDir>/eventhubs` (reused when this kernel already runs
 * one for that folder).
 */
export async function openNotebookHub(
  config: HubwatchConfig,
  options: NotebookHubOptions = {},
): Promise<NotebookHub> {
  const consumerGroup = config.eventHubConsumerGroup;
  if (config.eventHub !== undefined) {
    return withDisplay({
      connectionString: config.eventHub.connectionString.reveal(),
      eventHubName: config.eventHubName,
      consumerGroup,
      kind: "Event Hubs",
      close: () => Promise.resolve(),
    });
  }
  const dir = path.resolve(
    options.emulatorDataDir ?? path.join(resolveDataDir(config), "eventhubs"),
  );
  let emulator = running.get(dir);
  const probePort = options.runningEmulatorPort ?? 5672;
  if (emulator === undefined && probePort !== false) {
    const key = fs.existsSync(path.join(dir, "emulator.key")) ? storedEmulatorKey(dir) : undefined;
    const connectionString = key === undefined
      ? undefined
      : `Endpoint=sb://127.0.0.1:${probePort};SharedAccessKeyName=RootManageSharedAccessKey;` +
        `SharedAccessKey=${key};EntityPath=${config.eventHubName};UseDevelopmentEmulator=true`;
    if (
      connectionString !== undefined &&
      await answers(connectionString, probePort, options.probeTimeoutInMs ?? 3000)
    ) {
      return withDisplay({
        connectionString,
        eventHubName: config.eventHubName,
        consumerGroup,
        kind: "running emulator",
        emulatorDataDir: dir,
        close: () => Promise.resolve(),
      });
    }
  }
  if (emulator === undefined) {
    emulator = await startEmulator({
      port: options.port ?? 0,
      dataDir: dir,
      key: storedEmulatorKey(dir),
      hubs: [{ name: config.eventHubName, partitionCount: options.partitionCount ?? 4 }],
      consumerGroups: consumerGroup === "$Default" ? ["$Default"] : ["$Default", consumerGroup],
    });
    running.set(dir, emulator);
  }
  const started = emulator;
  return withDisplay({
    connectionString: started.connectionStringFor(config.eventHubName),
    eventHubName: config.eventHubName,
    consumerGroup,
    emulator: started,
    emulatorDataDir: dir,
    kind: "emulator",
    async close() {
      if (running.get(dir) === started) running.delete(dir);
      await started.stop();
    },
  });
}

/** Whether an emulator listens on `port` and accepts the connection string's key. */
async function answers(connectionString: string, port: number, timeoutInMs: number) {
  try {
    const socket = await Deno.connect({ hostname: "127.0.0.1", port });
    socket.close();
  } catch {
    return false; // nothing listens: the usual case
  }
  const client = new EventHubConsumerClient("$Default", connectionString, {
    retryOptions: { maxRetries: 0, timeoutInMs },
  });
  try {
    await client.getPartitionIds({ abortSignal: AbortSignal.timeout(timeoutInMs) });
    return true;
  } catch {
    return false; // another service, another key or another hub
  } finally {
    await client.close().catch(() => undefined);
  }
}

function withDisplay(hub: NotebookHub): NotebookHub {
  Object.defineProperty(hub, Symbol.for("Jupyter.display"), {
    value: (): MimeBundle => {
      const rows = [
        { item: "event hub", value: hub.eventHubName },
        { item: "consumer group", value: hub.consumerGroup },
        {
          item: "endpoint",
          value: hub.kind === "emulator"
            ? `local emulator on 127.0.0.1:${hub.emulator!.port} (in this kernel)`
            : hub.kind === "running emulator"
            ? `${/sb:\/\/([^;/]+)/.exec(hub.connectionString)?.[1]} (the running ./run emulator)`
            : maskConnectionString(hub.connectionString),
        },
        ...(hub.emulatorDataDir ? [{ item: "emulator data", value: hub.emulatorDataDir }] : []),
      ];
      const options = { caption: `connected to ${hub.kind}`, maxRows: 10 };
      return {
        "text/html": htmlTable(["item", "value"], rows, options),
        "text/plain": textTable(["item", "value"], rows, options),
      };
    },
  });
  return hub;
}
