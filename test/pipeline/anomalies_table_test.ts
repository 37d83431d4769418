import assert from "node:assert/strict";
import { AnomaliesTable, type AnomalyRecord } from "@/pipeline";
import { HistoryTable, loadDeltaSnapshot, readDeltaTable } from "@/store";

const t = (h: number) => new Date(Date.UTC(2026, 0, 5, h));

function record(h: number, overrides: Partial<AnomalyRecord> = {}): AnomalyRecord {
  return {
    timestamp: t(h),
    mode: "last",
    value: 10 + h,
    expectedValue: 10,
    upperBoundary: 11,
    lowerBoundary: 9,
    isAnomaly: h % 2 === 1,
    direction: h % 2 === 1 ? "up" : null,
    severity: h % 2 === 1 ? 0.25 : 0,
    detectedAt: new Date("2026-11-26T10:00:00Z"),
    ...overrides,
  };
}

async function tempTable() {
  const dir = await Deno.makeTempDir({ prefix: "hubwatch-anomalies-" });
  return {
    table: await AnomaliesTable.open(`${dir}/anomalies`),
    dir,
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

Deno.test("AnomaliesTable.write() round-trips every field, nulls included", async () => {
  await using x = await tempTable();
  const rows = [record(1), record(2), record(3, { mode: "entire", direction: "down" })];
  const version = await x.table.write(rows);
  assert.equal(version, 1);
  assert.deepEqual(await x.table.read(), [rows[2], rows[0], rows[1]]);
});

Deno.test("AnomaliesTable.write() upserts by mode and timestamp", async () => {
  await using x = await tempTable();
  await x.table.write([record(1), record(2)]);
  await x.table.write([record(2, { value: 99 }), record(2, { mode: "entire" })]);
  const rows = await x.table.read();
  assert.deepEqual(rows.map((r) => [r.mode, r.timestamp.getUTCHours(), r.value]), [
    ["entire", 2, 12],
    ["last", 1, 11],
    ["last", 2, 99],
  ]);
});

Deno.test("AnomaliesTable.write() with replaceMode drops the other rows of that mode", async () => {
  await using x = await tempTable();
  await x.table.write([record(1, { mode: "entire" }), record(2, { mode: "entire" }), record(3)]);
  await x.table.write([record(5, { mode: "entire" })], { replaceMode: "entire" });
  const rows = await x.table.read();
  assert.deepEqual(rows.map((r) => [r.mode, r.timestamp.getUTCHours()]), [
    ["entire", 5],
    ["last", 3],
  ]);
});

Deno.test("AnomaliesTable.read() filters by mode and flagged rows", async () => {
  await using x = await tempTable();
  await x.table.write([record(1), record(2), record(3, { mode: "entire" })]);
  assert.deepEqual(
    (await x.table.read({ mode: "last", anomaliesOnly: true })).map((r) => r.timestamp),
    [t(1)],
  );
});

Deno.test("AnomaliesTable keeps one live data file readable as a Delta table", async () => {
  await using x = await tempTable();
  await x.table.write([record(1)]);
  await x.table.write([record(2)]);
  const frame = await readDeltaTable(x.table.path);
  assert.equal(frame.height, 2);
  assert.deepEqual(frame.columns, [
    "timestamp",
    "mode",
    "value",
    "expectedValue",
    "upperBoundary",
    "lowerBoundary",
    "isAnomaly",
    "direction",
    "severity",
    "detectedAt",
  ]);
  const files = [...Deno.readDirSync(x.table.path)].filter((e) => e.name.endsWith(".parquet"));
  assert.equal(files.length, 1);
});

Deno.test("AnomaliesTable.write() rejects a malformed record naming index and field", async () => {
  await using x = await tempTable();
  await assert.rejects(
    x.table.write([record(1), record(2, { severity: 2 })]),
    {
      name: "TypeError",
      message:
        "Cannot write to anomalies table as records[1].severity must be a number in [0, 1]: current value is 2",
    },
  );
  await assert.rejects(
    x.table.write([record(1, { direction: "left" as "up" })]),
    { message: /records\[0\]\.direction must be "up", "down" or null: current value is "left"/ },
  );
});

Deno.test("AnomaliesTable.open() refuses a table with another schema", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await HistoryTable.open(`${dir}/history`);
    await assert.rejects(AnomaliesTable.open(`${dir}/history`), {
      name: "TypeError",
      message:
        /as an anomalies table as its schema must be \(timestamp, mode, .*current value is \(groupTime, windowEnd/,
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("AnomaliesTable.write() from two writers at once keeps both rows", async () => {
  await using x = await tempTable();
  const other = await AnomaliesTable.open(x.table.path);
  await Promise.all([x.table.write([record(1)]), other.write([record(2)])]);
  assert.deepEqual((await x.table.read()).map((r) => r.timestamp), [t(1), t(2)]);
  assert.equal(await x.table.latestVersion(), 2);
});

Deno.test("AnomaliesTable.write() commits a WRITE that removes the old file and adds one with timestamp stats", async () => {
  await using x = await tempTable();
  await x.table.write([record(3)]);
  const [old] = (await loadDeltaSnapshot(x.table.path)).files.values();
  await x.table.write([record(1), record(2, { mode: "entire" })]);
  const log = `${x.table.path}/_delta_log/00000000000000000002.json`;
  const lines = (await Deno.readTextFile(log)).trim().split("\n").map((l) => JSON.parse(l));
  assert.equal(lines.length, 3);
  const { timestamp, ...commitInfo } = lines[0].commitInfo;
  assert.deepEqual(commitInfo, {
    operation: "WRITE",
    operationParameters: { mode: "Overwrite", partitionBy: "[]" },
    readVersion: 1,
    isolationLevel: "Serializable",
    isBlindAppend: false,
    operationMetrics: { numFiles: "1", numOutputRows: "3", numRemovedFiles: "1" },
    engineInfo: "hubwatch",
  });
  assert.deepEqual(lines[1], {
    remove: {
      path: old.path,
      deletionTimestamp: timestamp,
      dataChange: true,
      extendedFileMetadata: true,
      partitionValues: {},
      size: old.size,
    },
  });
  const add = lines[2].add;
  assert.equal(
    add.stats,
    '{"numRecords":3,"minValues":{"timestamp":"2026-01-05T01:00:00.000Z"},"maxValues":{"timestamp":"2026-01-05T03:00:00.000Z"}}',
  );
  assert.equal(add.size, (await Deno.stat(`${x.table.path}/${add.path}`)).size);
  assert.deepEqual(
    [...Deno.readDirSync(x.table.path)].map((e) => e.name).filter((n) => n.endsWith(".parquet")),
    [add.path],
  );
});
