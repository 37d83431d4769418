import assert from "node:assert/strict";
import { ACCESS_DENIED_MESSAGE, DetectorHttpError, subscriptionKeyAuth } from "@/server";

const ctx = { requestId: "r", url: new URL("http://localhost/") };
const next = () => Promise.resolve(new Response("in"));
const withKey = (key?: string) =>
  new Request("http://localhost/", {
    headers: key === undefined ? {} : { "Ocp-Apim-Subscription-Key": key },
  });

Deno.test("subscriptionKeyAuth() lets in a request with a configured key", async () => {
  const auth = subscriptionKeyAuth({ keys: ["alpha", "beta"] });
  assert.equal(await (await auth(withKey("beta"), ctx, next)).text(), "in");
});

Deno.test("subscriptionKeyAuth() refuses a missing, wrong or prefixed key with 401", async () => {
  const auth = subscriptionKeyAuth({ keys: ["alpha"] });
  for (const key of [undefined, "", "alph", "alpha2", "ALPHA"]) {
    await assert.rejects(
      auth(withKey(key), ctx, next),
      (error) =>
        error instanceof DetectorHttpError && error.status === 401 && error.code === "401" &&
        error.message === ACCESS_DENIED_MESSAGE,
      String(key),
    );
  }
});

Deno.test("subscriptionKeyAuth() requires at least one key", () => {
  assert.throws(() => subscriptionKeyAuth({ keys: [] }), {
    name: "RangeError",
    message:
      "Cannot create subscription key auth as keys must hold at least one key: current value is []",
  });
});

Deno.test("subscriptionKeyAuth() rejects an empty key", () => {
  assert.throws(() => subscriptionKeyAuth({ keys: ["a", ""] }), {
    name: "TypeError",
    message:
      'Cannot create subscription key auth as keys[1] must be a non-empty string: current value is ""',
  });
});
