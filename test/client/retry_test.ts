import assert from "node:assert/strict";
import { backoffDelayInMs, isRetryableStatus, retryAfterInMs } from "../../lib/client/_retry.ts";

const now = Date.UTC(2026, 0, 1);

Deno.test("retryAfterInMs() reads seconds, HTTP dates and retry-after-ms", () => {
  assert.equal(retryAfterInMs(new Headers({ "retry-after": "3" }), now), 3000);
  assert.equal(retryAfterInMs(new Headers({ "retry-after": "0.5" }), now), 500);
  assert.equal(
    retryAfterInMs(new Headers({ "retry-after": new Date(now + 4000).toUTCString() }), now),
    4000,
  );
  assert.equal(
    retryAfterInMs(new Headers({ "retry-after-ms": "250", "retry-after": "9" }), now),
    250,
  );
  assert.equal(retryAfterInMs(new Headers({ "x-ms-retry-after-ms": "75" }), now), 75);
});

Deno.test("retryAfterInMs() gives 0 for a date in the past and undefined for junk", () => {
  assert.equal(
    retryAfterInMs(new Headers({ "retry-after": new Date(now - 4000).toUTCString() }), now),
    0,
  );
  assert.equal(retryAfterInMs(new Headers({ "retry-after": "soon" }), now), undefined);
  assert.equal(retryAfterInMs(new Headers(), now), undefined);
});

Deno.test("backoffDelayInMs() draws below base·2^attempt, capped", () => {
  assert.deepEqual(
    [0, 1, 2, 3, 4].map((attempt) => backoffDelayInMs(attempt, 100, 1000, () => 0.5)),
    [50, 100, 200, 400, 500],
  );
  assert.equal(backoffDelayInMs(3, 100, 1000, () => 0), 0);
});

Deno.test("isRetryableStatus() is true for 408, 429, 500, 502, 503, 504 only", () => {
  const statuses = [200, 400, 401, 404, 408, 413, 429, 500, 501, 502, 503, 504, 505];
  assert.deepEqual(statuses.filter(isRetryableStatus), [408, 429, 500, 502, 503, 504]);
});
