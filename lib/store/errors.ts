/**
 * Thrown when a commit keeps losing the race for the next version against other writers and
 * the attempts are exhausted. Retryable: nothing was committed.
 */
export class CommitConflictError extends Error {
  /** Always true: retrying later may succeed. */
  readonly retryable = true;
  /** Version the last attempt tried to create. */
  readonly version: number;
  constructor(message: string, version: number, options?: ErrorOptions) {
    super(message, options);
    this.name = "CommitConflictError";
    this.version = version;
  }
}

/** Thrown when a table's log or files do not follow the Delta protocol as this reader knows it. */
export class DeltaProtocolError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "DeltaProtocolError";
  }
}
