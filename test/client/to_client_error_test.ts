import assert from "node:assert/strict";
import { toClientError } from "../../lib/client/_to_client_error.ts";
import { AnomalyDetectorError } from "@/detect";

const fields = (e: { code: string; message: string; status?: number; retryable: boolean }) => [
  e.code,
  e.message,
  e.status,
  e.retryable,
];

Deno.test("toClientError() names a non-JSON error answer after its status", () => {
  assert.deepEqual(
    fields(toClientError({ kind: "status", status: 502, text: "Bad Gateway" })),
    ["Http502", "The endpoint answered HTTP 502: Bad Gateway", 502, true],
  );
});

Deno.test("toClientError() reads Azure's nested error body", () => {
  const text = JSON.stringify({ error: { code: "401", message: "Access denied" } });
  assert.deepEqual(
    fields(toClientError({ kind: "status", status: 401, text })),
    ["401", "Access denied", 401, false],
  );
});

Deno.test("toClientError() keeps a local engine error's code, message and status", () => {
  const error = new AnomalyDetectorError("InternalServerError", "boom", { status: 500 });
  assert.deepEqual(
    fields(toClientError({ kind: "local", error })),
    ["InternalServerError", "boom", 500, false],
  );
});
