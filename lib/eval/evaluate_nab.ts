/**
 * The NAB evaluation: for each file of a NAB data folder (e.g. `realTweets`), hourly sums,
 * last-point detection over the trailing window at every hour, and the NAB and event-level
 * scores of the flags — for one sensitivity or a sweep of several.
 *
 * @module
 */
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ApiVersion } from "../detect/mod.ts";
import {
  countEvaluableHours,
  type HourFlag,
  sweepHours,
  TUTORIAL_PARAMETERS,
} from "./detect_hours.ts";
import { NAB_PROBATION_FRACTION, NAB_PROBATION_MAX_ROWS } from "./nab_score.ts";
import { listNabFiles, type NabSeries, readNabSeries, readNabWindows } from "./nab_series.ts";
import {
  type NabFileScore,
  type NabTotalScore,
  scoreFlags,
  type ScoreFlagsOptions,
  totalScore,
} from "./score_flags.ts";
import type { WorkerReply, WorkerTask } from "./_eval_protocol.ts";

/** Options of {@linkcode evaluateNab}. */
export interface EvaluateNabOptions extends ScoreFlagsOptions {
  /**
   * Path of NAB's `combined_windows.json`.
   * @default {"<dataDir>/../../labels/combined_windows.json"}
   */
  windowsPath?: string;
  /**
   * File names to evaluate (e.g. `["Twitter_volume_AAPL.csv"]`).
   * @default {every .csv file of dataDir}
   */
  files?: string[];
  /**
   * Sensitivities to evaluate; each gets its own {@linkcode NabRun}.
   * @default {[95]}
   */
  sensitivities?: number[];
  /**
   * Trailing window of each request in hours (see `DetectHoursOptions.windowHours`).
   * @default {72}
   */
  windowHours?: number;
  /**
   * Anomaly Detector API version.
   * @default {"v1.1"}
   */
  apiVersion?: ApiVersion;
  /**
   * `maxAnomalyRatio` of each request.
   * @default {0.25}
   */
  maxAnomalyRatio?: number;
  /**
   * Worker threads running detection, one file at a time each; 0 runs in this thread.
   * @default {0}
   */
  workers?: number;
  /** Stops the evaluation (workers are terminated); the call then rejects with the reason. */
  abortSignal?: AbortSignal;
  /** Progress of detection: hours done and total over all files. */
  onProgress?: (progress: NabProgress) => void;
}

/** Progress of {@linkcode evaluateNab}. */
export interface NabProgress {
  /** Hours detected so far, over all files. */
  done: number;
  /** Hours to detect, over all files. */
  total: number;
  /** Files finished. */
  filesDone: number;
  /** Files in the evaluation. */
  files: number;
}

/** The result of one file at one sensitivity. */
export interface NabFileResult extends NabFileScore {
  /** The flag of every evaluated hour. */
  flags: HourFlag[];
}

/** The results of one sensitivity. */
export interface NabRun {
  /** The sensitivity of the requests. */
  sensitivity: number;
  /** One result per file, in file-name order. */
  files: NabFileResult[];
  /** Corpus totals. */
  total: NabTotalScore;
}

/** The parameters an evaluation ran with. */
export interface NabParameters {
  windowHours: number;
  apiVersion: ApiVersion;
  maxAnomalyRatio: number;
  granularity: "hourly";
  flagAt: "first-row" | "last-row";
  probationFraction: number;
  probationMaxRows: number;
}

/** What {@linkcode evaluateNab} returns. */
export interface NabEvaluation {
  parameters: NabParameters;
  /** One run per sensitivity, in the order requested. */
  runs: NabRun[];
}

interface DetectParameters {
  windowHours: number;
  apiVersion: ApiVersion;
  maxAnomalyRatio: number;
}

/**
 * Evaluates last-point detection on every file of a NAB data folder.
 *
 * @param dataDir a NAB data folder, e.g. `../shared/nab/data/realTweets`.
 */
