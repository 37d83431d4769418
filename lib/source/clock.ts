/**
 * The time sources use: reading the current time and waiting. Injected so tests run on fake time.
 *
 * @module
 */

/** Current time and abortable waiting, in milliseconds since the Unix epoch. */
export interface Clock {
  /** Current time in milliseconds since the Unix epoch. */
  now(): number;
  /**
   * Resolves after `delayInMs`; rejects with the signal's reason when `abortSignal` aborts first.
   */
  sleep(delayInMs: number, abortSignal?: AbortSignal): Promise<void>;
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("The operation was aborted.", "AbortError");
}

/** The real clock: `Date.now()` and `setTimeout`. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep(delayInMs: number, abortSignal?: AbortSignal): Promise<void> {
    if (abortSignal?.aborted) return Promise.reject(abortReason(abortSignal));
    if (delayInMs <= 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        clearTimeout(timer);
        reject(abortReason(abortSignal!));
      };
      const timer = setTimeout(() => {
        abortSignal?.removeEventListener("abort", onAbort);
        resolve();
      }, delayInMs);
      abortSignal?.addEventListener("abort", onAbort, { once: true });
    });
  },
};

/**
 * A manual clock for tests and simulations: `sleep()` advances the time instantly and resolves.
 * `onSleep` runs after the time advanced, before the sleep resolves (e.g. to add posts "meanwhile").
 */
export class FakeClock implements Clock {
  #nowInMs: number;
  /** Every requested sleep, in order. */
  readonly sleeps: number[] = [];
  /** Called after each sleep advanced the time. */
  onSleep?: (delayInMs: number) => void | Promise<void>;

  /** @param startInMs the initial time, in milliseconds since the Unix epoch. */
  constructor(startInMs = 0) {
    this.#nowInMs = startInMs;
  }

  now(): number {
    return this.#nowInMs;
  }

  /** Moves the time forward by `delayInMs`. */
  advance(delayInMs: number): void {
    this.#nowInMs += Math.max(0, delayInMs);
  }

  async sleep(delayInMs: number, abortSignal?: AbortSignal): Promise<void> {
    if (abortSignal?.aborted) throw abortReason(abortSignal);
    const delay = Math.max(0, delayInMs);
    this.sleeps.push(delay);
    this.#nowInMs += delay;
    await this.onSleep?.(delay);
    if (abortSignal?.aborted) throw abortReason(abortSignal);
  }
}
