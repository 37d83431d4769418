/**
 * The analyze job SIGKILLed 22 times while it consumes 100,000 events from the emulator (from
 * outside at random moments, and from inside its own commits, before and after publishing) must
 * leave exactly the batch aggregation of all events: no event lost, none counted twice, none
 * logged late. After a restart the partitions' readers start at different moments; the hub source
 * announces every partition, so one that delivers last still holds the watermark back.
 */
import assert from "node:assert/strict";
import { EventHubConsumerClient } from "@azure/event-hubs";
import { fileURLToPath } from "node:url";
import { encodeTweetEvent, EventSink, startEmulator } from "@/hub";
import { SyntheticSource } from "@/source";
import { HistoryTable } from "@/store";
import { aggregateWindows, eventsToDataFrame, windowsFromDataFrame } from "@/window";
import { readLateEvents } from "@/pipeline";
import { seededRandom } from "../window/_random.ts";

const CHILD = fileURLToPath(new URL("./_analyze_child.ts", import.meta.url));
const DENO = Deno.execPath();
const EVENTS = 100_000;
const KILLS = 22;

/** Reads the child's stdout lines into `lines` until it exits. */
async function collect(stream: ReadableStream<Uint8Array>, lines: string[]): Promise<void> {
  let buffer = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    buffer += chunk;
    const parts = buffer.split("\n");
    buffer = parts.pop()!;
    lines.push(...parts.filter((l) => l.trim()));
  }
}

