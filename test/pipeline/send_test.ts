import assert from "node:assert/strict";
import {
  eventSinkTarget,
  send,
  type SendProgress,
  type SendTarget,
  toTweetEvent,
} from "../../lib/pipeline/send.ts";
import { decodeTweetEvent, type TweetEvent } from "../../lib/hub/codec.ts";
import { EventSink } from "../../lib/hub/event_sink.ts";
import { startEmulator } from "../../lib/hub/emulator/mod.ts";
import { subscribeEvents } from "../../lib/hub/subscribe_events.ts";
import { SyntheticSource } from "../../lib/source/synthetic_source.ts";
import { sendCommand } from "../../cli/commands/send.ts";
import { startFakeXApi } from "../source/fake_x_api.ts";
import { join } from "node:path";
import type { Post } from "../../lib/source/post_source.ts";

class MemoryTarget implements SendTarget {
  events: [TweetEvent, string | undefined][] = [];
  flushes = 0;
  failOn = new Set<number>();
  failed?: number;
  #calls = 0;
  send(event: TweetEvent, partitionKey?: string): Promise<void> {
    this.#calls += 1;
    if (this.failOn.has(this.#calls)) return Promise.reject(new Error(`refused #${this.#calls}`));
    this.events.push([event, partitionKey]);
    return Promise.resolve();
  }
  flush(): Promise<void> {
    this.flushes += 1;
    return Promise.resolve();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

function post(n: number, likeCount = n): Post {
  return {
    id: String(n),
    createdAt: new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString(),
    likeCount,
  };
}

async function* from(posts: Post[]): AsyncGenerator<Post> {
  for (const p of posts) yield p;
}

Deno.test("send() sends each post as {timestamp, favorite} in order and flushes", async () => {
  const target = new MemoryTarget();
  const summary = await send(from([post(1), post(2), post(3, 0)]), target);
  assert.deepEqual(target.events.map(([e]) => e), [
    { timestamp: "2026-01-01T00:00:01.000Z", favorite: 1 },
    { timestamp: "2026-01-01T00:00:02.000Z", favorite: 2 },
    { timestamp: "2026-01-01T00:00:03.000Z", favorite: 0 },
  ]);
  assert.equal(target.flushes, 1);
  assert.deepEqual([summary.sent, summary.skipped, summary.errors, summary.stoppedBy], [
    3,
    0,
    0,
    "end",
  ]);
});

Deno.test("send() skips posts with invalid likes and repeated ids, reporting why", async () => {
  const target = new MemoryTarget();
  const reasons: string[] = [];
  const summary = await send(from([post(1), post(2, -1), post(1), post(3)]), target, {
    onSkip: (p, reason) => reasons.push(`${p.id}: ${reason}`),
  });
  assert.deepEqual(target.events.map(([e]) => e.favorite), [1, 3]);
  assert.equal(summary.skipped, 2);
  assert.deepEqual(reasons, [
    '2: Cannot read event as field "favorite" must be a non-negative safe integer: current value is -1',
    "1: id 1 was already sent",
  ]);
});

Deno.test("send() counts target errors and keeps going", async () => {
  const target = new MemoryTarget();
  target.failOn = new Set([2]);
  const failedIds: string[] = [];
  const summary = await send(from([post(1), post(2), post(3)]), target, {
    onError: (_e, p) => failedIds.push(p.id),
  });
  assert.deepEqual(target.events.map(([e]) => e.favorite), [1, 3]);
  assert.deepEqual([summary.sent, summary.errors, summary.stoppedBy], [2, 1, "end"]);
  assert.deepEqual(failedIds, ["2"]);
});

Deno.test("send() stops with an error after maxConsecutiveErrors target failures", async () => {
  const target = new MemoryTarget();
  target.failOn = new Set([1, 2, 3, 4]);
  const summary = await send(from([1, 2, 3, 4, 5].map((n) => post(n))), target, {
    maxConsecutiveErrors: 3,
  });
  assert.equal(summary.stoppedBy, "error");
  assert.equal(summary.errors, 3);
  assert.match(summary.error!.message, /the target failed 3 times in a row: refused #3/);
  assert.equal(target.flushes, 1);
});

Deno.test("send() ends with stoppedBy error when the source throws, after flushing", async () => {
  async function* failing(): AsyncGenerator<Post> {
    yield post(1);
    throw new Error("X API said no");
  }
  const target = new MemoryTarget();
  const summary = await send(failing(), target);
  assert.deepEqual([summary.sent, summary.stoppedBy, summary.error?.message], [
    1,
    "error",
    "X API said no",
  ]);
  assert.equal(target.flushes, 1);
});

Deno.test("send() returns promptly when aborted while the source waits", async () => {
  let stopped = false;
  async function* waiting(signal: AbortSignal): AsyncGenerator<Post> {
    try {
      yield post(1);
      await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
    } finally {
      stopped = true;
    }
  }
  const controller = new AbortController();
  const target = new MemoryTarget();
  const job = send(waiting(controller.signal), target, {
    abortSignal: controller.signal,
    onSent: () => queueMicrotask(() => controller.abort()),
  });
  const summary = await job;
  assert.deepEqual([summary.sent, summary.stoppedBy], [1, "abort"]);
  assert.equal(target.flushes, 1);
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.equal(stopped, true);
});

Deno.test("send() stops the source after maxEvents", async () => {
  let finished = false;
  async function* endless(): AsyncGenerator<Post> {
    try {
      for (let n = 1;; n++) yield post(n);
    } finally {
      finished = true;
    }
  }
  const target = new MemoryTarget();
  const summary = await send(endless(), target, { maxEvents: 5 });
  assert.deepEqual([summary.sent, summary.stoppedBy, finished], [5, "limit", true]);
});

Deno.test("send() reports progress at most once per interval and once at the end", async () => {
  let time = 0;
  const reports: SendProgress[] = [];
  const target = new MemoryTarget();
  const original = target.send.bind(target);
  target.send = (event, key) => {
    time += 400;
    return original(event, key);
  };
  await send(from([1, 2, 3, 4, 5].map((n) => post(n))), target, {
    now: () => time,
    progressIntervalInMs: 1000,
    onProgress: (p) => reports.push(p),
  });
  assert.deepEqual(reports.map((r) => [r.sent, r.elapsedInMs]), [[3, 1200], [5, 2000]]);
  assert.equal(reports[1].eventsPerSecond, 2.5);
});

Deno.test("send() passes the partition key chosen per post", async () => {
  const target = new MemoryTarget();
  await send(from([post(1), post(2)]), target, { partitionKey: (p) => `k${p.id}` });
  assert.deepEqual(target.events.map(([, key]) => key), ["k1", "k2"]);
});

Deno.test("send() counts events the target gave up on after accepting them as errors", async () => {
  const target = new MemoryTarget();
  target.failed = 1;
  const summary = await send(from([post(1), post(2)]), target);
  assert.deepEqual([summary.sent, summary.errors], [1, 1]);
});

Deno.test("send() delivers every synthetic post through EventSink to the emulator, and a consumer receives them all", async () => {
  const emulator = await startEmulator({ port: 0 });
  try {
    const sink = new EventSink(emulator.connectionString);
    const source = new SyntheticSource({ days: 1, seed: 11 });
    const expected = source.posts().map(toTweetEvent);
    let summary;
    try {
      summary = await send(source, eventSinkTarget(sink));
    } finally {
      await sink.close();
    }
    assert.deepEqual([summary.sent, summary.errors, summary.stoppedBy], [
      expected.length,
      0,
      "end",
    ]);
    const received: TweetEvent[] = [];
    const subscription = subscribeEvents({
      connectionString: emulator.connectionString,
      decode: (body) => decodeTweetEvent(body),
      maxWaitTimeInSeconds: 1,
    }, {
      processEvents(batch) {
        for (const event of batch.events) received.push(event.body);
      },
    });
    try {
      for (let i = 0; i < 100 && received.length < expected.length; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      await subscription.close();
    }
    const key = (e: TweetEvent) => `${e.timestamp}|${e.favorite}`;
    assert.deepEqual(received.map(key).sort(), expected.map(key).sort());
  } finally {
    await emulator.stop();
  }
});

async function runCli(args: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const log = console.log;
  const error = console.error;
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, Deno.env.get(k)]));
  console.log = (...parts: unknown[]) => out.push(parts.join(" "));
  console.error = (...parts: unknown[]) => err.push(parts.join(" "));
  for (const [k, v] of Object.entries(env)) Deno.env.set(k, v);
  try {
    const code = await sendCommand.run(args);
    return { code, out, err };
  } finally {
    console.log = log;
    console.error = error;
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) Deno.env.delete(k);
      else Deno.env.set(k, v);
    }
  }
}

Deno.test("sendCommand replays 997 of 1,000 lines and reports the 3 bad line numbers", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const lines = Array.from({ length: 1000 }, (_, i) =>
      JSON.stringify({
        created_at: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
        favorite: i % 9,
      }));
    lines[9] = "not json";
    lines[99] = '{"timestamp":"yesterday","favorite":1}';
    lines[999] = '{"timestamp":"2026-01-01T00:00:00Z","favorite":1.5}';
    const file = join(dir, "posts.jsonl");
    await Deno.writeTextFile(file, lines.join("\n") + "\n");
    const { code, out, err } = await runCli([
      "--source",
      "replay",
      "--file",
      file,
      "--dry-run",
      "--quiet",
    ]);
    assert.equal(code, 0);
    assert.match(out[0], /^Sent 997 events to nowhere \(dry run\) in /);
    assert.equal(out[1], `Skipped 3 bad rows: ${file} lines 10, 100, 1000`);
    assert.equal(err.length, 3);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("sendCommand --source x prints Sent event lines and sends nothing twice after a restart", async () => {
  const fake = await startFakeXApi();
  const dir = await Deno.makeTempDir();
  try {
    const post = (n: number) => ({
      id: String(1870000000000000000n + BigInt(n)),
      createdAt: new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString(),
      likeCount: n,
      text: `#Azure ${n}`,
    });
    fake.addPosts([post(1), post(2)]);
    const env = { X_BEARER_TOKEN: "test-token", X_API_BASE_URL: fake.url };
    const args = [
      "--source",
      "x",
      "--rounds",
      "1",
      "--state",
      join(dir, "state.json"),
      "--dry-run",
      "--verbose",
    ];
    const first = await runCli(args, env);
    fake.addPosts([post(3)]);
    const second = await runCli(args, env);
    assert.deepEqual([first.code, second.code], [0, 0]);
    assert.deepEqual(first.out.slice(0, 2), [
      'Sent event: {"timestamp":"2026-01-01T00:00:01.000Z","favorite":1}',
      'Sent event: {"timestamp":"2026-01-01T00:00:02.000Z","favorite":2}',
    ]);
    assert.deepEqual(
      second.out[0],
      'Sent event: {"timestamp":"2026-01-01T00:00:03.000Z","favorite":3}',
    );
    assert.match(second.out[1], /^Sent 1 events to nowhere/);
  } finally {
    await fake.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("sendCommand --source x exits 1 with a message naming X_BEARER_TOKEN on 401", async () => {
  const fake = await startFakeXApi();
  const dir = await Deno.makeTempDir();
  try {
    const { code, err } = await runCli(
      ["--source", "x", "--rounds", "1", "--state", join(dir, "s.json"), "--dry-run", "--quiet"],
      { X_BEARER_TOKEN: "revoked", X_API_BASE_URL: fake.url },
    );
    assert.equal(code, 1);
    assert.match(err.at(-1)!, /^hubwatch send: .*HTTP 401.*check X_BEARER_TOKEN/);
  } finally {
    await fake.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("send() summaries display as a Markdown table in notebooks", async () => {
  const summary = await send([post(1)], new MemoryTarget(), { now: () => 0 });
  const display = (summary as unknown as Record<symbol, () => Record<string, string>>)[
    Symbol.for("Jupyter.display")
  ];
  assert.equal(
    display()["text/markdown"],
    [
      "| send job | |",
      "|---|---|",
      "| sent | 1 |",
      "| skipped | 0 |",
      "| errors | 0 |",
      "| events/s | 0 |",
      "| elapsed | 0.0 s |",
      "| stopped by | end |",
    ].join("\n"),
  );
});

Deno.test("send() remembers only the last duplicateWindow ids", async () => {
  const target = new MemoryTarget();
  const summary = await send([post(1), post(2), post(3), post(1), post(3)], target, {
    duplicateWindow: 2,
  });
  assert.deepEqual([summary.sent, summary.skipped], [4, 1]);
});
