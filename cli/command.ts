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
