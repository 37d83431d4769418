/**
 * hubwatch command line: `./run cli <command> [args...]` (every command also has its own task,
 * e.g. `./run detect`).
 */
import { type Command, UsageError } from "./command.ts";
import { commands } from "./commands/mod.ts";

function overview(list: Command[]): string {
  const width = Math.max(...list.map((c) => c.name.length), 8);
  const lines = list.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    "hubwatch — near-real-time anomaly detection on event streams",
    "",
    "Usage: ./run <command> [options]      (./run <command> --help for details)",
    "",
    "Commands:",
    ...lines,
  ].join("\n");
}

/** Runs one command line; returns the exit code. */
export async function main(argv: string[], list: Command[] = commands): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    console.log(overview(list));
    return 0;
  }
  const command = list.find((c) => c.name === name);
  if (!command) {
    console.error(`hubwatch: unknown command "${name}"\n\n${overview(list)}`);
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    console.log(command.help);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`hubwatch ${name}: ${error.message}\n\n${command.help}`);
      return 2;
    }
    throw error;
  }
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
