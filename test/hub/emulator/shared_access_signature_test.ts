import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import {
  createSharedAccessSignature,
  resourceCovers,
  verifySharedAccessSignature,
} from "../../../lib/hub/emulator/shared_access_signature.ts";

const resource = "sb://127.0.0.1:5672/hubwatch";
const expiry = 1_800_000_000;

Deno.test("createSharedAccessSignature() signs the url-encoded resource and expiry", () => {
  const token = createSharedAccessSignature(resource, "root", "secret", {
    expiresOnInSeconds: expiry,
  });
  const encoded = encodeURIComponent(resource);
  const signature = createHmac("sha256", "secret").update(`${encoded}\n${expiry}`).digest("base64");
  assert.equal(
    token,
    `SharedAccessSignature sr=${encoded}&sig=${
      encodeURIComponent(signature)
    }&se=${expiry}&skn=root`,
  );
});

Deno.test("verifySharedAccessSignature() accepts a token signed with the configured key", () => {
  const token = createSharedAccessSignature(resource, "root", "secret", {
    expiresOnInSeconds: expiry,
  });
  assert.deepEqual(verifySharedAccessSignature(token, "root", "secret", 0), {
    ok: true,
    resource,
    expiresOnMs: expiry * 1000,
  });
});

Deno.test("verifySharedAccessSignature() refuses a token signed with another key", () => {
  const token = createSharedAccessSignature(resource, "root", "other", {
    expiresOnInSeconds: expiry,
  });
  assert.deepEqual(verifySharedAccessSignature(token, "root", "secret", 0), {
    ok: false,
    reason: "the signature does not match the key",
  });
});

Deno.test("verifySharedAccessSignature() refuses an expired token", () => {
  const token = createSharedAccessSignature(resource, "root", "secret", {
    expiresOnInSeconds: expiry,
  });
  assert.deepEqual(verifySharedAccessSignature(token, "root", "secret", expiry * 1000), {
    ok: false,
    reason: `the token expired at ${expiry}`,
  });
});

Deno.test("verifySharedAccessSignature() refuses an unknown key name", () => {
  const token = createSharedAccessSignature(resource, "other", "secret", {
    expiresOnInSeconds: expiry,
  });
  assert.deepEqual(verifySharedAccessSignature(token, "root", "secret", 0), {
    ok: false,
    reason: "the key name other is not configured",
  });
});

Deno.test("verifySharedAccessSignature() refuses a value that is not a SAS token", () => {
  assert.deepEqual(verifySharedAccessSignature("Bearer x", "root", "secret", 0), {
    ok: false,
    reason: "the token is not a SharedAccessSignature",
  });
});

Deno.test("resourceCovers() accepts the same path or a child path, on any host", () => {
  assert.equal(
    resourceCovers("sb://localhost/hubwatch", "sb://127.0.0.1:5672/hubwatch/Partitions/0"),
    true,
  );
  assert.equal(resourceCovers("sb://127.0.0.1/", "sb://127.0.0.1/any/thing"), true);
  assert.equal(resourceCovers("sb://127.0.0.1/hub", "sb://127.0.0.1/hubwatch"), false);
});
