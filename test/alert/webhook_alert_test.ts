import assert from "node:assert/strict";
import {
  AlertDeliveryError,
  type AnomalyAlert,
  postWebhookAlert,
  webhookAlertHook,
  type WebhookAlertOptions,
} from "@/alert";

const alert: AnomalyAlert = {
  timestamp: new Date("2026-01-13T14:00:00Z"),
  value: 96,
  expectedValue: 12,
  upperBoundary: 14,
  lowerBoundary: 10,
  direction: "up",
  severity: 0.5,
  mode: "last",
};

/** A fake fetch answering from a script; records every request. */
function scripted(answers: Array<Response | Error>) {
  const requests: { url: string; init: RequestInit }[] = [];
  const fetch = ((url: string, init: RequestInit) => {
    requests.push({ url, init });
    const next = answers.shift();
    if (next === undefined) throw new Error("no more scripted answers");
    return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
  }) as unknown as typeof globalThis.fetch;
  return { fetch, requests };
}

function fakeTime(): { sleeps: number[]; options: Partial<WebhookAlertOptions> } {
  const sleeps: number[] = [];
  return {
    sleeps,
    options: {
      sleep: (ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
      random: () => 0.5,
      now: () => Date.parse("2026-01-13T15:00:00Z"),
    },
  };
}

const URL_ = "http://127.0.0.1:9/hook";

Deno.test("postWebhookAlert() posts the alert as JSON once on a 2xx answer", async () => {
  const { fetch, requests } = scripted([new Response("ok", { status: 202 })]);
  const result = await postWebhookAlert(URL_, alert, { fetch, headers: { authorization: "t" } });
  assert.deepEqual(result, { status: 202, attempts: 1 });
  assert.equal(requests.length, 1);
  assert.equal(requests[0].url, URL_);
  assert.equal(requests[0].init.method, "POST");
  assert.deepEqual(requests[0].init.headers, {
    "content-type": "application/json",
    authorization: "t",
  });
  const body = JSON.parse(requests[0].init.body as string);
  assert.equal(body.timestamp, "2026-01-13T14:00:00.000Z");
  assert.equal(body.direction, "up");
});

Deno.test("postWebhookAlert() retries 503 and network errors with growing back-off", async () => {
  const { fetch, requests } = scripted([
    new Response("busy", { status: 503 }),
    new TypeError("connection refused"),
    new Response("ok", { status: 200 }),
  ]);
  const time = fakeTime();
  const result = await postWebhookAlert(URL_, alert, {
    ...time.options,
    fetch,
    retryDelayInMs: 100,
  });
  assert.deepEqual(result, { status: 200, attempts: 3 });
  assert.equal(requests.length, 3);
  // half of the ceiling plus random 0.5 × half: 100 → 75, 200 → 150.
  assert.deepEqual(time.sleeps, [75, 150]);
});

Deno.test("postWebhookAlert() waits as long as Retry-After asks, capped", async () => {
  const { fetch } = scripted([
    new Response("slow down", { status: 429, headers: { "retry-after": "2" } }),
    new Response("later", { status: 429, headers: { "retry-after": "120" } }),
    new Response("ok", { status: 200 }),
  ]);
  const time = fakeTime();
  await postWebhookAlert(URL_, alert, { ...time.options, fetch, maxRetryDelayInMs: 5000 });
  assert.deepEqual(time.sleeps, [2000, 5000]);
});

Deno.test("postWebhookAlert() reads Retry-After as an HTTP date", async () => {
  const { fetch } = scripted([
    new Response("", { status: 503, headers: { "retry-after": "Tue, 13 Jan 2026 15:00:03 GMT" } }),
    new Response("ok", { status: 200 }),
  ]);
  const time = fakeTime();
  await postWebhookAlert(URL_, alert, { ...time.options, fetch });
  assert.deepEqual(time.sleeps, [3000]);
});

Deno.test("postWebhookAlert() does not retry a 400 answer", async () => {
  const { fetch, requests } = scripted([new Response("bad", { status: 400 })]);
  const error = await postWebhookAlert(URL_, alert, { ...fakeTime().options, fetch }).then(
    () => undefined,
    (e) => e,
  );
  assert.ok(error instanceof AlertDeliveryError);
  assert.equal(error.status, 400);
  assert.equal(error.attempts, 1);
  assert.equal(error.retryable, false);
  assert.equal(requests.length, 1);
});

Deno.test("postWebhookAlert() gives up after maxRetries with AlertDeliveryError", async () => {
  const { fetch, requests } = scripted([
    new Response("", { status: 500 }),
    new Response("", { status: 500 }),
    new Response("", { status: 502 }),
  ]);
  await assert.rejects(
    postWebhookAlert(URL_, alert, { ...fakeTime().options, fetch, maxRetries: 2 }),
    (error: unknown) => {
      assert.ok(error instanceof AlertDeliveryError);
      assert.equal(error.attempts, 3);
      assert.equal(error.status, 502);
      assert.equal(error.retryable, true);
      assert.match(error.message, /attempt 3 was answered with HTTP 502, no retries left/);
      return true;
    },
  );
  assert.equal(requests.length, 3);
});

Deno.test("postWebhookAlert() times out a hanging attempt and retries it", async () => {
  let calls = 0;
  const fetch = ((_url: string, init: RequestInit) => {
    calls++;
    if (calls === 2) return Promise.resolve(new Response("ok"));
    return new Promise((_, reject) => {
      init.signal!.addEventListener("abort", () => reject(init.signal!.reason), { once: true });
    });
  }) as unknown as typeof globalThis.fetch;
  const result = await postWebhookAlert(URL_, alert, {
    ...fakeTime().options,
    fetch,
    timeoutInMs: 10,
  });
  assert.deepEqual(result, { status: 200, attempts: 2 });
});

Deno.test("postWebhookAlert() stops waiting when abortSignal aborts", async () => {
  const { fetch } = scripted([new Response("", { status: 503 })]);
  const controller = new AbortController();
  const reason = new Error("stop");
  await assert.rejects(
    postWebhookAlert(URL_, alert, {
      fetch,
      retryDelayInMs: 60_000,
      abortSignal: controller.signal,
      sleep: (_ms, signal) => {
        controller.abort(reason);
        return Promise.reject(signal?.reason);
      },
    }),
    (error) => error === reason,
  );
});

Deno.test("postWebhookAlert() rejects a non-http URL naming it", async () => {
  await assert.rejects(
    postWebhookAlert("ftp://example.org/x", alert),
    { name: "TypeError", message: /url must be an http\(s\) URL: current value is "ftp:/ },
  );
});

Deno.test("webhookAlertHook() validates options when created", () => {
  assert.throws(
    () => webhookAlertHook(URL_, { maxRetries: -1 }),
    { name: "RangeError", message: /maxRetries must be an integer >= 0: current value is -1/ },
  );
});

Deno.test("webhookAlertHook() posts to a real local server", async () => {
  const received: unknown[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (request) => {
      received.push(await request.json());
      return new Response(null, { status: received.length === 1 ? 503 : 204 });
    },
  );
  try {
    const hook = webhookAlertHook(`http://127.0.0.1:${server.addr.port}/alerts`, {
      retryDelayInMs: 1,
    });
    await hook(alert);
    assert.equal(received.length, 2);
    assert.equal((received[1] as { value: number }).value, 96);
  } finally {
    await server.shutdown();
  }
});
