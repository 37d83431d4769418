import assert from "node:assert/strict";
import { AnomalyDetectorClient } from "@/client";
import { createDetectorApp } from "@/server";
import { HistoryTable } from "@/store";
import type { WindowRow } from "@/window";
import type { AnomalyAlert } from "@/alert";
import {
  type AnalyzeSource,
  AnomaliesTable,
  detectHistory,
  granularityOf,
  latestCompleteWindowEnd,
  runAnalyzeJob,
  type SourceEvent,
  WindowCloseDetector,
} from "@/pipeline";

const HOUR = 3_600_000;
const T0 = Date.parse("2026-01-05T00:00:00Z");

/** A quiet hourly series (deterministic) with optional spikes: index → value. */
function values(n: number, spikes: Record<number, number> = {}): number[] {
  let state = 12345;
  return Array.from({ length: n }, (_, i) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return spikes[i] ?? 10 + 0.3 * Math.sin(i / 3) + 0.2 * (state / 2147483648);
  });
}

function windowsOf(series: number[]): WindowRow[] {
  return series.map((v, i) => ({
    groupTime: new Date(T0 + i * HOUR),
    windowEnd: new Date(T0 + (i + 1) * HOUR),
    average: v,
    count: 10,
    sum: v * 10,
    max: v * 2,
  }));
}

