/**
 * Delivers alerts to a webhook: one JSON `POST` per alert, retried with exponential back-off on
 * network failures, timeouts and 408/429/5xx answers (honouring `Retry-After`).
 * @module
 */
import { abortableSleep, isRetryableStatus } from "../client/_retry.ts";
import { type AlertHook, alertPayload, type AnomalyAlert } from "./anomaly_alert.ts";

/** Options of {@linkcode postWebhookAlert} and {@linkcode webhookAlertHook}. */
export interface WebhookAlertOptions {
  /**
   * Retries after the first attempt.
   * @default {3}
   */
  maxRetries?: number;
  /**
   * Back-off base: before retry k (from 0) the sender waits between half and all of
   * `min(maxRetryDelayInMs, retryDelayInMs · 2^k)`, unless the answer sent `Retry-After`.
   * @default {500}
   */
  retryDelayInMs?: number;
  /**
   * Upper bound of any wait between attempts, `Retry-After` included.
   * @default {30000}
   */
  maxRetryDelayInMs?: number;
  /**
   * Time limit of one attempt, including reading the answer.
   * @default {10000}
   */
  timeoutInMs?: number;
  /**
   * Extra request headers (e.g. an authorization token).
   * @default {{}}
   */
  headers?: Record<string, string>;
  /**
   * The `fetch` used to post.
   * @default {globalThis.fetch}
   */
  fetch?: typeof globalThis.fetch;
  /**
   * Waits between attempts; must reject when `abortSignal` aborts (tests inject a fake).
   * @default {a setTimeout-based sleep}
   */
  sleep?: (delayInMs: number, abortSignal?: AbortSignal) => Promise<void>;
  /**
   * Current time (epoch ms), to read `Retry-After` dates.
   * @default {Date.now}
   */
  now?: () => number;
  /**
   * Uniform random number in [0, 1) for the jitter.
   * @default {Math.random}
   */
  random?: () => number;
  /** Cancels the delivery, including any wait. */
  abortSignal?: AbortSignal;
}

/** A delivered alert. */
export interface WebhookDelivery {
  /** HTTP status of the accepting answer (2xx). */
  status: number;
  /** Attempts made (1 when the first one succeeded). */
  attempts: number;
}

/** Thrown when an alert could not be delivered: a non-retryable answer, or retries used up. */
export class AlertDeliveryError extends Error {
  /** Attempts made. */
  readonly attempts: number;
  /** HTTP status of the last answer, when there was one. */
  readonly status?: number;
  /** True when the last failure was transient (the retries ran out). */
  readonly retryable: boolean;
  constructor(
    message: string,
    details: { attempts: number; status?: number; retryable: boolean },
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "AlertDeliveryError";
    this.attempts = details.attempts;
    this.status = details.status;
    this.retryable = details.retryable;
  }
}

/** `Retry-After` in ms (seconds or an HTTP date), or undefined. */
function retryAfterOf(response: Response, nowInMs: number): number | undefined {
  const value = response.headers.get("retry-after")?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowInMs);
}

function checkNumber(name: string, value: number, integer: boolean, min: number): number {
  const ok = integer ? Number.isSafeInteger(value) && value >= min : Number.isFinite(value) &&
    value >= min;
  if (!ok) {
    throw new RangeError(
      `Cannot post webhook alerts as ${name} must be ${
        integer ? "an integer" : "a number"
      } >= ${min}: current value is ${value}`,
    );
  }
  return value;
}

function checkUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new TypeError(
      `Cannot post webhook alerts as url must be an http(s) URL: current value is ${
        JSON.stringify(url)
      }`,
      { cause: error },
    );
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new TypeError(
      `Cannot post webhook alerts as url must be an http(s) URL: current value is ${
        JSON.stringify(url)
      }`,
    );
  }
  return parsed;
}

