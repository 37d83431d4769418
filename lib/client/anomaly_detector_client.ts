import * as detect from "@/detect";
import type {
  ApiVersion,
  ChangePointDetectResponse,
  DetectRequest,
  EntireDetectResponse,
  LastDetectResponse,
} from "@/detect";
import type { AnomalyDetectorClientError } from "./anomaly_detector_client_error.ts";
import { abortableSleep, backoffDelayInMs, retryAfterInMs } from "./_retry.ts";
import { type CallFailure, toClientError } from "./_to_client_error.ts";

/** Options of the {@linkcode AnomalyDetectorClient} constructor. */
export interface AnomalyDetectorClientOptions {
  /**
   * Sent as `Ocp-Apim-Subscription-Key` to HTTP endpoints.
   * @default {undefined}
   */
  apiKey?: string;
  /**
   * API version of every call (`v1.0` and the previews: V1 margins; `v1.1`: V3 margins).
   * @default {"v1.1"}
   */
  apiVersion?: ApiVersion;
  /**
   * Time limit of one HTTP attempt, including reading the answer. A timed-out attempt is
   * retried like a network failure.
   * @default {30000}
   */
  timeoutInMs?: number;
  /**
   * Retries after the first attempt, on 408/429/5xx answers, network failures and timeouts.
   * @default {3}
   */
  maxRetries?: number;
  /**
   * Base of the exponential back-off: before retry k (from 0) the client sleeps a uniform
   * random time below `min(maxRetryDelayInMs, retryDelayInMs · 2^k)`, unless the answer named
   * its own delay with `Retry-After`.
   * @default {800}
   */
  retryDelayInMs?: number;
  /**
   * Upper bound of any sleep between attempts, `Retry-After` included.
   * @default {60000}
   */
  maxRetryDelayInMs?: number;
  /**
   * The `fetch` used for HTTP endpoints.
   * @default {globalThis.fetch}
   */
  fetch?: typeof globalThis.fetch;
  /**
   * Sleeps between attempts (tests inject a fake). Must reject when `abortSignal` aborts.
   * @default {a setTimeout-based sleep}
   */
  sleep?: (delayInMs: number, abortSignal?: AbortSignal) => Promise<void>;
  /**
   * Uniform random number in [0, 1) for the jitter.
   * @default {Math.random}
   */
  random?: () => number;
  /**
   * Current time in ms since the epoch, to read `Retry-After` dates.
   * @default {Date.now}
   */
  now?: () => number;
}

/** Per-call options of the detect methods. */
export interface DetectCallOptions {
  /** Cancels the call, including any back-off sleep. */
  abortSignal?: AbortSignal;
  /**
   * Time limit of each HTTP attempt of this call.
   * @default {the client's timeoutInMs}
   */
  timeoutInMs?: number;
}

type Operation = "entire" | "last" | "changepoint";

/**
 * A client for the Anomaly Detector REST API: the in-process engine (`endpoint: "local"`) or any
 * HTTP endpoint speaking the API (`createDetectorApp`, or the retired Azure service's URL shape
 * `https://<resource>.cognitiveservices.azure.com`).
 *
 * Failures reject with {@linkcode AnomalyDetectorClientError}. Successful calls never sleep.
 *
 * @example The in-process engine; an HTTP endpoint works the same way
 * ```ts
 * import { AnomalyDetectorClient, AnomalyDetectorClientError } from "@/client";
 * import assert from "node:assert/strict";
 *
 * const client = new AnomalyDetectorClient("local", { apiVersion: "v1.0" });
 * // new AnomalyDetectorClient("http://127.0.0.1:5000", { apiVersion: "v1.0" })
 * const series = Array.from({ length: 48 }, (_, i) => ({
 *   timestamp: new Date(Date.UTC(2019, 3, 8, i)).toISOString(),
 *   value: 20 + (i % 24 < 12 ? 5 : 0) + (i === 47 ? 60 : 0),
 * }));
 * const result = await client.detectLastPoint({ series, granularity: "hourly" });
 * assert.equal(result.isAnomaly, true);
 *
 * await assert.rejects(
 *   client.detectLastPoint({ series: series.slice(0, 5) }),
 *   (error) => error instanceof AnomalyDetectorClientError && error.code === "InvalidSeries",
 * );
 * ```
 */
