/**
 * Server benchmark: drives `./run serve` (a separate process) for 30 s with last-point requests
 * of 169 hourly points at concurrency 16, and prints requests/s, p50/p99 latency, the error count
 * and the ratios to the 500 requests/s target (the rate limit of the retired service's paid tier)
 * and to a baseline measured in the same run: the in-process engine on one thread of this process.
 *
 * The requests cycle through 64 different series, so no answer can be reused.
 *
 * Usage: ./run bench server [--duration S] [--concurrency N] [--workers N] [--api-version V]
 *                           [--warmup S] [--target R] [--points N]
 * Exit code: 0 when no request failed, 1 otherwise (a missed target is printed, not an error).
 */
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { type ApiVersion, detectLastPoint } from "../lib/detect/mod.ts";
import { seededRandom as rng } from "../lib/source/seeded_random.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const HOUR = 3_600_000;

/** The tutorial's request: a week of hourly average likes plus the current hour. */
function requestBody(seed: number, points: number): string {
  const r = rng(seed);
  const start = Date.UTC(2019, 3, 1) + seed * HOUR;
  const series = Array.from({ length: points }, (_, i) => ({
    timestamp: new Date(start + i * HOUR).toISOString(),
    value: Math.round(
      (20 + 6 * Math.sin((2 * Math.PI * (i + seed)) / 24) + 3 * r() +
        (i === points - 1 && seed % 4 === 0 ? 25 : 0)) * 100,
    ) / 100,
  }));
  return JSON.stringify({ series, maxAnomalyRatio: 0.25, sensitivity: 95, granularity: "hourly" });
}

function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** Starts the server process and resolves with its URL once it prints "listening on". */
async function startServer(extra: string[]) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "cli/main.ts", "serve", "--port", "0", "--quiet", ...extra],
    cwd: ROOT,
    stdout: "piped",
    stderr: "inherit",
    env: { ANOMALY_DETECTOR_KEY: "" },
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (true) {
    const { done, value } = await reader.read();
    if (done) throw new Error(`the server exited before listening: ${text}`);
    text += value;
    const match = /listening on (http:\/\/[^\s]+)/.exec(text);
    if (match) {
      // Keep draining stdout so the server never blocks on a full pipe.
      (async () => {
        while (!(await reader.read()).done) { /* drain */ }
      })();
      return { child, url: match[1] };
    }
  }
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); NaN elsewhere. */
function cpuSeconds(pid: number | "self"): number {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // Fields 14 and 15 of stat(5): utime and stime, in clock ticks (100 per second on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

interface LoadResult {
  latenciesInMs: Float64Array;
  count: number;
  errors: number;
  firstError?: string;
  elapsedInMs: number;
}

async function drive(
  url: string,
  bodies: string[],
  concurrency: number,
  durationInMs: number,
): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let next = 0;
  const started = performance.now();
  const end = started + durationInMs;
  const loop = async () => {
    while (performance.now() < end) {
      const body = bodies[next++ % bodies.length];
      const t0 = performance.now();
      try {
        const response = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body,
        });
        const text = await response.text();
        if (response.status !== 200) {
          errors++;
          firstError ??= `HTTP ${response.status}: ${text.slice(0, 200)}`;
        }
      } catch (error) {
        errors++;
        firstError ??= String(error);
      }
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  const elapsedInMs = performance.now() - started;
  return {
    latenciesInMs: Float64Array.from(latencies).sort(),
    count: latencies.length,
    errors,
    firstError,
    elapsedInMs,
  };
}

export async function main(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      duration: { type: "string", default: "30" },
      warmup: { type: "string", default: "3" },
      concurrency: { type: "string", default: "16" },
      workers: { type: "string" },
      "api-version": { type: "string", default: "v1.0" },
      target: { type: "string", default: "500" },
      points: { type: "string", default: "169" },
    },
  });
  const durationInMs = Number(values.duration) * 1000;
  const warmupInMs = Number(values.warmup) * 1000;
  const concurrency = Number(values.concurrency);
  const target = Number(values.target);
  const points = Number(values.points);
  const apiVersion = values["api-version"] as ApiVersion;
  const bodies = Array.from({ length: 64 }, (_, seed) => requestBody(seed, points));

  // Baseline: the engine in this process, one thread, same requests, no HTTP.
  let baselineCalls = 0;
  const baselineCpu = cpuSeconds("self");
  const baselineStart = performance.now();
  while (performance.now() - baselineStart < 3000) {
    detectLastPoint(bodies[baselineCalls % bodies.length], { apiVersion });
    baselineCalls++;
  }
  const baselineRate = baselineCalls / ((performance.now() - baselineStart) / 1000);
  const baselineCpuPerCall = (cpuSeconds("self") - baselineCpu) / baselineCalls;

  const extra = values.workers === undefined ? [] : ["--workers", values.workers];
  const { child, url } = await startServer(extra);
  let result: LoadResult;
  let serverCpu: number;
  let driverCpu: number;
  const loadBefore = Deno.loadavg()[0];
  try {
    const endpoint = `${url}/anomalydetector/${apiVersion}/timeseries/last/detect`;
    await drive(endpoint, bodies, concurrency, warmupInMs);
    serverCpu = -cpuSeconds(child.pid);
    driverCpu = -cpuSeconds("self");
    result = await drive(endpoint, bodies, concurrency, durationInMs);
    serverCpu += cpuSeconds(child.pid);
    driverCpu += cpuSeconds("self");
  } finally {
    child.kill("SIGTERM");
    await child.status;
  }

  const rate = result.count / (result.elapsedInMs / 1000);
  const f = (ms: number) => `${ms.toFixed(1)} ms`;
  console.log(
    `server bench: POST /anomalydetector/${apiVersion}/timeseries/last/detect, ${points} hourly points, ` +
      `concurrency ${concurrency}, ${(result.elapsedInMs / 1000).toFixed(1)} s ` +
      `(after ${values.warmup} s warm-up), server workers: ${values.workers ?? "default"}, ` +
      `${navigator.hardwareConcurrency} cores`,
  );
  console.log(
    `baseline (in-process engine, 1 thread, no HTTP): ${baselineRate.toFixed(0)} calls/s, ${
      (1000 * baselineCpuPerCall).toFixed(2)
    } ms CPU per call`,
  );
  console.log(
    `HTTP: ${result.count} requests, ${rate.toFixed(0)} requests/s, latency p50 ${
      f(quantile(result.latenciesInMs, 0.5))
    }, p99 ${f(quantile(result.latenciesInMs, 0.99))}, max ${
      f(result.latenciesInMs.at(-1) ?? Number.NaN)
    }, errors ${result.errors}${result.firstError ? ` (first: ${result.firstError})` : ""}`,
  );
  console.log(
    `ratio to target ${target} requests/s: ${(rate / target).toFixed(2)} (${
      rate >= target ? "met" : "MISSED"
    }); ratio to in-process baseline: ${(rate / baselineRate).toFixed(2)}`,
  );
  console.log(
    `CPU during the run: server ${serverCpu.toFixed(1)} s (${
      (1000 * serverCpu / result.count).toFixed(2)
    } ms per request, ${
      (serverCpu / result.count / baselineCpuPerCall).toFixed(2)
    }× the engine's), load generator ${driverCpu.toFixed(1)} s; ` +
      `1-minute load average ${loadBefore.toFixed(1)} before, ${
        Deno.loadavg()[0].toFixed(1)
      } after`,
  );
  return result.errors === 0 ? 0 : 1;
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
