/** Helpers for tests that drive the real @azure/event-hubs SDK against the emulator. */
import fs from "node:fs";
import {
  type EventHubConsumerClient,
  type EventPosition,
  type ReceivedEventData,
  type SubscribeOptions,
} from "@azure/event-hubs";
import { type Emulator, type EmulatorOptions, startEmulator } from "@/hub/emulator";

/** Starts an emulator on a free port over a fresh data directory; `stop` removes both. */
export async function withEmulator(
  options: EmulatorOptions,
  fn: (emulator: Emulator) => Promise<void>,
): Promise<void> {
  const dataDir = options.dataDir ?? Deno.makeTempDirSync({ prefix: "hubwatch-emu-" });
  const emulator = await startEmulator({ port: 0, ...options, dataDir });
  try {
    await fn(emulator);
  } finally {
    await emulator.stop();
    if (options.dataDir === undefined) fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Subscribes to one partition until `count` events arrived (or `timeoutInMs`); returns them. */
export async function receive(
  consumer: EventHubConsumerClient,
  partitionId: string,
  startPosition: EventPosition,
  count: number,
  options: SubscribeOptions & { timeoutInMs?: number } = {},
): Promise<ReceivedEventData[]> {
  const events: ReceivedEventData[] = [];
  const errors: Error[] = [];
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const timer = setTimeout(done, options.timeoutInMs ?? 5000);
  const subscription = consumer.subscribe(partitionId, {
    processEvents: (batch) => {
      events.push(...batch);
      if (events.length >= count) done();
      return Promise.resolve();
    },
    processError: (error) => {
      errors.push(error);
      return Promise.resolve();
    },
  }, { maxWaitTimeInSeconds: 1, ...options, startPosition });
  await finished;
  clearTimeout(timer);
  await subscription.close();
  if (events.length < count && errors.length > 0) {
    throw new Error(`receive failed after ${events.length} events`, { cause: errors[0] });
  }
  return events;
}

/** Subscribes with `options` and resolves with the first error the SDK reports. */
export async function firstError(
  consumer: EventHubConsumerClient,
  partitionId: string,
  options: SubscribeOptions,
): Promise<Error & { code?: string }> {
  let report!: (e: Error) => void;
  const got = new Promise<Error>((resolve) => (report = resolve));
  const subscription = consumer.subscribe(partitionId, {
    processEvents: () => Promise.resolve(),
    processError: (error) => {
      report(error);
      return Promise.resolve();
    },
  }, options);
  const error = await got;
  await subscription.close();
  return error;
}

/** Resolves once `condition()` holds, polling every 10 ms (rejects after `timeoutInMs`). */
export async function until(condition: () => boolean, timeoutInMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutInMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not reached in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}
