/**
 * Starts the local Event Hubs emulator in this process.
 * @module
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { Hub } from "./_hub.ts";
import { AmqpServer, type EmulatorMetrics } from "./_amqp_server.ts";
import type { FsyncPolicy } from "./partition_log.ts";
import { maskConnectionString } from "../../config/secret.ts";

export type { EmulatorMetrics } from "./_amqp_server.ts";
export { maskConnectionString };

/** One event hub the emulator serves. */
export interface HubConfig {
  /** Hub name (the `EntityPath`). */
  name: string;
  /** Number of partitions, fixed once the hub exists on disk. @default {4} */
  partitionCount?: number;
  /** Consumer groups of this hub (`$Default` always exists). @default {EmulatorOptions.consumerGroups} */
  consumerGroups?: string[];
}

/** Options of {@linkcode startEmulator}. */
export interface EmulatorOptions {
  /** TCP port; 0 picks a free port. @default {5672} */
  port?: number;
  /** Interface to bind. @default {"127.0.0.1"} */
  host?: string;
  /**
   * Directory holding the hubs' partition logs, locked (`emulator.lock`) while the emulator runs:
   * a second emulator on the same directory fails to start. When absent a temporary directory is
   * used and removed by `stop()` (nothing survives the emulator).
   */
  dataDir?: string;
  /** Hubs to serve; the first is the one named by `connectionString`. @default {[{ name: "hubwatch", partitionCount: 4 }]} */
  hubs?: HubConfig[];
  /** Consumer groups of every hub; `$Default` always exists. @default {["$Default"]} */
  consumerGroups?: string[];
  /** Name of the shared access key. @default {"RootManageSharedAccessKey"} */
  keyName?: string;
  /** The shared access key; generated (random, base64) when absent. */
  key?: string;
  /** When appends are forced to disk; see {@linkcode FsyncPolicy}. @default {"batch"} */
  fsync?: FsyncPolicy;
  /** Background fsync period under the `"interval"` policy. @default {1000} */
  fsyncIntervalInMs?: number;
  /** Size at which a partition starts a new segment file. @default {67108864} */
  segmentBytes?: number;
  /** Events older than this are deleted (whole segments). @default {86400000} (1 day) */
  retentionInMs?: number;
  /** Maximum size of one partition on disk (oldest segments deleted first). @default {Infinity} */
  retentionBytes?: number;
  /** How often retention runs. @default {60000} */
  retentionCheckIntervalInMs?: number;
  /** Largest accepted send (one event or one batch) in bytes. @default {1048576} */
  maxMessageBytes?: number;
  /** Clock for enqueued times, token expiry and retention. @default {Date.now} */
  now?: () => number;
}

/**
 * A running emulator. In a notebook it displays (`Symbol.for("Jupyter.display")`) its endpoint,
 * hubs, data directory, counters and connection string with the key masked.
 */
export interface Emulator {
  /** Connection string of the first hub (with `EntityPath` and `UseDevelopmentEmulator=true`). */
  connectionString: string;
  /** Namespace-level connection string (no `EntityPath`): pass the hub name to the SDK. */
  namespaceConnectionString: string;
  /** The bound TCP port. */
  port: number;
  /** Names of the served hubs. */
  hubNames: string[];
  /** The data directory in use. */
  dataDir: string;
  /** Connection string for one hub. */
  connectionStringFor(hubName: string): string;
  /** Runtime counters. */
  metrics(): EmulatorMetrics;
  /** Runs retention on every partition now; returns the number of events deleted. */
  applyRetention(): number;
  /** Closes connections, syncs and closes the logs. Idempotent. */
  stop(): Promise<void>;
}

const HUB_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,255}$/;

function check(condition: boolean, field: string, rule: string, value: unknown): void {
  if (!condition) {
    throw new RangeError(
      `Cannot start emulator as ${field} must be ${rule}: current value is ${
        JSON.stringify(value)
      }`,
    );
  }
}

/**
 * The connection string of an emulator, for one hub (`EntityPath`) or, without `hubName`, for
 * the namespace: what `Emulator.connectionStringFor` gives, for a caller that knows the
 * emulator's address and key (e.g. one started by `./run emulator`).
 */
export function emulatorConnectionString(options: {
  host: string;
  port: number;
  /** @default {"RootManageSharedAccessKey"} */
  keyName?: string;
  key: string;
  /** @default {undefined} (the namespace) */
  hubName?: string;
}): string {
  const entity = options.hubName === undefined ? "" : `EntityPath=${options.hubName};`;
  return `Endpoint=sb://${options.host}:${options.port};` +
    `SharedAccessKeyName=${options.keyName ?? "RootManageSharedAccessKey"};` +
    `SharedAccessKey=${options.key};${entity}UseDevelopmentEmulator=true`;
}

