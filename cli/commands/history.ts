/**
 * `./run history`: prints the history table (the tutorial's
 * `SELECT * FROM ... ORDER BY groupTime` and `SELECT COUNT(*)`), at the latest version or any
 * earlier one, optionally limited to a time range.
 * @module
 */
import path from "node:path";
import { type Command, dateFlag, parseFlags, UsageError } from "../command.ts";
import { loadConfig } from "@/config";
import { HistoryTable, listDeltaLog } from "@/store";
import type { WindowRow } from "@/window";

const help = `Usage: ./run history [--from ISO] [--to ISO] [--version N] [--table PATH] [--json]

Prints the windows of the history table ordered by groupTime (the tutorial's
"SELECT * ... ORDER BY groupTime"), then the row count (its "SELECT COUNT(*)").

Options:
  --from ISO      only windows with groupTime >= ISO (e.g. 2026-01-05T00:00:00Z)
  --to ISO        only windows with groupTime <  ISO
  --version N     read version N of the table (time travel; default: latest)
  --table PATH    the history table folder (default <HUBWATCH_DATA_DIR>/history)
  --json          one JSON object per window instead of the table

Examples:
  ./run history
  ./run history --from 2026-01-05T00:00:00Z --to 2026-01-06T00:00:00Z
  ./run history --version 3`;

function formatRow(w: WindowRow): string {
  return [
    w.groupTime.toISOString().padEnd(26),
    w.windowEnd.toISOString().padEnd(26),
    w.average.toFixed(4).padStart(14),
    String(w.count).padStart(9),
    String(w.sum).padStart(14),
    String(w.max).padStart(10),
  ].join(" ");
}

/** The `history` subcommand. */
export const historyCommand: Command = {
  name: "history",
  summary: "print the history table of windows (ORDER BY groupTime, COUNT(*)), any version",
  help,
  async run(args: string[]): Promise<number> {
    const { values } = parseFlags({
      args,
      options: {
        from: { type: "string" },
        to: { type: "string" },
        version: { type: "string" },
        table: { type: "string" },
        json: { type: "boolean", default: false },
      },
      strict: true,
      allowPositionals: false,
    });
    const from = dateFlag("--from", values.from);
    const to = dateFlag("--to", values.to);
    let version: number | undefined;
    if (values.version !== undefined) {
      version = Number(values.version);
      if (!/^\d+$/.test(values.version) || !Number.isSafeInteger(version)) {
        throw new UsageError(
          `--version must be a non-negative integer: current value is ${values.version}`,
        );
      }
    }
    const tablePath = values.table ?? path.join(loadConfig().dataDir, "history");
    const listing = await listDeltaLog(tablePath);
    if (listing.commits.length === 0) {
      console.error(
        `hubwatch history: no history table at ${tablePath} (run ./run analyze first, or pass --table)`,
      );
      return 1;
    }
    const latest = listing.commits.at(-1)!;
    if (version !== undefined && version > latest) {
      throw new UsageError(
        `--version must be at most ${latest}, the latest version of ${tablePath}: current value is ${version}`,
      );
    }
    const table = await HistoryTable.open(tablePath);
    const rows = await table.read({ version, from, to });
    if (values.json) {
      for (const w of rows) {
        console.log(JSON.stringify({
          groupTime: w.groupTime.toISOString(),
          windowEnd: w.windowEnd.toISOString(),
          average: w.average,
          count: w.count,
          sum: w.sum,
          max: w.max,
        }));
      }
      return 0;
    }
    console.log(`history table ${tablePath} · version ${version ?? latest} of ${latest}`);
    console.log(
      [
        "groupTime".padEnd(26),
        "windowEnd".padEnd(26),
        "average".padStart(14),
        "count".padStart(9),
        "sum".padStart(14),
        "max".padStart(10),
      ].join(" "),
    );
    for (const w of rows) console.log(formatRow(w));
    console.log(`COUNT(*) = ${rows.length}`);
    return 0;
  },
};
