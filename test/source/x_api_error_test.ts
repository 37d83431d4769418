import assert from "node:assert/strict";
import { toXApiError, XApiError } from "../../lib/source/x_api_error.ts";
import { createXClient } from "../../lib/source/x_client.ts";
import { startFakeXApi } from "./fake_x_api.ts";

async function errorOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

Deno.test("toXApiError() turns a 403 from the real client into a forbidden error naming X_BEARER_TOKEN", async () => {
  const fake = await startFakeXApi();
  try {
    fake.script({ status: 403, body: { title: "Forbidden", detail: "Client Forbidden" } });
    const client = createXClient("test-token", { baseUrl: fake.url });
    const error = toXApiError(await errorOf(client.v2.search("#Azure")), "search");
    assert.equal(error.code, "forbidden");
    assert.equal(error.retryable, false);
    assert.equal(
      error.message,
      "Cannot search as the X API refused access for this token (HTTP 403): Client Forbidden; " +
        "check X_BEARER_TOKEN and the app's access level",
    );
  } finally {
    await fake.close();
  }
});

Deno.test("toXApiError() marks a 503 as a retryable server error", async () => {
  const fake = await startFakeXApi();
  try {
    fake.script({ status: 503 });
    const client = createXClient("test-token", { baseUrl: fake.url });
    const error = toXApiError(await errorOf(client.v2.search("#Azure")), "search");
    assert.deepEqual([error.code, error.retryable, error.status], ["server-error", true, 503]);
  } finally {
    await fake.close();
  }
});

Deno.test("toXApiError() reads the reset time of a 429 from the rate-limit headers", async () => {
  const fake = await startFakeXApi({ now: () => 1_700_000_000_000, rateWindowInMs: 60_000 });
  try {
    fake.script({ status: 429 });
    const client = createXClient("test-token", { baseUrl: fake.url });
    const error = toXApiError(await errorOf(client.v2.search("#Azure")), "search");
    assert.deepEqual([error.code, error.retryable, error.resetAtInMs], [
      "rate-limited",
      true,
      1_700_000_060_000,
    ]);
  } finally {
    await fake.close();
  }
});

Deno.test("toXApiError() passes an XApiError through unchanged", () => {
  const original = new XApiError("x", { code: "network", retryable: true });
  assert.equal(toXApiError(original), original);
});

Deno.test("toXApiError() wraps anything else as unexpected, keeping the cause", () => {
  const cause = new TypeError("boom");
  const error = toXApiError(cause, "search");
  assert.deepEqual([error.code, error.retryable, error.message, error.cause], [
    "unexpected",
    false,
    "Cannot search: boom",
    cause,
  ]);
});
