import assert from "node:assert/strict";
import {
  createDetectorApp,
  DetectionPool,
  type DetectOperation,
  DetectorHttpError,
} from "@/server";
import { AnomalyDetectorError, detectLastPoint } from "@/detect";
import { detectRequest, hourlySeries } from "./_helpers.ts";

const body = { series: hourlySeries(72), granularity: "hourly", sensitivity: 95 };
const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

Deno.test("createDetectorApp({ pool }) answers like the in-process engine", async () => {
  using pool = new DetectionPool({ size: 2 });
  const app = createDetectorApp({ pool });
  const expected = JSON.stringify(detectLastPoint(body, { apiVersion: "v1.0" }));
  const responses = await Promise.all(
    Array.from({ length: 4 }, () => app.fetch(detectRequest("v1.0", "last", body))),
  );
  for (const response of responses) {
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "application/json");
    assert.equal(await response.text(), expected);
  }
});

Deno.test("createDetectorApp({ pool }) answers engine validation errors with 400", async () => {
  using pool = new DetectionPool({ size: 1 });
  const app = createDetectorApp({ pool });
  const response = await app.fetch(detectRequest("v1.1", "entire", { series: [] }));
  assert.equal(response.status, 400);
  assert.equal(response.headers.get("x-ms-error-code"), "BadArgument");
  assert.deepEqual(await response.json(), {
    code: "BadArgument",
    message: "Invalid Input Format, input data is Empty.",
  });
});

Deno.test("DetectionPool.run() rejects invalid JSON with a 400 InvalidJsonFormat error", async () => {
  using pool = new DetectionPool({ size: 1 });
  await assert.rejects(
    pool.run("last", "v1.1", new TextEncoder().encode("{nope")),
    (error) =>
      error instanceof DetectorHttpError && error.status === 400 &&
      error.code === "InvalidJsonFormat" && error.message === "The request body is not valid JSON.",
  );
});

Deno.test("DetectionPool.run() rejects with the engine's AnomalyDetectorError", async () => {
  using pool = new DetectionPool({ size: 1 });
  await assert.rejects(
    pool.run("last", "v1.0", encode({ series: hourlySeries(5) })),
    (error) =>
      error instanceof AnomalyDetectorError && error.status === 400 &&
      error.code === "InvalidSeries" &&
      error.message === "The 'series' field must have at least 12 points.",
  );
});

Deno.test("DetectionPool.run() rejects a failure inside a worker with a plain Error and goes on", async () => {
  using pool = new DetectionPool({ size: 1 });
  await assert.rejects(
    pool.run("sideways" as DetectOperation, "v1.1", encode(body)),
    (error) =>
      !(error instanceof AnomalyDetectorError) && error instanceof Error &&
      error.message.startsWith(
        "Detection failed in a worker: Error: Cannot run detection as the operation is unknown: sideways",
      ),
  );
  const response = await createDetectorApp({ pool }).fetch(detectRequest("v1.1", "last", body));
  assert.equal(response.status, 200);
  await response.body?.cancel();
});

Deno.test("DetectionPool.close() rejects tasks in flight and later ones", async () => {
  const pool = new DetectionPool({ size: 1 });
  const inFlight = pool.run("last", "v1.1", encode(body));
  pool.close();
  await assert.rejects(inFlight, { message: "Cannot finish detection as the pool was closed" });
  await assert.rejects(pool.run("last", "v1.1", encode(body)), {
    message: "Cannot run detection as the pool is closed",
  });
});

Deno.test("new DetectionPool() rejects a size below 1", () => {
  assert.throws(() => new DetectionPool({ size: 0 }), {
    name: "RangeError",
    message: "Cannot create detection pool as size must be a positive integer: current value is 0",
  });
});

Deno.test("createDetectorApp() refuses both engine and pool", () => {
  using pool = new DetectionPool({ size: 1 });
  assert.throws(
    () => createDetectorApp({ pool, engine: { detectEntireSeries: detectLastPoint } as never }),
    {
      name: "TypeError",
      message: "Cannot create detector app as engine and pool exclude each other: both were given",
    },
  );
});
