/** Statuses worth retrying: throttling, timeouts and transient server failures. */
const RETRYABLE_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

/** True for 408, 429, 500, 502, 503 and 504. */
export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUSES.has(status);
}

/**
 * The delay a response asks for, in ms: `retry-after-ms` / `x-ms-retry-after-ms`, else
 * `Retry-After` as seconds or as an HTTP date (relative to `nowInMs`). `undefined` when absent
 * or unreadable.
 */
export function retryAfterInMs(headers: Headers, nowInMs: number): number | undefined {
  for (const name of ["retry-after-ms", "x-ms-retry-after-ms"]) {
    const value = headers.get(name)?.trim();
    if (value !== undefined && /^\d+(\.\d+)?$/.test(value)) return Number(value);
  }
  const value = headers.get("retry-after")?.trim();
  if (value === undefined || value === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowInMs);
}

/**
 * Exponential back-off with full jitter: a uniform draw in
 * `[0, min(maxDelayInMs, baseDelayInMs · 2^attempt))`, attempt counting from 0.
 */
export function backoffDelayInMs(
  attempt: number,
  baseDelayInMs: number,
  maxDelayInMs: number,
  random: () => number,
): number {
  return random() * Math.min(maxDelayInMs, baseDelayInMs * 2 ** attempt);
}

/** Resolves after `delayInMs`, or rejects with the signal's reason as soon as it aborts. */
export function abortableSleep(delayInMs: number, abortSignal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (abortSignal?.aborted) {
      reject(abortSignal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortSignal?.reason);
    };
    const timer = setTimeout(() => {
      abortSignal?.removeEventListener("abort", onAbort);
      resolve();
    }, delayInMs);
    abortSignal?.addEventListener("abort", onAbort, { once: true });
  });
}