/** Validated options with defaults. */
function resolve(options: WebhookAlertOptions) {
  return {
    maxRetries: checkNumber("maxRetries", options.maxRetries ?? 3, true, 0),
    retryDelayInMs: checkNumber("retryDelayInMs", options.retryDelayInMs ?? 500, false, 0),
    maxRetryDelayInMs: checkNumber(
      "maxRetryDelayInMs",
      options.maxRetryDelayInMs ?? 30_000,
      false,
      0,
    ),
    timeoutInMs: checkNumber("timeoutInMs", options.timeoutInMs ?? 10_000, false, 1),
    headers: options.headers ?? {},
    fetch: options.fetch ?? globalThis.fetch,
    sleep: options.sleep ?? abortableSleep,
    now: options.now ?? Date.now,
    random: options.random ?? Math.random,
    abortSignal: options.abortSignal,
  };
}

/**
 * Posts one alert as JSON ({@linkcode alertPayload}) to `url`. Resolves on a 2xx answer; retries
 * network failures, timeouts and 408/429/5xx answers; rejects with
 * {@linkcode AlertDeliveryError} on any other answer or when the retries are used up, and with
 * the signal's reason when `abortSignal` aborts.
 */
export async function postWebhookAlert(
  url: string,
  alert: AnomalyAlert,
  options: WebhookAlertOptions = {},
): Promise<WebhookDelivery> {
  checkUrl(url);
  const body = JSON.stringify(alertPayload(alert)); // alertPayload validates the alert
  const o = resolve(options);
  return await deliver(url, body, o);
}

async function deliver(
  url: string,
  body: string,
  o: ReturnType<typeof resolve>,
): Promise<WebhookDelivery> {
  for (let attempt = 1;; attempt++) {
    o.abortSignal?.throwIfAborted();
    const timeout = new AbortController();
    const timer = setTimeout(
      () => timeout.abort(new DOMException("webhook attempt timed out", "TimeoutError")),
      o.timeoutInMs,
    );
    const signal = o.abortSignal
      ? AbortSignal.any([o.abortSignal, timeout.signal])
      : timeout.signal;
    let status: number | undefined;
    let waitInMs: number | undefined;
    let failure: unknown;
    try {
      const response = await o.fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...o.headers },
        body,
        signal,
      });
      status = response.status;
      waitInMs = retryAfterOf(response, o.now());
      await response.body?.cancel().catch(() => undefined);
      if (response.ok) return { status, attempts: attempt };
    } catch (error) {
      if (o.abortSignal?.aborted) throw o.abortSignal.reason;
      failure = error;
    } finally {
      clearTimeout(timer);
    }
    const retryable = status === undefined || isRetryableStatus(status);
    const what = status === undefined
      ? `failed (${(failure as Error)?.message ?? String(failure)})`
      : `was answered with HTTP ${status}`;
    if (!retryable || attempt > o.maxRetries) {
      throw new AlertDeliveryError(
        `Cannot deliver the alert to ${url} as the webhook must answer 2xx: attempt ${attempt} ${what}${
          retryable ? `, no retries left (maxRetries ${o.maxRetries})` : ""
        }`,
        { attempts: attempt, status, retryable },
        { cause: failure },
      );
    }
    const ceiling = Math.min(o.maxRetryDelayInMs, o.retryDelayInMs * 2 ** (attempt - 1));
    const delay = waitInMs === undefined
      ? ceiling / 2 + o.random() * ceiling / 2
      : Math.min(waitInMs, o.maxRetryDelayInMs);
    await o.sleep(delay, o.abortSignal);
  }
}

/**
 * An {@linkcode AlertHook} that posts every alert to `url` with {@linkcode postWebhookAlert}.
 * Options are validated once, here.
 */
export function webhookAlertHook(url: string, options: WebhookAlertOptions = {}): AlertHook {
  checkUrl(url);
  const o = resolve(options);
  return async (alert) => {
    await deliver(url, JSON.stringify(alertPayload(alert)), o);
  };
}
