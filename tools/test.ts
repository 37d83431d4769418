/**
 * `./run test`: format check, lint, type check (including the code cells of every notebook),
 * unit and integration tests, and the execution of every notebook. Ends with one plain line
 * `N passed, N failed` (N counts tests, the runnable JSDoc examples of lib/, notebooks and the
 * three static checks).
 *
 * The three steps run side by side (each prints its log when it is over).
 * Flags: `--quick` skips notebooks; `--filter TEXT` runs only matching tests (and no notebooks);
 * any other argument is a test path passed to `deno test`.
 */
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const DENO = Deno.execPath();

interface StepResult {
  title: string;
  passed: number;
  failed: number;
  /** What the step printed (shown once the step is over). */
  log: string;
}

/**
 * Runs a command from the repository root. `capture` collects its output; otherwise the output
 * also streams to the terminal as it comes.
 * A command still running after `timeoutInMs` is killed and counts as failed.
 */
async function run(
  cmd: string,
  args: string[],
  options: { capture?: boolean; timeoutInMs?: number } = {},
): Promise<{ code: number; output: string }> {
  const child = new Deno.Command(cmd, {
    args,
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
    env: { RUST_BACKTRACE: "0", NO_COLOR: "1" },
  }).spawn();
  const timeoutInMs = options.timeoutInMs ?? 20 * 60_000;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      child.kill("SIGKILL");
    } catch { /* already exited */ }
  }, timeoutInMs);
  const chunks: string[] = [];
  const pump = async (
    stream: ReadableStream<Uint8Array>,
    sink: typeof Deno.stdout,
  ) => {
    for await (const chunk of stream) {
      chunks.push(new TextDecoder().decode(chunk));
      if (!options.capture) await sink.write(chunk);
    }
  };
  const [, , status] = await Promise.all([
    pump(child.stdout, Deno.stdout),
    pump(child.stderr, Deno.stderr),
    child.status,
  ]);
  clearTimeout(timer);
  const output = chunks.join("");
  if (timedOut) {
    console.log(
      `${cmd} ${args.slice(0, 3).join(" ")} ... did not finish within ${
        timeoutInMs / 1000
      } s and was stopped`,
    );
    return { code: 1, output };
  }
  return { code: status.code, output };
}

/** Writes each notebook's code cells into one TypeScript file under build/nbcheck/. */
async function extractNotebookCode(): Promise<string[]> {
  const dir = `${ROOT}build/nbcheck`;
  await Deno.mkdir(dir, { recursive: true });
  const files: string[] = [];
  for await (const entry of Deno.readDir(`${ROOT}notebooks`)) {
    if (!entry.name.endsWith(".ipynb")) continue;
    const nb = JSON.parse(
      await Deno.readTextFile(`${ROOT}notebooks/${entry.name}`),
    );
    const parts = (nb.cells as { cell_type: string; source: string | string[] }[])
      .filter((c) => c.cell_type === "code")
      .map((c, i) =>
        `// --- cell ${i + 1}\n${Array.isArray(c.source) ? c.source.join("") : c.source}`
      );
    const file = `${dir}/${entry.name.replace(/\.ipynb$/, "")}.ts`;
    await Deno.writeTextFile(
      file,
      `// Code cells of notebooks/${entry.name}, for type checking only.\nexport {};\n${
        parts.join("\n\n")
      }\n`,
    );
    files.push(file);
  }
  return files.sort();
}

