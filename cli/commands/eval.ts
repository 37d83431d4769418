/**
 * `./run eval nab`: how well last-point detection finds the labelled anomalies of NAB's
 * `realTweets` files (hourly sums, the tutorial's parameters), with the NAB standard-profile
 * score and event-level precision, recall and F1; writes one CSV of flags per file.
 * @module
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Command, integerFlag, parseFlags, UsageError } from "../command.ts";
import {
  defaultNabDataDir,
  evaluateNab,
  type EvaluateNabOptions,
  flagsToCsv,
  type NabEvaluation,
  type NabFileScore,
  type NabRun,
} from "@/eval";

const DEFAULT_OUT = fileURLToPath(new URL("../../build/eval/nab", import.meta.url));

const help =
  `Usage: ./run eval nab [--window 72] [--api-version v1.0|v1.1] [--sensitivity 95] [--out DIR]
                    [--data DIR] [--files A.csv,B.csv] [--workers N] [--flag-at first-row|last-row]
                    [--probation nab|15%]

For each NAB realTweets file: sums the 5-minute counts into complete UTC hours, runs last-point
detection at every hour over the trailing window (granularity hourly, maxAnomalyRatio 0.25,
sensitivity 95: the tutorial's parameters), writes DIR/<file name>.csv with the columns
timestamp,isAnomaly,severity (one row per evaluated hour, ISO UTC; severity is empty for v1.0),
and prints per file and in total the NAB standard-profile score (0 = null detector, 100 = perfect)
and event-level precision, recall and F1 (a labelled window is found when any flagged hour lies in
it; each flagged hour outside all windows is a false alarm; probationary rows are not scored).

Options:
  --window N          trailing window in hours: each request holds [h - N h, h] (default 72)
  --api-version V     v1.0 or v1.1 (default v1.1)
  --sensitivity S     integer 0..100 (default 95)
  --out DIR           where the CSV files go (default build/eval/nab)
  --data DIR          NAB data folder (default ../shared/nab/data/realTweets); labels are read
                      from DIR/../../labels/combined_windows.json
  --files LIST        comma-separated file names to evaluate (default: all)
  --workers N         detection worker threads (default: number of cores)
  --flag-at WHERE     the 5-minute row a flagged hour is scored at: first-row (default) or last-row
  --probation P       nab: min(15% of rows, 750 rows) as NAB's scorer (default); 15%: first 15%

Examples:
  ./run eval nab
  ./run eval nab --api-version v1.0 --sensitivity 80 --out build/eval/v10-s80`;

function fixed(n: number, digits: number, width: number): string {
  return n.toFixed(digits).padStart(width);
}

const HEADER = [
  "file".padEnd(26),
  "hours".padStart(6),
  "flagged".padStart(8),
  "errors".padStart(7),
  "windows".padStart(8),
  "found".padStart(6),
  "falseAlarms".padStart(12),
  "precision".padStart(10),
  "recall".padStart(7),
  "F1".padStart(6),
  "NABraw".padStart(9),
  "NABscore".padStart(9),
].join(" ");

function line(
  name: string,
  s: Pick<NabFileScore, "evaluatedHours" | "flaggedHours" | "errors" | "events">,
  raw: number,
  normalized: number,
): string {
  const e = s.events;
  return [
    name.padEnd(26),
    String(s.evaluatedHours).padStart(6),
    String(s.flaggedHours).padStart(8),
    String(s.errors).padStart(7),
    String(e.windows).padStart(8),
    String(e.found).padStart(6),
    String(e.falseAlarms).padStart(12),
    fixed(e.precision, 3, 10),
    fixed(e.recall, 3, 7),
    fixed(e.f1, 3, 6),
    fixed(raw, 3, 9),
    fixed(normalized, 2, 9),
  ].join(" ");
}

/** The printed report of one run. */
export function formatRun(evaluation: NabEvaluation, run: NabRun): string {
  const p = evaluation.parameters;
  const probation = Number.isFinite(p.probationMaxRows)
    ? `min(${p.probationFraction * 100}% of rows, ${p.probationMaxRows} rows)`
    : `first ${p.probationFraction * 100}% of rows`;
  const lines = [
    `NAB realTweets · API ${p.apiVersion} · window ${p.windowHours} h · sensitivity ${run.sensitivity} · ` +
    `maxAnomalyRatio ${p.maxAnomalyRatio} · granularity ${p.granularity}`,
    `flagged hours scored at their ${p.flagAt}; probation ${probation}; NAB standard profile`,
    HEADER,
  ];
  for (const f of run.files) lines.push(line(f.name, f, f.nab.raw, f.nab.normalized));
  const t = run.total;
  lines.push(line("total", t, t.nabRaw, t.nabNormalized));
  return lines.join("\n");
}

