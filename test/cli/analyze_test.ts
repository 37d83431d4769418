import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { EventHubProducerClient } from "@azure/event-hubs";
import { encodeTweetEvent } from "@/hub";
import { startEmulator } from "@/hub/emulator";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const HOUR = 3_600_000;
const T0 = Date.parse("2026-01-05T00:00:00Z");
const SPIKE_HOUR = 35;

/** 40 hours, 6 events per hour; the likes of hour 35 are ten times the usual. */
function events() {
  const out = [];
  for (let h = 0; h < 40; h++) {
    for (let k = 0; k < 6; k++) {
      const base = 10 + ((h * 7 + k * 3) % 5);
      out.push({
        timestamp: new Date(T0 + h * HOUR + k * 600_000).toISOString(),
        favorite: h === SPIKE_HOUR ? base * 10 : base,
      });
    }
  }
  return out;
}

async function sendAll(connectionString: string) {
  const producer = new EventHubProducerClient(connectionString);
  try {
    const all = events();
    for (let i = 0; i < all.length; i += 60) {
      // One partition key: one partition, so the watermark follows the data.
      await producer.sendBatch(
        all.slice(i, i + 60).map((e) => ({ body: encodeTweetEvent(e) })),
        { partitionKey: "tweets" },
      );
    }
  } finally {
    await producer.close();
  }
}

