import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import type { PartitionOwnership } from "@azure/event-hubs";
import { FileCheckpointStore } from "../../lib/hub/file_checkpoint_store.ts";

const where = {
  fullyQualifiedNamespace: "127.0.0.1",
  eventHubName: "tweets",
  consumerGroup: "$Default",
};

function claim(partitionId: string, ownerId: string, etag?: string): PartitionOwnership {
  return { ...where, partitionId, ownerId, etag };
}

async function withStore(fn: (store: FileCheckpointStore, dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir();
  try {
    await fn(new FileCheckpointStore(dir, { sync: false }), dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("FileCheckpointStore.claimOwnership() claims an unowned partition without an etag", async () => {
  await withStore(async (store) => {
    const before = Date.now();
    const [claimed] = await store.claimOwnership([claim("0", "a")]);
    assert.equal(claimed.ownerId, "a");
    assert.equal(claimed.partitionId, "0");
    assert.match(claimed.etag!, /^0:[0-9a-f-]{36}$/);
    assert.ok(claimed.lastModifiedTimeInMs! >= before);
    assert.deepEqual(
      await store.listOwnership(where.fullyQualifiedNamespace, "tweets", "$Default"),
      [
        claimed,
      ],
    );
  });
});

Deno.test("FileCheckpointStore.claimOwnership() refuses a claim without etag on an owned partition", async () => {
  await withStore(async (store) => {
    await store.claimOwnership([claim("0", "a")]);
    assert.deepEqual(await store.claimOwnership([claim("0", "b")]), []);
  });
});

Deno.test("FileCheckpointStore.claimOwnership() succeeds only with the current etag", async () => {
  await withStore(async (store) => {
    const [first] = await store.claimOwnership([claim("0", "a")]);
    const [second] = await store.claimOwnership([claim("0", "b", first.etag)]);
    assert.equal(second.ownerId, "b");
    assert.notEqual(second.etag, first.etag);
    assert.deepEqual(await store.claimOwnership([claim("0", "c", first.etag)]), []);
    const [owner] = await store.listOwnership("127.0.0.1", "tweets", "$Default");
    assert.equal(owner.ownerId, "b");
  });
});

Deno.test("FileCheckpointStore.claimOwnership() refuses an etag for a partition never claimed", async () => {
  await withStore(async (store) => {
    assert.deepEqual(await store.claimOwnership([claim("0", "a", "0:made-up")]), []);
  });
});

Deno.test("FileCheckpointStore.claimOwnership() returns only the partitions it won", async () => {
  await withStore(async (store) => {
    const [p0] = await store.claimOwnership([claim("0", "a")]);
    const won = await store.claimOwnership([claim("0", "b", "0:stale"), claim("1", "b")]);
    assert.deepEqual(won.map((o) => [o.partitionId, o.ownerId]), [["1", "b"]]);
    assert.equal(p0.ownerId, "a");
  });
});

Deno.test("FileCheckpointStore.claimOwnership() lets exactly one of many racing claims win", async () => {
  await withStore(async (store, dir) => {
    const [first] = await store.claimOwnership([claim("0", "a")]);
    // Separate store objects stand for separate processes: all state is in the files.
    const racers = Array.from({ length: 8 }, () => new FileCheckpointStore(dir, { sync: false }));
    const results = await Promise.all(
      racers.map((s, i) => s.claimOwnership([claim("0", `r${i}`, first.etag)])),
    );
    const winners = results.flat();
    assert.equal(winners.length, 1);
    const [owner] = await store.listOwnership("127.0.0.1", "tweets", "$Default");
    assert.equal(owner.ownerId, winners[0].ownerId);
    assert.equal(owner.etag, winners[0].etag);
  });
});

Deno.test("FileCheckpointStore.claimOwnership() keeps at most two versions per partition", async () => {
  await withStore(async (store, dir) => {
    let [current] = await store.claimOwnership([claim("0", "a")]);
    for (let i = 0; i < 5; i++) {
      [current] = await store.claimOwnership([claim("0", "a", current.etag)]);
    }
    const names: string[] = [];
    for await (const e of Deno.readDir(`${dir}/127.0.0.1/tweets/%24Default/ownership/0`)) {
      names.push(e.name);
    }
    assert.deepEqual(names.sort(), ["000000000004.json", "000000000005.json"]);
  });
});

Deno.test("FileCheckpointStore.claimOwnership() records an abandoned partition (empty owner)", async () => {
  await withStore(async (store) => {
    const [mine] = await store.claimOwnership([claim("2", "a")]);
    const [abandoned] = await store.claimOwnership([{ ...mine, ownerId: "" }]);
    assert.equal(abandoned.ownerId, "");
    const [listed] = await store.listOwnership("127.0.0.1", "tweets", "$Default");
    assert.equal(listed.ownerId, "");
  });
});

Deno.test("FileCheckpointStore.listOwnership() is empty for an unknown consumer group", async () => {
  await withStore(async (store) => {
    await store.claimOwnership([claim("0", "a")]);
    assert.deepEqual(await store.listOwnership("127.0.0.1", "tweets", "other"), []);
  });
});

Deno.test("FileCheckpointStore.updateCheckpoint() stores the latest checkpoint per partition", async () => {
  await withStore(async (store) => {
    await store.updateCheckpoint({ ...where, partitionId: "0", sequenceNumber: 5, offset: "500" });
    await store.updateCheckpoint({ ...where, partitionId: "0", sequenceNumber: 9, offset: "900" });
    await store.updateCheckpoint({ ...where, partitionId: "1", sequenceNumber: 0, offset: "0" });
    const checkpoints = await store.listCheckpoints("127.0.0.1", "tweets", "$Default");
    assert.deepEqual(checkpoints, [
      { ...where, partitionId: "0", sequenceNumber: 9, offset: "900" },
      { ...where, partitionId: "1", sequenceNumber: 0, offset: "0" },
    ]);
  });
});

Deno.test("FileCheckpointStore.updateCheckpoint() leaves no temporary files", async () => {
  await withStore(async (store, dir) => {
    await store.updateCheckpoint({ ...where, partitionId: "0", sequenceNumber: 1, offset: "1" });
    const names: string[] = [];
    for await (const e of Deno.readDir(`${dir}/127.0.0.1/tweets/%24Default/checkpoint`)) {
      names.push(e.name);
    }
    assert.deepEqual(names, ["0.json"]);
  });
});

Deno.test("FileCheckpointStore.updateCheckpoint() rejects a fractional sequence number", async () => {
  await withStore(async (store) => {
    await assert.rejects(
      () =>
        store.updateCheckpoint({ ...where, partitionId: "0", sequenceNumber: 1.5, offset: "1" }),
      {
        name: "RangeError",
        message:
          "Cannot update checkpoint as sequenceNumber must be an integer >= -1: current value is 1.5",
      },
    );
  });
});

Deno.test("FileCheckpointStore.listCheckpoints() is empty before any checkpoint", async () => {
  await withStore(async (store) => {
    assert.deepEqual(await store.listCheckpoints("127.0.0.1", "tweets", "$Default"), []);
  });
});

Deno.test("FileCheckpointStore constructor rejects an empty directory", () => {
  assert.throws(() => new FileCheckpointStore(""), {
    name: "TypeError",
    message:
      'Cannot create checkpoint store as directory must be a non-empty string: current value is ""',
  });
});

Deno.test("FileCheckpointStore.claimOwnership() lets exactly one of four racing processes win", async () => {
  await withStore(async (store, dir) => {
    const [first] = await store.claimOwnership([claim("0", "a")]);
    const script = fileURLToPath(new URL("./_claim_process.ts", import.meta.url));
    const children = Array.from({ length: 4 }, (_, i) =>
      new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", "--no-check", script, dir, `p${i}`, first.etag!],
        stdin: "piped",
        stdout: "piped",
      }).spawn());
    const outputs = children.map((child) =>
      child.stdout.pipeThrough(new TextDecoderStream()).getReader()
    );
    // Start all claims at once, after every process has loaded.
    const texts = outputs.map(() => "");
    for (const [i, output] of outputs.entries()) {
      while (!texts[i].includes("\n")) texts[i] += (await output.read()).value ?? "\n";
      assert.equal(texts[i], "ready\n");
    }
    const writers = children.map((child) => child.stdin.getWriter());
    await Promise.all(writers.map((w) => w.write(new TextEncoder().encode("go\n"))));
    await Promise.all(writers.map((w) => w.close()));
    const won: PartitionOwnership[] = [];
    for (const output of outputs) {
      let text = "";
      for (;;) {
        const { value, done } = await output.read();
        if (done) break;
        text += value;
      }
      won.push(...JSON.parse(text));
    }
    for (const child of children) assert.equal((await child.status).code, 0);
    assert.equal(won.length, 1);
    const [owner] = await store.listOwnership("127.0.0.1", "tweets", "$Default");
    assert.deepEqual([owner.ownerId, owner.etag], [won[0].ownerId, won[0].etag]);
  });
});
