import type { Command } from "../command.ts";
import { jupyterCommand } from "./jupyter.ts";
import { benchCommand } from "./bench.ts";
import { demoCommand } from "./demo.ts";
import { emulatorCommand } from "./emulator.ts";
import { detectCommand } from "./detect.ts";
import { sendCommand } from "./send.ts";
import { analyzeCommand } from "./analyze.ts";
import { historyCommand } from "./history.ts";
import { serveCommand } from "./serve.ts";
import { evalCommand } from "./eval.ts";

/**
 * Every working subcommand, in the order `--help` lists them.
 * A command is registered here only once its feature exists.
 */
export const commands: Command[] = [
  demoCommand,
  detectCommand,
  serveCommand,
  emulatorCommand,
  sendCommand,
  analyzeCommand,
  historyCommand,
  evalCommand,
  jupyterCommand,
  benchCommand,
];
