import assert from "node:assert/strict";
import {
  ACCESS_DENIED_MESSAGE,
  createDetectorApp,
  type DetectorEngine,
  type DetectorLogEntry,
  INTERNAL_ERROR_MESSAGE,
} from "@/server";
import {
  AnomalyDetectorError,
  detectChangePoint,
  detectEntireSeries,
  detectLastPoint,
} from "@/detect";
import { detectRequest, hourlySeries, UUID } from "./_helpers.ts";

const series = hourlySeries(48);

async function engineError(run: () => unknown): Promise<{ code: string; message: string }> {
  try {
    await run();
  } catch (error) {
    assert.ok(error instanceof AnomalyDetectorError);
    return { code: error.code, message: error.message };
  }
  throw new Error("the engine accepted the request");
}

Deno.test("createDetectorApp() answers last-point detection with the engine's result", async () => {
  const body = { series, granularity: "hourly", sensitivity: 95 };
  const response = await createDetectorApp().fetch(detectRequest("v1.1", "last", body));
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("content-type"), "application/json");
  assert.match(response.headers.get("apim-request-id") ?? "", UUID);
  assert.equal(
    await response.text(),
    JSON.stringify(detectLastPoint(body, { apiVersion: "v1.1" })),
  );
});

Deno.test("createDetectorApp() answers entire detection with the engine's result", async () => {
  const body = { series, granularity: "hourly" };
  const response = await createDetectorApp().fetch(detectRequest("v1.0", "entire", body));
  assert.equal(response.status, 200);
  assert.equal(
    await response.text(),
    JSON.stringify(detectEntireSeries(body, { apiVersion: "v1.0" })),
  );
});

Deno.test("createDetectorApp() answers change-point detection with the engine's result", async () => {
  const body = { series, granularity: "hourly" };
  const response = await createDetectorApp().fetch(detectRequest("v1.1", "changepoint", body));
  assert.equal(response.status, 200);
  assert.equal(
    await response.text(),
    JSON.stringify(detectChangePoint(body, { apiVersion: "v1.1" })),
  );
});

Deno.test("createDetectorApp() passes the URL's API version to the engine", async () => {
  const seen: unknown[] = [];
  const engine: DetectorEngine = {
    detectEntireSeries: (_r, o) => (seen.push(o?.apiVersion), detectEntireSeries(_r, o)),
    detectLastPoint: (_r, o) => (seen.push(o?.apiVersion), detectLastPoint(_r, o)),
    detectChangePoint: (_r, o) => (seen.push(o?.apiVersion), detectChangePoint(_r, o)),
  };
  const app = createDetectorApp({ engine });
  for (const version of ["v1.0", "v1.1-preview", "v1.1-preview.1", "v1.1"]) {
    const response = await app.fetch(detectRequest(version, "last", { series }));
    assert.equal(response.status, 200);
    await response.body?.cancel();
  }
  assert.deepEqual(seen, ["v1.0", "v1.1-preview", "v1.1-preview.1", "v1.1"]);
});

Deno.test("createDetectorApp() accepts text/json and a missing content type", async () => {
  const app = createDetectorApp();
  const body = JSON.stringify({ series, granularity: "hourly" }, null, 2);
  const expected = JSON.stringify(
    detectLastPoint({ series, granularity: "hourly" }, { apiVersion: "v1.0" }),
  );
  for (const headers of [{ "content-type": "text/json" }, {}] as Record<string, string>[]) {
    const response = await app.fetch(detectRequest("v1.0", "last", body, headers));
    assert.equal(response.status, 200);
    assert.equal(await response.text(), expected);
  }
});

Deno.test("createDetectorApp() answers 415 for a non-JSON content type", async () => {
  const response = await createDetectorApp().fetch(
    detectRequest("v1.1", "last", { series }, { "content-type": "multipart/form-data" }),
  );
  assert.equal(response.status, 415);
  assert.deepEqual(await response.json(), {
    code: "415",
    message:
      'The Content-Type "multipart/form-data" is not supported; send application/json or text/json.',
  });
});

