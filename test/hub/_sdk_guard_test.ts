import assert from "node:assert/strict";
import {
  holdSdkDefectGuard,
  isKnownSdkDefect,
  settleWithinGuarded,
} from "../../lib/hub/_sdk_guard.ts";

function sdkDefect(): TypeError {
  const error = new TypeError("Cannot read properties of undefined (reading 'address')");
  error.stack =
    `${error.message}\n    at rejectOnAbort (file:///x/core-amqp/dist/esm/requestResponseLink.js:132:39)`;
  return error;
}

Deno.test("isKnownSdkDefect() recognises the SDK's removed-link TypeError only", () => {
  assert.equal(isKnownSdkDefect(sdkDefect()), true);
  assert.equal(
    isKnownSdkDefect(new TypeError("Cannot read properties of undefined (reading 'address')")),
    false,
  );
  assert.equal(isKnownSdkDefect(new Error("reading 'address' requestResponseLink")), false);
});

Deno.test("settleWithinGuarded() keeps the SDK defect from being reported as uncaught", async () => {
  let notPrevented: boolean | undefined;
  await settleWithinGuarded(() => {
    const event = new ErrorEvent("error", { error: sdkDefect(), cancelable: true });
    notPrevented = globalThis.dispatchEvent(event);
    return Promise.resolve();
  }, 1000);
  assert.equal(notPrevented, false);
});

Deno.test("settleWithinGuarded() lets other uncaught errors through", async () => {
  let notPrevented: boolean | undefined;
  await settleWithinGuarded(() => {
    const event = new ErrorEvent("error", { error: new TypeError("other"), cancelable: true });
    notPrevented = globalThis.dispatchEvent(event);
    return Promise.resolve();
  }, 1000);
  assert.equal(notPrevented, true);
});

Deno.test("settleWithinGuarded() stops waiting for a promise that never settles", async () => {
  assert.equal(await settleWithinGuarded(() => new Promise(() => {}), 10), false);
});

Deno.test("settleWithinGuarded() resolves true when the function settles, even by rejecting", async () => {
  assert.equal(await settleWithinGuarded(() => Promise.reject(new Error("x")), 1000), true);
});

Deno.test("holdSdkDefectGuard() guards until every holder released it", () => {
  const dispatch = () =>
    globalThis.dispatchEvent(new ErrorEvent("error", { error: sdkDefect(), cancelable: true }));
  const releaseA = holdSdkDefectGuard();
  const releaseB = holdSdkDefectGuard();
  assert.equal(dispatch(), false);
  releaseA();
  releaseA();
  assert.equal(dispatch(), false);
  releaseB();
  assert.equal(dispatch(), true);
});
