import assert from "node:assert/strict";
import type { AddAction, DeltaAction } from "@/store";
import { loadDeltaSnapshot } from "@/store";
import {
  commitWithRetries,
  createDeltaTable,
  publishCommit,
  rewriteActions,
} from "../../lib/store/_delta_commit.ts";

const V0 = "00000000000000000000.json";
const V1 = "00000000000000000001.json";

async function tempTable(): Promise<{ path: string } & AsyncDisposable> {
  const dir = await Deno.makeTempDir({ prefix: "hubwatch-delta-commit-" });
  return {
    path: `${dir}/table`,
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

async function logNames(path: string): Promise<string[]> {
  return (await Array.fromAsync(Deno.readDir(`${path}/_delta_log`))).map((e) => e.name).sort();
}

async function logLines(path: string, name: string): Promise<unknown[]> {
  const text = await Deno.readTextFile(`${path}/_delta_log/${name}`);
  return text.trim().split("\n").map((line) => JSON.parse(line));
}

const SCHEMA = JSON.stringify({
  type: "struct",
  fields: [{ name: "x", type: "long", nullable: false, metadata: {} }],
});

function file(name: string, size: number): AddAction {
  return {
    path: name,
    partitionValues: {},
    size,
    modificationTime: 1,
    dataChange: true,
    stats: '{"numRecords":1}',
  };
}

/** Another process commits `version` (a bare commitInfo). */
async function otherWriterCommits(path: string, version: number): Promise<void> {
  assert.equal(await publishCommit(path, version, [{ commitInfo: { operation: "OTHER" } }]), true);
}

Deno.test("publishCommit() publishes a version once: true, then false, and leaves no temporary file", async () => {
  await using t = await tempTable();
  await Deno.mkdir(`${t.path}/_delta_log`, { recursive: true });
  const first: DeltaAction[] = [
    { commitInfo: { timestamp: 1, operation: "WRITE" } },
    { txn: { appId: "a", version: 3 } },
  ];
  assert.equal(await publishCommit(t.path, 0, first), true);
  assert.equal(await publishCommit(t.path, 0, [{ commitInfo: { operation: "LATE" } }]), false);
  assert.deepEqual(await logNames(t.path), [V0]);
  assert.equal(
    await Deno.readTextFile(`${t.path}/_delta_log/${V0}`),
    '{"commitInfo":{"timestamp":1,"operation":"WRITE"}}\n{"txn":{"appId":"a","version":3}}\n',
  );
  assert.equal(await publishCommit(t.path, 1, [{ commitInfo: {} }]), true);
  assert.deepEqual(await logNames(t.path), [V0, V1]);
});

Deno.test("publishCommit() names the version and table when the log folder is missing", async () => {
  await using t = await tempTable();
  const error = await publishCommit(t.path, 7, []).then(
    () => assert.fail("must reject"),
    (e: Error) => e,
  );
  assert.equal(error.message, `Cannot publish commit 7 of ${t.path}`);
  assert.ok(error.cause instanceof Deno.errors.NotFound);
});

Deno.test("createDeltaTable() writes version 0 once: CREATE TABLE, protocol 1/2, metaData", async () => {
  await using t = await tempTable();
  let clockCalls = 0;
  const now = () => (clockCalls++, 1_700_000_000_000);
  const options = { schemaString: SCHEMA, configuration: { "delta.checkpointInterval": "5" }, now };
  assert.equal(await createDeltaTable(t.path, options), true);
  const lines = await logLines(t.path, V0) as Record<string, Record<string, unknown>>[];
  const id = lines[2].metaData.id as string;
  assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  assert.deepEqual(lines, [
    {
      commitInfo: {
        timestamp: 1_700_000_000_000,
        operation: "CREATE TABLE",
        operationParameters: { partitionBy: "[]" },
        isBlindAppend: true,
        engineInfo: "hubwatch",
      },
    },
    { protocol: { minReaderVersion: 1, minWriterVersion: 2 } },
    {
      metaData: {
        id,
        format: { provider: "parquet", options: {} },
        schemaString: SCHEMA,
        partitionColumns: [],
        configuration: { "delta.checkpointInterval": "5" },
        createdTime: 1_700_000_000_000,
      },
    },
  ]);
  const before = await Deno.readTextFile(`${t.path}/_delta_log/${V0}`);
  assert.equal(await createDeltaTable(t.path, { ...options, configuration: {} }), false);
  assert.equal(await Deno.readTextFile(`${t.path}/_delta_log/${V0}`), before);
  assert.equal(clockCalls, 1);
  assert.deepEqual(await logNames(t.path), [V0]);
});

Deno.test("rewriteActions() lists commitInfo, txn, one remove per file, then the add", () => {
  const add = file("new.parquet", 30);
  assert.deepEqual(
    rewriteActions({
      timestamp: 500,
      operation: "MERGE",
      operationParameters: { predicate: "p" },
      readVersion: 4,
      numOutputRows: 7,
      removes: [file("a.parquet", 10), file("b%20c.parquet", 20)],
      add,
      commitInfoExtra: { txnId: "t-1", hubwatchProgress: { batchId: 2 } },
      txn: { appId: "app", version: 2 },
    }),
    [
      {
        commitInfo: {
          timestamp: 500,
          operation: "MERGE",
          operationParameters: { predicate: "p" },
          readVersion: 4,
          isolationLevel: "Serializable",
          isBlindAppend: false,
          operationMetrics: { numFiles: "1", numOutputRows: "7", numRemovedFiles: "2" },
          engineInfo: "hubwatch",
          txnId: "t-1",
          hubwatchProgress: { batchId: 2 },
        },
      },
      { txn: { appId: "app", version: 2, lastUpdated: 500 } },
      {
        remove: {
          path: "a.parquet",
          deletionTimestamp: 500,
          dataChange: true,
          extendedFileMetadata: true,
          partitionValues: {},
          size: 10,
        },
      },
      {
        remove: {
          path: "b%20c.parquet",
          deletionTimestamp: 500,
          dataChange: true,
          extendedFileMetadata: true,
          partitionValues: {},
          size: 20,
        },
      },
      { add },
    ],
  );
});

Deno.test("rewriteActions() without files, txn or extra fields writes commitInfo alone, in field order", () => {
  const actions = rewriteActions({
    timestamp: 9,
    operation: "WRITE",
    operationParameters: { mode: "Overwrite", partitionBy: "[]" },
    readVersion: 0,
    numOutputRows: 0,
    removes: [],
  });
  assert.equal(
    JSON.stringify(actions),
    '[{"commitInfo":{"timestamp":9,"operation":"WRITE","operationParameters":{"mode":"Overwrite","partitionBy":"[]"},"readVersion":0,"isolationLevel":"Serializable","isBlindAppend":false,"operationMetrics":{"numFiles":"0","numOutputRows":"0","numRemovedFiles":"0"},"engineInfo":"hubwatch"}}]',
  );
});

Deno.test("commitWithRetries() discards a lost attempt and commits the next version from a fresh snapshot", async () => {
  await using t = await tempTable();
  await createDeltaTable(t.path, { schemaString: SCHEMA, configuration: {}, now: () => 1 });
  const seen: [number, number][] = [];
  const discarded: number[] = [];
  const outcome = await commitWithRetries(t.path, { maxAttempts: 5 }, async (snapshot, attempt) => {
    seen.push([attempt, snapshot.version]);
    if (attempt === 1) await otherWriterCommits(t.path, snapshot.version + 1);
    return {
      actions: [{ commitInfo: { operation: "MINE", attempt } }],
      value: `attempt ${attempt}`,
      discard: () => Promise.resolve(void discarded.push(attempt)),
    };
  });
  assert.deepEqual(outcome, { status: "committed", version: 2, attempts: 2, value: "attempt 2" });
  assert.deepEqual(seen, [[1, 0], [2, 1]]);
  assert.deepEqual(discarded, [1]);
  assert.deepEqual((await loadDeltaSnapshot(t.path)).commitInfo, { operation: "MINE", attempt: 2 });
  assert.deepEqual(
    (await logNames(t.path)).filter((n) => n.endsWith(".tmp")),
    [],
  );
});

Deno.test("commitWithRetries() reports a conflict with the last version tried after maxAttempts lost races", async () => {
  await using t = await tempTable();
  await createDeltaTable(t.path, { schemaString: SCHEMA, configuration: {}, now: () => 1 });
  let discards = 0;
  const outcome = await commitWithRetries(t.path, { maxAttempts: 3 }, async (snapshot) => {
    await otherWriterCommits(t.path, snapshot.version + 1);
    return {
      actions: [{ commitInfo: { operation: "MINE" } }],
      value: null,
      discard: () => Promise.resolve(void discards++),
    };
  });
  assert.deepEqual(outcome, { status: "conflict", version: 3, attempts: 3 });
  assert.equal(discards, 3);
  assert.equal((await loadDeltaSnapshot(t.path)).version, 3);
  assert.deepEqual(
    await commitWithRetries(t.path, { maxAttempts: 0 }, () => assert.fail("no attempt")),
    { status: "conflict", version: -1, attempts: 0 },
  );
});

Deno.test("commitWithRetries() skips without publishing when an attempt says so", async () => {
  await using t = await tempTable();
  await createDeltaTable(t.path, { schemaString: SCHEMA, configuration: {}, now: () => 1 });
  const outcome = await commitWithRetries<never, string>(
    t.path,
    { maxAttempts: 4 },
    (snapshot) => Promise.resolve({ skip: `at ${snapshot.version}` }),
  );
  assert.deepEqual(outcome, { status: "skipped", attempts: 1, value: "at 0" });
  assert.deepEqual(await logNames(t.path), [V0]);
});

Deno.test("commitWithRetries() checks the abort signal before an attempt", async () => {
  await using t = await tempTable();
  await createDeltaTable(t.path, { schemaString: SCHEMA, configuration: {}, now: () => 1 });
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(
    commitWithRetries(
      t.path,
      { maxAttempts: 2, abortSignal: controller.signal },
      () => assert.fail("no attempt"),
    ),
    { name: "AbortError" },
  );
  assert.deepEqual(await logNames(t.path), [V0]);
});
