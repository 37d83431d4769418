/**
 * The notebook runner (tools/nbrun.py): fails on errors (also inside display functions) and on
 * cells that never finish, keeps outputs that arrive after the kernel reports idle, and always
 * shuts its kernel down.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const RUNNER = `${ROOT}tools/nbrun.py`;

interface RunResult {
  code: number;
  stdout: string;
  executed: { cells: { cell_type: string; outputs?: Record<string, unknown>[] }[] } | undefined;
}

function notebook(cells: string[]): string {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: "deno", display_name: "Deno (hubwatch)", language: "typescript" },
    },
    cells: cells.map((source, i) => ({
      cell_type: "code",
      id: `c${i}`,
      metadata: {},
      execution_count: null,
      outputs: [],
      source,
    })),
  });
}

async function runNotebook(cells: string[], extraArgs: string[] = []): Promise<RunResult> {
  const dir = await Deno.makeTempDir({ prefix: "hubwatch-nbrun-" });
  try {
    const path = `${dir}/case.ipynb`;
    await Deno.writeTextFile(path, notebook(cells));
    const out = await new Deno.Command("/usr/bin/python3", {
      args: [RUNNER, "--out", `${dir}/out`, ...extraArgs, path],
      env: { JUPYTER_PATH: `${ROOT}jupyter` },
      stdout: "piped",
      stderr: "piped",
    }).output();
    let executed;
    try {
      executed = JSON.parse(await Deno.readTextFile(`${dir}/out/case.ipynb`));
    } catch {
      executed = undefined;
    }
    return { code: out.code, stdout: new TextDecoder().decode(out.stdout), executed };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function outputText(output: Record<string, unknown>): string {
  const join = (v: unknown) => (Array.isArray(v) ? v.join("") : String(v ?? ""));
  if (output.output_type === "stream") return join(output.text);
  const data = output.data as Record<string, unknown> | undefined;
  return join(data?.["text/plain"]);
}

async function processAlive(pid: number): Promise<boolean> {
  const out = await new Deno.Command("kill", { args: ["-0", String(pid)], stderr: "null" })
    .output();
  return out.code === 0;
}

Deno.test("nbrun succeeds on a notebook without errors and writes the executed notebook", async () => {
  const r = await runNotebook(["1 + 1", "console.log('hello')"]);
  assert.equal(r.code, 0, r.stdout);
  assert.match(r.stdout, /^ok\s+.*case\.ipynb/m);
  assert.equal(outputText(r.executed!.cells[0].outputs![0]), "2");
  assert.equal(outputText(r.executed!.cells[1].outputs![0]), "hello\n");
});

Deno.test("nbrun fails on a cell that throws and still writes the executed notebook", async () => {
  const r = await runNotebook(["1", "throw new Error('boom in cell 2')", "3"]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /FAILED\s+.*case\.ipynb: cell 2: cell raised Error: boom in cell 2/);
  const errors = r.executed!.cells[1].outputs!.filter((o) => o.output_type === "error");
  assert.equal(errors.length, 1);
  assert.equal(errors[0].evalue, "boom in cell 2");
  assert.deepEqual(r.executed!.cells[2].outputs, []);
});

Deno.test("nbrun fails on an error raised inside a display function", async () => {
  const r = await runNotebook([
    "({ [Symbol.for('Jupyter.display')]() { throw new Error('display exploded'); } })",
  ]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /cell 1: .*display exploded/);
});

Deno.test("nbrun fails a cell that never finishes within the timeout", async () => {
  const r = await runNotebook(["await new Promise(() => {})", "'never reached'"], [
    "--timeout",
    "3",
  ]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /cell 1: cell did not finish within 3 s/);
});

Deno.test("nbrun keeps an output that arrives after the kernel reports idle", async () => {
  const r = await runNotebook([
    "setTimeout(() => console.log('late output'), 150); 'cell done'",
  ], ["--grace", "0.6"]);
  assert.equal(r.code, 0, r.stdout);
  const texts = r.executed!.cells[0].outputs!.map(outputText).join("|");
  assert.match(texts, /late output/);
  assert.match(texts, /cell done/);
});

Deno.test("nbrun shuts its kernel down, also when it is terminated mid-cell", async () => {
  const dir = await Deno.makeTempDir({ prefix: "hubwatch-nbrun-" });
  const child = new Deno.Command("/usr/bin/python3", {
    args: [RUNNER, "--out", `${dir}/out`, `${dir}/case.ipynb`],
    env: { JUPYTER_PATH: `${ROOT}jupyter` },
    stdout: "piped",
    stderr: "null",
  });
  await Deno.writeTextFile(
    `${dir}/case.ipynb`,
    notebook(["await new Promise((r) => setTimeout(r, 60_000))"]),
  );
  const process = child.spawn();
  try {
    // Wait until the kernel is up, then give the cell time to start.
    let kernelPid = 0;
    for (let i = 0; i < 150 && kernelPid === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const out = await new Deno.Command("pgrep", {
        args: ["-P", String(process.pid), "-f", "jupyter --kernel"],
        stdout: "piped",
      })
        .output();
      kernelPid = Number(new TextDecoder().decode(out.stdout).trim().split("\n")[0] || 0);
    }
    assert.ok(kernelPid > 0, "the runner started no kernel");
    await new Promise((r) => setTimeout(r, 1500));
    process.kill("SIGTERM");
    const status = await process.status;
    const stdout = new TextDecoder().decode(await new Response(process.stdout).arrayBuffer());
    assert.equal(status.code, 1);
    assert.match(stdout, /FAILED\s+.*case\.ipynb: interrupted \(received signal 15\)/);
    assert.equal(await processAlive(kernelPid), false);
  } finally {
    try {
      process.kill("SIGKILL");
    } catch { /* already exited */ }
    await Deno.remove(dir, { recursive: true });
  }
});
