import assert from "node:assert/strict";
import pl from "nodejs-polars";
import { schemaTable } from "@/plot";
import { HISTORY_SCHEMA } from "@/store";

Deno.test("schemaTable() lists Delta fields with type and nullability", () => {
  assert.equal(
    schemaTable(HISTORY_SCHEMA).toString(),
    [
      "| column    | type      | nullable |",
      "|-----------|-----------|----------|",
      "| groupTime | timestamp | false    |",
      "| windowEnd | timestamp | false    |",
      "| average   | double    | false    |",
      "| count     | long      | false    |",
      "| sum       | double    | false    |",
      "| max       | double    | false    |",
    ].join("\n"),
  );
});

Deno.test("schemaTable() names nested Delta types", () => {
  const view = schemaTable([
    { name: "tags", type: { type: "array", elementType: "string" }, nullable: true },
    { name: "props", type: { type: "map", keyType: "string", valueType: "long" }, nullable: true },
  ]);
  assert.deepEqual(view.rows.map((r) => r.type), ["array<string>", "map<string,long>"]);
});

Deno.test("schemaTable() adds a description column when a field has one", () => {
  const view = schemaTable([
    { name: "timestamp", type: "string", nullable: false, description: "created_at" },
    { name: "favorite", type: "long", nullable: false },
  ]);
  assert.deepEqual(view.columns, ["column", "type", "nullable", "description"]);
  assert.deepEqual(view.rows.map((r) => r.description), ["created_at", ""]);
});

Deno.test("schemaTable() reads a polars DataFrame's schema", () => {
  const df = pl.DataFrame({ favorite: [1, 2], text: ["a", "b"] });
  const view = schemaTable(df);
  assert.deepEqual(view.rows.map((r) => [r.column, r.type]), [
    ["favorite", String(df.schema.favorite)],
    ["text", String(df.schema.text)],
  ]);
  assert.deepEqual(view.rows.map((r) => r.nullable), ["", ""]);
});

Deno.test("schemaTable() shows every field however many there are", () => {
  const fields = Array.from({ length: 60 }, (_, i) => ({ name: `c${i}`, type: "long" }));
  assert.equal(schemaTable(fields).toString().split("\n").length, 62);
});

Deno.test("schemaTable() rejects a field without a name", () => {
  assert.throws(() => schemaTable([{ name: "", type: "long" }]), {
    name: "TypeError",
    message:
      'Cannot render schema as fields[0].name must be a non-empty string: current value is ""',
  });
});

Deno.test("schemaTable() rejects something that is not a schema", () => {
  assert.throws(() => schemaTable(42 as unknown as []), {
    name: "TypeError",
    message:
      "Cannot render schema as schema must be a list of fields or a DataFrame: current value is 42",
  });
});