export async function evaluateNab(
  dataDir: string,
  options: EvaluateNabOptions = {},
): Promise<NabEvaluation> {
  const sensitivities = options.sensitivities ?? [TUTORIAL_PARAMETERS.sensitivity];
  const detect: DetectParameters = {
    windowHours: options.windowHours ?? TUTORIAL_PARAMETERS.windowHours,
    apiVersion: options.apiVersion ?? "v1.1",
    maxAnomalyRatio: options.maxAnomalyRatio ?? TUTORIAL_PARAMETERS.maxAnomalyRatio,
  };
  const workers = options.workers ?? 0;
  if (!Number.isInteger(workers) || workers < 0) {
    throw new RangeError(
      `Cannot evaluate NAB as workers must be an integer >= 0: current value is ${workers}`,
    );
  }
  // Validate the detection options once, before reading or spawning anything.
  sweepHours([], sensitivities, detect);

  const windows = await readNabWindows(
    options.windowsPath ?? join(dataDir, "..", "..", "labels", "combined_windows.json"),
  );
  let paths = await listNabFiles(dataDir);
  if (options.files !== undefined) {
    const known = new Set(paths.map((p) => basename(p)));
    for (const f of options.files) {
      if (!known.has(f)) {
        throw new RangeError(
          `Cannot evaluate NAB as files must name .csv files of "${dataDir}": current value is ${
            JSON.stringify(f)
          }`,
        );
      }
    }
    const wanted = new Set(options.files);
    paths = paths.filter((p) => wanted.has(basename(p)));
  }
  if (paths.length === 0) {
    throw new RangeError(`Cannot evaluate NAB as "${dataDir}" has no .csv file to evaluate`);
  }
  const series = await Promise.all(paths.map((p) => readNabSeries(p, { windows })));

  const flags = await detectAll(series, sensitivities, detect, workers, options);
  const runs: NabRun[] = sensitivities.map((sensitivity, k) => {
    const files = series.map((s, f) => ({
      ...scoreFlags(s, flags[f][k], options),
      flags: flags[f][k],
    }));
    return { sensitivity, files, total: totalScore(files) };
  });
  return {
    parameters: {
      ...detect,
      granularity: "hourly",
      flagAt: options.flagAt ?? "first-row",
      probationFraction: options.probationFraction ?? NAB_PROBATION_FRACTION,
      probationMaxRows: options.probationMaxRows ?? NAB_PROBATION_MAX_ROWS,
    },
    runs,
  };
}

/**
 * The NAB `realTweets` folder of the project's shared reference material
 * (`<repo>/../shared/nab/data/realTweets`), resolved from this module's location.
 */
export function defaultNabDataDir(): string {
  return fileURLToPath(new URL("../../../shared/nab/data/realTweets", import.meta.url));
}

async function detectAll(
  series: readonly NabSeries[],
  sensitivities: number[],
  detect: DetectParameters,
  workers: number,
  options: EvaluateNabOptions,
): Promise<HourFlag[][][]> {
  const totals = series.map((s) => countEvaluableHours(s.hours, detect));
  const dones = series.map(() => 0);
  let filesDone = 0;
  const progress = (f: number, done: number, total: number) => {
    dones[f] = done;
    totals[f] = total;
    if (done === total) filesDone++;
    options.onProgress?.({
      done: dones.reduce((a, b) => a + b, 0),
      total: totals.reduce((a, b) => a + b, 0),
      filesDone,
      files: series.length,
    });
  };
  if (workers === 0) {
    const out: HourFlag[][][] = [];
    for (let f = 0; f < series.length; f++) {
      out.push(sweepHours(series[f].hours, sensitivities, {
        ...detect,
        abortSignal: options.abortSignal,
        onProgress: (done, total) => progress(f, done, total),
      }));
      // Let other tasks (a notebook's display updates, an abort) run between files.
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    return out;
  }
  return await runInWorkers(series, sensitivities, detect, workers, options, progress);
}

function runInWorkers(
  series: readonly NabSeries[],
  sensitivities: number[],
  detect: DetectParameters,
  workers: number,
  options: EvaluateNabOptions,
  progress: (file: number, done: number, total: number) => void,
): Promise<HourFlag[][][]> {
  const signal = options.abortSignal;
  signal?.throwIfAborted();
  const out: HourFlag[][][] = new Array(series.length);
  const pool: Worker[] = [];
  let next = 0;
  let finished = 0;
  return new Promise<HourFlag[][][]>((resolve, reject) => {
    let settled = false;
    const stop = () => {
      for (const w of pool) w.terminate();
      signal?.removeEventListener("abort", onAbort);
    };
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      stop();
      reject(error);
    };
    const onAbort = () => fail(signal?.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    const give = (worker: Worker) => {
      if (next >= series.length) return;
      const task: WorkerTask = {
        id: next,
        hours: series[next].hours.map((h) => ({ timestamp: h.timestamp, value: h.value })),
        sensitivities,
        detect,
      };
      next++;
      worker.postMessage(task);
    };
    const count = Math.min(workers, series.length);
    for (let k = 0; k < count; k++) {
      const worker = new Worker(new URL("./_eval_worker.ts", import.meta.url), { type: "module" });
      pool.push(worker);
      worker.onmessage = (event: MessageEvent<WorkerReply>) => {
        const reply = event.data;
        if (reply.type === "progress") {
          progress(reply.id, reply.done, reply.total);
          return;
        }
        if (reply.type === "error") {
          fail(
            new Error(`Cannot evaluate NAB file "${series[reply.id].name}": ${reply.message}`),
          );
          return;
        }
        out[reply.id] = reply.flags;
        finished++;
        if (finished === series.length) {
          if (!settled) {
            settled = true;
            stop();
            resolve(out);
          }
          return;
        }
        give(worker);
      };
      worker.onerror = (event: ErrorEvent) => {
        event.preventDefault();
        fail(new Error(`Cannot evaluate NAB as a detection worker failed: ${event.message}`));
      };
      give(worker);
    }
  });
}
