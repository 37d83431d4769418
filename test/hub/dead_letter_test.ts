import assert from "node:assert/strict";
import { join } from "node:path";
import {
  DeadLetterFile,
  readDeadLetterFile,
  toDeadLetterRecord,
} from "../../lib/hub/dead_letter.ts";

const enqueuedTimeUtc = new Date("2026-11-26T14:00:00.000Z");

Deno.test("toDeadLetterRecord() keeps a UTF-8 body as text", () => {
  const record = toDeadLetterRecord(
    {
      body: new TextEncoder().encode("{oops"),
      sequenceNumber: 12,
      offset: "3072",
      enqueuedTimeUtc,
    },
    "3",
    "not JSON",
  );
  assert.deepEqual(record, {
    partitionId: "3",
    sequenceNumber: 12,
    offset: "3072",
    enqueuedTimeUtc: "2026-11-26T14:00:00.000Z",
    reason: "not JSON",
    body: "{oops",
    bodyEncoding: "utf8",
  });
});

Deno.test("toDeadLetterRecord() writes non-UTF-8 bytes as base64", () => {
  const record = toDeadLetterRecord(
    { body: new Uint8Array([0xff, 0x00, 0x41]), sequenceNumber: 0, offset: "0", enqueuedTimeUtc },
    "0",
    "bad UTF-8",
  );
  assert.deepEqual([record.body, record.bodyEncoding], ["/wBB", "base64"]);
});

Deno.test("toDeadLetterRecord() writes a non-binary body as JSON", () => {
  const record = toDeadLetterRecord(
    { body: { favorite: "x" }, sequenceNumber: 0, offset: "0", enqueuedTimeUtc },
    "0",
    "bad shape",
  );
  assert.deepEqual([record.body, record.bodyEncoding], ['{"favorite":"x"}', "json"]);
});

Deno.test("DeadLetterFile.write() appends one JSON line per record and counts them", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "sub", "dead.jsonl");
    const file = new DeadLetterFile(path);
    const base = { body: new TextEncoder().encode("x"), offset: "0", enqueuedTimeUtc };
    await Promise.all([
      file.write([toDeadLetterRecord({ ...base, sequenceNumber: 1 }, "0", "a")]),
      file.write([
        toDeadLetterRecord({ ...base, sequenceNumber: 2 }, "1", "b"),
        toDeadLetterRecord({ ...base, sequenceNumber: 3 }, "1", "c"),
      ]),
    ]);
    await file.close();
    assert.equal(file.count, 3);
    const lines = (await Deno.readTextFile(path)).split("\n");
    assert.equal(lines.length, 4);
    assert.equal(lines[3], "");
    const records = await readDeadLetterFile(path);
    assert.deepEqual(records.map((r) => [r.partitionId, r.sequenceNumber, r.reason]), [
      ["0", 1, "a"],
      ["1", 2, "b"],
      ["1", 3, "c"],
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("DeadLetterFile.write() rejects after close()", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = new DeadLetterFile(join(dir, "dead.jsonl"));
    await file.close();
    await assert.rejects(() => file.write([]), {
      message: `Cannot write to dead-letter file as it is closed: ${join(dir, "dead.jsonl")}`,
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readDeadLetterFile() returns no records for a missing file", async () => {
  assert.deepEqual(await readDeadLetterFile("/nonexistent/hubwatch/dead.jsonl"), []);
});

Deno.test("DeadLetterFile constructor rejects an empty path", () => {
  assert.throws(() => new DeadLetterFile(""), {
    name: "TypeError",
    message: 'Cannot open dead-letter file as path must be a non-empty string: current value is ""',
  });
});
