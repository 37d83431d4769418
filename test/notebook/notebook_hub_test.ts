import assert from "node:assert/strict";
import { join } from "node:path";
import { EventHubConsumerClient, EventHubProducerClient } from "@azure/event-hubs";
import { loadConfig } from "@/config";
import { startEmulator } from "@/hub/emulator";
import { openNotebookHub, PROJECT_ROOT, resolveDataDir, storedEmulatorKey } from "@/notebook";

function offlineConfig(dataDir: string) {
  return loadConfig({ env: { HUBWATCH_DATA_DIR: dataDir }, envFile: false });
}

Deno.test("resolveDataDir() takes a relative data dir from the project root", () => {
  assert.equal(resolveDataDir({ dataDir: "./data" }), join(PROJECT_ROOT, "data"));
  assert.equal(resolveDataDir({ dataDir: "/var/hw" }), "/var/hw");
});

Deno.test("PROJECT_ROOT is the folder holding deno.json", () => {
  assert.ok(Deno.statSync(join(PROJECT_ROOT, "deno.json")).isFile);
});

Deno.test("storedEmulatorKey() creates a key once and then reads it back", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const key = storedEmulatorKey(join(dir, "eh"));
    assert.match(key, /^[A-Za-z0-9+/]{43}=$/);
    assert.equal(storedEmulatorKey(join(dir, "eh")), key);
    assert.equal(Deno.readTextFileSync(join(dir, "eh", "emulator.key")), `${key}\n`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("openNotebookHub() passes a configured Event Hubs through without an emulator", async () => {
  const cs =
    "Endpoint=sb://example.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=s3cret;EntityPath=tweets";
  const hub = await openNotebookHub(
    loadConfig({ env: { EVENTHUB_CONNECTION_STRING: cs }, envFile: false }),
  );
  assert.deepEqual(
    [hub.kind, hub.connectionString, hub.eventHubName, hub.emulator],
    ["Event Hubs", cs, "tweets", undefined],
  );
  const bundle = (hub as unknown as Record<symbol, () => Record<string, string>>)[
    Symbol.for("Jupyter.display")
  ]();
  assert.doesNotMatch(bundle["text/plain"], /s3cret/);
  await hub.close();
});

Deno.test("openNotebookHub() starts an emulator whose events survive into the next one", async () => {
  const dataDir = await Deno.makeTempDir();
  try {
    const first = await openNotebookHub(offlineConfig(dataDir), {
      partitionCount: 1,
      runningEmulatorPort: false,
    });
    assert.equal(first.emulator?.dataDir, join(dataDir, "eventhubs"));
    const producer = new EventHubProducerClient(first.connectionString);
    await producer.sendBatch([{ body: { timestamp: "2026-01-05T00:00:00Z", favorite: 3 } }]);
    await producer.close();
    await first.close();

    const second = await openNotebookHub(offlineConfig(dataDir), {
      partitionCount: 1,
      runningEmulatorPort: false,
    });
    assert.notEqual(second.emulator, first.emulator);
    const consumer = new EventHubConsumerClient("$Default", second.connectionString);
    try {
      const props = await consumer.getPartitionProperties("0");
      assert.equal(props.lastEnqueuedSequenceNumber, 0);
    } finally {
      await consumer.close();
      await second.close();
    }
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("openNotebookHub() reuses the emulator running for the same folder", async () => {
  const dataDir = await Deno.makeTempDir();
  try {
    const a = await openNotebookHub(offlineConfig(dataDir), {
      partitionCount: 1,
      runningEmulatorPort: false,
    });
    const b = await openNotebookHub(offlineConfig(dataDir), {
      partitionCount: 1,
      runningEmulatorPort: false,
    });
    assert.equal(a.emulator, b.emulator);
    assert.equal(a.connectionString, b.connectionString);
    await b.close();
    await a.close();
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("openNotebookHub() uses an emulator already serving the folder with its key", async () => {
  const dataDir = await Deno.makeTempDir();
  const folder = join(dataDir, "eventhubs");
  const serving = await startEmulator({ port: 0, dataDir: folder, key: storedEmulatorKey(folder) });
  try {
    const hub = await openNotebookHub(offlineConfig(dataDir), {
      runningEmulatorPort: serving.port,
    });
    assert.deepEqual([hub.kind, hub.emulator, hub.emulatorDataDir], [
      "running emulator",
      undefined,
      folder,
    ]);
    const consumer = new EventHubConsumerClient("$Default", hub.connectionString);
    assert.deepEqual(await consumer.getPartitionIds(), ["0", "1", "2", "3"]);
    await consumer.close();
    await hub.close();
  } finally {
    await serving.stop();
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("openNotebookHub() starts its own emulator when the one on the port has another key", async () => {
  const dataDir = await Deno.makeTempDir();
  const other = await startEmulator({ port: 0, key: "another-key" });
  try {
    storedEmulatorKey(join(dataDir, "eventhubs"));
    const hub = await openNotebookHub(offlineConfig(dataDir), {
      runningEmulatorPort: other.port,
      partitionCount: 1,
    });
    assert.equal(hub.kind, "emulator");
    assert.notEqual(hub.emulator?.port, other.port);
    await hub.close();
  } finally {
    await other.stop();
    await Deno.remove(dataDir, { recursive: true });
  }
});
