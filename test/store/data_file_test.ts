import assert from "node:assert/strict";
import pl from "nodejs-polars";
import {
  type DataFileFormat,
  fileStats,
  removeDataFile,
  type StatsColumn,
  writeDataFile,
} from "../../lib/store/_data_file.ts";

interface Point {
  at: Date;
  value: number;
}

const POINTS: Point[] = [
  { at: new Date("2024-03-01T05:00:00Z"), value: 2.5 },
  { at: new Date("2024-03-01T01:00:00Z"), value: -4 },
  { at: new Date("2024-03-01T09:30:00Z"), value: 1 },
];

const COLUMNS: StatsColumn<Point>[] = [
  { name: "at", timestamp: true, value: (p) => p.at.getTime() },
  { name: "value", value: (p) => p.value },
];

const FORMAT: DataFileFormat<Point> = {
  toFrame: (rows) =>
    pl.DataFrame({
      at: rows.map((p) => p.at.toISOString()),
      value: rows.map((p) => p.value),
    }),
  stats: (rows) => fileStats(rows, COLUMNS),
};

Deno.test("fileStats() gives numRecords and each column's bounds, timestamps as ISO-8601", () => {
  assert.equal(
    JSON.stringify(fileStats(POINTS, COLUMNS)),
    '{"numRecords":3,"minValues":{"at":"2024-03-01T01:00:00.000Z","value":-4},"maxValues":{"at":"2024-03-01T09:30:00.000Z","value":2.5}}',
  );
});

Deno.test("fileStats() with nullCount adds a zero count per column", () => {
  assert.deepEqual(fileStats(POINTS.slice(0, 1), COLUMNS, { nullCount: true }), {
    numRecords: 1,
    minValues: { at: "2024-03-01T05:00:00.000Z", value: 2.5 },
    maxValues: { at: "2024-03-01T05:00:00.000Z", value: 2.5 },
    nullCount: { at: 0, value: 0 },
  });
});

Deno.test("fileStats() takes the bounds of more rows than a call can take arguments", () => {
  const many = Array.from({ length: 300_000 }, (_, i) => ({ at: new Date(i), value: i % 1000 }));
  assert.deepEqual(fileStats(many, COLUMNS), {
    numRecords: 300_000,
    minValues: { at: "1970-01-01T00:00:00.000Z", value: 0 },
    maxValues: { at: "1970-01-01T00:04:59.999Z", value: 999 },
  });
});

Deno.test("writeDataFile() writes snappy Parquet and returns its add action with size, mtime and stats", async () => {
  const dir = await Deno.makeTempDir({ prefix: "hubwatch-data-file-" });
  try {
    const add = await writeDataFile(dir, POINTS, FORMAT, () => assert.fail("mtime is known"));
    assert.match(
      add.path,
      /^part-00000-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-c000\.snappy\.parquet$/,
    );
    const info = await Deno.stat(`${dir}/${add.path}`);
    assert.deepEqual(add, {
      path: add.path,
      partitionValues: {},
      size: info.size,
      modificationTime: info.mtime!.getTime(),
      dataChange: true,
      stats:
        '{"numRecords":3,"minValues":{"at":"2024-03-01T01:00:00.000Z","value":-4},"maxValues":{"at":"2024-03-01T09:30:00.000Z","value":2.5}}',
    });
    const frame = pl.readParquet(`${dir}/${add.path}`);
    assert.deepEqual(frame.getColumn("value").toArray(), [2.5, -4, 1]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("writeDataFile() names the file and table when it cannot write, with the cause", async () => {
  const failure = new TypeError("no frame");
  const broken: DataFileFormat<Point> = {
    ...FORMAT,
    toFrame: () => {
      throw failure;
    },
  };
  const error = await writeDataFile("/no/such/table", POINTS, broken, Date.now).then(
    () => assert.fail("must reject"),
    (e: Error) => e,
  );
  assert.match(
    error.message,
    /^Cannot write data file part-00000-[0-9a-f-]{36}-c000\.snappy\.parquet of \/no\/such\/table$/,
  );
  assert.equal(error.cause, failure);
});

Deno.test("removeDataFile() deletes the file of a URL-encoded add.path and ignores a missing one", async () => {
  const dir = await Deno.makeTempDir({ prefix: "hubwatch-data-file-" });
  try {
    await Deno.writeTextFile(`${dir}/a b.parquet`, "x");
    await Deno.writeTextFile(`${dir}/keep.parquet`, "x");
    await removeDataFile(dir, "a%20b.parquet");
    await removeDataFile(dir, "gone.parquet");
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["keep.parquet"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
