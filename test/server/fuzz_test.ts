import assert from "node:assert/strict";
import { createDetectorApp, type DetectorLogEntry } from "@/server";
import { type FuzzCase, FuzzGenerator, toRequest } from "./_fuzz.ts";
import { detectRequest, hourlySeries, UUID } from "./_helpers.ts";

/** Asserts the answer is a 4xx JSON `{code, message}` body with the usual headers. */
async function assertRefused(c: FuzzCase, response: Response): Promise<number> {
  const where = `${c.kind}: ${c.method} ${c.path}`;
  assert.ok(response.status >= 400 && response.status < 500, `${where} → ${response.status}`);
  assert.equal(response.headers.get("content-type"), "application/json", where);
  assert.match(response.headers.get("apim-request-id") ?? "", UUID, where);
  const body = await response.json();
  assert.deepEqual(Object.keys(body), ["code", "message"], where);
  assert.ok(typeof body.code === "string" && body.code !== "", where);
  assert.ok(typeof body.message === "string" && body.message !== "", where);
  return response.status;
}

async function assertStillServes(fetch: (r: Request) => Promise<Response>, base: string) {
  const request = detectRequest("v1.1", "last", {
    series: hourlySeries(48),
    granularity: "hourly",
  });
  const response = await fetch(new Request(new URL(new URL(request.url).pathname, base), request));
  assert.equal(response.status, 200);
  assert.equal(typeof (await response.json()).isAnomaly, "boolean");
}

Deno.test("createDetectorApp() refuses 10,000 random and malformed requests with 4xx JSON and keeps serving", async () => {
  const logs: DetectorLogEntry[] = [];
  const app = createDetectorApp({ onLog: (entry) => logs.push(entry) });
  const generator = new FuzzGenerator(20190408);
  const statuses = new Map<number, number>();
  const kinds = new Set<string>();
  for (let i = 0; i < 10_000; i++) {
    const c = generator.next();
    kinds.add(c.kind.split(" in ")[0]);
    const status = await assertRefused(c, await app.fetch(toRequest(c, "http://localhost")));
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
  }
  assert.deepEqual([...statuses.keys()].sort(), [400, 404, 405, 415]);
  assert.ok(kinds.size >= 11, [...kinds].join(", "));
  assert.deepEqual(logs.filter((entry) => entry.level !== "info"), []);
  await assertStillServes(app.fetch, "http://localhost");
});

Deno.test("Deno.serve(createDetectorApp()) refuses malformed requests and an 11 MB body over a socket, then serves", async () => {
  const app = createDetectorApp();
  await using server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, app.fetch);
  const base = `http://127.0.0.1:${server.addr.port}`;
  const generator = new FuzzGenerator(42);
  for (let i = 0; i < 300; i++) {
    const c = generator.next();
    await assertRefused(c, await fetch(toRequest(c, base)));
  }

  const big = new Uint8Array(11 * 1024 * 1024).fill(0x20);
  const declared: FuzzCase = {
    kind: "11 MB body with Content-Length",
    method: "POST",
    path: "/anomalydetector/v1.1/timeseries/entire/detect",
    headers: { "content-type": "application/json" },
    body: big,
  };
  assert.equal(await assertRefused(declared, await fetch(toRequest(declared, base))), 413);

  // The same size streamed in chunks, without a declared length.
  const chunk = new Uint8Array(1024 * 1024).fill(0x20);
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent === 11) return controller.close();
      sent++;
      controller.enqueue(chunk);
    },
  });
  const response = await fetch(`${base}${declared.path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: stream,
  });
  assert.equal(await assertRefused({ ...declared, kind: "11 MB streamed body" }, response), 413);

  await assertStillServes(fetch, base);
});
