import assert from "node:assert/strict";
import pl from "nodejs-polars";
import { encodeParquet, type ParquetNode } from "../../lib/store/_parquet_writer.ts";

async function roundTrip(schema: ParquetNode[], rows: Record<string, unknown>[]) {
  const dir = await Deno.makeTempDir({ prefix: "hubwatch-parquet-" });
  try {
    await Deno.writeFile(`${dir}/t.parquet`, encodeParquet(schema, rows));
    return pl.readParquet(`${dir}/t.parquet`).toRecords();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("encodeParquet() writes nested optional groups with nulls that polars reads back", async () => {
  const schema: ParquetNode[] = [
    {
      kind: "group",
      name: "a",
      children: [{ kind: "string", name: "s" }, { kind: "int64", name: "n" }],
    },
    { kind: "group", name: "b", children: [{ kind: "int32", name: "i" }] },
  ];
  const rows = [{ a: { s: "x", n: 12_345_678_901 } }, { b: { i: -7 } }, { a: { s: null, n: 1 } }];
  assert.deepEqual(await roundTrip(schema, rows), [
    { a: { s: "x", n: 12_345_678_901 }, b: null },
    { a: null, b: { i: -7 } },
    { a: { s: null, n: 1 }, b: null },
  ]);
});

Deno.test("encodeParquet() writes string maps (empty, null values) and string lists", async () => {
  const schema: ParquetNode[] = [{
    kind: "group",
    name: "g",
    children: [{ kind: "map", name: "m" }, { kind: "list", name: "l" }],
  }];
  const rows = [
    { g: { m: { k: "v", n: null }, l: ["p", "q"] } },
    { g: { m: {}, l: [] } },
    { g: { m: { only: "1" }, l: ["r"] } },
  ];
  assert.deepEqual(await roundTrip(schema, rows), [
    { g: { m: [{ key: "k", value: "v" }, { key: "n", value: null }], l: ["p", "q"] } },
    { g: { m: [], l: [] } },
    { g: { m: [{ key: "only", value: "1" }], l: ["r"] } },
  ]);
});

Deno.test("encodeParquet() bit-packs more than eight booleans", async () => {
  const schema: ParquetNode[] = [{ kind: "boolean", name: "b" }];
  const values = [true, false, true, true, false, false, true, false, true, true, null];
  const rows = values.map((b) => ({ b }));
  assert.deepEqual((await roundTrip(schema, rows)).map((r) => r.b), values);
});

Deno.test("encodeParquet() rejects null in a required field", () => {
  assert.throws(
    () => encodeParquet([{ kind: "int32", name: "x", required: true }], [{ x: null }]),
    /field "x" is required: current value is null/,
  );
});
