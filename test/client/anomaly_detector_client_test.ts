import assert from "node:assert/strict";
import { AnomalyDetectorClient, AnomalyDetectorClientError } from "@/client";
import { createDetectorApp } from "@/server";
import { detectLastPoint } from "@/detect";
import { OK_BODY, startFaultServer } from "./_fault_server.ts";
import { hourlySeries } from "../server/_helpers.ts";

const request = { series: hourlySeries(48), granularity: "hourly" as const };

/** A sleep that records the delays and returns at once. */
function fakeSleep(): { delays: number[]; sleep: (ms: number) => Promise<void> } {
  const delays: number[] = [];
  return { delays, sleep: (ms) => (delays.push(ms), Promise.resolve()) };
}

async function rejection(promise: Promise<unknown>): Promise<AnomalyDetectorClientError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof AnomalyDetectorClientError, String(error));
    return error;
  }
  throw new Error("the call succeeded");
}

Deno.test("AnomalyDetectorClient.detectLastPoint() posts JSON to the versioned path with the key", async () => {
  await using server = startFaultServer([{ kind: "ok" }]);
  const client = new AnomalyDetectorClient(`${server.url}/`, { apiVersion: "v1.0", apiKey: "k1" });
  assert.deepEqual(await client.detectLastPoint(request), OK_BODY);
  assert.equal(server.seen.length, 1);
  assert.equal(server.seen[0].method, "POST");
  assert.equal(server.seen[0].path, "/anomalydetector/v1.0/timeseries/last/detect");
  assert.equal(server.seen[0].headers.get("ocp-apim-subscription-key"), "k1");
  assert.equal(server.seen[0].headers.get("content-type"), "application/json");
  assert.deepEqual(JSON.parse(server.seen[0].body), request);
});

Deno.test("AnomalyDetectorClient does not sleep after a success", async () => {
  await using server = startFaultServer([{ kind: "ok" }, { kind: "ok" }]);
  const { delays, sleep } = fakeSleep();
  const client = new AnomalyDetectorClient(server.url, { sleep });
  await client.detectLastPoint(request);
  await client.detectLastPoint(request);
  assert.deepEqual(delays, []);
});

Deno.test("AnomalyDetectorClient retries a 429 after Retry-After seconds", async () => {
  await using server = startFaultServer([
    { kind: "status", status: 429, headers: { "retry-after": "2" } },
    { kind: "ok" },
  ]);
  const { delays, sleep } = fakeSleep();
  const client = new AnomalyDetectorClient(server.url, { sleep });
  assert.deepEqual(await client.detectLastPoint(request), OK_BODY);
  assert.deepEqual(delays, [2000]);
  assert.equal(server.seen.length, 2);
});

Deno.test("AnomalyDetectorClient reads a Retry-After HTTP date against its clock", async () => {
  const now = Date.UTC(2026, 0, 1, 12, 0, 0);
  await using server = startFaultServer([
    { kind: "status", status: 429, headers: { "retry-after": new Date(now + 7000).toUTCString() } },
    { kind: "ok" },
  ]);
  const { delays, sleep } = fakeSleep();
  const client = new AnomalyDetectorClient(server.url, { sleep, now: () => now });
  await client.detectLastPoint(request);
  assert.deepEqual(delays, [7000]);
});

Deno.test("AnomalyDetectorClient caps Retry-After at maxRetryDelayInMs", async () => {
  await using server = startFaultServer([
    { kind: "status", status: 429, headers: { "retry-after": "3600" } },
    { kind: "ok" },
  ]);
  const { delays, sleep } = fakeSleep();
  const client = new AnomalyDetectorClient(server.url, { sleep, maxRetryDelayInMs: 5000 });
  await client.detectLastPoint(request);
  assert.deepEqual(delays, [5000]);
});

