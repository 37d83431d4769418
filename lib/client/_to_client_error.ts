import { AnomalyDetectorError } from "@/detect";
import { AnomalyDetectorClientError } from "./anomaly_detector_client_error.ts";
import { isRetryableStatus } from "./_retry.ts";

/** Everything that can go wrong in a call, before it becomes an error. */
export type CallFailure =
  | { kind: "status"; status: number; text: string }
  | { kind: "invalid-response"; status: number; cause: unknown }
  | { kind: "timeout"; timeoutInMs: number; status?: number; cause: unknown }
  | { kind: "network"; url: string; status?: number; cause: unknown }
  | { kind: "aborted"; reason: unknown }
  | { kind: "local"; error: unknown };

/**
 * The client's single translation to {@linkcode AnomalyDetectorClientError}: the code and
 * message of an error answer (`{code, message}` or Azure's `{error: {code, message}}`), and
 * which failures are worth retrying (408/429/5xx answers, network failures, timeouts).
 */
export function toClientError(failure: CallFailure): AnomalyDetectorClientError {
  switch (failure.kind) {
    case "status": {
      const { status, text } = failure;
      let code = `Http${status}`;
      let message = `The endpoint answered HTTP ${status}`;
      try {
        const parsed = JSON.parse(text);
        const inner = typeof parsed?.error === "object" && parsed.error !== null
          ? parsed.error
          : parsed;
        if (typeof inner?.code === "string" || typeof inner?.code === "number") {
          code = String(inner.code);
        }
        if (typeof inner?.message === "string") message = inner.message;
      } catch {
        if (text.trim() !== "") message = `${message}: ${text.slice(0, 200)}`;
      }
      return new AnomalyDetectorClientError(code, message, {
        status,
        retryable: isRetryableStatus(status),
      });
    }
    case "invalid-response":
      return new AnomalyDetectorClientError(
        "InvalidResponse",
        `The endpoint answered ${failure.status} with a body that is not JSON`,
        { status: failure.status, retryable: false, cause: failure.cause },
      );
    case "timeout":
      return new AnomalyDetectorClientError(
        "Timeout",
        `The endpoint did not answer within ${failure.timeoutInMs} ms`,
        { status: failure.status, retryable: true, cause: failure.cause },
      );
    case "network":
      return new AnomalyDetectorClientError(
        "NetworkError",
        `The request to ${failure.url} failed: ${messageOf(failure.cause)}`,
        { status: failure.status, retryable: true, cause: failure.cause },
      );
    case "aborted":
      return new AnomalyDetectorClientError("Aborted", "The call was aborted", {
        retryable: false,
        cause: failure.reason,
      });
    case "local": {
      const { error } = failure;
      if (error instanceof AnomalyDetectorError) {
        return new AnomalyDetectorClientError(error.code, error.message, {
          status: error.status,
          retryable: false,
          cause: error,
        });
      }
      return new AnomalyDetectorClientError(
        "InternalServerError",
        `The local engine failed unexpectedly: ${messageOf(error)}`,
        { status: 500, retryable: false, cause: error },
      );
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