Deno.test("createDetectorApp() answers validation errors with the engine's code and message", async () => {
  const body = { series: series.slice(0, 5), granularity: "hourly" };
  const expected = await engineError(() => detectLastPoint(body, { apiVersion: "v1.1" }));
  const response = await createDetectorApp().fetch(detectRequest("v1.1", "last", body));
  assert.equal(response.status, 400);
  assert.equal(response.headers.get("x-ms-error-code"), expected.code);
  assert.deepEqual(await response.json(), expected);
});

Deno.test("createDetectorApp() omits x-ms-error-code on v1.0 errors", async () => {
  const response = await createDetectorApp().fetch(detectRequest("v1.0", "last", {}));
  assert.equal(response.status, 400);
  assert.equal(response.headers.get("x-ms-error-code"), null);
  await response.body?.cancel();
});

Deno.test("createDetectorApp() answers malformed JSON with 400 InvalidJsonFormat", async () => {
  const response = await createDetectorApp().fetch(
    detectRequest("v1.1", "entire", '{"series": [1, 2'),
  );
  assert.equal(response.status, 400);
  assert.equal(response.headers.get("x-ms-error-code"), "InvalidJsonFormat");
  assert.deepEqual(await response.json(), {
    code: "InvalidJsonFormat",
    message: "The request body is not valid JSON.",
  });
});

Deno.test("createDetectorApp() answers an empty body with 400 InvalidJsonFormat", async () => {
  const response = await createDetectorApp().fetch(detectRequest("v1.0", "entire", ""));
  assert.equal(response.status, 400);
  assert.deepEqual(await response.json(), {
    code: "InvalidJsonFormat",
    message: "The request body is empty; send a JSON object.",
  });
});

Deno.test("createDetectorApp() answers an unknown path with 404", async () => {
  const response = await createDetectorApp().fetch(
    detectRequest("v2.0", "last", { series }),
  );
  assert.equal(response.status, 404);
  assert.equal(response.headers.get("content-type"), "application/json");
  assert.match(response.headers.get("apim-request-id") ?? "", UUID);
  assert.deepEqual(await response.json(), { code: "404", message: "Resource not found" });
});

Deno.test("createDetectorApp() answers a wrong method with 405 and Allow: POST", async () => {
  const response = await createDetectorApp().fetch(
    new Request("http://localhost/anomalydetector/v1.1/timeseries/last/detect"),
  );
  assert.equal(response.status, 405);
  assert.equal(response.headers.get("allow"), "POST");
  assert.equal(response.headers.get("x-ms-error-code"), "405");
  assert.deepEqual(await response.json(), {
    code: "405",
    message: "The method GET is not allowed for this resource; use POST.",
  });
});

Deno.test("createDetectorApp() answers a body over maxBodyBytes with 413", async () => {
  const app = createDetectorApp({ maxBodyBytes: 100 });
  const response = await app.fetch(detectRequest("v1.0", "last", { series }));
  assert.equal(response.status, 413);
  assert.deepEqual(await response.json(), {
    code: "RequestEntityTooLarge",
    message: "The request body is too large: the limit is 100 bytes, received more than 100 bytes.",
  });
});

Deno.test("createDetectorApp() answers 413 from the declared Content-Length alone", async () => {
  const app = createDetectorApp({ maxBodyBytes: 100 });
  const response = await app.fetch(
    detectRequest("v1.0", "last", "{}", { "content-length": "101" }),
  );
  assert.equal(response.status, 413);
  assert.deepEqual(await response.json(), {
    code: "RequestEntityTooLarge",
    message: "The request body is too large: the limit is 100 bytes, received 101 bytes.",
  });
});

Deno.test("createDetectorApp() answers 401 without a configured subscription key", async () => {
  const app = createDetectorApp({ subscriptionKeys: ["key-one", "key-two"] });
  for (
    const headers of [{}, { "ocp-apim-subscription-key": "wrong" }] as Record<string, string>[]
  ) {
    const response = await app.fetch(detectRequest("v1.0", "last", { series }, headers));
    assert.equal(response.status, 401);
    assert.deepEqual(await response.json(), { code: "401", message: ACCESS_DENIED_MESSAGE });
  }
});

Deno.test("createDetectorApp() lets in a request carrying any configured key", async () => {
  const app = createDetectorApp({ subscriptionKeys: ["key-one", "key-two"] });
  for (const key of ["key-one", "key-two"]) {
    const response = await app.fetch(
      detectRequest("v1.0", "last", { series }, { "Ocp-Apim-Subscription-Key": key }),
    );
    assert.equal(response.status, 200);
    await response.body?.cancel();
  }
});