Deno.test("AnomalyDetectorClient backs off exponentially with full jitter on 503", async () => {
  await using server = startFaultServer([
    { kind: "status", status: 503 },
    { kind: "status", status: 503 },
    { kind: "status", status: 503 },
    { kind: "ok" },
  ]);
  const { delays, sleep } = fakeSleep();
  const draws = [0.5, 0.25, 1 - 2 ** -53];
  const client = new AnomalyDetectorClient(server.url, {
    sleep,
    random: () => draws.shift()!,
    retryDelayInMs: 100,
    maxRetryDelayInMs: 300,
  });
  await client.detectLastPoint(request);
  // 0.5·100, 0.25·200, ~1·min(300, 400)
  assert.deepEqual(delays, [50, 50, 300 * (1 - 2 ** -53)]);
  assert.equal(server.seen.length, 4);
});

Deno.test("AnomalyDetectorClient retries a dropped connection", async () => {
  await using server = startFaultServer([{ kind: "drop" }, { kind: "ok" }]);
  const { delays, sleep } = fakeSleep();
  const client = new AnomalyDetectorClient(server.url, { sleep, random: () => 0 });
  assert.deepEqual(await client.detectLastPoint(request), OK_BODY);
  assert.deepEqual(delays, [0]);
  assert.equal(server.seen.length, 2);
});

Deno.test("AnomalyDetectorClient reports a dropped connection as a retryable NetworkError", async () => {
  await using server = startFaultServer([{ kind: "drop" }]);
  const client = new AnomalyDetectorClient(server.url, { maxRetries: 0 });
  const error = await rejection(client.detectLastPoint(request));
  assert.equal(error.code, "NetworkError");
  assert.equal(error.status, 200);
  assert.equal(error.retryable, true);
});

Deno.test("AnomalyDetectorClient gives up after maxRetries with the last answer's error", async () => {
  await using server = startFaultServer(
    Array.from({ length: 3 }, () => ({
      kind: "status" as const,
      status: 503,
      body: { error: { code: "ServiceUnavailable", message: "overloaded" } },
    })),
  );
  const { delays, sleep } = fakeSleep();
  const client = new AnomalyDetectorClient(server.url, { sleep, maxRetries: 2, random: () => 0 });
  const error = await rejection(client.detectLastPoint(request));
  assert.equal(error.code, "ServiceUnavailable");
  assert.equal(error.message, "overloaded");
  assert.equal(error.status, 503);
  assert.equal(error.retryable, true);
  assert.equal(server.seen.length, 3);
  assert.deepEqual(delays, [0, 0]);
});

Deno.test("AnomalyDetectorClient does not retry a 400", async () => {
  await using server = startFaultServer([
    { kind: "status", status: 400, body: { code: "InvalidSeries", message: "too few" } },
  ]);
  const { delays, sleep } = fakeSleep();
  const client = new AnomalyDetectorClient(server.url, { sleep });
  const error = await rejection(client.detectLastPoint(request));
  assert.deepEqual(
    [error.code, error.message, error.status, error.retryable],
    ["InvalidSeries", "too few", 400, false],
  );
  assert.deepEqual(delays, []);
  assert.equal(server.seen.length, 1);
});

Deno.test("AnomalyDetectorClient times out a hanging attempt", async () => {
  await using server = startFaultServer([{ kind: "hang" }]);
  const client = new AnomalyDetectorClient(server.url, { maxRetries: 0 });
  const error = await rejection(client.detectLastPoint(request, { timeoutInMs: 50 }));
  assert.deepEqual(
    [error.code, error.message, error.status, error.retryable],
    ["Timeout", "The endpoint did not answer within 50 ms", undefined, true],
  );
});

Deno.test("AnomalyDetectorClient retries after a timed-out attempt", async () => {
  await using server = startFaultServer([{ kind: "hang" }, { kind: "ok" }]);
  const { delays, sleep } = fakeSleep();
  const client = new AnomalyDetectorClient(server.url, { sleep, timeoutInMs: 50, random: () => 0 });
  assert.deepEqual(await client.detectLastPoint(request), OK_BODY);
  assert.equal(server.seen.length, 2);
  assert.deepEqual(delays, [0]);
});