/** The `eval` subcommand. */
export const evalCommand: Command = {
  name: "eval",
  summary: "evaluate detection on NAB realTweets: NAB score, event precision/recall/F1, CSVs",
  help,
  async run(args: string[]): Promise<number> {
    const { values, positionals } = parseFlags({
      args,
      options: {
        window: { type: "string" },
        "api-version": { type: "string" },
        sensitivity: { type: "string" },
        out: { type: "string" },
        data: { type: "string" },
        files: { type: "string" },
        workers: { type: "string" },
        "flag-at": { type: "string" },
        probation: { type: "string" },
      },
      strict: true,
      allowPositionals: true,
    });
    if (positionals.length !== 1 || positionals[0] !== "nab") {
      throw new UsageError(
        `the benchmark must be "nab": current value is ${JSON.stringify(positionals.join(" "))}`,
      );
    }
    const apiVersion = values["api-version"] ?? "v1.1";
    if (apiVersion !== "v1.0" && apiVersion !== "v1.1") {
      throw new UsageError(`--api-version must be v1.0 or v1.1: current value is ${apiVersion}`);
    }
    const flagAt = values["flag-at"] ?? "first-row";
    if (flagAt !== "first-row" && flagAt !== "last-row") {
      throw new UsageError(`--flag-at must be first-row or last-row: current value is ${flagAt}`);
    }
    const probation = values.probation ?? "nab";
    if (probation !== "nab" && probation !== "15%") {
      throw new UsageError(`--probation must be nab or 15%: current value is ${probation}`);
    }
    const options: EvaluateNabOptions = {
      windowHours: integerFlag("--window", values.window, 12, 100_000) ?? 72,
      apiVersion,
      sensitivities: [integerFlag("--sensitivity", values.sensitivity, 0, 100) ?? 95],
      workers: integerFlag("--workers", values.workers, 0, 256) ??
        Math.max(1, navigator.hardwareConcurrency ?? 1),
      flagAt,
      probationMaxRows: probation === "nab" ? 750 : Infinity,
      files: values.files?.split(",").map((f) => f.trim()).filter((f) => f !== ""),
    };
    const dataDir = values.data ?? defaultNabDataDir();
    const outDir = values.out ?? DEFAULT_OUT;
    const started = performance.now();
    let filesReported = 0;
    let evaluation: NabEvaluation;
    try {
      evaluation = await evaluateNab(dataDir, {
        ...options,
        onProgress: (p) => {
          if (p.filesDone === filesReported) return;
          filesReported = p.filesDone;
          console.error(`eval nab: ${p.filesDone}/${p.files} files detected`);
        },
      });
    } catch (error) {
      console.error(`hubwatch eval: ${(error as Error).message}`);
      return 1;
    }
    const run = evaluation.runs[0];
    try {
      await mkdir(outDir, { recursive: true });
      for (const f of run.files) await writeFile(join(outDir, f.name), flagsToCsv(f.flags));
    } catch (error) {
      console.error(
        `hubwatch eval: cannot write the flags to ${outDir}: ${(error as Error).message}`,
      );
      return 1;
    }
    console.log(formatRun(evaluation, run));
    console.log(
      `wrote ${run.files.length} files to ${outDir} (timestamp,isAnomaly,severity per evaluated hour) in ${
        ((performance.now() - started) / 1000).toFixed(1)
      } s with ${options.workers} worker${options.workers === 1 ? "" : "s"}`,
    );
    return 0;
  },
};
