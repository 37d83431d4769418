/**
 * Builds the real `twitter-api-v2` client, optionally redirected to another base URL
 * (a local fake X API in tests, or a proxy).
 *
 * @module
 */
import http from "node:http";
import https from "node:https";
import { type ITwitterApiClientPlugin, TwitterApi } from "twitter-api-v2";

/** The base URL the library hard-codes for every v2 call. */
export const X_API_DEFAULT_BASE_URL = "https://api.x.com/";

/** Options for {@linkcode createXClient}. */
export interface CreateXClientOptions {
  /**
   * Where requests go instead of `https://api.x.com/`, e.g. `http://127.0.0.1:8080/`.
   * The path prefix `2/...` of every call is kept.
   * @default {"https://api.x.com/"}
   */
  baseUrl?: string;
}

function normalizeBaseUrl(baseUrl: string): string {
  let parsed: URL;
  try {
    parsed = new URL(baseUrl);
  } catch (error) {
    throw new TypeError(
      `Cannot create X client as baseUrl must be an absolute http(s) URL: current value is "${baseUrl}"`,
      { cause: error },
    );
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new TypeError(
      `Cannot create X client as baseUrl must use http: or https:: current value is "${baseUrl}"`,
    );
  }
  const text = parsed.toString();
  return text.endsWith("/") ? text : `${text}/`;
}

/**
 * A client plugin that rewrites every request URL (plain requests, paginators and streams) from
 * `https://api.x.com/` (or `https://api.twitter.com/`) to `baseUrl`.
 */
export function createBaseUrlPlugin(baseUrl: string): ITwitterApiClientPlugin {
  const target = normalizeBaseUrl(baseUrl);
  const rewrite = (url: string): string => {
    for (const origin of [X_API_DEFAULT_BASE_URL, "https://api.twitter.com/"]) {
      if (url.startsWith(origin)) return target + url.slice(origin.length);
    }
    return url;
  };
  return {
    onBeforeRequestConfig({ params }) {
      params.url = rewrite(params.url);
    },
    onBeforeStreamRequestConfig({ params }) {
      params.url = rewrite(params.url);
    },
  };
}

/**
 * Creates the `twitter-api-v2` client for an app-only bearer token.
 *
 * With a `baseUrl` other than the default, a plugin rewrites the URL of every call and an
 * agent matching the URL's protocol is installed (the library refuses `http:` URLs without one).
 *
 * @example Pointing the client at a local server
 * ```ts
 * import { createXClient } from "./x_client.ts";
 * import assert from "node:assert/strict";
 * const client = createXClient("token", { baseUrl: "http://127.0.0.1:9/" });
 * assert.equal(typeof client.v2.search, "function");
 * ```
 */
export function createXClient(bearerToken: string, options: CreateXClientOptions = {}): TwitterApi {
  if (typeof bearerToken !== "string" || bearerToken.trim() === "") {
    throw new TypeError(
      "Cannot create X client as the bearer token (X_BEARER_TOKEN) must be a non-empty string: " +
        `current value is ${JSON.stringify(bearerToken)}`,
    );
  }
  const baseUrl = normalizeBaseUrl(options.baseUrl ?? X_API_DEFAULT_BASE_URL);
  if (baseUrl === X_API_DEFAULT_BASE_URL) return new TwitterApi(bearerToken);
  const agent = baseUrl.startsWith("http:") ? new http.Agent() : new https.Agent();
  return new TwitterApi(bearerToken, {
    httpAgent: agent,
    plugins: [createBaseUrlPlugin(baseUrl)],
  });
}