Deno.test("AnomalyDetectorClient stops a request in flight when aborted", async () => {
  await using server = startFaultServer([{ kind: "hang" }]);
  const client = new AnomalyDetectorClient(server.url);
  const controller = new AbortController();
  const call = client.detectLastPoint(request, { abortSignal: controller.signal });
  setTimeout(() => controller.abort(new Error("user gave up")), 20);
  const error = await rejection(call);
  assert.deepEqual([error.code, error.status, error.retryable], ["Aborted", undefined, false]);
  assert.equal((error.cause as Error).message, "user gave up");
  assert.equal(server.seen.length, 1);
});

Deno.test("AnomalyDetectorClient stops during the back-off sleep when aborted", async () => {
  await using server = startFaultServer([
    { kind: "status", status: 429, headers: { "retry-after": "60" } },
  ]);
  const controller = new AbortController();
  const client = new AnomalyDetectorClient(server.url);
  const call = client.detectLastPoint(request, { abortSignal: controller.signal });
  // The real sleep would last 60 s; the abort must end it at once.
  const poll = setInterval(() => {
    if (server.seen.length === 1) controller.abort();
  }, 5);
  try {
    const error = await rejection(call);
    assert.equal(error.code, "Aborted");
    assert.equal(server.seen.length, 1);
  } finally {
    clearInterval(poll);
  }
});

Deno.test("AnomalyDetectorClient sends nothing when the signal is already aborted", async () => {
  await using server = startFaultServer([]);
  const client = new AnomalyDetectorClient(server.url);
  const error = await rejection(
    client.detectLastPoint(request, { abortSignal: AbortSignal.abort() }),
  );
  assert.equal(error.code, "Aborted");
  assert.equal(server.seen.length, 0);
});

Deno.test("AnomalyDetectorClient reports a non-JSON success body as InvalidResponse", async () => {
  const client = new AnomalyDetectorClient("http://example.invalid", {
    fetch: () => Promise.resolve(new Response("<html>", { status: 200 })),
  });
  const error = await rejection(client.detectEntireSeries(request));
  assert.deepEqual([error.code, error.status, error.retryable], ["InvalidResponse", 200, false]);
});

Deno.test("AnomalyDetectorClient with endpoint local answers like the engine", async () => {
  const client = new AnomalyDetectorClient("local", { apiVersion: "v1.0" });
  assert.deepEqual(
    await client.detectLastPoint(request),
    JSON.parse(JSON.stringify(detectLastPoint(request, { apiVersion: "v1.0" }))),
  );
});

Deno.test("AnomalyDetectorClient with endpoint local turns engine errors into client errors", async () => {
  const client = new AnomalyDetectorClient("local");
  const error = await rejection(client.detectLastPoint({ series: [] }));
  assert.deepEqual(
    [error.code, error.message, error.status, error.retryable],
    ["BadArgument", "Invalid Input Format, input data is Empty.", 400, false],
  );
});

Deno.test("AnomalyDetectorClient gets the same answer from our server as from local", async () => {
  const app = createDetectorApp();
  await using server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, app.fetch);
  const http = new AnomalyDetectorClient(`http://127.0.0.1:${server.addr.port}`);
  const local = new AnomalyDetectorClient("local");
  assert.deepEqual(await http.detectEntireSeries(request), await local.detectEntireSeries(request));
  const error = await rejection(http.detectLastPoint({ series: request.series.slice(0, 5) }));
  const localError = await rejection(local.detectLastPoint({ series: request.series.slice(0, 5) }));
  assert.deepEqual(
    [error.code, error.message, error.status, error.retryable],
    [localError.code, localError.message, 400, false],
  );
});

Deno.test("new AnomalyDetectorClient() rejects an endpoint that is not local or http(s)", () => {
  assert.throws(() => new AnomalyDetectorClient("ftp://x"), {
    name: "TypeError",
    message:
      'Cannot create AnomalyDetectorClient as endpoint must be "local" or an http(s) URL: current value is "ftp://x"',
  });
});

Deno.test("new AnomalyDetectorClient() rejects a negative maxRetries", () => {
  assert.throws(() => new AnomalyDetectorClient("local", { maxRetries: -1 }), {
    name: "RangeError",
    message:
      "Cannot create AnomalyDetectorClient as maxRetries must be a non-negative integer: current value is -1",
  });
});
