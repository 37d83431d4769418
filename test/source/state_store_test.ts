import assert from "node:assert/strict";
import { join } from "node:path";
import { jsonFileStateStore, memoryStateStore } from "../../lib/source/state_store.ts";

Deno.test("jsonFileStateStore() loads undefined before the first save", async () => {
  const dir = await Deno.makeTempDir();
  try {
    assert.equal(await jsonFileStateStore(join(dir, "s.json")).load(), undefined);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("jsonFileStateStore() saves into missing folders and loads the same value", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const store = jsonFileStateStore<{ sinceId: string }>(join(dir, "a", "b", "s.json"));
    await store.save({ sinceId: "1870000000000000000" });
    assert.deepEqual(await store.load(), { sinceId: "1870000000000000000" });
    assert.deepEqual([...Deno.readDirSync(join(dir, "a", "b"))].map((e) => e.name), ["s.json"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("jsonFileStateStore() names the file when it holds invalid JSON", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "s.json");
    await Deno.writeTextFile(path, "{oops");
    await assert.rejects(
      jsonFileStateStore(path).load(),
      new SyntaxError(`Cannot load state from "${path}" as it is not valid JSON`),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("memoryStateStore() keeps a copy, not the caller's object", async () => {
  const store = memoryStateStore<{ n: number }>();
  const value = { n: 1 };
  await store.save(value);
  value.n = 2;
  assert.deepEqual(await store.load(), { n: 1 });
});
