/**
 * End-to-end tests of `./run serve` and of the tutorial's request, in child processes:
 * the served answer must equal what `./run detect --api-version v1.0 --endpoint last` prints.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const TUTORIAL_REQUEST = new URL("./testdata/tutorial_request_gson.txt", import.meta.url);

function cli(args: string[], stdin: "piped" | "null" = "null"): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "cli/main.ts", ...args],
    cwd: ROOT,
    stdin,
    stdout: "piped",
    stderr: "piped",
    // No keys from the developer's environment or .env: this server is open.
    env: { ANOMALY_DETECTOR_KEY: "" },
  }).spawn();
}

/** Reads stdout lines until one matches `pattern`; returns the match and the line reader. */
async function waitForLine(
  lines: ReadableStreamDefaultReader<string>,
  pattern: RegExp,
): Promise<RegExpExecArray> {
  let seen = "";
  while (true) {
    const { done, value } = await lines.read();
    if (done) throw new Error(`stdout ended before ${pattern}: ${seen}`);
    seen += value;
    const match = pattern.exec(seen);
    if (match) return match;
  }
}

/** Starts `./run serve --port 0 ...args`; returns its base URL and the process. */
async function startServe(args: string[] = []) {
  const child = cli(["serve", "--port", "0", ...args]);
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const match = await waitForLine(lines, /listening on (http:\/\/127\.0\.0\.1:\d+)\n/);
  return { child, lines, url: match[1] };
}

Deno.test("./run serve answers the tutorial's request like ./run detect --api-version v1.0 --endpoint last", async () => {
  const request = await Deno.readTextFile(TUTORIAL_REQUEST);
  const detect = cli(["detect", "--api-version", "v1.0", "--endpoint", "last"], "piped");
  const writer = detect.stdin.getWriter();
  await writer.write(new TextEncoder().encode(request));
  await writer.close();
  const detected = await detect.output();
  assert.equal(detected.code, 0, new TextDecoder().decode(detected.stderr));
  const expected = new TextDecoder().decode(detected.stdout).trim();

  const { child, lines, url } = await startServe(["--quiet"]);
  try {
    const response = await fetch(`${url}/anomalydetector/v1.0/timeseries/last/detect`, {
      method: "POST",
      headers: { "content-type": "text/json" },
      body: request,
    });
    assert.equal(response.status, 200);
    assert.equal(await response.text(), expected);
  } finally {
    child.kill("SIGTERM");
    await lines.cancel();
    await child.stderr.cancel();
    await child.status;
  }
});

Deno.test("./run serve --workers 0 logs each request and stops cleanly on SIGTERM", async () => {
  const { child, lines, url } = await startServe(["--key", "k-1", "--workers", "0"]);
  const response = await fetch(`${url}/anomalydetector/v1.1/timeseries/last/detect`, {
    method: "POST",
    body: "{}",
  });
  assert.equal(response.status, 401);
  await response.body?.cancel();
  const [line] = await waitForLine(
    lines,
    /POST \/anomalydetector\/v1\.1\/timeseries\/last\/detect 401 [\d.]+ms [0-9a-f-]{36} 401: Access denied/,
  );
  assert.ok(line.length > 0);
  child.kill("SIGTERM");
  await waitForLine(lines, /stopped\n/);
  await lines.cancel();
  const stderr = await new Response(child.stderr).text();
  const status = await child.status;
  assert.deepEqual({ code: status.code, stderr }, { code: 0, stderr: "" });
});