function cli(args: string[]) {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${ROOT}cli/main.ts`, "analyze", ...args],
    cwd: ROOT,
    env: { ANOMALY_DETECTOR_ENDPOINT: "", ALERT_WEBHOOK_URL: "", NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  });
}

async function setup() {
  const dir = await Deno.makeTempDir({ prefix: "hubwatch-analyze-cli-" });
  const emulator = await startEmulator({ port: 0, dataDir: `${dir}/eventhubs` });
  return {
    dir,
    emulator,
    tables: ["--history", `${dir}/history`, "--anomalies", `${dir}/anomalies`],
    async [Symbol.asyncDispose]() {
      await emulator.stop();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

Deno.test("analyze command consumes once, prints the tutorial's table and the entire-series anomalies", async () => {
  await using s = await setup();
  await sendAll(s.emulator.connectionString);
  const args = [
    "--connection-string",
    s.emulator.connectionString,
    "--idle-timeout",
    "0.5",
    "--end-time",
    new Date(T0 + (SPIKE_HOUR + 1) * HOUR).toISOString(),
    "--quiet",
    ...s.tables,
  ];
  const first = await cli(args).output();
  const out = new TextDecoder().decode(first.stdout);
  assert.equal(first.code, 0, out + new TextDecoder().decode(first.stderr));
  assert.match(out, /^Consumed 240 events in \d+ micro-batches \(0 late, 0 rejected/m);
  assert.match(out, /^\| 2026-01-06T11:00:00\.000Z \| true {4}\|$/m);
  assert.match(out, /^ANOMALY 2026-01-06T11:00:00\.000Z average likes \d+\.\d+ above expected/m);
  assert.match(out, /^Entire series: \d+ anomalies among 40 windows:$/m);
  assert.match(out, /^ {2}2026-01-06T11:00:00\.000Z up value/m);
  // A second run finds nothing new in the hub: no double counting.
  const second = await cli(args).output();
  const again = new TextDecoder().decode(second.stdout);
  assert.equal(second.code, 0);
  assert.match(again, /^Consumed 0 events in 0 micro-batches/m);
  assert.match(again, /^Entire series: \d+ anomalies among 40 windows:$/m);
});

Deno.test("analyze command counts an undecodable event as rejected and says where its dead letter is", async () => {
  await using s = await setup();
  const producer = new EventHubProducerClient(s.emulator.connectionString);
  try {
    await producer.sendBatch([{ body: new TextEncoder().encode('{"favorite": 3}') }], {
      partitionKey: "tweets",
    });
  } finally {
    await producer.close();
  }
  await sendAll(s.emulator.connectionString);
  const result = await cli([
    "--connection-string",
    s.emulator.connectionString,
    "--idle-timeout",
    "0.5",
    "--quiet",
    "--no-entire",
    ...s.tables,
  ]).output();
  const out = new TextDecoder().decode(result.stdout);
  assert.equal(result.code, 0, out + new TextDecoder().decode(result.stderr));
  assert.match(out, /^Consumed 240 events in \d+ micro-batches \(0 late, 1 rejected/m);
  assert.ok(
    out.includes(`Rejected events, with the reason: ${s.dir}/history/_dead_letters\n`),
    out,
  );
  const [entry] = (await Deno.readTextFile(
    `${s.dir}/history/_dead_letters/${"0".padStart(20, "0")}.jsonl`,
  )).trim().split("\n").map((l) => JSON.parse(l));
  assert.equal(
    entry.reason,
    'Cannot read event as field "timestamp" must be an ISO-8601 string: current value is undefined',
  );
  assert.equal(entry.body, '{"favorite": 3}');
});

Deno.test("analyze command --every 1h detects at every closed window and alerts until Ctrl-C", async () => {
  await using s = await setup();
  const child = cli([
    "--every",
    "1h",
    "--connection-string",
    s.emulator.connectionString,
    ...s.tables,
  ]).spawn();
  let out = "";
  let err = "";
  const read = async (stream: ReadableStream<Uint8Array>, add: (text: string) => void) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) add(decoder.decode(chunk, { stream: true }));
  };
  const reading = Promise.all([
    read(child.stdout, (t) => out += t),
    read(child.stderr, (t) => err += t),
  ]);
  await sendAll(s.emulator.connectionString);
  // Wait until every event was committed (progress on stderr) and the spike was alerted.
  const deadline = Date.now() + 20_000;
  while (
    !(out.includes("ANOMALY 2026-01-06T11:00:00.000Z") && err.includes("240 events so far")) &&
    Date.now() < deadline
  ) {
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill("SIGINT");
  const status = await child.status;
  await reading;
  assert.equal(status.code, 0, out + err);
  assert.match(out, /^ANOMALY 2026-01-06T11:00:00\.000Z average likes .* \[last\]$/m);
  // Windows close as the watermark passes them: 40 hours − 1 h grace → 38 closed windows.
  assert.match(out, /^Hourly job: 38 closed windows, 26 detections, 12 skipped/m);
  assert.match(err, /Stopping: committing the events consumed so far/);
});

Deno.test("analyze command rejects --every other than the window size", async () => {
  const result = await cli(["--every", "5m"]).output();
  assert.equal(result.code, 2);
  assert.match(
    new TextDecoder().decode(result.stderr),
    /--every must be 1h \(the history table's window size\): current value is 5m/,
  );
});

Deno.test("analyze command posts the alert to --webhook, retrying a 503", async () => {
  await using s = await setup();
  await sendAll(s.emulator.connectionString);
  const received: { timestamp: string; direction: string; mode: string }[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (r) => {
    received.push(await r.json());
    return new Response(null, { status: received.length === 1 ? 503 : 204 });
  });
  try {
    const result = await cli([
      "--connection-string",
      s.emulator.connectionString,
      "--idle-timeout",
      "0.5",
      "--end-time",
      new Date(T0 + (SPIKE_HOUR + 1) * HOUR).toISOString(),
      "--no-entire",
      "--quiet",
      "--webhook",
      `http://127.0.0.1:${server.addr.port}/alerts`,
      ...s.tables,
    ]).output();
    assert.equal(result.code, 0, new TextDecoder().decode(result.stderr));
    assert.equal(received.length, 2);
    assert.deepEqual(
      received.map((b) => [b.timestamp, b.direction, b.mode]),
      [
        ["2026-01-06T11:00:00.000Z", "up", "last"],
        ["2026-01-06T11:00:00.000Z", "up", "last"],
      ],
    );
  } finally {
    await server.shutdown();
  }
});