export class AnomalyDetectorClient {
  /** `"local"` or the endpoint URL without trailing slashes. */
  readonly endpoint: string;
  /** API version of every call. */
  readonly apiVersion: ApiVersion;
  readonly #apiKey: string | undefined;
  readonly #timeoutInMs: number;
  readonly #maxRetries: number;
  readonly #retryDelayInMs: number;
  readonly #maxRetryDelayInMs: number;
  readonly #fetch: typeof globalThis.fetch;
  readonly #sleep: (delayInMs: number, abortSignal?: AbortSignal) => Promise<void>;
  readonly #random: () => number;
  readonly #now: () => number;

  constructor(endpoint: string, options: AnomalyDetectorClientOptions = {}) {
    if (endpoint !== "local") {
      let url: URL | undefined;
      try {
        url = new URL(endpoint);
      } catch (error) {
        throw new TypeError(
          `Cannot create AnomalyDetectorClient as endpoint must be "local" or an http(s) URL: current value is ${
            JSON.stringify(endpoint)
          }`,
          { cause: error },
        );
      }
      if (url.protocol !== "http:" && url.protocol !== "https:") {
        throw new TypeError(
          `Cannot create AnomalyDetectorClient as endpoint must be "local" or an http(s) URL: current value is ${
            JSON.stringify(endpoint)
          }`,
        );
      }
    }
    this.endpoint = endpoint === "local" ? endpoint : endpoint.replace(/\/+$/, "");
    this.apiVersion = options.apiVersion ?? "v1.1";
    if (!detect.API_VERSIONS.includes(this.apiVersion)) {
      throw new RangeError(
        `Cannot create AnomalyDetectorClient as apiVersion must be one of ${
          detect.API_VERSIONS.join(", ")
        }: current value is ${JSON.stringify(this.apiVersion)}`,
      );
    }
    this.#apiKey = options.apiKey;
    this.#timeoutInMs = positive("timeoutInMs", options.timeoutInMs ?? 30_000);
    this.#maxRetries = nonNegativeInteger("maxRetries", options.maxRetries ?? 3);
    this.#retryDelayInMs = nonNegative("retryDelayInMs", options.retryDelayInMs ?? 800);
    this.#maxRetryDelayInMs = nonNegative("maxRetryDelayInMs", options.maxRetryDelayInMs ?? 60_000);
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#sleep = options.sleep ?? abortableSleep;
    this.#random = options.random ?? Math.random;
    this.#now = options.now ?? Date.now;
  }

  /** `POST .../timeseries/entire/detect`: every point's verdict. */
  detectEntireSeries(
    request: DetectRequest,
    options: DetectCallOptions = {},
  ): Promise<EntireDetectResponse> {
    return this.#call("entire", request, options) as Promise<EntireDetectResponse>;
  }

  /** `POST .../timeseries/last/detect`: the verdict on the last point. */
  detectLastPoint(
    request: DetectRequest,
    options: DetectCallOptions = {},
  ): Promise<LastDetectResponse> {
    return this.#call("last", request, options) as Promise<LastDetectResponse>;
  }

  /** `POST .../timeseries/changepoint/detect`: change points of the series. */
  detectChangePoint(
    request: DetectRequest,
    options: DetectCallOptions = {},
  ): Promise<ChangePointDetectResponse> {
    return this.#call("changepoint", request, options) as Promise<ChangePointDetectResponse>;
  }

