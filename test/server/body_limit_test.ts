import assert from "node:assert/strict";
import { bodyLimit, DetectorHttpError, type RequestContext } from "@/server";

function context(): RequestContext {
  return { requestId: "r", url: new URL("http://localhost/") };
}

function streamed(chunks: number[]): Request {
  const parts = chunks.map((n) => new Uint8Array(n).fill(0x61));
  return new Request("http://localhost/", {
    method: "POST",
    body: new ReadableStream({
      pull(controller) {
        const part = parts.shift();
        if (part === undefined) controller.close();
        else controller.enqueue(part);
      },
    }),
  });
}

const ok = () => Promise.resolve(new Response("next"));

Deno.test("bodyLimit() stores a streamed body within the limit in context.body", async () => {
  const ctx = context();
  const response = await bodyLimit({ maxBytes: 10 })(streamed([4, 6]), ctx, ok);
  assert.equal(await response.text(), "next");
  assert.deepEqual(ctx.body, new Uint8Array(10).fill(0x61));
});

Deno.test("bodyLimit() stops reading a streamed body once it passes the limit", async () => {
  await assert.rejects(
    bodyLimit({ maxBytes: 10 })(streamed([4, 6, 1]), context(), ok),
    (error) =>
      error instanceof DetectorHttpError && error.status === 413 &&
      error.code === "RequestEntityTooLarge" &&
      error.message ===
        "The request body is too large: the limit is 10 bytes, received more than 10 bytes.",
  );
});

Deno.test("bodyLimit() gives an empty body for a request without one", async () => {
  const ctx = context();
  await bodyLimit()(new Request("http://localhost/", { method: "POST" }), ctx, ok);
  assert.deepEqual(ctx.body, new Uint8Array(0));
});

Deno.test("bodyLimit() rejects a negative maxBytes", () => {
  assert.throws(() => bodyLimit({ maxBytes: -1 }), {
    name: "RangeError",
    message:
      "Cannot create body limit as maxBytes must be a non-negative integer: current value is -1",
  });
});

Deno.test("bodyLimit() answers a body that breaks off with 400 InvalidRequestBody", async () => {
  const request = new Request("http://localhost/", {
    method: "POST",
    body: new ReadableStream({
      start(controller) {
        controller.enqueue(new Uint8Array(3));
        controller.error(new Error("connection reset"));
      },
    }),
  });
  await assert.rejects(
    bodyLimit()(request, context(), ok),
    (error) =>
      error instanceof DetectorHttpError && error.status === 400 &&
      error.code === "InvalidRequestBody" &&
      error.message === "The request body could not be read to its end." &&
      (error.cause as Error).message === "connection reset",
  );
});
