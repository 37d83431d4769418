/** Smallest window size: one minute. */
export const MIN_WINDOW_SIZE_IN_MS = 60_000;
/** Largest window size: one day. */
export const MAX_WINDOW_SIZE_IN_MS = 86_400_000;
/** The tutorial's window: one hour. */
export const DEFAULT_WINDOW_SIZE_IN_MS = 3_600_000;

/**
 * Throws a RangeError unless `sizeInMs` is a whole number of milliseconds in [1 minute, 1 day]
 * that divides one day evenly (so windows align to UTC midnight and to the Unix epoch).
 */
export function validateWindowSize(sizeInMs: number): number {
  if (!Number.isInteger(sizeInMs)) {
    throw new RangeError(
      `Cannot create window as sizeInMs must be an integer number of milliseconds: current value is ${sizeInMs}`,
    );
  }
  if (sizeInMs < MIN_WINDOW_SIZE_IN_MS || sizeInMs > MAX_WINDOW_SIZE_IN_MS) {
    throw new RangeError(
      `Cannot create window as sizeInMs must be between ${MIN_WINDOW_SIZE_IN_MS} (1 minute) and ${MAX_WINDOW_SIZE_IN_MS} (1 day): current value is ${sizeInMs}`,
    );
  }
  if (MAX_WINDOW_SIZE_IN_MS % sizeInMs !== 0) {
    throw new RangeError(
      `Cannot create window as sizeInMs must divide one day (86400000 ms) evenly so windows align to UTC midnight: current value is ${sizeInMs}`,
    );
  }
  return sizeInMs;
}

/** Throws a RangeError unless `graceInMs` is a non-negative integer. */
export function validateGrace(graceInMs: number): number {
  if (!Number.isInteger(graceInMs) || graceInMs < 0) {
    throw new RangeError(
      `Cannot create window aggregator as graceInMs must be a non-negative integer: current value is ${graceInMs}`,
    );
  }
  return graceInMs;
}

/** Start (epoch ms) of the window of size `sizeInMs` that holds `timeInMs`; windows align to the Unix epoch. */
export function windowStartOf(timeInMs: number, sizeInMs: number): number {
  return Math.floor(timeInMs / sizeInMs) * sizeInMs;
}

/** Converts an event time (Date or epoch milliseconds) into epoch ms, or throws a TypeError naming the field. */
export function eventTimeInMs(timestamp: unknown, field = "timestamp"): number {
  const ms = timestamp instanceof Date
    ? timestamp.getTime()
    : typeof timestamp === "number"
    ? timestamp
    : Number.NaN;
  if (!Number.isFinite(ms)) {
    throw new TypeError(
      `Cannot window event as ${field} must be a valid Date or epoch milliseconds: current value is ${
        String(timestamp)
      }`,
    );
  }
  return ms;
}

/** Checks that an event's favorite count is a finite number, or throws a TypeError naming the field. */
export function eventValue(value: unknown, field = "favorite"): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new TypeError(
      `Cannot window event as ${field} must be a finite number: current value is ${String(value)}`,
    );
  }
  return value;
}
