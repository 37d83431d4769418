/**
 * Where `./run send` and `./run analyze` find their event hub: `--connection-string`, else
 * `EVENTHUB_CONNECTION_STRING`, else the local emulator on 127.0.0.1 with the key that
 * `./run emulator` keeps in `<HUBWATCH_DATA_DIR>/eventhubs/emulator.key`.
 */
import path from "node:path";
import { readFile } from "node:fs/promises";
import type { HubwatchConfig } from "../lib/config/mod.ts";
import { emulatorConnectionString } from "../lib/hub/emulator/mod.ts";

/** Where `./run emulator` keeps its logs by default: `<HUBWATCH_DATA_DIR>/eventhubs`. */
export function emulatorDataDir(config: HubwatchConfig): string {
  return path.join(config.dataDir, "eventhubs");
}

/** The file in an emulator data directory that holds its key across restarts. */
export function emulatorKeyFile(dataDir: string): string {
  return path.join(dataDir, "emulator.key");
}

/** A connection string for `EventSink`/`subscribeEvents`, plus the hub name when it lacks `EntityPath`. */
export interface HubTarget {
  connectionString: string;
  /** Set only when the connection string has no `EntityPath`. */
  eventHubName?: string;
  /** The hub's name, for messages. */
  hubName: string;
}

/** Options of {@linkcode resolveHubTarget}. */
export interface ResolveHubTargetOptions {
  /** `--connection-string`, when given. */
  connectionString?: string;
  /** `--hub`, when given (else `EVENTHUB_NAME`). */
  hub?: string;
  /** Port of a running `./run emulator`. */
  emulatorPort: number;
  /** What the command does with the hub, for the error message: "send to", "consume from". */
  purpose: string;
  /** Extra advice appended to the error message. */
  hint?: string;
}

/** Resolves the hub to use; throws an `Error` saying what to do when there is none. */
export async function resolveHubTarget(
  config: HubwatchConfig,
  options: ResolveHubTargetOptions,
): Promise<HubTarget> {
  const hubName = options.hub ?? config.eventHubName;
  if (options.connectionString !== undefined) {
    const hasEntityPath = /(^|;)\s*EntityPath=/i.test(options.connectionString);
    return {
      connectionString: options.connectionString,
      eventHubName: hasEntityPath ? undefined : hubName,
      hubName,
    };
  }
  if (config.eventHub !== undefined) {
    return {
      connectionString: config.eventHub.connectionString.reveal(),
      eventHubName: config.eventHub.entityPath === undefined ? hubName : undefined,
      hubName,
    };
  }
  const keyFile = emulatorKeyFile(emulatorDataDir(config));
  let key: string;
  try {
    key = (await readFile(keyFile, "utf8")).trim();
  } catch (error) {
    throw new Error(
      `No Event Hubs to ${options.purpose}: EVENTHUB_CONNECTION_STRING is not set and the local ` +
        `emulator's key file "${keyFile}" is missing; start "./run emulator" or pass ` +
        `--connection-string${options.hint ? ` ${options.hint}` : ""}`,
      { cause: error },
    );
  }
  return {
    connectionString: emulatorConnectionString({
      host: "127.0.0.1",
      port: options.emulatorPort,
      key,
      hubName,
    }),
    hubName,
  };
}
