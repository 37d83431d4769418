import assert from "node:assert/strict";
import { answer, detectCommand, streamJsonl } from "../../cli/commands/detect.ts";
import { UsageError } from "../../cli/command.ts";

function daily(n: number) {
  return Array.from({ length: n }, (_, i) => ({
    timestamp: new Date(Date.UTC(2024, 0, 1 + i)).toISOString(),
    value: 10 + (i % 7) * 2 + (i === n - 1 ? 30 : 0),
  }));
}

async function runStream(input: string): Promise<string[]> {
  const chunks: Uint8Array[] = [];
  const output = new WritableStream<Uint8Array>({ write: (c) => void chunks.push(c) });
  const bytes = new TextEncoder().encode(input);
  // Split the input mid-line to exercise line reassembly across chunks.
  const readable = new ReadableStream<Uint8Array>({
    start(controller) {
      const cut = Math.floor(bytes.length / 2);
      controller.enqueue(bytes.slice(0, cut));
      controller.enqueue(bytes.slice(cut));
      controller.close();
    },
  });
  await streamJsonl(readable, output, "entire", "v1.1");
  const text = new TextDecoder().decode(
    chunks.reduce((a, c) => new Uint8Array([...a, ...c]), new Uint8Array()),
  );
  return text.trim().split("\n");
}

Deno.test("answer() returns status 400 with the wire error body for an invalid request", () => {
  assert.deepEqual(answer({ series: [] }, "entire", "v1.1"), {
    status: 400,
    response: { code: "BadArgument", message: "Invalid Input Format, input data is Empty." },
  });
});

Deno.test("answer() returns the last-point response for a valid request", () => {
  const res = answer({ series: daily(30), granularity: "daily" }, "last", "v1.0");
  assert.equal(res.status, 200);
  assert.deepEqual(Object.keys(res.response as object).sort(), [
    "expectedValue",
    "isAnomaly",
    "isNegativeAnomaly",
    "isPositiveAnomaly",
    "lowerMargin",
    "period",
    "suggestedWindow",
    "upperMargin",
  ]);
});

Deno.test("streamJsonl() answers every line in order with per-line endpoint and version", async () => {
  const lines = [
    {
      id: "a",
      apiVersion: "v1.0",
      endpoint: "last",
      request: { series: daily(30), granularity: "daily" },
    },
    { id: "b", request: { series: daily(5) } },
    {
      id: "c",
      apiVersion: "v1.1",
      endpoint: "entire",
      request: { series: daily(30), granularity: "daily" },
    },
  ].map((l) => JSON.stringify(l)).join("\n") + "\nnot json\n";
  const out = (await runStream(lines)).map((l) => JSON.parse(l));
  assert.deepEqual(out.map((o) => [o.id, o.status]), [["a", 200], ["b", 400], ["c", 200], [
    null,
    400,
  ]]);
  assert.equal(out[0].response.suggestedWindow, 29);
  assert.equal(out[2].response.expectedValues.length, 30);
  assert.equal(out[1].response.message, "The 'series' field must have at least 12 points.");
});

Deno.test("detectCommand.run() rejects an unknown endpoint as a usage error", async () => {
  await assert.rejects(() => detectCommand.run(["--endpoint", "bogus"]), UsageError);
});
