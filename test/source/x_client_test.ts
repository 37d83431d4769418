import assert from "node:assert/strict";
import { createBaseUrlPlugin, createXClient } from "../../lib/source/x_client.ts";

Deno.test("createXClient() rejects an empty token naming X_BEARER_TOKEN", () => {
  assert.throws(
    () => createXClient(""),
    new TypeError(
      'Cannot create X client as the bearer token (X_BEARER_TOKEN) must be a non-empty string: current value is ""',
    ),
  );
});

Deno.test("createXClient() rejects a base URL that is not http(s)", () => {
  assert.throws(
    () => createXClient("t", { baseUrl: "ftp://127.0.0.1/" }),
    new TypeError(
      'Cannot create X client as baseUrl must use http: or https:: current value is "ftp://127.0.0.1/"',
    ),
  );
});

Deno.test("createBaseUrlPlugin() rewrites api.x.com and api.twitter.com URLs, keeping the path", () => {
  const plugin = createBaseUrlPlugin("http://127.0.0.1:8080/prefix");
  const params = { url: "https://api.x.com/2/tweets/search/recent", method: "GET" };
  const legacy = { url: "https://api.twitter.com/2/tweets/search/stream", method: "GET" };
  // deno-lint-ignore no-explicit-any
  plugin.onBeforeRequestConfig!({ params } as any);
  // deno-lint-ignore no-explicit-any
  plugin.onBeforeStreamRequestConfig!({ params: legacy } as any);
  assert.equal(params.url, "http://127.0.0.1:8080/prefix/2/tweets/search/recent");
  assert.equal(legacy.url, "http://127.0.0.1:8080/prefix/2/tweets/search/stream");
});
