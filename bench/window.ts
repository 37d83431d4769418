/**
 * `./run bench window [--events N] [--runs R]`: aggregates N events (default 10,000,000) into
 * hourly windows with polars (`aggregateWindows`, groupByDynamic) and commits the result to a
 * history table in a temporary folder. Prints events/s against the 5,000,000 events/s target
 * and against a baseline measured in the same run: a plain JavaScript loop over the same
 * typed arrays.
 *
 * Inputs: events over 30 days in arrival order (time order with up to 10 minutes of
 * out-of-order jitter, as a stream delivers them), and the same events fully shuffled.
 * @module
 */
import pl from "nodejs-polars";
import { parseArgs } from "node:util";
import { aggregateWindows, WindowAggregator } from "@/window";
import { HistoryTable } from "@/store";
import { seededRandom as mulberry32 } from "../lib/source/seeded_random.ts";

const TARGET_EVENTS_PER_SECOND = 5_000_000;
const H = 3_600_000;

function frameOf(times: Float64Array, values: Float64Array): pl.DataFrame {
  return pl.DataFrame([
    pl.Series("timestamp", times).cast(pl.Int64).cast(pl.Datetime("ms", "UTC")),
    pl.Series("favorite", values),
  ]);
}

function best(runs: number, fn: () => void): number {
  let bestMs = Infinity;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    bestMs = Math.min(bestMs, performance.now() - start);
  }
  return bestMs;
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

/** Runs the benchmark; returns 0 when the aggregation meets the target, 1 otherwise. */
export async function main(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      events: { type: "string", default: "10000000" },
      runs: { type: "string", default: "3" },
    },
  });
  const n = Number(values.events);
  const runs = Number(values.runs);
  if (!Number.isInteger(n) || n < 1 || !Number.isInteger(runs) || runs < 1) {
    console.error(
      `--events and --runs must be positive integers: current values are ${values.events}, ${values.runs}`,
    );
    return 2;
  }
  const random = mulberry32(42);
  const start = Date.UTC(2026, 0, 5);
  const span = 30 * 24 * H;
  const times = new Float64Array(n);
  const favorites = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    times[i] = start + Math.floor((i / n) * span) - Math.floor(random() * 600_000);
    favorites[i] = Math.floor(-Math.log(1 - random()) * 20);
  }
  const shuffledTimes = Float64Array.from(times);
  const shuffledFavorites = Float64Array.from(favorites);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [shuffledTimes[i], shuffledTimes[j]] = [shuffledTimes[j], shuffledTimes[i]];
    [shuffledFavorites[i], shuffledFavorites[j]] = [shuffledFavorites[j], shuffledFavorites[i]];
  }
  console.log(`window bench: ${fmt(n)} events over 30 days into 1-hour windows, best of ${runs}`);

  const buildStart = performance.now();
  const arrival = frameOf(times, favorites);
  const buildMs = performance.now() - buildStart;
  const shuffled = frameOf(shuffledTimes, shuffledFavorites);

  let windows = aggregateWindows(arrival);
  const polarsMs = best(runs, () => {
    windows = aggregateWindows(arrival);
  });
  const shuffledMs = best(runs, () => aggregateWindows(shuffled));

  const baselineMs = best(runs, () => {
    const count = new Map<number, number>();
    const sum = new Map<number, number>();
    const max = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const w = Math.floor(times[i] / H) * H;
      const v = favorites[i];
      count.set(w, (count.get(w) ?? 0) + 1);
      sum.set(w, (sum.get(w) ?? 0) + v);
      if (!(max.get(w)! >= v)) max.set(w, v);
    }
  });

  const incrementalEvents = Math.min(n, 1_000_000);
  const batch = Array.from({ length: 10_000 }, () => ({ timestamp: 0, favorite: 0 }));
  const incrementalMs = best(1, () => {
    const aggregator = new WindowAggregator({ graceInMs: H });
    for (let offset = 0; offset < incrementalEvents; offset += batch.length) {
      const size = Math.min(batch.length, incrementalEvents - offset);
      for (let i = 0; i < size; i++) {
        batch[i].timestamp = times[offset + i];
        batch[i].favorite = favorites[offset + i];
      }
      aggregator.add(size === batch.length ? batch : batch.slice(0, size));
    }
  });

  const dir = await Deno.makeTempDir({ prefix: "hubwatch-bench-window-" });
  let commitMs: number;
  try {
    const table = await HistoryTable.open(`${dir}/history`);
    const commitStart = performance.now();
    await table.write(windows, { mode: "complete" });
    commitMs = performance.now() - commitStart;
    const back = await table.read();
    if (back.length !== windows.height) throw new Error("read-back mismatch");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }

  const rate = (ms: number, events = n) => events / (ms / 1000);
  const polarsRate = rate(polarsMs);
  console.log(`  frame build (typed arrays → DataFrame)   ${buildMs.toFixed(0).padStart(7)} ms`);
  console.log(
    `  polars aggregateWindows, arrival order    ${polarsMs.toFixed(0).padStart(7)} ms  ${
      fmt(polarsRate).padStart(12)
    } events/s  (${windows.height} windows)`,
  );
  console.log(
    `  polars aggregateWindows, shuffled         ${shuffledMs.toFixed(0).padStart(7)} ms  ${
      fmt(rate(shuffledMs)).padStart(12)
    } events/s`,
  );
  console.log(
    `  baseline: JS Map loop                     ${baselineMs.toFixed(0).padStart(7)} ms  ${
      fmt(rate(baselineMs)).padStart(12)
    } events/s`,
  );
  console.log(
    `  WindowAggregator, 10k micro-batches       ${incrementalMs.toFixed(0).padStart(7)} ms  ${
      fmt(rate(incrementalMs, incrementalEvents)).padStart(12)
    } events/s  (${fmt(incrementalEvents)} events)`,
  );
  console.log(
    `  commit ${windows.height} windows (complete mode) ${commitMs.toFixed(0).padStart(7)} ms`,
  );
  console.log(
    `  aggregation + commit                      ${
      (polarsMs + commitMs).toFixed(0).padStart(7)
    } ms  ${fmt(rate(polarsMs + commitMs)).padStart(12)} events/s`,
  );
  console.log(
    `  polars vs baseline: ${(baselineMs / polarsMs).toFixed(2)}x · vs target ${
      fmt(TARGET_EVENTS_PER_SECOND)
    } events/s: ${(polarsRate / TARGET_EVENTS_PER_SECOND).toFixed(2)}x ${
      polarsRate >= TARGET_EVENTS_PER_SECOND ? "(met)" : "(NOT met)"
    }`,
  );
  return polarsRate >= TARGET_EVENTS_PER_SECOND ? 0 : 1;
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
