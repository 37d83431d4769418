/**
 * The single error type of the Event Hubs boundary, and the one function that produces it.
 *
 * Every failure that comes out of `@azure/event-hubs` (a `MessagingError` with an SDK `code`,
 * an `AbortError`, a system error, a checkpoint store failure) is translated once, where it
 * crosses into hubwatch code, by {@linkcode toHubError}.
 *
 * @module
 */

/**
 * What went wrong, in hubwatch's words.
 *
 * - `EntityNotFound`: unknown event hub, partition or consumer group.
 * - `Unauthorized`: wrong key, expired or malformed token.
 * - `OwnershipLost`: another reader with a higher owner level took the partition.
 * - `Busy`: the service or the sender link asked us to slow down.
 * - `Unavailable`: connection refused, dropped or reset; the service failed internally.
 * - `Timeout`: the operation did not finish in time.
 * - `MessageTooLarge`: an event or batch exceeds the size the hub accepts.
 * - `QuotaExceeded`: a namespace or hub quota was reached.
 * - `InvalidArgument`: the request itself is wrong (bad partition id, bad option).
 * - `Aborted`: the caller's `abortSignal` fired.
 * - `Unknown`: anything else.
 */
export type HubErrorCode =
  | "EntityNotFound"
  | "Unauthorized"
  | "OwnershipLost"
  | "Busy"
  | "Unavailable"
  | "Timeout"
  | "MessageTooLarge"
  | "QuotaExceeded"
  | "InvalidArgument"
  | "Aborted"
  | "Unknown";

/** Options for {@linkcode HubError}. */
export interface HubErrorOptions extends ErrorOptions {
  /** The SDK's own error code (e.g. `"MessagingEntityNotFoundError"`), when there is one. */
  sdkCode?: string;
}

/** A failure at the Event Hubs boundary: what happened (`code`) and whether a retry may help. */
export class HubError extends Error {
  /** What went wrong. */
  readonly code: HubErrorCode;
  /** `true` when the same operation may succeed if tried again later. */
  readonly retryable: boolean;
  /** The SDK's error code, when the cause came from the SDK. */
  readonly sdkCode: string | undefined;

  constructor(message: string, code: HubErrorCode, retryable: boolean, options?: HubErrorOptions) {
    super(message, options);
    this.name = "HubError";
    this.code = code;
    this.retryable = retryable;
    this.sdkCode = options?.sdkCode;
  }
}

const SDK_CODES: Record<string, [HubErrorCode, boolean]> = {
  MessagingEntityNotFoundError: ["EntityNotFound", false],
  ArgumentOutOfRangeError: ["InvalidArgument", false],
  ArgumentError: ["InvalidArgument", false],
  InvalidOperationError: ["InvalidArgument", false],
  InvalidFieldError: ["InvalidArgument", false],
  UnauthorizedError: ["Unauthorized", false],
  ReceiverDisconnectedError: ["OwnershipLost", false],
  PartitionNotOwnedError: ["OwnershipLost", false],
  ServerBusyError: ["Busy", true],
  SenderBusyError: ["Busy", true],
  ServiceUnavailableError: ["Unavailable", true],
  InternalServerError: ["Unavailable", true],
  ConnectionForcedError: ["Unavailable", true],
  DetachForcedError: ["Unavailable", true],
  SenderNotReadyError: ["Unavailable", true],
  OperationCancelledError: ["Unavailable", true],
  TransferLimitExceededError: ["Busy", true],
  ServiceCommunicationError: ["Unavailable", true],
  ConnectionRefusedError: ["Unavailable", true],
  ConnectionLostError: ["Unavailable", true],
  SystemError: ["Unavailable", true],
  OperationTimeoutError: ["Timeout", true],
  MessageTooLargeError: ["MessageTooLarge", false],
  QuotaExceededError: ["QuotaExceeded", false],
};

const SYSTEM_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

/**
 * Translates anything thrown by the Event Hubs SDK (or around it) into a {@linkcode HubError}
 * whose message names the action that failed, keeping the original as `cause`.
 * A `HubError` is returned unchanged.
 *
 * @param error What was thrown.
 * @param action What hubwatch was doing, as a verb phrase ("send a batch to partition 2").
 * @returns The translated error; never throws.
 *
 * @example
 * ```ts
 * import { toHubError } from "./errors.ts";
 * import assert from "node:assert/strict";
 * const sdkError = Object.assign(new Error("no such hub"), {
 *   code: "MessagingEntityNotFoundError",
 *   retryable: false,
 * });
 * const error = toHubError(sdkError, "read hub properties");
 * assert.equal(error.code, "EntityNotFound");
 * assert.equal(error.retryable, false);
 * ```
 */
export function toHubError(error: unknown, action: string): HubError {
  if (error instanceof HubError) return error;
  const inner = (error as { errors?: unknown })?.errors;
  if (Array.isArray(inner) && inner.length > 0) return fromAggregate(error as Error, inner, action);
  const detail = describe(error);
  const name = error instanceof Error ? error.name : undefined;
  const rawCode = typeof error === "object" && error !== null
    ? (error as { code?: unknown }).code
    : undefined;
  const sdkCode = typeof rawCode === "string" ? rawCode : undefined;
  const sdkRetryable = typeof error === "object" && error !== null
    ? (error as { retryable?: unknown }).retryable
    : undefined;

  let code: HubErrorCode = "Unknown";
  let retryable = false;
  if (name === "AbortError") {
    code = "Aborted";
  } else if (sdkCode !== undefined && sdkCode in SDK_CODES) {
    [code, retryable] = SDK_CODES[sdkCode];
  } else if (sdkCode !== undefined && SYSTEM_CODES.has(sdkCode)) {
    [code, retryable] = ["Unavailable", true];
  } else if (error instanceof TypeError || error instanceof RangeError) {
    code = "InvalidArgument";
  }
  // Codes hubwatch knows follow its table (the SDK calls UnauthorizedError retryable, yet a
  // wrong key never heals); for anything else the SDK's own flag decides.
  if (code === "Unknown" && typeof sdkRetryable === "boolean") retryable = sdkRetryable;

  const via = sdkCode ? ` (${sdkCode})` : "";
  return new HubError(`Cannot ${action} as Event Hubs failed${via}: ${detail}`, code, retryable, {
    cause: error,
    sdkCode,
  });
}

/** An AggregateError (e.g. one refused connection per address) takes its first known code. */
function fromAggregate(error: Error, inner: unknown[], action: string): HubError {
  const translated = inner.map((e) => toHubError(e, action));
  const known = translated.find((e) => e.code !== "Unknown") ?? translated[0];
  const retryable = known.code === "Unknown"
    ? translated.some((e) => e.retryable)
    : known.retryable;
  return new HubError(
    `Cannot ${action} as Event Hubs failed${known.sdkCode ? ` (${known.sdkCode})` : ""}: ${
      inner.map(describe).join("; ")
    }`,
    known.code,
    retryable,
    { cause: error, sdkCode: known.sdkCode },
  );
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  try {
    return typeof error === "string" ? error : JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}