/** Starts an emulator; resolves once it is listening. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const port = options.port ?? 5672;
  const host = options.host ?? "127.0.0.1";
  const hubsConfig = options.hubs ?? [{ name: "hubwatch", partitionCount: 4 }];
  const consumerGroups = options.consumerGroups ?? ["$Default"];
  const keyName = options.keyName ?? "RootManageSharedAccessKey";
  const key = options.key ?? randomBytes(32).toString("base64");
  const now = options.now ?? Date.now;
  const maxMessageBytes = options.maxMessageBytes ?? 1024 * 1024;
  check(
    Number.isInteger(port) && port >= 0 && port <= 65535,
    "port",
    "an integer in 0..65535",
    port,
  );
  check(hubsConfig.length > 0, "hubs", "a non-empty list", hubsConfig);
  const seen = new Set<string>();
  for (const h of hubsConfig) {
    check(HUB_NAME.test(h.name ?? ""), "hubs[].name", "letters, digits, '.', '_' or '-'", h.name);
    check(!seen.has(h.name.toLowerCase()), "hubs[].name", "unique (case-insensitive)", h.name);
    seen.add(h.name.toLowerCase());
    const count = h.partitionCount ?? 4;
    check(
      Number.isInteger(count) && count >= 1 && count <= 1024,
      "hubs[].partitionCount",
      "an integer in 1..1024",
      count,
    );
  }
  for (const g of [...consumerGroups, ...hubsConfig.flatMap((h) => h.consumerGroups ?? [])]) {
    check(
      typeof g === "string" && /^[$A-Za-z0-9][A-Za-z0-9._$-]{0,49}$/.test(g),
      "consumerGroups[]",
      "a consumer group name",
      g,
    );
  }
  check(
    typeof keyName === "string" && keyName.length > 0 && !/[;=]/.test(keyName),
    "keyName",
    "a non-empty name without ';' or '='",
    keyName,
  );
  check(
    typeof key === "string" && key.length > 0 && !key.includes(";"),
    "key",
    "a non-empty string without ';'",
    "***",
  );
  check(
    Number.isInteger(maxMessageBytes) && maxMessageBytes > 0,
    "maxMessageBytes",
    "a positive integer",
    maxMessageBytes,
  );
  const retentionCheck = options.retentionCheckIntervalInMs ?? 60_000;
  check(retentionCheck > 0, "retentionCheckIntervalInMs", "a positive number", retentionCheck);

  const temporary = options.dataDir === undefined;
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "hubwatch-emulator-"));
  const logOptions = {
    fsync: options.fsync,
    fsyncIntervalInMs: options.fsyncIntervalInMs,
    segmentBytes: options.segmentBytes,
    retentionInMs: options.retentionInMs,
    retentionBytes: options.retentionBytes,
    now,
  };
  const hubs: Hub[] = [];
  let server: AmqpServer | undefined;
  let lock: Deno.FsFile | undefined;
  const releaseLock = () => {
    try {
      lock?.close();
    } catch {
      // Already closed.
    }
    lock = undefined;
  };
  const applyRetention = () => {
    let removed = 0;
    for (const hub of hubs) for (const log of hub.logs) removed += log.applyRetention();
    return removed;
  };
  let bound: number;
  try {
    fs.mkdirSync(dataDir, { recursive: true });
    lock = Deno.openSync(path.join(dataDir, "emulator.lock"), { create: true, write: true });
    if (!lock.tryLockSync(true)) {
      throw new Error(`the data directory ${dataDir} is in use by another emulator`);
    }
    for (const h of hubsConfig) {
      hubs.push(
        Hub.open(
          dataDir,
          h.name,
          h.partitionCount ?? 4,
          h.consumerGroups ?? consumerGroups,
          logOptions,
          now(),
        ),
      );
    }
    applyRetention();
    server = new AmqpServer({ hubs, keyName, key, maxMessageBytes, now });
    bound = await server.listen(host, port);
  } catch (error) {
    await server?.close();
    for (const hub of hubs) await hub.close();
    releaseLock();
    if (temporary) fs.rmSync(dataDir, { recursive: true, force: true });
    throw new Error(`Cannot start the Event Hubs emulator on ${host}:${port}`, { cause: error });
  }
  let timer: ReturnType<typeof setInterval> | undefined = setInterval(() => {
    try {
      applyRetention();
    } catch {
      // A failed deletion is retried at the next interval.
    }
  }, retentionCheck);
  Deno.unrefTimer(timer);

  const endpointHost = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
  const connectionStringFor = (hubName: string) => {
    const hub = hubs.find((h) => h.name.toLowerCase() === hubName.toLowerCase());
    if (!hub) {
      throw new RangeError(
        `Cannot build connection string as the hub must be one of ${
          hubs.map((h) => h.name).join(", ")
        }: current value is ${hubName}`,
      );
    }
    return emulatorConnectionString({
      host: endpointHost,
      port: bound,
      keyName,
      key,
      hubName: hub.name,
    });
  };
  const connectionString = connectionStringFor(hubs[0].name);
  let stopping: Promise<void> | undefined;
  const amqp = server;
  return {
    connectionString,
    namespaceConnectionString: emulatorConnectionString({
      host: endpointHost,
      port: bound,
      keyName,
      key,
    }),
    port: bound,
    hubNames: hubs.map((h) => h.name),
    dataDir,
    connectionStringFor,
    metrics: () => amqp.metrics(),
    applyRetention,
    [Symbol.for("Jupyter.display")]() {
      const m = amqp.metrics();
      const counters =
        `${m.connectionsOpen} connections, ${m.receiversOpen} receivers, ${m.eventsReceived} events received, ${m.eventsDelivered} delivered`;
      const hubList = hubs.map((h) => `${h.name} (${h.partitionCount} partitions)`).join(", ");
      const state = stopping ? "stopped" : "running";
      return {
        "text/plain": [
          `Event Hubs emulator ${state} on ${endpointHost}:${bound}`,
          `hubs: ${hubList}`,
          `data: ${dataDir}`,
          counters,
          maskConnectionString(connectionString),
        ].join("\n"),
      };
    },
    stop() {
      stopping ??= (async () => {
        clearInterval(timer);
        timer = undefined;
        await amqp.close();
        for (const hub of hubs) await hub.close();
        releaseLock();
        if (temporary) fs.rmSync(dataDir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}
