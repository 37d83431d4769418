import assert from "node:assert/strict";
import { join } from "node:path";
import { runOnce } from "@/notebook";

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const now = () => Date.UTC(2026, 0, 5);

Deno.test("runOnce() runs the work and records its result", async () => {
  await withDir(async (dir) => {
    const marker = join(dir, "sub", "send.json");
    const run = await runOnce(marker, { days: 4 }, () => Promise.resolve({ sent: 10 }), { now });
    assert.deepEqual(run, {
      skipped: false,
      result: { sent: 10 },
      ranAt: "2026-01-05T00:00:00.000Z",
    });
    assert.deepEqual(JSON.parse(await Deno.readTextFile(marker)), {
      params: '{"days":4}',
      result: { sent: 10 },
      ranAt: "2026-01-05T00:00:00.000Z",
    });
  });
});

Deno.test("runOnce() skips the work when the same parameters already ran", async () => {
  await withDir(async (dir) => {
    const marker = join(dir, "m.json");
    let calls = 0;
    const work = () => Promise.resolve({ sent: ++calls });
    await runOnce(marker, { days: 4 }, work, { now });
    const again = await runOnce(marker, { days: 4 }, work, { now });
    assert.deepEqual(again, {
      skipped: true,
      result: { sent: 1 },
      ranAt: "2026-01-05T00:00:00.000Z",
    });
    assert.equal(calls, 1);
  });
});

Deno.test("runOnce() runs again for other parameters", async () => {
  await withDir(async (dir) => {
    const marker = join(dir, "m.json");
    let calls = 0;
    const work = () => Promise.resolve(++calls);
    await runOnce(marker, { days: 4 }, work);
    const other = await runOnce(marker, { days: 5 }, work);
    assert.equal(other.skipped, false);
    assert.equal(other.result, 2);
  });
});

Deno.test("runOnce() runs again with force", async () => {
  await withDir(async (dir) => {
    const marker = join(dir, "m.json");
    let calls = 0;
    const work = () => Promise.resolve(++calls);
    await runOnce(marker, 1, work);
    const forced = await runOnce(marker, 1, work, { force: true });
    assert.deepEqual([forced.skipped, forced.result], [false, 2]);
  });
});

Deno.test("runOnce() records nothing when the work fails", async () => {
  await withDir(async (dir) => {
    const marker = join(dir, "m.json");
    await assert.rejects(runOnce(marker, 1, () => Promise.reject(new Error("hub down"))), {
      message: "hub down",
    });
    assert.deepEqual([...Deno.readDirSync(dir)], []);
  });
});

Deno.test("runOnce() runs again over a damaged marker", async () => {
  await withDir(async (dir) => {
    const marker = join(dir, "m.json");
    await Deno.writeTextFile(marker, "{not json");
    const run = await runOnce(marker, 1, () => Promise.resolve("ok"));
    assert.deepEqual([run.skipped, run.result], [false, "ok"]);
  });
});

Deno.test("runOnce() wraps a marker it cannot write", async () => {
  await withDir(async (dir) => {
    await Deno.writeTextFile(join(dir, "file"), "");
    const marker = join(dir, "file", "m.json");
    await assert.rejects(
      runOnce(marker, 1, () => Promise.resolve(1), { force: true }),
      (error: Error) => {
        assert.equal(error.message, `Cannot write the run marker ${marker}`);
        assert.ok(error.cause instanceof Error);
        return true;
      },
    );
  });
});

Deno.test("runOnce() wraps a marker it cannot read", async () => {
  await withDir(async (dir) => {
    await Deno.writeTextFile(join(dir, "file"), "");
    const marker = join(dir, "file", "m.json");
    let calls = 0;
    await assert.rejects(runOnce(marker, 1, () => Promise.resolve(++calls)), (error: Error) => {
      assert.equal(error.message, `Cannot read the run marker ${marker}`);
      assert.ok(error.cause instanceof Error);
      return true;
    });
    assert.equal(calls, 0);
  });
});
