import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import pl from "nodejs-polars";
import type { WindowRow } from "@/window";
import { windowsToDataFrame } from "@/window";
import {
  DeltaProtocolError,
  HISTORY_SCHEMA_STRING,
  HistoryTable,
  loadDeltaSnapshot,
  progressWatermarkInMs,
  readDeltaTable,
} from "@/store";
import { seededRandom } from "../window/_random.ts";

const H = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);
const GOLDEN = fileURLToPath(new URL("../../../shared/delta-golden/", import.meta.url));

function win(hour: number, sum: number, count = 2): WindowRow {
  return {
    groupTime: new Date(T0 + hour * H),
    windowEnd: new Date(T0 + (hour + 1) * H),
    average: sum / count,
    count,
    sum,
    max: sum,
  };
}

async function withTable(
  fn: (table: HistoryTable, path: string) => Promise<void>,
  options = {},
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "hubwatch-history-" });
  try {
    await fn(await HistoryTable.open(`${dir}/history`, options), `${dir}/history`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function logLines(path: string, version: number): Promise<Record<string, unknown>[]> {
  const text = await Deno.readTextFile(
    `${path}/_delta_log/${String(version).padStart(20, "0")}.json`,
  );
  return text.trim().split("\n").map((line) => JSON.parse(line));
}

Deno.test("HistoryTable.open() creates version 0 with protocol 1/2 and the history schema", async () => {
  await withTable(async (table, path) => {
    assert.equal(await table.latestVersion(), 0);
    const lines = await logLines(path, 0);
    assert.deepEqual(lines[1], { protocol: { minReaderVersion: 1, minWriterVersion: 2 } });
    const meta = lines[2].metaData as Record<string, unknown>;
    assert.equal(meta.schemaString, HISTORY_SCHEMA_STRING);
    assert.deepEqual(meta.partitionColumns, []);
    assert.deepEqual(meta.configuration, { "delta.checkpointInterval": "10" });
    assert.deepEqual(await table.read(), []);
  });
});

Deno.test("HistoryTable.write() in complete mode replaces the table's content", async () => {
  await withTable(async (table) => {
    await table.write([win(0, 4), win(1, 6)], { mode: "complete" });
    await table.write([win(2, 8)], { mode: "complete" });
    assert.deepEqual(await table.read(), [win(2, 8)]);
  });
});

Deno.test("HistoryTable.write() in merge mode upserts windows by groupTime", async () => {
  await withTable(async (table) => {
    await table.write([win(0, 4), win(1, 6)], { mode: "merge" });
    await table.write([win(1, 10, 3), win(3, 8)], { mode: "merge" });
    assert.deepEqual(await table.read(), [win(0, 4), win(1, 10, 3), win(3, 8)]);
  });
});

Deno.test("HistoryTable.write() commits add actions with size, modification time and stats", async () => {
  await withTable(async (table, path) => {
    const result = await table.write([win(0, 4), win(5, 9)]);
    const lines = await logLines(path, result.version);
    const add = lines.find((l) => "add" in l)!.add as Record<string, unknown>;
    assert.equal(add.path, result.addedFiles[0]);
    assert.equal(add.size, (await Deno.stat(`${path}/${add.path}`)).size);
    assert.equal(typeof add.modificationTime, "number");
    assert.deepEqual(add.partitionValues, {});
    assert.deepEqual(JSON.parse(add.stats as string), {
      numRecords: 2,
      minValues: {
        groupTime: "2024-01-01T00:00:00.000Z",
        windowEnd: "2024-01-01T01:00:00.000Z",
        average: 2,
        count: 2,
        sum: 4,
        max: 4,
      },
      maxValues: {
        groupTime: "2024-01-01T05:00:00.000Z",
        windowEnd: "2024-01-01T06:00:00.000Z",
        average: 4.5,
        count: 2,
        sum: 9,
        max: 9,
      },
      nullCount: { groupTime: 0, windowEnd: 0, average: 0, count: 0, sum: 0, max: 0 },
    });
    assert.equal((lines[0].commitInfo as Record<string, unknown>).operation, "MERGE");
  });
});

Deno.test("HistoryTable writes Parquet with groupTime as microsecond UTC timestamps", async () => {
  await withTable(async (table, path) => {
    const result = await table.write([win(0, 4)]);
    const frame = pl.readParquet(`${path}/${result.addedFiles[0]}`);
    assert.deepEqual(frame.dtypes.map((d) => d.toString()), [
      "DataType(Datetime(us,UTC))",
      "DataType(Datetime(us,UTC))",
      "DataType(Float64)",
      "DataType(Int64)",
      "DataType(Float64)",
      "DataType(Float64)",
    ]);
  });
});

Deno.test("HistoryTable.read() at every version gives what was written at that version", async () => {
  await withTable(async (table) => {
    const random = seededRandom(7);
    const model = new Map<number, WindowRow>();
    const expected: WindowRow[][] = [[]];
    for (let i = 0; i < 14; i++) {
      const rows = new Map<number, WindowRow>();
      const n = 1 + Math.floor(random() * 4);
      for (let j = 0; j < n; j++) {
        const hour = Math.floor(random() * 24);
        rows.set(hour, win(hour, Math.floor(random() * 100), 1 + Math.floor(random() * 5)));
      }
      const mode = random() < 0.2 ? "complete" : "merge";
      if (mode === "complete") model.clear();
      for (const [hour, row] of rows) model.set(hour, row);
      const result = await table.write([...rows.values()], { mode });
      assert.equal(result.version, i + 1);
      expected.push([...model.keys()].sort((a, b) => a - b).map((h) => model.get(h)!));
    }
    for (const [version, rows] of expected.entries()) {
      assert.deepEqual(await table.read({ version }), rows, `version ${version}`);
    }
  }, { checkpointInterval: 5 });
});

Deno.test("HistoryTable.read() filters from (inclusive) to (exclusive) on groupTime", async () => {
  await withTable(async (table) => {
    await table.write([win(0, 1), win(1, 2), win(2, 3), win(3, 4)]);
    const rows = await table.read({ from: new Date(T0 + H), to: new Date(T0 + 3 * H) });
    assert.deepEqual(rows, [win(1, 2), win(2, 3)]);
  });
});

Deno.test("HistoryTable.read() rejects an invalid from date", async () => {
  await withTable(async (table) => {
    await assert.rejects(
      table.read({ from: new Date("not a date") }),
      /from must be a valid Date: current value is Invalid Date/,
    );
  });
});

Deno.test("HistoryTable.write() skips a txn version already committed", async () => {
  await withTable(async (table) => {
    const txn = { appId: "app", version: 3 };
    const first = await table.write([win(0, 4)], { txn });
    const again = await table.write([win(0, 100)], { txn });
    assert.deepEqual([first.committed, again.committed, again.version], [true, false, 1]);
    assert.deepEqual(await table.read(), [win(0, 4)]);
    assert.equal(await table.appVersion("app"), 3);
  });
});

Deno.test("HistoryTable.streamProgress() returns the positions committed with the latest batch", async () => {
  await withTable(async (table) => {
    const progress = (batchId: number, seq: number) => ({
      appId: "hub/$Default/history",
      batchId,
      positions: { "0": { sequenceNumber: seq, offset: String(seq * 10) } },
      maxEventTimeByPartition: { "0": T0 + seq },
    });
    await table.write([win(0, 4)], { progress: progress(0, 5) });
    await table.write([], { progress: progress(1, 9) });
    await table.write([win(1, 4)]);
    assert.deepEqual(await table.streamProgress("hub/$Default/history"), {
      ...progress(1, 9),
      tableVersion: 2,
    });
    assert.equal(await table.streamProgress("other"), undefined);
  });
});

Deno.test("HistoryTable writes a Parquet checkpoint every checkpointInterval commits and reads from it", async () => {
  await withTable(async (table, path) => {
    const results = [];
    for (let i = 0; i < 7; i++) {
      results.push(await table.write([win(i, i + 1)], { txn: { appId: "app", version: i } }));
    }
    assert.deepEqual(results.map((r) => r.checkpointed), [
      false,
      false,
      true,
      false,
      false,
      true,
      false,
    ]);
    assert.deepEqual(
      JSON.parse(await Deno.readTextFile(`${path}/_delta_log/_last_checkpoint`)).version,
      6,
    );
    const snapshot = await loadDeltaSnapshot(path);
    assert.equal(snapshot.checkpointVersion, 6);
    assert.deepEqual([...snapshot.appVersions], [["app", 6]]);
    assert.equal(snapshot.metadata.configuration["delta.checkpointInterval"], "3");
    assert.deepEqual(
      await table.read(),
      [0, 1, 2, 3, 4, 5, 6].map((i) => win(i, i + 1)),
    );
  }, { checkpointInterval: 3 });
});

Deno.test("HistoryTable reads by replaying JSON commits when a checkpoint is unreadable", async () => {
  await withTable(async (table, path) => {
    for (let i = 0; i < 4; i++) await table.write([win(i, i + 1)]);
    await Deno.writeTextFile(`${path}/_delta_log/00000000000000000003.checkpoint.parquet`, "junk");
    const snapshot = await table.snapshot();
    assert.equal(snapshot.checkpointVersion, -1);
    assert.deepEqual(await table.read(), [0, 1, 2, 3].map((i) => win(i, i + 1)));
  }, { checkpointInterval: 3 });
});

Deno.test("HistoryTable.open() keeps an existing table's checkpoint interval", async () => {
  await withTable(async (_table, path) => {
    const reopened = await HistoryTable.open(path, { checkpointInterval: 1 });
    const result = await reopened.write([win(0, 1)]);
    assert.equal(result.checkpointed, false);
  }, { checkpointInterval: 4 });
});

Deno.test("HistoryTable.vacuum() deletes files removed longer ago than the retention", async () => {
  let now = T0;
  await withTable(async (table, path) => {
    const first = await table.write([win(0, 1)], { mode: "complete" });
    now += H;
    await table.write([win(1, 1)], { mode: "complete" });
    now += 30 * 60_000;
    assert.deepEqual(await table.vacuum({ retentionInMs: H }), { deletedFiles: [] });
    now += 31 * 60_000;
    assert.deepEqual(await table.vacuum({ retentionInMs: H }), {
      deletedFiles: first.addedFiles,
    });
    await assert.rejects(table.read({ version: 1 }), DeltaProtocolError);
    assert.deepEqual(await table.read(), [win(1, 1)]);
    assert.equal((await Deno.stat(`${path}/_delta_log`)).isDirectory, true);
  }, { now: () => now });
});

Deno.test("HistoryTable.vacuum() deletes temporary commit files left by a killed writer", async () => {
  await withTable(async (table, path) => {
    await table.write([win(0, 1)]);
    const tmp = `${path}/_delta_log/.00000000000000000002.json.dead.tmp`;
    await Deno.writeTextFile(tmp, '{"add":{"pa');
    assert.deepEqual(await table.vacuum({ retentionInMs: 0 }), {
      deletedFiles: ["_delta_log/.00000000000000000002.json.dead.tmp"],
    });
    await assert.rejects(Deno.stat(tmp), Deno.errors.NotFound);
    assert.deepEqual(await table.read(), [win(0, 1)]);
  });
});

Deno.test("HistoryTable.vacuum() in a dry run deletes nothing", async () => {
  await withTable(async (table, path) => {
    const first = await table.write([win(0, 1)], { mode: "complete" });
    await table.write([win(1, 1)], { mode: "complete" });
    const result = await table.vacuum({ retentionInMs: 0, dryRun: true });
    assert.deepEqual(result.deletedFiles, first.addedFiles);
    assert.equal((await Deno.stat(`${path}/${first.addedFiles[0]}`)).isFile, true);
  });
});

Deno.test("HistoryTable ignores a torn temporary commit and orphan data files left by a crash", async () => {
  await withTable(async (table, path) => {
    await table.write([win(0, 1)]);
    await Deno.writeTextFile(
      `${path}/_delta_log/.00000000000000000002.json.dead.tmp`,
      '{"add":{"pa',
    );
    windowsToDataFrame([win(9, 9)]).writeParquet(`${path}/part-00000-orphan-c000.snappy.parquet`);
    assert.deepEqual(await table.read(), [win(0, 1)]);
    const result = await table.write([win(1, 2)]);
    assert.equal(result.version, 2);
    assert.deepEqual(await table.read(), [win(0, 1), win(1, 2)]);
  });
});

Deno.test("HistoryTable.write() from two writers at once lands both commits with no lost update", async () => {
  await withTable(async (_table, path) => {
    const a = await HistoryTable.open(path);
    const b = await HistoryTable.open(path);
    let attempts = 0;
    for (let round = 0; round < 8; round++) {
      const [ra, rb] = await Promise.all([
        a.write([win(2 * round, 1)]),
        b.write([win(2 * round + 1, 2)]),
      ]);
      attempts += ra.attempts + rb.attempts;
      assert.deepEqual([ra.version, rb.version].sort((x, y) => x - y), [
        2 * round + 1,
        2 * round + 2,
      ]);
    }
    assert.ok(attempts > 16, `some writer lost a race and retried (attempts ${attempts})`);
    const expected = Array.from({ length: 16 }, (_, h) => win(h, h % 2 === 0 ? 1 : 2));
    assert.deepEqual(await a.read(), expected);
    assert.equal(await a.latestVersion(), 16);
  });
});

Deno.test("HistoryTable.write() from two writers of complete mode leaves one writer's content", async () => {
  await withTable(async (table, path) => {
    const other = await HistoryTable.open(path);
    await Promise.all([
      table.write([win(0, 1)], { mode: "complete" }),
      other.write([win(5, 5)], { mode: "complete" }),
    ]);
    const rows = await table.read();
    assert.equal(rows.length, 1);
    assert.equal(await table.latestVersion(), 2);
    assert.equal((await table.snapshot()).files.size, 1);
  });
});

Deno.test("HistoryTable.write() merges many small commits and compacts beyond compactAfterFiles", async () => {
  await withTable(async (table) => {
    for (let h = 0; h < 6; h++) await table.write([win(h * 5, h)]);
    assert.equal((await table.snapshot()).files.size, 3);
    assert.deepEqual((await table.read()).map((r) => r.sum), [0, 1, 2, 3, 4, 5]);
  }, { compactAfterFiles: 3 });
});

Deno.test("HistoryTable.write() accepts a window frame from aggregateWindows", async () => {
  await withTable(async (table) => {
    await table.write(windowsToDataFrame([win(0, 4), win(1, 6)]));
    assert.deepEqual(await table.read(), [win(0, 4), win(1, 6)]);
  });
});

Deno.test("HistoryTable.write() rejects a frame with a column outside the schema", async () => {
  await withTable(async (table) => {
    const frame = windowsToDataFrame([win(0, 4)]).withColumn(pl.lit(1).alias("extra"));
    await assert.rejects(
      table.write(frame),
      /the frame's columns must be groupTime, windowEnd, average, count, sum, max: current value is groupTime, windowEnd, average, count, sum, max, extra/,
    );
  });
});

Deno.test("HistoryTable.write() rejects a frame whose average is text", async () => {
  await withTable(async (table) => {
    const frame = windowsToDataFrame([win(0, 4)]).withColumn(pl.lit("x").alias("average"));
    await assert.rejects(
      table.write(frame),
      /column "average" must be double: current type is String/,
    );
  });
});

Deno.test("HistoryTable.write() rejects a row whose count is not a positive integer", async () => {
  await withTable(async (table) => {
    await assert.rejects(
      table.write([win(0, 4), { ...win(1, 4), count: 1.5 }]),
      new TypeError(
        "Cannot write to history table as windows[1].count must be a positive integer (long): current value is 1.5",
      ),
    );
  });
});

Deno.test("HistoryTable.write() rejects two rows with the same groupTime", async () => {
  await withTable(async (table) => {
    await assert.rejects(
      table.write([win(0, 4), win(0, 5)]),
      /groupTime must be unique within one write: 2024-01-01T00:00:00.000Z appears twice/,
    );
  });
});

Deno.test("HistoryTable.open() rejects a Delta table with another schema", async () => {
  await assert.rejects(
    HistoryTable.open(`${GOLDEN}table-without-dv-small`),
    /as its schema must be \(groupTime:timestamp, .*\) unpartitioned: current value is \(value:long\)/,
  );
});

Deno.test("HistoryTable.open() rejects a checkpointInterval of 0", async () => {
  await assert.rejects(
    HistoryTable.open("/nonexistent-never-created", { checkpointInterval: 0 }),
    new RangeError(
      "Cannot open history table as checkpointInterval must be a positive integer: current value is 0",
    ),
  );
});

Deno.test("readDeltaTable() reads a history table like any Delta table", async () => {
  await withTable(async (table, path) => {
    await table.write([win(0, 4)]);
    const frame = await readDeltaTable(path);
    assert.deepEqual(frame.columns, ["groupTime", "windowEnd", "average", "count", "sum", "max"]);
    assert.equal(frame.height, 1);
  });
});

Deno.test("progressWatermarkInMs() reads the recorded watermark, null as none, and derives it for older progress", () => {
  const maxEventTimeByPartition = { "0": 5_000_000, "1": 9_000_000 };
  assert.equal(
    progressWatermarkInMs({ maxEventTimeByPartition, watermarkInMs: 7_000 }, 1000),
    7_000,
  );
  assert.equal(
    progressWatermarkInMs({ maxEventTimeByPartition, watermarkInMs: null }, 1000),
    undefined,
  );
  assert.equal(progressWatermarkInMs({ maxEventTimeByPartition }, 1000), 4_999_000);
  assert.equal(progressWatermarkInMs({ maxEventTimeByPartition: {} }, 1000), undefined);
  assert.equal(progressWatermarkInMs(undefined, 1000), undefined);
});