function spawnChild(connectionString: string, tablePath: string, dieAt?: string) {
  const child = new Deno.Command(DENO, {
    args: [
      "run",
      "-A",
      "--no-check",
      CHILD,
      connectionString,
      tablePath,
      ...(dieAt ? [dieAt] : []),
    ],
    stdout: "piped",
    stderr: "inherit",
    env: { RUST_BACKTRACE: "0", NO_COLOR: "1" },
  }).spawn();
  const lines: string[] = [];
  const reading = collect(child.stdout, lines);
  return { child, lines, reading };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

Deno.test("analyze() killed with SIGKILL 22 times while consuming 100,000 events leaves the exact batch aggregation", async () => {
  const started = performance.now();
  const dir = await Deno.makeTempDir({ prefix: "hubwatch-analyze-crash-" });
  const emulator = await startEmulator({ port: 0, hubs: [{ name: "tweets", partitionCount: 4 }] });
  try {
    const posts = new SyntheticSource({ seed: 7, days: 3, postsPerDay: 40_000 }).posts()
      .slice(0, EVENTS);
    assert.equal(posts.length, EVENTS);
    const sink = new EventSink(emulator.connectionString);
    for (const post of posts) {
      await sink.enqueue({
        body: encodeTweetEvent({ timestamp: post.createdAt, favorite: post.likeCount }),
      });
    }
    await sink.close();
    const sentAt = performance.now();

    const tablePath = `${dir}/history`;
    const random = seededRandom(99);
    let killed = 0;
    let killedInsideCommit = 0;
    let killedBeforePublish = 0;
    for (let kill = 0; kill < KILLS; kill++) {
      // Every third run kills itself inside a commit (before or after publishing it); the
      // others are killed from here at a random moment once they have committed something.
      const mode = kill % 3;
      const dieAt = mode === 0
        ? undefined
        : `${1 + Math.floor(random() * 3)}:${mode === 1 ? "before" : "after"}`;
      const { child, lines, reading } = spawnChild(emulator.connectionString, tablePath, dieAt);
      let exited = false;
      child.status.then(() => exited = true);
      if (dieAt === undefined) {
        const deadline = performance.now() + 15_000;
        while (
          !exited && !lines.some((l) => l.includes('"batchId"')) && performance.now() < deadline
        ) {
          await sleep(2);
        }
        if (exited) {
          await reading;
          assert.fail(`run ${kill} exited before it was killed:\n${lines.join("\n")}`);
        }
        await sleep(Math.floor(random() * 80));
        child.kill("SIGKILL");
      }
      const status = await child.status;
      await reading;
      assert.equal(status.signal, "SIGKILL", `run ${kill} (${dieAt}):\n${lines.join("\n")}`);
      killed++;
      if (dieAt !== undefined) killedInsideCommit++;
      if (dieAt?.endsWith("before")) killedBeforePublish++;
    }
    const killsDoneAt = performance.now();
    // The last runs end on their own when no event arrives for idleTimeoutInMs. On a loaded
    // machine a partition reader can be slower than that, so a run may stop before it has read
    // everything; like any restart, the next run resumes from the committed positions.
    const table = await HistoryTable.open(tablePath);
    let actual = await table.read();
    const lines: string[] = [];
    let finalRuns = 0;
    while (finalRuns < 5 && (finalRuns === 0 || actual.reduce((n, w) => n + w.count, 0) < EVENTS)) {
      const run = spawnChild(emulator.connectionString, tablePath);
      const status = await run.child.status;
      await run.reading;
      lines.push(...run.lines);
      assert.equal(status.code, 0, run.lines.join("\n"));
      finalRuns++;
      actual = await table.read();
    }
    const finishedAt = performance.now();
    // Evidence of kills inside a commit: data files no version references (written, then killed
    // before the commit was published) and temporary commit files in _delta_log.
    const referenced = new Set<string>();
    for (let v = 0; v <= await table.latestVersion(); v++) {
      for (const path of (await table.snapshot(v)).files.keys()) referenced.add(path);
    }
    let orphans = 0;
    for await (const entry of Deno.readDir(tablePath)) {
      if (entry.name.endsWith(".parquet") && !referenced.has(entry.name)) orphans++;
    }
    let tornCommits = 0;
    for await (const entry of Deno.readDir(`${tablePath}/_delta_log`)) {
      if (entry.name.endsWith(".tmp")) tornCommits++;
    }
    const expected = windowsFromDataFrame(aggregateWindows(eventsToDataFrame(
      posts.map((p) => ({ timestamp: Date.parse(p.createdAt), favorite: p.likeCount })),
    )));
    assert.equal(killed, KILLS);
    assert.ok(tornCommits >= killedBeforePublish, `${tornCommits} temporary commit files`);
    // A run killed before publishing leaves its data file behind unless that commit wrote none.
    assert.ok(orphans > 0, `${orphans} orphan data files`);
    // On a failure, print what the hub holds, what was logged late and the committed positions.
    const lateEvents = await readLateEvents(tablePath);
    const progress = await table.streamProgress("crash-test/$Default/history");
    const hub = new EventHubConsumerClient("$Default", emulator.connectionString);
    const hubCounts: Record<string, number> = {};
    try {
      for (const id of await hub.getPartitionIds()) {
        const p = await hub.getPartitionProperties(id);
        hubCounts[id] = p.isEmpty ? 0 : p.lastEnqueuedSequenceNumber + 1;
      }
    } finally {
      await hub.close();
    }
    const diagnosis = JSON.stringify({
      hubCounts,
      lateEvents: lateEvents.length,
      positions: progress?.positions,
      tableVersion: await table.latestVersion(),
    });
    assert.equal(
      actual.reduce((n, w) => n + w.count, 0),
      EVENTS,
      `${diagnosis}\n${lines.filter((l) => !l.includes('"batchId"')).join("\n")}`,
    );
    assert.deepEqual(await readLateEvents(tablePath), []);
    assert.deepEqual(actual, expected);
    const secs = (ms: number) => (ms / 1000).toFixed(1);
    console.log(
      `crash test: send ${secs(sentAt - started)} s; ${killed} SIGKILLed runs ` +
        `(${killedInsideCommit} inside a commit, ${killedBeforePublish} before publishing it) ` +
        `in ${secs(killsDoneAt - sentAt)} s; ${finalRuns} final run(s) ${
          secs(finishedAt - killsDoneAt)
        } s; ` +
        `${actual.length} windows, table version ${await table.latestVersion()}, ` +
        `${orphans} orphan data files, ${tornCommits} unpublished commit files`,
    );
  } finally {
    await emulator.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
