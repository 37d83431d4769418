import { parseArgs, type ParseArgsConfig } from "node:util";

/** The shape every `./run <command>` subcommand implements. */
export interface Command {
  /** Subcommand name as typed after `./run cli` (and as its own task). */
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Full `--help` text: usage line, flags with defaults, examples. */
  help: string;
  /** Runs the command; resolves to the process exit code. */
  run(args: string[]): Promise<number>;
}

/** Thrown for bad command-line usage; the CLI prints the message and the usage and exits 2. */
export class UsageError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "UsageError";
  }
}

/** Reads an ISO-8601 date-time flag; `undefined` when absent; a UsageError naming the flag otherwise. */
export function dateFlag(flag: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(date.getTime())) {
    throw new UsageError(`${flag} must be an ISO-8601 date-time: current value is ${value}`);
  }
  return date;
}

/**
 * Reads a numeric flag: `undefined` when absent, otherwise a number that passes `ok`, or a
 * {@linkcode UsageError} naming the flag, the rule and the value.
 */
export function numberFlag(
  flag: string,
  value: string | undefined,
  ok: (n: number) => boolean,
  rule: string,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !ok(n)) {
    throw new UsageError(`${flag} must be ${rule}: current value is ${value}`);
  }
  return n;
}

/** Reads an integer flag in `[min, max]` (digits only); `undefined` when absent. */
export function integerFlag(
  flag: string,
  value: string | undefined,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) {
    throw new UsageError(
      `${flag} must be an integer from ${min} to ${max}: current value is ${value}`,
    );
  }
  return n;
}

/** `node:util` `parseArgs` whose parse errors (unknown flag, missing value) are {@linkcode UsageError}s. */
export function parseFlags<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    throw new UsageError((error as Error).message, { cause: error });
  }
}

/** The Event Hubs flags of `send` and `analyze`, to spread into their `parseFlags` options. */
export const HUB_FLAGS = {
  "connection-string": { type: "string" },
  "emulator-port": { type: "string", default: "5672" },
  hub: { type: "string" },
} as const;

/**
 * Reads the {@linkcode HUB_FLAGS} (`--emulator-port` must be a port number) as the options
 * `resolveHubTarget` takes besides its purpose.
 */
export function hubFlags(
  values: { "connection-string"?: string; "emulator-port": string; hub?: string },
): { connectionString?: string; hub?: string; emulatorPort: number } {
  return {
    connectionString: values["connection-string"],
    hub: values.hub,
    emulatorPort: numberFlag(
      "--emulator-port",
      values["emulator-port"],
      (n) => Number.isInteger(n) && n > 0 && n < 65536,
      "a port number",
    )!,
  };
}
