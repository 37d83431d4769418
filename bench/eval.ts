/**
 * `./run bench eval`: cost of the NAB evaluation's detection loop.
 *
 * 1. Baseline: `detectLastPoint` once per hour and sensitivity (what a naive sweep does), over the
 *    first `--hours` evaluable hours of `Twitter_volume_AAPL.csv`, for `--sensitivities` values.
 * 2. `sweepHours`: one model pass per hour, each further sensitivity from the margin step only.
 *    Same flags as (1) (checked here and in test/eval/detect_hours_test.ts); prints the speed-up.
 * 3. `evaluateNab` on `--files` files: in-process vs `--workers` worker threads (wall clock).
 * @module
 */
import { parseArgs } from "node:util";
import { detectLastPoint } from "@/detect";
import { defaultNabDataDir, evaluateNab, readNabSeries, sweepHours } from "@/eval";

function positive(name: string, value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1) {
    throw new RangeError(`--${name} must be a positive integer: current value is ${value}`);
  }
  return n;
}

/** Runs the benchmark; returns the exit code. */
export async function main(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      hours: { type: "string", default: "150" },
      sensitivities: { type: "string", default: "5" },
      files: { type: "string", default: "2" },
      workers: { type: "string", default: String(Math.max(2, navigator.hardwareConcurrency ?? 2)) },
    },
  });
  let hoursWanted: number, sCount: number, fileCount: number, workers: number;
  try {
    hoursWanted = positive("hours", values.hours!);
    sCount = positive("sensitivities", values.sensitivities!);
    fileCount = positive("files", values.files!);
    workers = positive("workers", values.workers!);
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  const dataDir = defaultNabDataDir();
  const series = await readNabSeries(`${dataDir}/Twitter_volume_AAPL.csv`);
  const hours = series.hours.slice(0, 72 + hoursWanted);
  const sensitivities = Array.from({ length: sCount }, (_, k) => 95 - k * 10);

  let t0 = performance.now();
  const naive: boolean[][] = sensitivities.map(() => []);
  for (let i = 72; i < hours.length; i++) {
    const request = {
      series: hours.slice(i - 72, i + 1).map((h) => ({ timestamp: h.timestamp, value: h.value })),
      granularity: "hourly" as const,
      maxAnomalyRatio: 0.25,
    };
    sensitivities.forEach((sensitivity, k) => {
      naive[k].push(detectLastPoint({ ...request, sensitivity }).isAnomaly);
    });
  }
  const naiveMs = performance.now() - t0;

  t0 = performance.now();
  const swept = sweepHours(hours, sensitivities);
  const sweptMs = performance.now() - t0;
  const same = swept.every((flags, k) => flags.every((f, i) => f.isAnomaly === naive[k][i]));
  const n = hours.length - 72;
  console.log(
    `AAPL, ${n} hours × ${sCount} sensitivities (${
      sensitivities.join(", ")
    }), API v1.1, window 72 h`,
  );
  console.log(
    `  baseline detectLastPoint per hour and sensitivity: ${naiveMs.toFixed(0)} ms (${
      (naiveMs / (n * sCount)).toFixed(2)
    } ms per request)`,
  );
  console.log(
    `  sweepHours, one model pass per hour:               ${sweptMs.toFixed(0)} ms (${
      (sweptMs / n).toFixed(2)
    } ms per hour) · ${(naiveMs / sweptMs).toFixed(2)}x faster · same flags: ${same}`,
  );

  const names = ["Twitter_volume_AAPL.csv", "Twitter_volume_AMZN.csv", "Twitter_volume_CRM.csv"]
    .slice(0, fileCount);
  t0 = performance.now();
  const inProcess = await evaluateNab(dataDir, { files: names, workers: 0 });
  const inProcessMs = performance.now() - t0;
  t0 = performance.now();
  const pooled = await evaluateNab(dataDir, { files: names, workers });
  const pooledMs = performance.now() - t0;
  const total = inProcess.runs[0].total.evaluatedHours;
  console.log(`evaluateNab on ${names.length} files (${total} hours), sensitivity 95`);
  console.log(
    `  in-process: ${(inProcessMs / 1000).toFixed(1)} s (${
      (inProcessMs / total).toFixed(2)
    } ms per hour)`,
  );
  console.log(
    `  ${workers} workers:  ${(pooledMs / 1000).toFixed(1)} s · ${
      (inProcessMs / pooledMs).toFixed(2)
    }x the in-process rate · same results: ${
      JSON.stringify(pooled.runs) === JSON.stringify(inProcess.runs)
    }`,
  );
  return same ? 0 : 1;
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
