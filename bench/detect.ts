/**
 * Detection engine benchmark: median and p95 latency of entire detection on an 8640-point hourly
 * series (seasonal path) and a 2000-point minutely series (spectral-residual path), and of
 * last-point detection on 169- and 673-point hourly windows; points per second; ratios against
 * the targets and against a baseline measured in the same run (request validation alone, the
 * floor every detection pays).
 *
 * Usage: deno run -A bench/detect.ts [--runs N] [--json]
 */
import { parseArgs } from "node:util";
import { detectDetails, detectEntireSeries, detectLastPoint } from "../lib/detect/mod.ts";
import { parseDetectRequest } from "../lib/detect/parse.ts";
import { seededRandom as rng } from "../lib/source/seeded_random.ts";

const HOUR = 3_600_000;
const MINUTE = 60_000;

function series(values: number[], stepMs: number) {
  const t0 = Date.UTC(2024, 0, 1);
  return values.map((value, i) => ({ timestamp: new Date(t0 + i * stepMs).toISOString(), value }));
}

/** Hourly likes-like series with daily and weekly cycles, noise and a few spikes. */
function hourlySeasonal(n: number, seed: number): number[] {
  const r = rng(seed);
  return Array.from(
    { length: n },
    (_, i) =>
      200 + 40 * Math.sin((2 * Math.PI * i) / 24) + 15 * Math.sin((2 * Math.PI * i) / 168) +
      8 * r() + (i % 997 === 500 ? 120 : 0),
  );
}

/** Minutely random walk with spikes (no seasonality → spectral residual). */
function minutelyWalk(n: number, seed: number): number[] {
  const r = rng(seed);
  let w = 100;
  return Array.from({ length: n }, (_, i) => {
    w += r() - 0.5;
    return w + (i % 401 === 200 ? 25 : 0);
  });
}

interface Scenario {
  name: string;
  points: number;
  targetMs?: number;
  run: () => unknown;
  baseline: () => unknown;
}

function stats(samples: number[]): { median: number; p95: number } {
  const s = samples.slice().sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)];
  const m = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  return { median: m, p95: q(0.95) };
}

function time(fn: () => unknown, runs: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    out.push(performance.now() - t);
  }
  return out;
}

/** Runs the benchmark; returns 0 when every target is met, 1 otherwise. */
export async function main(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { runs: { type: "string", default: "21" }, json: { type: "boolean", default: false } },
  });
  const runs = Math.max(3, Number(values.runs));
  const entireSeasonal = { series: series(hourlySeasonal(8640, 1), HOUR), granularity: "hourly" };
  const entireSr = { series: series(minutelyWalk(2000, 2), MINUTE), granularity: "minutely" };
  const hourly = hourlySeasonal(673, 3);
  const last169 = { series: series(hourly.slice(-169), HOUR), granularity: "hourly" };
  const last673 = { series: series(hourly, HOUR), granularity: "hourly" };
  const modelOf = (req: unknown, mode: "entire" | "last") => {
    const { modelId, period } = detectDetails(req, mode);
    return `model ${modelId}, period ${period}`;
  };
  const scenarios: Scenario[] = [
    {
      name: `entire 8640 hourly (${modelOf(entireSeasonal, "entire")})`,
      points: 8640,
      targetMs: 250,
      run: () => detectEntireSeries(entireSeasonal),
      baseline: () => parseDetectRequest(entireSeasonal),
    },
    {
      name: `entire 2000 minutely (${modelOf(entireSr, "entire")})`,
      points: 2000,
      run: () => detectEntireSeries(entireSr),
      baseline: () => parseDetectRequest(entireSr),
    },
    {
      name: `last 169 hourly (${modelOf(last169, "last")})`,
      points: 169,
      targetMs: 10,
      run: () => detectLastPoint(last169),
      baseline: () => parseDetectRequest(last169),
    },
    {
      name: `last 673 hourly (${modelOf(last673, "last")})`,
      points: 673,
      run: () => detectLastPoint(last673),
      baseline: () => parseDetectRequest(last673),
    },
  ];
  let allMet = true;
  const rows = [];
  for (const s of scenarios) {
    time(s.run, 3); // warm-up (JIT)
    time(s.baseline, 3);
    const t = stats(time(s.run, runs));
    const b = stats(time(s.baseline, runs));
    const met = s.targetMs === undefined || t.median <= s.targetMs;
    if (!met) allMet = false;
    rows.push({
      scenario: s.name,
      medianMs: +t.median.toFixed(2),
      p95Ms: +t.p95.toFixed(2),
      pointsPerSecond: Math.round(s.points / (t.median / 1000)),
      validationMedianMs: +b.median.toFixed(3),
      ratioToValidation: +(t.median / b.median).toFixed(1),
      targetMs: s.targetMs ?? null,
      ratioToTarget: s.targetMs === undefined ? null : +(t.median / s.targetMs).toFixed(2),
      met,
    });
    await new Promise((r) => setTimeout(r, 0));
  }
  if (values.json) {
    console.log(JSON.stringify(rows, null, 2));
  } else {
    console.log(`detect benchmark: ${runs} timed runs per scenario after 3 warm-up runs`);
    for (const r of rows) {
      console.log(
        `${r.scenario}\n  median ${r.medianMs} ms, p95 ${r.p95Ms} ms, ${r.pointsPerSecond} points/s; ` +
          `${r.ratioToValidation}× validation alone (${r.validationMedianMs} ms)` +
          (r.targetMs === null
            ? ""
            : `; target ≤ ${r.targetMs} ms → ${r.ratioToTarget}× target ${
              r.met ? "(met)" : "(MISSED)"
            }`),
      );
    }
  }
  return allMet ? 0 : 1;
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
