import type { Command } from "../command.ts";

/**
 * Every working subcommand, in the order `--help` lists them.
 * A command is registered here only once its feature exists.
 */
export const commands: Command[] = [];
