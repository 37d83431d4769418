import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { EventHubProducerClient } from "@azure/event-hubs";
import { emulatorCommand } from "../../../cli/commands/emulator.ts";
import { UsageError } from "../../../cli/command.ts";
import { resolveHubTarget } from "../../../cli/_hub_target.ts";
import { loadConfig } from "@/config";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

function spawn(args: string[], env: Record<string, string> = {}) {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", path.join(root, "cli/main.ts"), "emulator", ...args],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
    env: { RUST_BACKTRACE: "0", DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1", ...env },
  }).spawn();
}

async function firstLine(
  stream: ReadableStream<Uint8Array>,
): Promise<{ line: string; rest: Promise<string> }> {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  const rest = (async () => {
    let more = text.slice(text.indexOf("\n") + 1);
    while (true) {
      const { value, done } = await reader.read();
      if (done) return more;
      more += value;
    }
  })();
  return { line: text.split("\n")[0], rest };
}

Deno.test("emulator command prints one masked connection string line and exits 0 on SIGTERM", async () => {
  const dataDir = Deno.makeTempDirSync({ prefix: "hubwatch-cli-" });
  try {
    const child = spawn(["--port", "0", "--data", dataDir, "--hub", "tweets:2"]);
    const { line, rest } = await firstLine(child.stdout);
    assert.match(
      line,
      /^EVENTHUB_CONNECTION_STRING=Endpoint=sb:\/\/127\.0\.0\.1:\d+;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=\*\*\*;EntityPath=tweets;UseDevelopmentEmulator=true$/,
    );
    child.kill("SIGTERM");
    const status = await child.status;
    assert.equal(await rest, "");
    await child.stderr.cancel();
    assert.equal(status.code, 0);
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

Deno.test("emulator command --show-key prints a connection string the SDK can use", async () => {
  const dataDir = Deno.makeTempDirSync({ prefix: "hubwatch-cli-" });
  try {
    const child = spawn([
      "--port",
      "0",
      "--data",
      dataDir,
      "--show-key",
      "--hub",
      "a:3",
      "--hub",
      "b",
    ]);
    const { line, rest } = await firstLine(child.stdout);
    const connectionString = line.slice("EVENTHUB_CONNECTION_STRING=".length);
    const storedKey = fs.readFileSync(path.join(dataDir, "emulator.key"), "utf8").trim();
    assert.ok(connectionString.includes(`SharedAccessKey=${storedKey};`));
    const producer = new EventHubProducerClient(connectionString);
    try {
      assert.deepEqual((await producer.getEventHubProperties()).partitionIds, ["0", "1", "2"]);
    } finally {
      await producer.close();
    }
    child.kill("SIGINT");
    assert.equal((await child.status).code, 0);
    await rest;
    await child.stderr.cancel();
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

Deno.test("emulator command keeps its key under HUBWATCH_DATA_DIR, where send and analyze look for it", async () => {
  const dataDir = Deno.makeTempDirSync({ prefix: "hubwatch-cli-" });
  try {
    const child = spawn(["--port", "0", "--show-key", "--hub", "tweets"], {
      HUBWATCH_DATA_DIR: dataDir,
    });
    const { line, rest } = await firstLine(child.stdout);
    const printed = line.slice("EVENTHUB_CONNECTION_STRING=".length);
    const port = Number(/:(\d+);/.exec(printed)![1]);
    const target = await resolveHubTarget(
      loadConfig({ env: { HUBWATCH_DATA_DIR: dataDir, EVENTHUB_NAME: "tweets" }, envFile: false }),
      { emulatorPort: port, purpose: "send to" },
    );
    assert.equal(target.connectionString, printed);
    child.kill("SIGTERM");
    assert.equal((await child.status).code, 0);
    await rest;
    await child.stderr.cancel();
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

Deno.test("emulatorCommand.run() rejects a malformed --hub with UsageError", async () => {
  await assert.rejects(
    emulatorCommand.run(["--hub", "a:b:c"]),
    new UsageError("--hub must be NAME or NAME:PARTITIONS: current value is a:b:c"),
  );
});

Deno.test("emulatorCommand.run() rejects an unknown --fsync policy with UsageError", async () => {
  await assert.rejects(
    emulatorCommand.run(["--fsync", "sometimes"]),
    new UsageError("--fsync must be batch, interval or never: current value is sometimes"),
  );
});

Deno.test("emulator command exits 1 with the reason when the port is taken", async () => {
  const blocker = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const dataDir = Deno.makeTempDirSync({ prefix: "hubwatch-cli-" });
  try {
    const child = spawn(["--port", String(blocker.addr.port), "--data", dataDir]);
    const [status, stdout, stderr] = await Promise.all([
      child.status,
      new Response(child.stdout).text(),
      new Response(child.stderr).text(),
    ]);
    assert.equal(status.code, 1);
    assert.equal(stdout, "");
    assert.match(
      stderr,
      /^hubwatch emulator: Cannot start the Event Hubs emulator on 127\.0\.0\.1:\d+: /,
    );
  } finally {
    blocker.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
