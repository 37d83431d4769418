/**
 * A guard for one known defect of `@azure/core-amqp` (Azure/azure-sdk-for-js#20569): after the
 * connection was lost, cancelling or timing out a pending management request reads
 * `receiver.address` of a removed link and throws a `TypeError` from inside an abort listener or
 * a timer. Deno reports such an error as uncaught and ends the process. The request's promise
 * then never settles, so whatever awaits it (the SDK's `subscription.close()`) hangs.
 *
 * @module
 */

/** `true` for exactly the SDK defect described above. */
export function isKnownSdkDefect(error: unknown): boolean {
  return error instanceof TypeError &&
    error.message.includes("reading 'address'") &&
    (error.stack ?? "").includes("requestResponseLink");
}

/**
 * Runs `fn` while the known SDK defect is kept from ending the process, and gives up waiting
 * for `fn` after `timeoutInMs` (resolving `false`) since the defect can leave it pending forever.
 * Resolves `true` when `fn` settled in time; never rejects.
 */
export async function settleWithinGuarded(
  fn: () => Promise<unknown>,
  timeoutInMs: number,
): Promise<boolean> {
  const onError = (event: ErrorEvent) => {
    if (isKnownSdkDefect(event.error)) event.preventDefault();
  };
  globalThis.addEventListener("error", onError);
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutInMs);
    });
    const settled = (async () => {
      try {
        await fn();
      } catch {
        // Closing releases resources only; a failure leaves nothing to do.
      }
      return true;
    })();
    return await Promise.race([settled, timedOut]);
  } finally {
    clearTimeout(timer);
    globalThis.removeEventListener("error", onError);
  }
}
