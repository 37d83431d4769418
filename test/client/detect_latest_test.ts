import assert from "node:assert/strict";
import { AnomalyDetectorClient, detectLatest, type LatestPoint } from "@/client";
import { detectLastPoint } from "@/detect";

const HOUR = 3_600_000;
const start = Date.UTC(2019, 3, 8, 1);

function points(count: number): LatestPoint[] {
  return Array.from({ length: count }, (_, i) => ({
    timestamp: new Date(start + i * HOUR),
    value: 10 + (i % 3) + (i === count - 1 ? 30 : 0),
  }));
}

/** A client whose fetch records request bodies and answers `answer`. */
function recordingClient(bodies: unknown[], answer: unknown = { isAnomaly: true }) {
  return new AnomalyDetectorClient("http://detector.invalid", {
    fetch: async (_url, init) => {
      bodies.push(JSON.parse(String(init?.body)));
      return await Promise.resolve(Response.json(answer));
    },
  });
}

Deno.test("detectLatest() returns undefined for 12 points without calling the endpoint", async () => {
  const bodies: unknown[] = [];
  assert.equal(await detectLatest(points(12), { client: recordingClient(bodies) }), undefined);
  assert.deepEqual(bodies, []);
});

Deno.test("detectLatest() sends the points sorted by time with the tutorial's parameters", async () => {
  const bodies: unknown[] = [];
  const input = points(13).reverse();
  const result = await detectLatest(input, { client: recordingClient(bodies) });
  assert.deepEqual(result, { isAnomaly: true });
  assert.deepEqual(bodies, [{
    series: points(13).map((p) => ({
      timestamp: (p.timestamp as Date).toISOString(),
      value: p.value,
    })),
    maxAnomalyRatio: 0.25,
    sensitivity: 95,
    granularity: "hourly",
  }]);
});

Deno.test("detectLatest() does not reorder the caller's array", async () => {
  const input = points(13).reverse();
  const copy = structuredClone(input);
  await detectLatest(input, { client: recordingClient([]) });
  assert.deepEqual(input, copy);
});

Deno.test("detectLatest() accepts ISO strings and overrides of the defaults", async () => {
  const bodies: Record<string, unknown>[] = [];
  const input = points(13).map((p) => ({
    timestamp: (p.timestamp as Date).toISOString().replace(".000Z", "Z"),
    value: p.value,
  }));
  await detectLatest(input, {
    client: recordingClient(bodies),
    sensitivity: 80,
    maxAnomalyRatio: 0.1,
    granularity: "minutely",
  });
  assert.deepEqual(
    [bodies[0].sensitivity, bodies[0].maxAnomalyRatio, bodies[0].granularity],
    [80, 0.1, "minutely"],
  );
  assert.equal(
    (bodies[0].series as { timestamp: string }[])[0].timestamp,
    "2019-04-08T01:00:00.000Z",
  );
});

Deno.test("detectLatest() answers like v1.0 last-point detection of the in-process engine", async () => {
  const input = points(48);
  const expected = detectLastPoint({
    series: input.map((p) => ({ timestamp: (p.timestamp as Date).toISOString(), value: p.value })),
    maxAnomalyRatio: 0.25,
    sensitivity: 95,
    granularity: "hourly",
  }, { apiVersion: "v1.0" });
  assert.deepEqual(await detectLatest(input.toReversed()), expected);
});

Deno.test("detectLatest() rejects an unreadable timestamp naming the point", async () => {
  const input: LatestPoint[] = [...points(13), { timestamp: "yesterday", value: 1 }];
  await assert.rejects(detectLatest(input), {
    name: "RangeError",
    message:
      'Cannot detect the latest point as points[13].timestamp must be a valid date: current value is "yesterday"',
  });
});