async function tables(series: number[]) {
  const dir = await Deno.makeTempDir({ prefix: "hubwatch-detect-" });
  const historyPath = `${dir}/history`;
  const anomaliesPath = `${dir}/anomalies`;
  const history = await HistoryTable.open(historyPath);
  if (series.length > 0) await history.write(windowsOf(series));
  return {
    dir,
    history,
    historyPath,
    anomaliesPath,
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

const client = new AnomalyDetectorClient("local");

function request(series: number[]) {
  return {
    series: series.map((v, i) => ({ timestamp: new Date(T0 + i * HOUR).toISOString(), value: v })),
    granularity: "hourly" as const,
    sensitivity: 95,
    maxAnomalyRatio: 0.25,
  };
}

Deno.test("detectHistory() asks about the last of the 72 windows ending at endTime", async () => {
  const series = values(100, { 80: 60 });
  await using t = await tables(series);
  const now = new Date("2026-11-26T00:00:00Z");
  const result = await detectHistory({
    historyPath: t.historyPath,
    anomaliesPath: t.anomaliesPath,
    endTime: new Date(T0 + 81 * HOUR),
    entire: false,
    now: () => now,
  });
  const expected = await client.detectLastPoint(request(series.slice(9, 81)));
  assert.equal(result.last?.status, "detected");
  if (result.last?.status !== "detected") return;
  assert.equal(result.last.points, 72);
  assert.deepEqual(result.last.record, {
    timestamp: new Date(T0 + 80 * HOUR),
    mode: "last",
    value: 60,
    expectedValue: expected.expectedValue,
    upperBoundary: expected.expectedValue + expected.upperMargin,
    lowerBoundary: expected.expectedValue - expected.lowerMargin,
    isAnomaly: true,
    direction: "up",
    severity: expected.severity,
    detectedAt: now,
  });
  const stored = await (await AnomaliesTable.open(t.anomaliesPath)).read();
  assert.deepEqual(stored, [result.last.record]);
});

Deno.test("detectHistory() skips last-point detection with 12 points or fewer", async () => {
  await using t = await tables(values(12));
  const result = await detectHistory({
    historyPath: t.historyPath,
    anomaliesPath: t.anomaliesPath,
    entire: false,
  });
  assert.deepEqual(result.last, {
    status: "skipped",
    endTime: new Date(T0 + 12 * HOUR),
    points: 12,
    reason: "Skipped last-point detection: it needs more than 12 points in the 72 hours " +
      "ending at 2026-01-05T12:00:00.000Z, found 12",
  });
  assert.deepEqual(await (await AnomaliesTable.open(t.anomaliesPath)).read(), []);
});

Deno.test("detectHistory() detects with 13 points", async () => {
  await using t = await tables(values(13));
  const result = await detectHistory({
    historyPath: t.historyPath,
    anomaliesPath: t.anomaliesPath,
    entire: false,
  });
  assert.equal(result.last?.status, "detected");
  assert.equal(result.last?.points, 13);
});

Deno.test("detectHistory() defaults endTime to the latest window closed by the stream's watermark", async () => {
  await using t = await tables([]);
  await t.history.write(windowsOf(values(30)), {
    progress: {
      appId: "hubwatch-analyze",
      batchId: 0,
      positions: { "0": { sequenceNumber: 5 }, "1": { sequenceNumber: 7 } },
      // Watermark: min(27:30, 29:10) − 1 h = 26:30 → the latest closed window ends at 26:00.
      maxEventTimeByPartition: { "0": T0 + 27.5 * HOUR, "1": T0 + 29 * HOUR + 600_000 },
    },
  });
  assert.deepEqual(await latestCompleteWindowEnd(t.history), new Date(T0 + 26 * HOUR));
  assert.deepEqual(
    await latestCompleteWindowEnd(t.history, { inputEnded: true }),
    new Date(T0 + 30 * HOUR),
  );
  // Idle partitions do not hold it back: max(27:30, 29:10) − 1 h = 28:10 → 28:00.
  assert.deepEqual(
    await latestCompleteWindowEnd(t.history, { partitionsIdle: true }),
    new Date(T0 + 28 * HOUR),
  );
  const result = await detectHistory({
    historyPath: t.historyPath,
    anomaliesPath: t.anomaliesPath,
    entire: false,
  });
  assert.deepEqual(result.last?.endTime, new Date(T0 + 26 * HOUR));
  assert.equal(result.last?.points, 26);
});

Deno.test("detectHistory() commits every entire-series verdict and replaces older ones", async () => {
  const series = values(60, { 30: 45, 50: 0.5 });
  await using t = await tables(series);
  const first = await detectHistory({
    historyPath: t.historyPath,
    anomaliesPath: t.anomaliesPath,
    last: false,
  });
  const response = await client.detectEntireSeries(request(series));
  assert.equal(first.entire?.status, "detected");
  if (first.entire?.status !== "detected") return;
  assert.equal(first.entire.records.length, 60);
  assert.deepEqual(
    first.entire.records.map((r) => r.isAnomaly),
    response.isAnomaly,
  );
  assert.deepEqual(
    first.entire.anomalies.map((r) => [r.timestamp.getTime(), r.direction]),
    response.isAnomaly.flatMap((a, i) =>
      a ? [[T0 + i * HOUR, response.isPositiveAnomaly[i] ? "up" : "down"]] : []
    ),
  );
  assert.ok(first.entire.anomalies.some((r) => r.timestamp.getTime() === T0 + 30 * HOUR));
  // A shorter history afterwards: the entire rows are replaced, not merged.
  await t.history.write(windowsOf(series.slice(0, 40)), { mode: "complete" });
  await detectHistory({ historyPath: t.historyPath, anomaliesPath: t.anomaliesPath, last: false });
  const stored = await (await AnomaliesTable.open(t.anomaliesPath)).read({ mode: "entire" });
  assert.equal(stored.length, 40);
});

Deno.test("detectHistory() reports a failed detection call instead of throwing", async () => {
  await using t = await tables(values(30));
  const failing = new AnomalyDetectorClient("http://127.0.0.1:9", {
    maxRetries: 0,
    fetch: () =>
      Promise.resolve(
        new Response(JSON.stringify({ code: "InvalidSeries", message: "bad series" }), {
          status: 400,
          headers: { "content-type": "application/json" },
        }),
      ),
  });
  const result = await detectHistory({
    historyPath: t.historyPath,
    anomaliesPath: t.anomaliesPath,
    client: failing,
  });
  assert.equal(result.last?.status, "failed");
  assert.equal(result.entire?.status, "failed");
  if (result.last?.status === "failed") assert.match(result.last.error.message, /bad series/);
});

Deno.test("detectHistory() alerts on a flagged last point and survives a failing hook", async () => {
  await using t = await tables(values(40, { 39: 80 }));
  const seen: AnomalyAlert[] = [];
  const errors: string[] = [];
  const result = await detectHistory({
    historyPath: t.historyPath,
    anomaliesPath: t.anomaliesPath,
    entire: false,
    alert: (alert) => {
      seen.push(alert);
      throw new Error("webhook down");
    },
    onAlertError: (error) => errors.push(error.message),
  });
  assert.equal(result.alerts, 1);
  assert.equal(result.alertErrors, 1);
  assert.deepEqual(errors, ["webhook down"]);
  assert.equal(seen.length, 1);
  assert.deepEqual(seen[0].timestamp, new Date(T0 + 39 * HOUR));
  assert.equal(seen[0].direction, "up");
  assert.equal(seen[0].mode, "last");
});

Deno.test("detectHistory() rejects a bad sensitivity naming it", async () => {
  await using t = await tables(values(20));
  await assert.rejects(
    detectHistory({ historyPath: t.historyPath, anomaliesPath: t.anomaliesPath, sensitivity: 120 }),
    {
      name: "RangeError",
      message: /sensitivity must be a number from 0 to 99: current value is 120/,
    },
  );
});

Deno.test("granularityOf() maps window sizes to API granularities", () => {
  assert.deepEqual(granularityOf(3_600_000), { granularity: "hourly" });
  assert.deepEqual(granularityOf(86_400_000), { granularity: "daily" });
  assert.deepEqual(granularityOf(60_000), { granularity: "minutely" });
  assert.deepEqual(granularityOf(300_000), { granularity: "minutely", customInterval: 5 });
  assert.throws(() => granularityOf(1500), /whole number of minutes: current value is 1500/);
});

Deno.test("WindowCloseDetector detects once at every window a watermark closes", async () => {
  const series = values(30, { 20: 70 });
  await using t = await tables(series);
  const alerts: AnomalyAlert[] = [];
  const detector = new WindowCloseDetector({
    historyPath: t.historyPath,
    anomaliesPath: t.anomaliesPath,
    alert: (a) => {
      alerts.push(a);
    },
  });
  detector.watermark(new Date(T0 + 21 * HOUR + 1)); // closes windows 0..20
  detector.watermark(new Date(T0 + 21 * HOUR + 2)); // nothing new
  detector.watermark(new Date(T0 + 25 * HOUR)); // closes 21..24
  await detector.idle();
  assert.deepEqual(detector.stats, {
    windows: 25,
    detected: 13,
    skipped: 12,
    failed: 0,
    anomalies: detector.stats.anomalies,
    alerts: alerts.length,
    alertErrors: 0,
    tableErrors: 0,
  });
  const stored = await (await AnomaliesTable.open(t.anomaliesPath)).read({ mode: "last" });
  assert.deepEqual(
    stored.map((r) => r.timestamp.getTime()),
    Array.from({ length: 13 }, (_, i) => T0 + (12 + i) * HOUR),
  );
  const direct = await client.detectLastPoint(request(series.slice(0, 21)));
  assert.equal(direct.isAnomaly, true);
  assert.ok(alerts.some((a) => a.timestamp.getTime() === T0 + 20 * HOUR));
  assert.equal(detector.stats.anomalies, stored.filter((r) => r.isAnomaly).length);
});

Deno.test("WindowCloseDetector resumes after the last verdict already in the table", async () => {
  await using t = await tables(values(30));
  const first = new WindowCloseDetector({
    historyPath: t.historyPath,
    anomaliesPath: t.anomaliesPath,
  });
  first.watermark(new Date(T0 + 20 * HOUR));
  await first.idle();
  const second = new WindowCloseDetector({
    historyPath: t.historyPath,
    anomaliesPath: t.anomaliesPath,
  });
  second.watermark(new Date(T0 + 22 * HOUR));
  await second.idle();
  assert.equal(second.stats.windows, 2);
  assert.equal(second.stats.detected, 2);
});

/** Events of `series` (10 per hour, value = the hour's average) on 2 partitions, one batch. */
function hourlySource(series: number[]): AnalyzeSource {
  const events: SourceEvent[] = [];
  series.forEach((v, h) => {
    for (let k = 0; k < 10; k++) {
      const p = k % 2;
      events.push({
        partitionId: String(p),
        sequenceNumber: h * 5 + Math.floor(k / 2),
        offset: "0",
        event: { timestamp: T0 + h * HOUR + k * 60_000, favorite: v },
      });
    }
  });
  return () => ({
    async *[Symbol.asyncIterator]() {
      for (let i = 0; i < events.length; i += 100) {
        await Promise.resolve();
        yield events.slice(i, i + 100);
      }
    },
  });
}

Deno.test("runAnalyzeJob() consumes, detects at every closed window, then detects once more", async () => {
  const series = values(40, { 35: 90 });
  await using t = await tables([]);
  const result = await runAnalyzeJob({
    source: hourlySource(series),
    historyPath: t.historyPath,
    anomaliesPath: t.anomaliesPath,
    continuous: true,
    maxBatchEvents: 100,
  });
  assert.equal(result.analyze.events, 400);
  assert.equal(result.analyze.stoppedBy, "end");
  // The ended input closes all 40 windows: 12 skipped, 28 detected.
  assert.equal(result.continuous?.windows, 40);
  assert.equal(result.continuous?.skipped, 12);
  assert.equal(result.continuous?.detected, 28);
  assert.equal(result.detection?.windows, 40);
  assert.deepEqual(result.detection?.last?.endTime, new Date(T0 + 40 * HOUR));
  assert.equal(result.detection?.entire?.status, "detected");
  const stored = await (await AnomaliesTable.open(t.anomaliesPath)).read();
  assert.equal(stored.filter((r) => r.mode === "entire").length, 40);
  assert.equal(stored.filter((r) => r.mode === "last").length, 28);
  assert.ok(
    stored.some((r) =>
      r.mode === "last" && r.isAnomaly && r.timestamp.getTime() === T0 + 35 * HOUR
    ),
  );
});

Deno.test("runAnalyzeJob() stops at maxEvents and still detects", async () => {
  await using t = await tables([]);
  const result = await runAnalyzeJob({
    source: hourlySource(values(30)),
    historyPath: t.historyPath,
    anomaliesPath: t.anomaliesPath,
    maxEvents: 200,
    maxBatchEvents: 100,
  });
  assert.equal(result.analyze.events, 200);
  assert.equal(result.analyze.stoppedBy, "end");
  assert.equal(result.detection?.windows, 20);
});

Deno.test("runAnalyzeJob() with entire false runs only last-point detection at the end", async () => {
  await using t = await tables([]);
  const result = await runAnalyzeJob({
    source: hourlySource(values(30)),
    historyPath: t.historyPath,
    anomaliesPath: t.anomaliesPath,
    entire: false,
  });
  assert.equal(result.detection?.entire, undefined);
  assert.equal(result.detection?.last?.status, "detected");
  const modes = (await (await AnomaliesTable.open(t.anomaliesPath)).read()).map((r) => r.mode);
  assert.deepEqual(modes, ["last"]);
});

Deno.test("runAnalyzeJob() stopped when idle takes endTime from the partition that got furthest", async () => {
  // Partition 0 carries hours 0..29, partition 1 only hours 0..9; the source then waits.
  const events: SourceEvent[] = [];
  const series = values(30);
  const sequence = [0, 0];
  series.forEach((v, h) => {
    for (let k = 0; k < 4; k++) {
      const p = h < 10 && k % 2 === 1 ? 1 : 0;
      events.push({
        partitionId: String(p),
        sequenceNumber: sequence[p]++,
        offset: "0",
        event: { timestamp: T0 + h * HOUR + k * 600_000, favorite: v },
      });
    }
  });
  const source: AnalyzeSource = ({ abortSignal }) => ({
    async *[Symbol.asyncIterator]() {
      yield events;
      await new Promise((resolve) => abortSignal.addEventListener("abort", resolve));
    },
  });
  await using t = await tables([]);
  const result = await runAnalyzeJob(
    {
      source,
      historyPath: t.historyPath,
      anomaliesPath: t.anomaliesPath,
      idleTimeoutInMs: 50,
      entire: false,
    } as Parameters<typeof runAnalyzeJob>[0],
  );
  assert.equal(result.analyze.stoppedBy, "idle");
  // max(29:30) − 1 h = 28:30 → the window ending 28:00; the min rule would give 9:00.
  assert.deepEqual(result.detection?.last?.endTime, new Date(T0 + 28 * HOUR));
});

Deno.test("detectHistory() gives the same verdicts through an HTTP endpoint as in process", async () => {
  const app = createDetectorApp({ subscriptionKeys: ["k1"] });
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (request) => app.fetch(request),
  );
  try {
    const series = values(50, { 45: 40 });
    await using local = await tables(series);
    await using remote = await tables(series);
    const fixed = { endTime: new Date(T0 + 46 * HOUR), now: () => new Date(0) };
    const a = await detectHistory({
      ...fixed,
      historyPath: local.historyPath,
      anomaliesPath: local.anomaliesPath,
    });
    const b = await detectHistory({
      ...fixed,
      historyPath: remote.historyPath,
      anomaliesPath: remote.anomaliesPath,
      client: new AnomalyDetectorClient(`http://127.0.0.1:${server.addr.port}`, { apiKey: "k1" }),
    });
    assert.equal(b.last?.status, "detected");
    assert.deepEqual(b.last, a.last);
    assert.deepEqual(b.entire, a.entire);
  } finally {
    await server.shutdown();
  }
});