async function listFiles(dir: string, suffix: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(path: string) {
    for await (const entry of Deno.readDir(path)) {
      const full = `${path}/${entry.name}`;
      if (entry.isDirectory) {
        if (entry.name === "node_modules" || entry.name === "testdata") {
          continue;
        }
        await walk(full);
      } else if (entry.name.endsWith(suffix)) {
        out.push(full);
      }
    }
  }
  try {
    await walk(dir);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return out.sort();
}

async function staticChecks(): Promise<StepResult> {
  const log: string[] = [];
  const check = async (title: string, args: string[]) => {
    const { code, output } = await run(DENO, args, { capture: true });
    log.push(`--- ${title}: ${code === 0 ? "ok" : "FAILED"}`);
    if (code !== 0) log.push(output);
    return code === 0;
  };
  const sources = [
    ...(await listFiles(`${ROOT}lib`, ".ts")),
    ...(await listFiles(`${ROOT}cli`, ".ts")),
    ...(await listFiles(`${ROOT}bench`, ".ts")),
    ...(await listFiles(`${ROOT}tools`, ".ts")),
    ...(await listFiles(`${ROOT}test`, ".ts")),
    ...(await extractNotebookCode()),
  ];
  const results = [
    // Notebooks are formatted with `deno fmt` too, but Deno 2.9.6's uncached `fmt --check` reports
    // formatted .ipynb files as unformatted (with an empty diff), so the check leaves them out.
    await check("format check (deno fmt --check)", [
      "fmt",
      "--check",
      // --ignore replaces the configuration's fmt.exclude, so it repeats it.
      "--ignore=notebooks/,build/,data/,node_modules/,tools/node_modules/,test/**/testdata/",
    ]),
    await check("lint (deno lint)", ["lint"]),
    await check("type check (lib, cli, bench, tools, test, notebook cells)", [
      "check",
      "--quiet",
      ...sources,
    ]),
  ];
  const passed = results.filter(Boolean).length;
  return {
    title: "static checks",
    passed,
    failed: results.length - passed,
    log: log.join("\n"),
  };
}

async function unitTests(
  paths: string[],
  filter?: string,
): Promise<StepResult> {
  const title = "tests (deno test)";
  const junit = `${ROOT}build/junit.xml`;
  await Deno.mkdir(`${ROOT}build`, { recursive: true });
  try {
    await Deno.remove(junit);
  } catch { /* not there yet */ }
  const args = [
    "test",
    "-A",
    "--no-check",
    "--parallel",
    `--junit-path=${junit}`,
  ];
  if (filter) args.push("--filter", filter);
  // By default every test file, and every runnable JSDoc example in lib/ (`--doc`).
  if (paths.length === 0) args.push("--doc", "test/", "lib/");
  else args.push(...paths);
  const { code, output } = await run(DENO, args, { capture: true });
  let xml = "";
  try {
    xml = await Deno.readTextFile(junit);
  } catch {
    return { title, passed: 0, failed: 1, log: output };
  }
  const cases = [
    ...xml.matchAll(/<testcase\b[^>]*?(\/>|>([\s\S]*?)<\/testcase>)/g),
  ];
  let failed = cases.filter((m) => /<failure\b|<error\b/.test(m[2] ?? "")).length;
  const passed = cases.length - failed;
  if (code !== 0 && failed === 0) failed = 1; // e.g. a file that failed to load, or leaked resources
  return { title, passed, failed, log: output };
}

/**
 * Notebooks in execution order: alphabetical, except that a notebook runs after the notebooks its
 * `metadata.hubwatch.runAfter` names (the analyze notebook reads what the send notebook sent).
 */
export async function notebookOrder(dir: string): Promise<string[]> {
  const names = (await listFiles(dir, ".ipynb")).map((f) => f.slice(dir.length + 1)).sort();
  const after = new Map<string, string[]>();
  for (const name of names) {
    const nb = JSON.parse(await Deno.readTextFile(`${dir}/${name}`));
    after.set(
      name,
      (nb.metadata?.hubwatch?.runAfter ?? []).filter((n: string) => names.includes(n)),
    );
  }
  const ordered: string[] = [];
  const visiting = new Set<string>();
  const visit = (name: string) => {
    if (ordered.includes(name)) return;
    if (visiting.has(name)) {
      throw new Error(
        `notebooks/${name}: metadata.hubwatch.runAfter forms a cycle`,
      );
    }
    visiting.add(name);
    for (const dep of after.get(name) ?? []) visit(dep);
    visiting.delete(name);
    ordered.push(name);
  };
  names.forEach(visit);
  return ordered;
}

async function notebooks(): Promise<StepResult> {
  const title = "notebooks (tools/nbrun.py)";
  const files = (await notebookOrder(`${ROOT}notebooks`)).map((name) => `notebooks/${name}`);
  if (files.length === 0) return { title, passed: 0, failed: 0, log: "" };
  const { output } = await run("/usr/bin/python3", [
    `${ROOT}tools/nbrun.py`,
    "--html",
    ...files,
  ], {
    capture: true,
  });
  const passed = (output.match(/^ok\s/gm) ?? []).length;
  return { title, passed, failed: files.length - passed, log: output };
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    options: { quick: { type: "boolean" }, filter: { type: "string" } },
    allowPositionals: true,
  });
  const started = performance.now();
  const partial = values.filter !== undefined || positionals.length > 0;
  // The three steps are independent: run them side by side and print each one's log as it ends.
  const steps: Promise<StepResult>[] = [];
  if (!partial) steps.push(staticChecks());
  steps.push(unitTests(positionals, values.filter));
  if (!partial && !values.quick) steps.push(notebooks());
  const report = (r: StepResult) => {
    console.log(`\n=== ${r.title}: ${r.passed} passed, ${r.failed} failed`);
    if (r.log.trim() !== "") console.log(r.log.trimEnd());
    return r;
  };
  const results = await Promise.all(steps.map((step) => step.then(report)));
  const passed = results.reduce((sum, r) => sum + r.passed, 0);
  const failed = results.reduce((sum, r) => sum + r.failed, 0);
  console.log(`\ntook ${((performance.now() - started) / 1000).toFixed(1)} s`);
  console.log(`${passed} passed, ${failed} failed`);
  Deno.exit(failed === 0 ? 0 : 1);
}
