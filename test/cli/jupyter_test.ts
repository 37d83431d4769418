import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

async function processesMatching(pattern: string): Promise<string[]> {
  const out = await new Deno.Command("pgrep", { args: ["-f", pattern], stdout: "piped" }).output();
  return new TextDecoder().decode(out.stdout).trim().split("\n").filter((l) => l !== "");
}

Deno.test("./run jupyter serves the project's deno kernelspec and stops without leftovers", async () => {
  const child = new Deno.Command(`${ROOT}run`, {
    args: ["jupyter", "--port", "0"],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  let url: URL | undefined;
  try {
    while (url === undefined) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
      const match = /(http:\/\/127\.0\.0\.1:\d+\/)tree\?token=([0-9a-f]+)/.exec(text);
      if (match) url = new URL(`${match[1]}api/kernelspecs?token=${match[2]}`);
    }
    assert.ok(url, `no URL printed; stdout: ${text}`);
    const res = await fetch(url);
    assert.equal(res.status, 200);
    const specs = await res.json();
    assert.equal(specs.kernelspecs.deno.name, "deno");
    assert.equal(specs.kernelspecs.deno.spec.display_name, "Deno (hubwatch)");
    assert.equal(specs.kernelspecs.deno.spec.interrupt_mode, "message");
    assert.equal(
      specs.kernelspecs.deno.spec.argv[0].endsWith("/tools/node_modules/deno/deno"),
      true,
    );

    const port = url.port;
    child.kill("SIGTERM");
    const status = await child.status;
    assert.equal(status.success, true, await stderr);
    // Nothing started by the command may outlive it.
    for (let i = 0; i < 50 && (await processesMatching(`--port=${port}`)).length > 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.deepEqual(await processesMatching(`--port=${port}`), []);
    await assert.rejects(fetch(url));
  } finally {
    reader.releaseLock();
    await child.stdout.cancel().catch(() => {});
    try {
      child.kill("SIGKILL");
    } catch { /* exited */ }
    await child.status;
    await stderr;
  }
});
