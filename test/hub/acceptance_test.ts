/**
 * The acceptance tests for the client side, with the real SDK against the emulator.
 * These are the heavy hub tests (100,000 events; child processes).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath as fromFileUrl } from "node:url";
import { decodeTweetEvent, type TweetEvent } from "../../lib/hub/codec.ts";
import { DeadLetterFile, readDeadLetterFile } from "../../lib/hub/dead_letter.ts";
import { EventSink } from "../../lib/hub/event_sink.ts";
import { FileCheckpointStore } from "../../lib/hub/file_checkpoint_store.ts";
import { type HubEvent, subscribeEvents } from "../../lib/hub/subscribe_events.ts";
import {
  gapsPerPartition,
  HUB,
  sendTweets,
  tweetBody,
  withEmulator,
  withTempDir,
} from "./_helpers.ts";

Deno.test("100,000 events over 4 partitions arrive exactly once, in order, checkpointed per batch", async () => {
  await withEmulator(async (emulator) => {
    await withTempDir(async (dir) => {
      await sendTweets(emulator.connectionString, 0, 100_000);
      const store = new FileCheckpointStore(dir);
      const events: HubEvent<TweetEvent>[] = [];
      const stream = subscribeEvents({
        connectionString: emulator.connectionString,
        checkpointStore: store,
        decode: decodeTweetEvent,
        maxWaitTimeInSeconds: 0.5,
      });
      for await (const batch of stream) {
        assert.ok(batch.events.length <= 100);
        events.push(...batch.events);
        if (events.length >= 100_000) break;
      }
      const { batches, checkpoints, deadLettered, errors } = stream.stats;
      assert.equal(events.length, 100_000);
      assert.equal(new Set(events.map((e) => e.body.favorite)).size, 100_000);
      assert.deepEqual(gapsPerPartition(events), []);
      const perPartition = Object.groupBy(events, (e) => e.partitionId);
      assert.deepEqual(Object.keys(perPartition).sort(), ["0", "1", "2", "3"]);
      // Every batch but the one in hand when the loop stopped is checkpointed.
      assert.deepEqual([checkpoints, deadLettered, errors], [batches - 1, 0, 0]);
      const saved = await store.listCheckpoints("127.0.0.1", HUB, "$Default");
      for (const checkpoint of saved) {
        const last = perPartition[checkpoint.partitionId]!.at(-1)!.sequenceNumber;
        assert.ok(checkpoint.sequenceNumber <= last && checkpoint.sequenceNumber >= last - 100);
      }
    });
  });
});

Deno.test("1,000 malformed bodies among 10,000 good ones: 10,000 processed, 1,000 dead letters, still running", async () => {
  await withEmulator(async (emulator) => {
    await withTempDir(async (dir) => {
      const encoder = new TextEncoder();
      const malformed = [
        encoder.encode("{not json"),
        new Uint8Array([0xc3, 0x28]),
        encoder.encode('{"timestamp":"yesterday","favorite":1}'),
        encoder.encode('{"timestamp":"2026-01-01T00:00:00Z","favorite":1.5}'),
        encoder.encode('{"favorite":2}'),
      ];
      const sink = new EventSink(emulator.connectionString);
      let bad = 0;
      for (let i = 0; i < 10_000; i++) {
        await sink.enqueue({ body: tweetBody(i) });
        if (i % 10 === 9) await sink.enqueue({ body: malformed[bad++ % malformed.length] });
      }
      await sink.close();
      const path = join(dir, "dead-letters.jsonl");
      const deadLetters = new DeadLetterFile(path);
      let processed = 0;
      const { promise: allGood, resolve } = Promise.withResolvers<void>();
      const subscription = subscribeEvents({
        connectionString: emulator.connectionString,
        checkpointStore: new FileCheckpointStore(join(dir, "checkpoints")),
        decode: decodeTweetEvent,
        deadLetters,
        maxWaitTimeInSeconds: 0.2,
      }, {
        processEvents(batch) {
          processed += batch.events.length;
          if (processed === 10_000) resolve();
        },
      });
      await allGood;
      while (subscription.stats.deadLettered < 1000) await new Promise((r) => setTimeout(r, 20));
      assert.equal(subscription.isRunning, true);
      // Still reading: one more good event arrives.
      const more = new EventSink(emulator.connectionString);
      await more.enqueue({ body: tweetBody(10_000) });
      await more.close();
      while (processed < 10_001) await new Promise((r) => setTimeout(r, 20));
      await subscription.close();
      await deadLetters.close();
      const records = await readDeadLetterFile(path);
      assert.equal(records.length, 1000);
      assert.equal(deadLetters.count, 1000);
      assert.equal(subscription.stats.deadLettered, 1000);
      assert.equal(subscription.stats.events, 10_001);
      assert.equal(new Set(records.map((r) => `${r.partitionId}/${r.sequenceNumber}`)).size, 1000);
      assert.deepEqual(
        Object.entries(Object.groupBy(records, (r) => r.bodyEncoding)).map((
          [k, v],
        ) => [k, v!.length])
          .sort(),
        [["base64", 200], ["utf8", 800]],
      );
    });
  });
});

interface Child {
  process: Deno.ChildProcess;
  stdin: WritableStreamDefaultWriter<Uint8Array>;
  lines: AsyncIterator<string>;
  /** The read of the next line, once asked for and not yet taken. */
  pending?: Promise<IteratorResult<string>>;
}

