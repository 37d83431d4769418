import assert from "node:assert/strict";
import { join } from "node:path";
import {
  detectHours,
  evaluateNab,
  readNabSeries,
  scoreFlags,
  sweepHours,
} from "../../lib/eval/mod.ts";
import { writeSyntheticNab } from "./_synthetic_nab.ts";

async function withNab(fn: (dataDir: string) => Promise<void>): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "hubwatch-eval-" });
  try {
    await fn(await writeSyntheticNab(root));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

Deno.test("evaluateNab() scores every file with the tutorial's defaults", async () => {
  await withNab(async (dataDir) => {
    const ev = await evaluateNab(dataDir);
    assert.deepEqual(ev.parameters, {
      windowHours: 72,
      apiVersion: "v1.1",
      maxAnomalyRatio: 0.25,
      granularity: "hourly",
      flagAt: "first-row",
      probationFraction: 0.15,
      probationMaxRows: 750,
    });
    assert.deepEqual(ev.runs.map((r) => r.sensitivity), [95]);
    assert.deepEqual(ev.runs[0].files.map((f) => [f.name, f.evaluatedHours]), [
      ["Twitter_volume_A.csv", 28],
      ["Twitter_volume_B.csv", 28],
    ]);
  });
});

Deno.test("evaluateNab() equals detectHours() then scoreFlags() for each file", async () => {
  await withNab(async (dataDir) => {
    const ev = await evaluateNab(dataDir, { files: ["Twitter_volume_B.csv"] });
    const series = await readNabSeries(join(dataDir, "Twitter_volume_B.csv"));
    const flags = detectHours(series.hours);
    assert.deepEqual(ev.runs[0].files, [{ ...scoreFlags(series, flags), flags }]);
  });
});

Deno.test("evaluateNab() finds the burst window of both synthetic files", async () => {
  await withNab(async (dataDir) => {
    const ev = await evaluateNab(dataDir);
    assert.deepEqual(
      [ev.runs[0].total.events.windows, ev.runs[0].total.events.found],
      [2, 2],
    );
  });
});

Deno.test("evaluateNab() gives one run per sensitivity from sweepHours()", async () => {
  await withNab(async (dataDir) => {
    const ev = await evaluateNab(dataDir, {
      sensitivities: [99, 40],
      files: ["Twitter_volume_A.csv"],
    });
    const series = await readNabSeries(join(dataDir, "Twitter_volume_A.csv"));
    const swept = sweepHours(series.hours, [99, 40]);
    assert.deepEqual(ev.runs.map((r) => r.sensitivity), [99, 40]);
    assert.deepEqual(ev.runs.map((r) => r.files[0].flags), swept);
  });
});

Deno.test("evaluateNab() in worker threads returns the same results as in-process", async () => {
  await withNab(async (dataDir) => {
    const progress: number[] = [];
    const inProcess = await evaluateNab(dataDir, { sensitivities: [95, 70] });
    const workers = await evaluateNab(dataDir, {
      sensitivities: [95, 70],
      workers: 2,
      onProgress: (p) => progress.push(p.filesDone),
    });
    assert.deepEqual(workers, inProcess);
    assert.equal(progress.at(-1), 2);
  });
});

Deno.test("evaluateNab() rejects an unknown file name naming it", async () => {
  await withNab(async (dataDir) => {
    await assert.rejects(
      () => evaluateNab(dataDir, { files: ["nope.csv"] }),
      new RangeError(
        `Cannot evaluate NAB as files must name .csv files of "${dataDir}": current value is "nope.csv"`,
      ),
    );
  });
});

Deno.test("evaluateNab() rejects a negative worker count", async () => {
  await assert.rejects(
    () => evaluateNab("/nonexistent", { workers: -1 }),
    new RangeError("Cannot evaluate NAB as workers must be an integer >= 0: current value is -1"),
  );
});

Deno.test("evaluateNab() stops its workers when aborted", async () => {
  await withNab(async (dataDir) => {
    const controller = new AbortController();
    const run = evaluateNab(dataDir, { workers: 1, abortSignal: controller.signal });
    setTimeout(() => controller.abort(new Error("stopped by test")), 0);
    await assert.rejects(() => run, /stopped by test/);
  });
});