  async #call(
    operation: Operation,
    request: DetectRequest,
    options: DetectCallOptions,
  ): Promise<unknown> {
    const timeoutInMs = positive("timeoutInMs", options.timeoutInMs ?? this.#timeoutInMs);
    if (options.abortSignal?.aborted) throw abortedError(options.abortSignal);
    if (this.endpoint === "local") return this.#callLocal(operation, request);
    return await this.#callHttp(operation, request, timeoutInMs, options.abortSignal);
  }

  #callLocal(operation: Operation, request: DetectRequest): unknown {
    const options = { apiVersion: this.apiVersion };
    try {
      const result = operation === "entire"
        ? detect.detectEntireSeries(request, options)
        : operation === "last"
        ? detect.detectLastPoint(request, options)
        : detect.detectChangePoint(request, options);
      // The same plain JSON an HTTP endpoint would answer (NaN becomes null, no shared arrays).
      return JSON.parse(JSON.stringify(result));
    } catch (error) {
      throw toClientError({ kind: "local", error });
    }
  }

  async #callHttp(
    operation: Operation,
    request: DetectRequest,
    timeoutInMs: number,
    abortSignal: AbortSignal | undefined,
  ): Promise<unknown> {
    const url =
      `${this.endpoint}/anomalydetector/${this.apiVersion}/timeseries/${operation}/detect`;
    const body = JSON.stringify(request);
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (this.#apiKey !== undefined) headers["Ocp-Apim-Subscription-Key"] = this.#apiKey;
    for (let attempt = 0;; attempt++) {
      const outcome = await this.#attempt(url, body, headers, timeoutInMs, abortSignal);
      if (outcome.ok) return outcome.value;
      const { error, retryAfterInMs } = outcome;
      if (!error.retryable || attempt >= this.#maxRetries) throw error;
      const delayInMs = Math.min(
        this.#maxRetryDelayInMs,
        retryAfterInMs ??
          backoffDelayInMs(attempt, this.#retryDelayInMs, this.#maxRetryDelayInMs, this.#random),
      );
      try {
        await this.#sleep(delayInMs, abortSignal);
      } catch (cause) {
        if (abortSignal?.aborted) throw abortedError(abortSignal);
        throw cause;
      }
      if (abortSignal?.aborted) throw abortedError(abortSignal);
    }
  }

  async #attempt(
    url: string,
    body: string,
    headers: Record<string, string>,
    timeoutInMs: number,
    abortSignal: AbortSignal | undefined,
  ): Promise<
    | { ok: true; value: unknown }
    | { ok: false; error: AnomalyDetectorClientError; retryAfterInMs?: number }
  > {
    const timeout = new AbortController();
    const timer = setTimeout(
      () => timeout.abort(new DOMException("attempt timed out", "TimeoutError")),
      timeoutInMs,
    );
    const signal = abortSignal === undefined
      ? timeout.signal
      : AbortSignal.any([abortSignal, timeout.signal]);
    let status: number | undefined;
    try {
      const response = await this.#fetch(url, { method: "POST", headers, body, signal });
      status = response.status;
      const text = await response.text();
      if (response.ok) {
        try {
          return { ok: true, value: JSON.parse(text) };
        } catch (cause) {
          return { ok: false, error: toClientError({ kind: "invalid-response", status, cause }) };
        }
      }
      const error = toClientError({ kind: "status", status, text });
      return {
        ok: false,
        error,
        retryAfterInMs: error.retryable ? retryAfterInMs(response.headers, this.#now()) : undefined,
      };
    } catch (cause) {
      const failure: CallFailure = abortSignal?.aborted
        ? { kind: "aborted", reason: abortSignal.reason }
        : timeout.signal.aborted
        ? { kind: "timeout", timeoutInMs, status, cause }
        : { kind: "network", url, status, cause };
      return { ok: false, error: toClientError(failure) };
    } finally {
      clearTimeout(timer);
    }
  }
}

function abortedError(abortSignal: AbortSignal): AnomalyDetectorClientError {
  return toClientError({ kind: "aborted", reason: abortSignal.reason });
}

function positive(name: string, value: number): number {
  if (!(typeof value === "number" && value > 0 && Number.isFinite(value))) {
    throw new RangeError(
      `Cannot call the Anomaly Detector as ${name} must be a positive number: current value is ${value}`,
    );
  }
  return value;
}

function nonNegative(name: string, value: number): number {
  if (!(typeof value === "number" && value >= 0 && Number.isFinite(value))) {
    throw new RangeError(
      `Cannot create AnomalyDetectorClient as ${name} must be a non-negative number: current value is ${value}`,
    );
  }
  return value;
}

function nonNegativeInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(
      `Cannot create AnomalyDetectorClient as ${name} must be a non-negative integer: current value is ${value}`,
    );
  }
  return value;
}
