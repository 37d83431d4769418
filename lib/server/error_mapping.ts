/**
 * The one place where failures become wire responses: every error the app meets — routing,
 * auth, body limit, JSON, engine validation, or an unexpected bug — goes through
 * {@linkcode errorToResponse}.
 * @module
 */
import { AnomalyDetectorError } from "@/detect";
import { jsonResponse } from "./_response.ts";

/** The wire body of every error response. */
export interface ErrorBody {
  code: string;
  message: string;
}

/**
 * An error with a fixed HTTP status and wire body, thrown by routing and middleware
 * (404, 405, 401, 413, 415, 400 `InvalidJsonFormat`).
 */
export class DetectorHttpError extends Error {
  /** HTTP status of the response. */
  readonly status: number;
  /** Wire error code, e.g. `InvalidJsonFormat` or `"401"`. */
  readonly code: string;
  /** Extra response headers, e.g. `Allow` on 405. */
  readonly headers: Readonly<Record<string, string>>;
  constructor(
    status: number,
    code: string,
    message: string,
    options?: ErrorOptions & { headers?: Record<string, string> },
  ) {
    super(message, options);
    this.name = "DetectorHttpError";
    this.status = status;
    this.code = code;
    this.headers = options?.headers ?? {};
  }
}

/** Message of the 500 answer; the details go to the log, never to the client. */
export const INTERNAL_ERROR_MESSAGE =
  "The request could not be processed due to an unexpected internal error. The error was logged with this response's apim-request-id.";

/** What {@linkcode errorToResponse} decided, for the access log. */
export interface MappedError {
  response: Response;
  body: ErrorBody;
  /** True for an unexpected failure (HTTP 5xx): log it with the error. */
  internal: boolean;
}

/** Options of {@linkcode errorToResponse}. */
export interface ErrorToResponseOptions {
  /** Value of the `apim-request-id` header. */
  requestId: string;
  /**
   * Adds `x-ms-error-code: <code>`, as API v1.1 does.
   * @default {false}
   */
  errorCodeHeader?: boolean;
}

/**
 * Maps any thrown value to the wire: {@linkcode DetectorHttpError} keeps its status and body,
 * an engine `AnomalyDetectorError` keeps its status (400 for invalid requests, 500 for the
 * engine's own internal failures) and its code and message unchanged, anything else becomes 500
 * with a generic message.
 */
export function errorToResponse(error: unknown, options: ErrorToResponseOptions): MappedError {
  let status: number;
  let body: ErrorBody;
  let extra: Readonly<Record<string, string>> = {};
  if (error instanceof DetectorHttpError) {
    status = error.status;
    body = { code: error.code, message: error.message };
    extra = error.headers;
  } else if (error instanceof AnomalyDetectorError) {
    status = error.status;
    body = { code: error.code, message: error.message };
  } else {
    status = 500;
    body = { code: "InternalServerError", message: INTERNAL_ERROR_MESSAGE };
  }
  const headers: Record<string, string> = { ...extra };
  if (options.errorCodeHeader) headers["x-ms-error-code"] = body.code;
  return {
    response: jsonResponse(status, body, options.requestId, headers),
    body,
    internal: status >= 500,
  };
}
