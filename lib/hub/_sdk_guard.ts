/**
 * A guard for one known defect of `@azure/core-amqp` (Azure/azure-sdk-for-js#20569): after the
 * connection was lost, cancelling or timing out a pending request on the `$cbs` or
 * `$management` link reads `receiver.address` of a removed link and throws a `TypeError` from
 * inside an abort listener or a timer (60 s after the request by default). Deno reports such an
 * error as uncaught and ends the process. The request's promise then never settles, so whatever
 * awaits it hangs: the SDK's `subscription.close()`, or a partition reader that was
 * authenticating when the connection dropped.
 *
 * @module
 */

/** `true` for exactly the SDK defect described above. */
export function isKnownSdkDefect(error: unknown): boolean {
  return error instanceof TypeError &&
    error.message.includes("reading 'address'") &&
    (error.stack ?? "").includes("requestResponseLink");
}

let holders = 0;

function onError(event: ErrorEvent): void {
  if (isKnownSdkDefect(event.error)) event.preventDefault();
}

/**
 * Keeps the known SDK defect from ending the process until the returned function is called
 * (reference-counted: one global `error` listener however many holders). Other uncaught
 * errors are left alone.
 */
export function holdSdkDefectGuard(): () => void {
  if (holders++ === 0) globalThis.addEventListener("error", onError);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--holders === 0) globalThis.removeEventListener("error", onError);
  };
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
  const release = holdSdkDefectGuard();
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
    release();
  }
}
