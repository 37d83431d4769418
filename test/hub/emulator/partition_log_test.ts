import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { PartitionLog, type RecordMeta } from "@/hub/emulator";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function payloads(...texts: string[]) {
  return texts.map((t) => (_meta: RecordMeta) => encoder.encode(t));
}

function texts(log: PartitionLog, from = 0, max = 1000): string[] {
  return log.read(from, max).map((e) => decoder.decode(e.payload));
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = Deno.makeTempDirSync({ prefix: "hubwatch-log-" });
  try {
    await fn(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function segmentFiles(dir: string): string[] {
  return fs.readdirSync(dir).filter((n) => n.endsWith(".seg")).sort();
}

Deno.test("PartitionLog.append() numbers events from 0 with increasing offsets", async () => {
  await withDir(async (dir) => {
    const log = PartitionLog.open(dir, { now: () => 1000 });
    const metas = await log.append(payloads("a", "bb", "ccc"));
    assert.deepEqual(metas.map((m) => m.sequenceNumber), [0, 1, 2]);
    // Each record is 24 bytes of framing plus its payload.
    assert.deepEqual(metas.map((m) => m.offset), [0, 25, 51]);
    assert.deepEqual(metas.map((m) => m.enqueuedTimeMs), [1000, 1000, 1000]);
    assert.equal(log.endSequenceNumber, 3);
    assert.deepEqual(texts(log), ["a", "bb", "ccc"]);
    await log.close();
  });
});

Deno.test("PartitionLog.append() resolves only once the events are readable", async () => {
  await withDir(async (dir) => {
    const log = PartitionLog.open(dir);
    const pending = log.append(payloads("x"));
    assert.equal(log.endSequenceNumber, 0);
    await pending;
    assert.equal(log.endSequenceNumber, 1);
    await log.close();
  });
});

Deno.test("PartitionLog.open() restores events and continues the sequence after a restart", async () => {
  await withDir(async (dir) => {
    const first = PartitionLog.open(dir);
    await first.append(payloads("one", "two"));
    await first.close();
    const second = PartitionLog.open(dir);
    assert.equal(second.endSequenceNumber, 2);
    const [meta] = await second.append(payloads("three"));
    assert.equal(meta.sequenceNumber, 2);
    assert.deepEqual(texts(second), ["one", "two", "three"]);
    await second.close();
  });
});

Deno.test("PartitionLog.open() truncates a torn record at the tail", async () => {
  await withDir(async (dir) => {
    const log = PartitionLog.open(dir);
    await log.append(payloads("kept-1", "kept-2", "torn-away"));
    await log.close();
    const [file] = segmentFiles(dir);
    const full = fs.statSync(path.join(dir, file)).size;
    fs.truncateSync(path.join(dir, file), full - 4);
    const reopened = PartitionLog.open(dir);
    assert.equal(reopened.endSequenceNumber, 2);
    assert.deepEqual(texts(reopened), ["kept-1", "kept-2"]);
    assert.equal(fs.statSync(path.join(dir, file)).size, 2 * 24 + 12);
    const [meta] = await reopened.append(payloads("next"));
    assert.equal(meta.sequenceNumber, 2);
    await reopened.close();
  });
});

Deno.test("PartitionLog.open() truncates a tail record whose checksum does not match", async () => {
  await withDir(async (dir) => {
    const log = PartitionLog.open(dir);
    await log.append(payloads("good", "flipped"));
    await log.close();
    const file = path.join(dir, segmentFiles(dir)[0]);
    const bytes = fs.readFileSync(file);
    bytes[bytes.length - 1] ^= 0xff;
    fs.writeFileSync(file, bytes);
    const reopened = PartitionLog.open(dir);
    assert.deepEqual(texts(reopened), ["good"]);
    await reopened.close();
  });
});

Deno.test("PartitionLog.open() drops a half-written header at the tail", async () => {
  await withDir(async (dir) => {
    const log = PartitionLog.open(dir);
    await log.append(payloads("whole"));
    await log.close();
    fs.appendFileSync(path.join(dir, segmentFiles(dir)[0]), new Uint8Array([7, 0, 0]));
    const reopened = PartitionLog.open(dir);
    assert.equal(reopened.endSequenceNumber, 1);
    assert.equal(reopened.sizeInBytes, 24 + 5);
    await reopened.close();
  });
});

Deno.test("PartitionLog.open() refuses a damaged record before the last segment", async () => {
  await withDir(async (dir) => {
    const log = PartitionLog.open(dir, { segmentBytes: 30 });
    await log.append(payloads("first-segment"));
    await log.append(payloads("second-segment"));
    await log.close();
    const files = segmentFiles(dir);
    assert.equal(files.length, 2);
    const first = path.join(dir, files[0]);
    const bytes = fs.readFileSync(first);
    bytes[bytes.length - 1] ^= 0xff;
    fs.writeFileSync(first, bytes);
    assert.throws(() => PartitionLog.open(dir), (error: Error) => {
      assert.match(String((error.cause as Error).message), /checksum mismatch/);
      return true;
    });
  });
});

Deno.test("PartitionLog.append() starts a new segment named by offset and sequence number", async () => {
  await withDir(async (dir) => {
    const log = PartitionLog.open(dir, { segmentBytes: 50 });
    await log.append(payloads("0123456789", "0123456789"));
    await log.append(payloads("z"));
    assert.deepEqual(segmentFiles(dir), [
      "00000000000000000000-00000000000000000000.seg",
      "00000000000000000068-00000000000000000002.seg",
    ]);
    assert.deepEqual(texts(log), ["0123456789", "0123456789", "z"]);
    await log.close();
  });
});

Deno.test("PartitionLog.read() returns events from disk beyond the in-memory cache", async () => {
  await withDir(async (dir) => {
    const log = PartitionLog.open(dir, { cacheEvents: 2, segmentBytes: 100 });
    const words = Array.from({ length: 10 }, (_, i) => `event-${i}`);
    for (const w of words) await log.append(payloads(w));
    assert.deepEqual(texts(log), words);
    assert.deepEqual(texts(log, 3, 2), ["event-3", "event-4"]);
    await log.close();
  });
});

Deno.test("PartitionLog.applyRetention() deletes segments older than the retention period", async () => {
  await withDir(async (dir) => {
    let now = 0;
    const log = PartitionLog.open(dir, { segmentBytes: 30, retentionInMs: 1000, now: () => now });
    await log.append(payloads("old-event"));
    now = 600;
    await log.append(payloads("mid-event"));
    now = 1200;
    await log.append(payloads("new-event"));
    assert.equal(log.applyRetention(), 1);
    assert.equal(log.beginSequenceNumber, 1);
    assert.deepEqual(texts(log), ["mid-event", "new-event"]);
    assert.equal(segmentFiles(dir).length, 2);
    await log.close();
  });
});

Deno.test("PartitionLog.applyRetention() never deletes the active segment", async () => {
  await withDir(async (dir) => {
    let now = 0;
    const log = PartitionLog.open(dir, { retentionInMs: 10, now: () => now });
    await log.append(payloads("only"));
    now = 1_000_000;
    assert.equal(log.applyRetention(), 0);
    assert.deepEqual(texts(log), ["only"]);
    await log.close();
  });
});

Deno.test("PartitionLog.applyRetention() deletes oldest segments above the size limit", async () => {
  await withDir(async (dir) => {
    const log = PartitionLog.open(dir, { segmentBytes: 30, retentionBytes: 70 });
    for (const w of ["aaaaaaa", "bbbbbbb", "ccccccc", "ddddddd"]) await log.append(payloads(w));
    // Four segments of 31 bytes: keep the newest two (62 bytes <= 70).
    assert.equal(log.applyRetention(), 2);
    assert.deepEqual(texts(log), ["ccccccc", "ddddddd"]);
    assert.equal(log.sizeInBytes, 62);
    await log.close();
  });
});

Deno.test("PartitionLog.open() keeps numbering after retention removed old segments", async () => {
  await withDir(async (dir) => {
    const log = PartitionLog.open(dir, { segmentBytes: 30, retentionBytes: 40 });
    for (const w of ["aaaaaaa", "bbbbbbb", "ccccccc"]) await log.append(payloads(w));
    log.applyRetention();
    await log.close();
    const reopened = PartitionLog.open(dir);
    assert.equal(reopened.beginSequenceNumber, 2);
    const [meta] = await reopened.append(payloads("ddddddd"));
    assert.equal(meta.sequenceNumber, 3);
    await reopened.close();
  });
});

Deno.test("PartitionLog.sequenceNumberAfterOffset() finds the first event past an offset", async () => {
  await withDir(async (dir) => {
    const log = PartitionLog.open(dir);
    await log.append(payloads("a", "b", "c"));
    assert.equal(log.sequenceNumberAfterOffset(-1, false), 0);
    assert.equal(log.sequenceNumberAfterOffset(25, false), 2);
    assert.equal(log.sequenceNumberAfterOffset(25, true), 1);
    assert.equal(log.sequenceNumberAfterOffset(10_000, false), 3);
    await log.close();
  });
});

Deno.test("PartitionLog.sequenceNumberAfterTime() finds the first event enqueued after a time", async () => {
  await withDir(async (dir) => {
    let now = 100;
    const log = PartitionLog.open(dir, { now: () => now });
    await log.append(payloads("a"));
    now = 200;
    await log.append(payloads("b"));
    assert.equal(log.sequenceNumberAfterTime(99), 0);
    assert.equal(log.sequenceNumberAfterTime(100), 1);
    assert.equal(log.sequenceNumberAfterTime(200), 2);
    await log.close();
  });
});

Deno.test("PartitionLog.append() never lets enqueued time go backwards", async () => {
  await withDir(async (dir) => {
    let now = 500;
    const log = PartitionLog.open(dir, { now: () => now });
    await log.append(payloads("a"));
    now = 100;
    const [meta] = await log.append(payloads("b"));
    assert.equal(meta.enqueuedTimeMs, 500);
    await log.close();
  });
});

Deno.test("PartitionLog.open() rejects a non-positive segment size", () => {
  assert.throws(
    () => PartitionLog.open("/nonexistent", { segmentBytes: 0 }),
    new RangeError(
      "Cannot open partition log as segmentBytes must be a positive number: current value is 0",
    ),
  );
});

for (const fsync of ["interval", "never"] as const) {
  Deno.test(`PartitionLog.append() with fsync "${fsync}" makes events readable at once`, async () => {
    await withDir(async (dir) => {
      const log = PartitionLog.open(dir, { fsync, fsyncIntervalInMs: 10 });
      const pending = log.append(payloads("a"));
      assert.equal(log.endSequenceNumber, 1);
      await pending;
      await log.close();
    });
  });
}

Deno.test("PartitionLog.append() zero-fills the active segment ahead and close() trims it", async () => {
  await withDir(async (dir) => {
    const log = PartitionLog.open(dir, { preallocateBytes: 4096 });
    await log.append(payloads("abc"));
    const file = path.join(dir, segmentFiles(dir)[0]);
    assert.equal(fs.statSync(file).size, 27 + 4096);
    assert.equal(log.sizeInBytes, 27);
    await log.close();
    assert.equal(fs.statSync(file).size, 27);
  });
});

Deno.test("PartitionLog.open() ends the log at a zero-filled tail left by a crash", async () => {
  await withDir(async (dir) => {
    const log = PartitionLog.open(dir);
    await log.append(payloads("before-crash"));
    await log.close();
    fs.appendFileSync(path.join(dir, segmentFiles(dir)[0]), new Uint8Array(8192));
    const reopened = PartitionLog.open(dir);
    assert.deepEqual(texts(reopened), ["before-crash"]);
    const [meta] = await reopened.append(payloads("after"));
    assert.deepEqual([meta.sequenceNumber, meta.offset], [1, 36]);
    assert.deepEqual(texts(reopened), ["before-crash", "after"]);
    await reopened.close();
  });
});

Deno.test("PartitionLog.append() acknowledges concurrent appends in order", async () => {
  await withDir(async (dir) => {
    const log = PartitionLog.open(dir);
    const acks: number[] = [];
    await Promise.all(
      Array.from(
        { length: 20 },
        (_, i) => log.append(payloads(`e${i}`)).then(([meta]) => acks.push(meta.sequenceNumber)),
      ),
    );
    assert.deepEqual(acks, Array.from({ length: 20 }, (_, i) => i));
    assert.equal(log.endSequenceNumber, 20);
    await log.close();
  });
});

Deno.test("PartitionLog.close() settles appends still waiting for their fsync", async () => {
  await withDir(async (dir) => {
    const log = PartitionLog.open(dir);
    const pending = log.append(payloads("late"));
    await Promise.all([log.close(), log.close()]);
    const [meta] = await pending;
    assert.equal(meta.sequenceNumber, 0);
    const reopened = PartitionLog.open(dir);
    assert.deepEqual(texts(reopened), ["late"]);
    await reopened.close();
  });
});

Deno.test("PartitionLog.append() after close() is refused", async () => {
  await withDir(async (dir) => {
    const log = PartitionLog.open(dir);
    await log.close();
    await assert.rejects(
      log.append(payloads("x")),
      new Error("Cannot append as the log is closed"),
    );
  });
});

Deno.test("PartitionLog.applyRetention() never deletes events not yet acknowledged", async () => {
  await withDir(async (dir) => {
    const log = PartitionLog.open(dir, { segmentBytes: 10, retentionBytes: 1 });
    await log.append(payloads("acked"));
    // Each append rolls to a new segment; neither is fsynced (acknowledged) yet.
    const pending = [log.append(payloads("pending-1")), log.append(payloads("pending-2"))];
    assert.equal(log.applyRetention(), 1);
    await Promise.all(pending);
    assert.deepEqual(texts(log), ["pending-1", "pending-2"]);
    await log.close();
  });
});
