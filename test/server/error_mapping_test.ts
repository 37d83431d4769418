import assert from "node:assert/strict";
import { DetectorHttpError, errorToResponse, INTERNAL_ERROR_MESSAGE } from "@/server";
import { AnomalyDetectorError } from "@/detect";

Deno.test("errorToResponse() keeps a DetectorHttpError's status, body and headers", async () => {
  const { response, internal } = errorToResponse(
    new DetectorHttpError(405, "405", "use POST", { headers: { allow: "POST" } }),
    { requestId: "id-1" },
  );
  assert.equal(internal, false);
  assert.equal(response.status, 405);
  assert.equal(response.headers.get("allow"), "POST");
  assert.equal(response.headers.get("apim-request-id"), "id-1");
  assert.equal(response.headers.get("x-ms-error-code"), null);
  assert.deepEqual(await response.json(), { code: "405", message: "use POST" });
});

Deno.test("errorToResponse() answers an engine error with its status, code and message", async () => {
  const { response } = errorToResponse(
    new AnomalyDetectorError("InvalidPeriod", "The 'period' field must be an integer >= 0."),
    { requestId: "id-2", errorCodeHeader: true },
  );
  assert.equal(response.status, 400);
  assert.equal(response.headers.get("x-ms-error-code"), "InvalidPeriod");
  assert.deepEqual(await response.json(), {
    code: "InvalidPeriod",
    message: "The 'period' field must be an integer >= 0.",
  });
});

Deno.test("errorToResponse() answers any other error with a generic 500", async () => {
  const { response, internal, body } = errorToResponse(new RangeError("secret detail"), {
    requestId: "id-3",
  });
  assert.equal(internal, true);
  assert.equal(response.status, 500);
  assert.deepEqual(body, { code: "InternalServerError", message: INTERNAL_ERROR_MESSAGE });
  assert.equal(await response.text(), JSON.stringify(body));
});
