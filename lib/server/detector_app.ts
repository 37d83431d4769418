import * as detect from "@/detect";
import type { ApiVersion } from "@/detect";
import { bodyLimit, DEFAULT_MAX_BODY_BYTES } from "./body_limit.ts";
import { DetectorHttpError, errorToResponse } from "./error_mapping.ts";
import { compose, type Middleware, type RequestContext } from "./middleware.ts";
import { jsonTextResponse } from "./_response.ts";
import { type DetectorEngine, detectToJson } from "./_detect_body.ts";
import type { DetectionPool } from "./detection_pool.ts";
import { apiVersionOfPath, matchDetectRoute } from "./_routes.ts";
import { subscriptionKeyAuth } from "./subscription_key_auth.ts";

export type { DetectorEngine };

/** Something with a `fetch` method, as `Deno.serve` takes it. */
export interface DetectorApp {
  /** Answers one request; never rejects. */
  fetch(request: Request): Promise<Response>;
}

/** One access-log entry, handed to {@linkcode DetectorAppOptions.onLog} after each response. */
export interface DetectorLogEntry {
  /** `error` for an unexpected failure (HTTP 5xx), else `info`. */
  level: "info" | "error";
  requestId: string;
  method: string;
  /** URL path of the request (without the query). */
  path: string;
  status: number;
  /** Time from receiving the request to building the response. */
  durationInMs: number;
  /** Error code of an error response. */
  code?: string;
  /** Error message of an error response (for a 500, the internal error's own message). */
  message?: string;
  /** The unexpected error behind a 500. */
  error?: unknown;
}

/** Options of {@linkcode createDetectorApp}. */
export interface DetectorAppOptions {
  /**
   * Accepted `Ocp-Apim-Subscription-Key` values. Empty: every request is let in.
   * @default {[]}
   */
  subscriptionKeys?: readonly string[];
  /**
   * Largest accepted request body in bytes (413 above it).
   * @default {10485760}
   */
  maxBodyBytes?: number;
  /**
   * Receives one entry per request. Errors thrown by the hook are ignored.
   * @default {undefined}
   */
  onLog?: (entry: DetectorLogEntry) => void;
  /**
   * The engine to run in process (tests inject fakes). Not together with `pool`.
   * @default {the in-process engine of lib/detect}
   */
  engine?: DetectorEngine;
  /**
   * Runs detection in these worker threads instead of in process, so that a server uses every
   * core. The caller owns the pool and closes it after the server. Not together with `engine`.
   * @default {undefined}
   */
  pool?: DetectionPool;
}

/** Media types read as JSON; `text/plain` is what `fetch` sends for a string body by default. */
const JSON_MEDIA_TYPES = new Set(["application/json", "text/json", "text/plain"]);

/**
 * Creates the Anomaly Detector REST app: `POST /anomalydetector/{v1.0|v1.1-preview|
 * v1.1-preview.1|v1.1}/timeseries/{entire|last|changepoint}/detect` over the engine.
 *
 * @example Serve it, or call it without a socket
 * ```ts
 * import { createDetectorApp } from "@/server";
 * import assert from "node:assert/strict";
 *
 * const app = createDetectorApp({ subscriptionKeys: ["my-key"] });
 * // Deno.serve({ hostname: "127.0.0.1", port: 5000 }, app.fetch);
 * const response = await app.fetch(
 *   new Request("http://localhost/anomalydetector/v1.1/timeseries/last/detect", {
 *     method: "POST",
 *     body: "{}",
 *   }),
 * );
 * assert.equal(response.status, 401);
 * assert.equal((await response.json()).code, "401");
 * ```
 */
export function createDetectorApp(options: DetectorAppOptions = {}): DetectorApp {
  if (options.engine !== undefined && options.pool !== undefined) {
    throw new TypeError(
      "Cannot create detector app as engine and pool exclude each other: both were given",
    );
  }
  const engine = options.engine ?? detect;
  const pool = options.pool;
  const onLog = options.onLog;
  const keys = options.subscriptionKeys ?? [];
  const middlewares: Middleware[] = [];
  if (keys.length > 0) middlewares.push(subscriptionKeyAuth({ keys }));
  middlewares.push(
    routeDetect,
    acceptJsonOnly,
    bodyLimit({ maxBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES }),
    async (_request, context) => {
      const operation = context.operation!;
      const apiVersion = context.apiVersion as ApiVersion;
      const body = context.body ?? new Uint8Array(0);
      const json = pool === undefined
        ? detectToJson(engine, operation, apiVersion, body)
        : await pool.run(operation, apiVersion, body);
      return jsonTextResponse(200, json, context.requestId);
    },
  );
  const chain = compose(middlewares);

  const fetch = async (request: Request): Promise<Response> => {
    const started = performance.now();
    const requestId = crypto.randomUUID();
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      url = new URL("http://invalid/");
    }
    const context: RequestContext = { requestId, url };
    let response: Response;
    let entry: Partial<DetectorLogEntry> = {};
    try {
      response = await chain(request, context);
    } catch (error) {
      const version = context.apiVersion ?? apiVersionOfPath(url.pathname);
      const mapped = errorToResponse(error, { requestId, errorCodeHeader: version === "v1.1" });
      response = mapped.response;
      entry = mapped.internal
        ? { level: "error", code: mapped.body.code, message: errorMessage(error), error }
        : { code: mapped.body.code, message: mapped.body.message };
    }
    if (onLog !== undefined) {
      try {
        onLog({
          level: "info",
          requestId,
          method: request.method,
          path: url.pathname,
          status: response.status,
          durationInMs: performance.now() - started,
          ...entry,
        });
      } catch {
        // A failing log hook must not change the answer.
      }
    }
    return response;
  };
  return { fetch };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

const routeDetect: Middleware = (request, context, next) => {
  const route = matchDetectRoute(context.url.pathname);
  if (route === undefined) {
    throw new DetectorHttpError(404, "404", "Resource not found");
  }
  context.apiVersion = route.apiVersion;
  context.operation = route.operation;
  if (request.method !== "POST") {
    throw new DetectorHttpError(
      405,
      "405",
      `The method ${request.method} is not allowed for this resource; use POST.`,
      { headers: { allow: "POST" } },
    );
  }
  return next();
};

const acceptJsonOnly: Middleware = (request, _context, next) => {
  const contentType = request.headers.get("content-type");
  if (contentType !== null && contentType.trim() !== "") {
    const mediaType = contentType.split(";", 1)[0].trim().toLowerCase();
    if (!JSON_MEDIA_TYPES.has(mediaType) && !mediaType.endsWith("+json")) {
      throw new DetectorHttpError(
        415,
        "415",
        `The Content-Type ${
          JSON.stringify(contentType)
        } is not supported; send application/json or text/json.`,
      );
    }
  }
  return next();
};
