/**
 * The one error of the X API boundary, and the single function that translates the
 * `twitter-api-v2` errors into it.
 *
 * @module
 */

/** What went wrong talking to the X API. */
export type XApiErrorCode =
  | "unauthorized"
  | "forbidden"
  | "invalid-request"
  | "rate-limited"
  | "server-error"
  | "network"
  | "unexpected";

/** Options for {@linkcode XApiError}. */
export interface XApiErrorOptions extends ErrorOptions {
  /** What went wrong. */
  code: XApiErrorCode;
  /** True when the same request may succeed later (429, 5xx, network). */
  retryable: boolean;
  /** HTTP status, when a response arrived. */
  status?: number;
  /** When the rate-limit window resets (ms since epoch), from `x-rate-limit-reset`. */
  resetAtInMs?: number;
  /** The message(s) the API put in the error body. */
  apiMessage?: string;
}

/** A failed X API call. Callers catch it; `retryable` says whether waiting may help. */
export class XApiError extends Error {
  readonly code: XApiErrorCode;
  readonly retryable: boolean;
  readonly status?: number;
  readonly resetAtInMs?: number;
  readonly apiMessage?: string;

  constructor(message: string, options: XApiErrorOptions) {
    super(message, options);
    this.name = "XApiError";
    this.code = options.code;
    this.retryable = options.retryable;
    this.status = options.status;
    this.resetAtInMs = options.resetAtInMs;
    this.apiMessage = options.apiMessage;
  }
}

interface ErrorLike {
  type?: string;
  code?: unknown;
  data?: unknown;
  rateLimit?: { reset?: number };
  message?: string;
  _options?: { error?: unknown };
}

function apiMessageOf(data: unknown): string | undefined {
  if (typeof data === "string") return data.trim() || undefined;
  if (data === null || typeof data !== "object") return undefined;
  const body = data as Record<string, unknown>;
  const parts: string[] = [];
  if (Array.isArray(body.errors)) {
    for (const item of body.errors) {
      if (item && typeof item === "object") {
        const message = (item as Record<string, unknown>).message ??
          (item as Record<string, unknown>).detail;
        if (typeof message === "string") parts.push(message);
      }
    }
  }
  if (parts.length === 0 && typeof body.detail === "string") parts.push(body.detail);
  if (parts.length === 0 && typeof body.title === "string") parts.push(body.title);
  return parts.length > 0 ? parts.join("; ") : undefined;
}

/**
 * Translates anything a `twitter-api-v2` call threw into an {@linkcode XApiError}
 * (an `XApiError` passes through unchanged).
 *
 * `operation` names the call in the message, e.g. `"search recent posts"`.
 */
export function toXApiError(error: unknown, operation = "call the X API"): XApiError {
  if (error instanceof XApiError) return error;
  const e = (error ?? {}) as ErrorLike;
  if (e.type === "response" && typeof e.code === "number") {
    const status = e.code;
    const apiMessage = apiMessageOf(e.data);
    const detail = apiMessage ? `: ${apiMessage}` : "";
    const reset = e.rateLimit?.reset;
    const resetAtInMs = typeof reset === "number" && Number.isFinite(reset)
      ? reset * 1000
      : undefined;
    if (status === 401) {
      return new XApiError(
        `Cannot ${operation} as the X API rejected the bearer token (HTTP 401)${detail}; ` +
          "check X_BEARER_TOKEN",
        { code: "unauthorized", retryable: false, status, apiMessage, cause: error },
      );
    }
    if (status === 403) {
      return new XApiError(
        `Cannot ${operation} as the X API refused access for this token (HTTP 403)${detail}; ` +
          "check X_BEARER_TOKEN and the app's access level",
        { code: "forbidden", retryable: false, status, apiMessage, cause: error },
      );
    }
    if (status === 429 || status === 420) {
      return new XApiError(
        `Cannot ${operation} as the rate limit is used up (HTTP ${status})${detail}`,
        { code: "rate-limited", retryable: true, status, resetAtInMs, apiMessage, cause: error },
      );
    }
    if (status >= 500) {
      return new XApiError(
        `Cannot ${operation} as the X API failed (HTTP ${status})${detail}`,
        { code: "server-error", retryable: true, status, apiMessage, cause: error },
      );
    }
    return new XApiError(
      `Cannot ${operation} as the X API rejected the request (HTTP ${status})${detail}`,
      { code: "invalid-request", retryable: false, status, apiMessage, cause: error },
    );
  }
  if (e.type === "request" || e.type === "partial-response") {
    // twitter-api-v2 leaves `requestError` undefined; the socket error sits in `_options.error`.
    const inner = e._options?.error;
    const reason = inner instanceof Error ? inner.message : (e.message ?? "request failed");
    return new XApiError(`Cannot ${operation} as the request failed: ${reason}`, {
      code: "network",
      retryable: true,
      cause: inner ?? error,
    });
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new XApiError(`Cannot ${operation}: ${reason}`, {
    code: "unexpected",
    retryable: false,
    cause: error,
  });
}
