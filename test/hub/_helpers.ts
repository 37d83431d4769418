/** Shared pieces of the hub tests that run the real SDK against the in-process emulator. */
import { type Emulator, startEmulator } from "../../lib/hub/emulator/mod.ts";
import { encodeTweetEvent } from "../../lib/hub/codec.ts";
import { EventSink } from "../../lib/hub/event_sink.ts";
import type { HubEvent } from "../../lib/hub/subscribe_events.ts";

export const HUB = "tweets";

/** Runs `fn` with a fresh 4-partition emulator (temporary data) and stops it afterwards. */
export async function withEmulator(
  fn: (emulator: Emulator) => Promise<void>,
  consumerGroups: string[] = ["$Default"],
): Promise<void> {
  const emulator = await startEmulator({
    port: 0,
    hubs: [{ name: HUB, partitionCount: 4 }],
    consumerGroups,
  });
  try {
    await fn(emulator);
  } finally {
    await emulator.stop();
  }
}

/** Runs `fn` with a temporary directory, removed afterwards. */
export async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "hubwatch-hub-test-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** The body of the i-th test event: `favorite` is `i`, so every event is distinct. */
export function tweetBody(i: number): Uint8Array {
  return encodeTweetEvent({
    timestamp: new Date(1_700_000_000_000 + i * 1000).toISOString(),
    favorite: i,
  });
}

/**
 * Sends events `from..to-1` through one EventSink: odd ones with one of eight partition keys,
 * even ones without a key.
 */
export async function sendTweets(
  connectionString: string,
  from: number,
  to: number,
): Promise<void> {
  const sink = new EventSink(connectionString);
  for (let i = from; i < to; i++) {
    await sink.enqueue(
      { body: tweetBody(i) },
      i % 2 === 1 ? { partitionKey: `user-${i % 8}` } : {},
    );
  }
  await sink.close();
}

/** Checks that each partition's events have consecutive sequence numbers starting at `first`. */
export function gapsPerPartition(
  events: readonly HubEvent<unknown>[],
  first: Record<string, number> = {},
): string[] {
  const problems: string[] = [];
  const next = new Map<string, number>();
  for (const event of events) {
    const expected = next.get(event.partitionId) ?? first[event.partitionId] ?? 0;
    if (event.sequenceNumber !== expected) {
      problems.push(
        `partition ${event.partitionId}: got ${event.sequenceNumber}, expected ${expected}`,
      );
    }
    next.set(event.partitionId, event.sequenceNumber + 1);
  }
  return problems;
}
