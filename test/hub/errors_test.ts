import assert from "node:assert/strict";
import { HubError, toHubError } from "../../lib/hub/errors.ts";

function sdkError(code: string, retryable: boolean, message = "boom"): Error {
  return Object.assign(new Error(message), { name: "MessagingError", code, retryable });
}

Deno.test("toHubError() maps an unknown consumer group to EntityNotFound, not retryable", () => {
  const cause = sdkError("MessagingEntityNotFoundError", false, "group nope not found");
  const error = toHubError(cause, "receive from partition 0");
  assert.ok(error instanceof HubError);
  assert.equal(error.code, "EntityNotFound");
  assert.equal(error.retryable, false);
  assert.equal(error.sdkCode, "MessagingEntityNotFoundError");
  assert.equal(error.cause, cause);
  assert.equal(
    error.message,
    "Cannot receive from partition 0 as Event Hubs failed (MessagingEntityNotFoundError): group nope not found",
  );
});

Deno.test("toHubError() maps ServerBusyError to Busy, retryable", () => {
  const error = toHubError(sdkError("ServerBusyError", true), "send a batch");
  assert.deepEqual([error.code, error.retryable], ["Busy", true]);
});

Deno.test("toHubError() maps a stolen receiver link to OwnershipLost", () => {
  const error = toHubError(sdkError("ReceiverDisconnectedError", false), "receive");
  assert.deepEqual([error.code, error.retryable], ["OwnershipLost", false]);
});

Deno.test("toHubError() maps UnauthorizedError to Unauthorized", () => {
  const error = toHubError(sdkError("UnauthorizedError", false), "send");
  assert.deepEqual([error.code, error.retryable], ["Unauthorized", false]);
});

Deno.test("toHubError() maps a refused connection to Unavailable, retryable", () => {
  const cause = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
  const error = toHubError(cause, "connect");
  assert.deepEqual([error.code, error.retryable], ["Unavailable", true]);
});

Deno.test("toHubError() keeps UnauthorizedError not retryable although the SDK says retryable", () => {
  const error = toHubError(sdkError("UnauthorizedError", true), "send");
  assert.deepEqual([error.code, error.retryable], ["Unauthorized", false]);
});

Deno.test("toHubError() takes the SDK's retryable flag for an unknown SDK code", () => {
  const error = toHubError(sdkError("SomeNewError", true), "send");
  assert.deepEqual([error.code, error.retryable], ["Unknown", true]);
});

Deno.test("toHubError() maps AbortError to Aborted, never retryable", () => {
  const cause = Object.assign(new Error("aborted"), { name: "AbortError", retryable: true });
  const error = toHubError(cause, "send");
  assert.deepEqual([error.code, error.retryable], ["Aborted", false]);
});

Deno.test("toHubError() maps a TypeError to InvalidArgument", () => {
  const error = toHubError(new TypeError("partitionId must be a string"), "send");
  assert.deepEqual([error.code, error.retryable], ["InvalidArgument", false]);
});

Deno.test("toHubError() maps anything else to Unknown with its text", () => {
  const error = toHubError("weird", "send");
  assert.deepEqual([error.code, error.retryable, error.message], [
    "Unknown",
    false,
    "Cannot send as Event Hubs failed: weird",
  ]);
});

Deno.test("toHubError() returns a HubError unchanged", () => {
  const original = new HubError("x", "Busy", true);
  assert.equal(toHubError(original, "send"), original);
});

Deno.test("toHubError() translates an AggregateError by its first known inner error", () => {
  const refused = (port: number) =>
    Object.assign(new Error(`connect ECONNREFUSED 127.0.0.1:${port}`), { code: "ECONNREFUSED" });
  const error = toHubError(
    new AggregateError([new Error("odd"), refused(1), refused(2)]),
    "connect",
  );
  assert.deepEqual([error.code, error.retryable, error.sdkCode], [
    "Unavailable",
    true,
    "ECONNREFUSED",
  ]);
  assert.equal(
    error.message,
    "Cannot connect as Event Hubs failed (ECONNREFUSED): odd; connect ECONNREFUSED 127.0.0.1:1; connect ECONNREFUSED 127.0.0.1:2",
  );
});