/** The child's next line, without taking it (a later `take` gets the same line). */
function peek(child: Child): Promise<IteratorResult<string>> {
  child.pending ??= child.lines.next();
  return child.pending;
}

/** Takes the child's next line. */
async function take(child: Child): Promise<IteratorResult<string>> {
  const result = await peek(child);
  child.pending = undefined;
  return result;
}

/**
 * Reads both consumers' reports until their latest ones hold two partitions each and all four
 * together (a consumer may briefly still report a partition the other has just taken over).
 */
async function untilSplit(a: Child, b: Child): Promise<[string[], string[]]> {
  const children = [a, b];
  const latest: [string[], string[]] = [[], []];
  const split = () =>
    latest[0].length === 2 && latest[1].length === 2 &&
    new Set([...latest[0], ...latest[1]]).size === 4;
  while (!split()) {
    const index = await Promise.race(children.map((child, i) => peek(child).then(() => i)));
    const { value, done } = await take(children[index]);
    if (done) throw new Error(`consumer ${index === 0 ? "a" : "b"} exited before the split`);
    const report = JSON.parse(value);
    if (report.partitions !== undefined) latest[index] = report.partitions;
  }
  return latest;
}

function startConsumer(connectionString: string, storeDir: string): Child {
  const script = fromFileUrl(new URL("./_consumer_process.ts", import.meta.url));
  const config = fromFileUrl(new URL("../../deno.json", import.meta.url));
  const process = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--no-check", "--config", config, script, connectionString, storeDir],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const lines = process.stdout.pipeThrough(new TextDecoderStream()).pipeThrough(lineSplitter())
    [Symbol.asyncIterator]();
  return { process, stdin: process.stdin.getWriter(), lines };
}

function lineSplitter(): TransformStream<string, string> {
  let rest = "";
  return new TransformStream({
    transform(chunk, controller) {
      const parts = (rest + chunk).split("\n");
      rest = parts.pop()!;
      for (const part of parts) if (part.length > 0) controller.enqueue(part);
    },
  });
}

/** Reads the child's reports until one lists `count` partitions; returns that list. */
async function untilPartitions(child: Child, count: number): Promise<string[]> {
  for (;;) {
    const { value, done } = await take(child);
    if (done) throw new Error(`consumer exited before it read ${count} partitions`);
    const report = JSON.parse(value);
    if (report.partitions?.length === count) return report.partitions;
  }
}

async function stopConsumer(child: Child): Promise<void> {
  await child.stdin.close();
  for (;;) {
    const { done } = await take(child);
    if (done) break;
  }
  const status = await child.process.status;
  assert.equal(status.code, 0);
}

Deno.test("two consumer processes sharing a FileCheckpointStore split 4 partitions 2/2; the survivor takes all 4", async () => {
  await withEmulator(async (emulator) => {
    await withTempDir(async (dir) => {
      const a = startConsumer(emulator.connectionString, dir);
      let b: Child | undefined;
      try {
        assert.deepEqual(await untilPartitions(a, 4), ["0", "1", "2", "3"]);
        b = startConsumer(emulator.connectionString, dir);
        const [ofA, ofB] = await untilSplit(a, b);
        assert.deepEqual([...ofA, ...ofB].sort(), ["0", "1", "2", "3"]);
        await stopConsumer(b);
        b = undefined;
        assert.deepEqual(await untilPartitions(a, 4), ["0", "1", "2", "3"]);
        const owners = await new FileCheckpointStore(dir).listOwnership(
          "127.0.0.1",
          HUB,
          "$Default",
        );
        assert.equal(new Set(owners.map((o) => o.ownerId)).size, 1);
      } finally {
        if (b !== undefined) await stopConsumer(b);
        await stopConsumer(a);
      }
    });
  });
});

Deno.test("when a consumer process is killed, the survivor takes all 4 partitions once its claims expire", async () => {
  await withEmulator(async (emulator) => {
    await withTempDir(async (dir) => {
      const a = startConsumer(emulator.connectionString, dir);
      const b = startConsumer(emulator.connectionString, dir);
      try {
        const [ofA, ofB] = await untilSplit(a, b);
        assert.deepEqual([...ofA, ...ofB].sort(), ["0", "1", "2", "3"]);
        b.process.kill("SIGKILL");
        assert.equal((await b.process.status).signal, "SIGKILL");
        assert.deepEqual(await untilPartitions(a, 4), ["0", "1", "2", "3"]);
      } finally {
        await b.stdin.close().catch(() => {});
        while (!(await take(b)).done) { /* drain */ }
        await stopConsumer(a);
      }
    });
  });
});
