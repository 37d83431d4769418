/** Why a call to an Anomaly Detector endpoint failed. */
export class AnomalyDetectorClientError extends Error {
  /**
   * The service's error code (`InvalidSeries`, `401`, ...) or one of the client's own:
   * `Timeout`, `Aborted`, `NetworkError`, `InvalidResponse`, `Http<status>`.
   */
  readonly code: string;
  /** HTTP status of the last answer; `undefined` when no answer came (network, timeout, abort). */
  readonly status: number | undefined;
  /** True when the same request may succeed later (429, 5xx, network failure, timeout). */
  readonly retryable: boolean;
  constructor(
    code: string,
    message: string,
    options: ErrorOptions & { status?: number; retryable: boolean },
  ) {
    super(message, options);
    this.name = "AnomalyDetectorClientError";
    this.code = code;
    this.status = options.status;
    this.retryable = options.retryable;
  }
}