Deno.test("createDetectorApp() answers an engine crash with 500 and logs it", async () => {
  const failure = new TypeError("boom");
  const crash = () => {
    throw failure;
  };
  const logs: DetectorLogEntry[] = [];
  const app = createDetectorApp({
    engine: { detectEntireSeries: crash, detectLastPoint: crash, detectChangePoint: crash },
    onLog: (entry) => logs.push(entry),
  });
  const response = await app.fetch(detectRequest("v1.1", "last", { series }));
  assert.equal(response.status, 500);
  assert.equal(response.headers.get("x-ms-error-code"), "InternalServerError");
  assert.deepEqual(await response.json(), {
    code: "InternalServerError",
    message: INTERNAL_ERROR_MESSAGE,
  });
  assert.equal(logs.length, 1);
  assert.equal(logs[0].level, "error");
  assert.equal(logs[0].status, 500);
  assert.equal(logs[0].message, "TypeError: boom");
  assert.equal(logs[0].error, failure);
  assert.equal(logs[0].requestId, response.headers.get("apim-request-id"));
});

Deno.test("createDetectorApp() logs one info entry per answered request", async () => {
  const logs: DetectorLogEntry[] = [];
  const app = createDetectorApp({ onLog: (entry) => logs.push(entry) });
  const response = await app.fetch(detectRequest("v1.0", "last", {}));
  await response.body?.cancel();
  assert.equal(logs.length, 1);
  const { durationInMs, ...rest } = logs[0];
  assert.ok(durationInMs >= 0);
  assert.deepEqual(rest, {
    level: "info",
    requestId: response.headers.get("apim-request-id"),
    method: "POST",
    path: "/anomalydetector/v1.0/timeseries/last/detect",
    status: 400,
    code: "BadArgument",
    message: "Invalid Input Format, input data is Empty.",
  });
});

Deno.test("createDetectorApp() answers even when the log hook throws", async () => {
  const app = createDetectorApp({
    onLog: () => {
      throw new Error("log sink down");
    },
  });
  const response = await app.fetch(detectRequest("v1.0", "last", { series }));
  assert.equal(response.status, 200);
  await response.body?.cancel();
});

Deno.test("createDetectorApp() reads integer fields by their literal, as the engine does", async () => {
  const text = `{"series": ${
    JSON.stringify(series)
  }, "granularity": "hourly", "sensitivity": 95.0}`;
  const expected = await engineError(() => detectLastPoint(text, { apiVersion: "v1.1" }));
  const response = await createDetectorApp().fetch(detectRequest("v1.1", "last", text));
  assert.equal(response.status, 400);
  assert.deepEqual(await response.json(), expected);
});

Deno.test("createDetectorApp() answers timestamps with and without milliseconds alike", async () => {
  const app = createDetectorApp();
  const bodies = [".000Z", "Z"].map((suffix) => ({
    series: series.map((p) => ({ ...p, timestamp: p.timestamp.replace(/(\.000)?Z$/, suffix) })),
    granularity: "hourly",
  }));
  assert.equal(bodies[0].series[0].timestamp, "2019-04-01T00:00:00.000Z");
  assert.equal(bodies[1].series[0].timestamp, "2019-04-01T00:00:00Z");
  const [withMs, withoutMs] = await Promise.all(
    bodies.map(async (body) => {
      const response = await app.fetch(detectRequest("v1.0", "entire", body));
      assert.equal(response.status, 200);
      return await response.text();
    }),
  );
  assert.equal(withMs, withoutMs);
});

Deno.test("createDetectorApp() treats repeated slashes in the path as one", async () => {
  const response = await createDetectorApp().fetch(
    new Request("http://localhost//anomalydetector/v1.0//timeseries/last/detect", {
      method: "POST",
      body: new TextEncoder().encode(JSON.stringify({ series, granularity: "hourly" })),
    }),
  );
  assert.equal(response.status, 200);
  assert.equal(
    await response.text(),
    JSON.stringify(detectLastPoint({ series, granularity: "hourly" }, { apiVersion: "v1.0" })),
  );
});
