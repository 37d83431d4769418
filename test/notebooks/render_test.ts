/**
 * End-to-end tests of the two tutorial notebooks, executed headlessly with the project's runner
 * (`tools/nbrun.py`, what `./run nb` runs) in a temporary HUBWATCH_DATA_DIR:
 *
 * - the send notebook once, then the analyze notebook twice: the history table is the same
 *   after both runs (no double counting);
 * - the analyze notebook's HTML export and its offline report, opened in headless Chromium,
 *   contain a rendered Plotly chart with the series trace.
 *
 * Heavy: about 30 s (three kernel runs, two Chromium page loads). All runs are shared by the
 * tests of this file.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { HistoryTable } from "@/store";
import type { WindowRow } from "@/window";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CHROMIUM = "/usr/bin/chromium";
const ANALYZE = "AnalyzeTweetsFromEventHub";
const SEND = "SendTweetsToEventHub";

interface NotebookRuns {
  dir: string;
  dataDir: string;
  firstOut: string;
  secondOut: string;
  historyAfterFirst: WindowRow[];
  historyAfterSecond: WindowRow[];
  sent: number;
  /** Chromium's DOM of the first run's HTML export and of its report (rendered during the second run). */
  notebookDom: string;
  reportDom: string;
}

async function nbrun(outDir: string, dataDir: string, html: boolean, names: string[]) {
  const { code, stdout, stderr } = await new Deno.Command("/usr/bin/python3", {
    args: [
      "tools/nbrun.py",
      "--out",
      outDir,
      ...(html ? ["--html"] : []),
      "--timeout",
      "120",
      ...names.map((n) => `notebooks/${n}.ipynb`),
    ],
    cwd: ROOT,
    env: {
      HUBWATCH_DATA_DIR: dataDir,
      JUPYTER_PATH: join(ROOT, "jupyter"),
      RUST_BACKTRACE: "0",
      NO_COLOR: "1",
    },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr);
  assert.equal(code, 0, `nbrun failed:\n${text}`);
}

let runs: Promise<NotebookRuns> | undefined;

/** Runs the notebooks once for the whole file. */
function notebookRuns(): Promise<NotebookRuns> {
  runs ??= (async () => {
    const dir = await Deno.makeTempDir({ prefix: "hubwatch-nb-" });
    const dataDir = join(dir, "data");
    const firstOut = join(dir, "first");
    const secondOut = join(dir, "second");
    await nbrun(firstOut, dataDir, true, [SEND, ANALYZE]);
    const historyAfterFirst = await (await HistoryTable.open(join(dataDir, "history"))).read();
    const reportCopy = join(dir, "report.html");
    await Deno.copyFile(join(dataDir, "reports", `${ANALYZE}.html`), reportCopy);
    const doms = Promise.all([
      renderedDom(join(firstOut, `${ANALYZE}.html`)),
      renderedDom(reportCopy),
    ]);
    await nbrun(secondOut, dataDir, false, [ANALYZE]);
    const [notebookDom, reportDom] = await doms;
    const historyAfterSecond = await (await HistoryTable.open(join(dataDir, "history"))).read();
    const marker = JSON.parse(await Deno.readTextFile(join(dataDir, "notebooks", "send.json")));
    return {
      dir,
      dataDir,
      firstOut,
      secondOut,
      historyAfterFirst,
      historyAfterSecond,
      sent: marker.result.sent,
      notebookDom,
      reportDom,
    };
  })();
  return runs;
}

// Removes the temporary folder after the last test of this file.
addEventListener("unload", () => {
  if (runs) {
    runs.then((r) => Deno.removeSync(r.dir, { recursive: true })).catch(() => undefined);
  }
});

interface Output {
  output_type: string;
  data?: Record<string, string | string[]>;
}

async function codeOutputs(path: string): Promise<Output[][]> {
  const nb = JSON.parse(await Deno.readTextFile(path));
  return nb.cells.filter((c: { cell_type: string }) => c.cell_type === "code").map((
    c: { outputs: Output[] },
  ) => c.outputs);
}

function text(value: string | string[] | undefined): string {
  return Array.isArray(value) ? value.join("") : value ?? "";
}

/** The `text/plain` of the first output that passes `test`. */
function outputWhere(outputs: Output[][], test: (plain: string) => boolean): string {
  for (const cell of outputs) {
    for (const out of cell) {
      const plain = text(out.data?.["text/plain"]);
      if (test(plain)) return plain;
    }
  }
  throw new Error(`no output passes ${test}`);
}

/** The DOM after scripts ran, from headless Chromium. */
async function renderedDom(htmlPath: string): Promise<string> {
  const { code, stdout, stderr } = await new Deno.Command(CHROMIUM, {
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
      "--disable-sync",
      "--virtual-time-budget=10000",
      "--dump-dom",
      `file://${htmlPath}`,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(code, 0, new TextDecoder().decode(stderr));
  return new TextDecoder().decode(stdout);
}

/**
 * Asserts that a Plotly chart rendered with the hourly series: a scatter trace drawn as a line
 * with one marker per hourly window.
 */
function assertSeriesRendered(dom: string, points: number): void {
  assert.match(dom, /<svg class="main-svg"/);
  assert.match(dom, /class="legendtext"[^>]*>average likes</);
  const traces = dom.split('<g class="trace scatter').slice(1);
  const series = traces.filter((t) =>
    /<path class="js-line" d="M[^"]+"/.test(t) &&
    (t.match(/<path class="point[ "]/g) ?? []).length === points
  );
  assert.equal(series.length, 1, `one line trace with ${points} markers`);
}

// The demo runs while the notebooks run (both mostly wait on I/O and timers).
let demoReport: Promise<string>;

Deno.test("AnalyzeTweetsFromEventHub run twice gives the same history table", async () => {
  demoReport = demoReportDom();
  demoReport.catch(() => undefined); // awaited (and reported) by its own test
  const r = await notebookRuns();
  assert.deepEqual(r.historyAfterSecond, r.historyAfterFirst);
});

Deno.test("AnalyzeTweetsFromEventHub counts every event sent exactly once", async () => {
  const r = await notebookRuns();
  assert.equal(r.historyAfterFirst.reduce((n, w) => n + w.count, 0), r.sent);
  assert.equal(r.sent, 7777);
});

Deno.test("AnalyzeTweetsFromEventHub reads no event on its second run", async () => {
  const r = await notebookRuns();
  const first = await codeOutputs(join(r.firstOut, `${ANALYZE}.ipynb`));
  const second = await codeOutputs(join(r.secondOut, `${ANALYZE}.ipynb`));
  const summary = (t: string) => t.includes("events counted into windows");
  assert.match(outputWhere(first, summary), /events counted into windows\s+\| 7777 /);
  assert.match(outputWhere(second, summary), /events counted into windows\s+\| 0 /);
  // The history table (`SELECT * FROM tweets ORDER BY groupTime`) as the notebook shows it.
  const historyView = (t: string) => t.startsWith("| groupTime");
  assert.equal(outputWhere(second, historyView), outputWhere(first, historyView));
});

Deno.test("SendTweetsToEventHub does not send again on a second run", async () => {
  const r = await notebookRuns();
  await nbrun(join(r.dir, "send-again"), r.dataDir, false, [SEND]);
  const outputs = await codeOutputs(join(r.dir, "send-again", `${SEND}.ipynb`));
  const markdown = outputs.flat().map((o) => text(o.data?.["text/markdown"])).join("\n");
  assert.match(markdown, /\*\*Already sent\*\*/);
  const history = await (await HistoryTable.open(join(r.dataDir, "history"))).read();
  assert.deepEqual(history, r.historyAfterFirst);
});

Deno.test("AnalyzeTweetsFromEventHub exported to HTML shows the Plotly chart in Chromium", async () => {
  const r = await notebookRuns();
  assertSeriesRendered(r.notebookDom, r.historyAfterFirst.length);
});

Deno.test("the analyze notebook's offline report shows the Plotly chart in Chromium", async () => {
  const r = await notebookRuns();
  assertSeriesRendered(r.reportDom, r.historyAfterFirst.length);
  assert.match(r.reportDom, /<td>hourly windows<\/td><td style="text-align:right">96<\/td>/);
});

/** Runs `./run demo` on 4 days into a temporary folder and renders its report. */
async function demoReportDom(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "hubwatch-demo-report-" });
  try {
    const report = join(dir, "report.html");
    const { code, stderr } = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "cli/main.ts",
        "demo",
        "--days",
        "4",
        "--out",
        join(dir, "work"),
        "--report",
        report,
        "--quiet",
      ],
      cwd: ROOT,
      env: { EVENTHUB_CONNECTION_STRING: "", ANOMALY_DETECTOR_ENDPOINT: "", X_BEARER_TOKEN: "" },
      stdout: "null",
      stderr: "piped",
    }).output();
    assert.equal(code, 0, new TextDecoder().decode(stderr));
    return await renderedDom(report);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("the demo's report (build/report.html) shows both Plotly charts in Chromium", async () => {
  const dom = await demoReport;
  assert.equal(dom.match(/<div class="plot-container plotly"/g)?.length, 2);
  assertSeriesRendered(dom, 96);
});
