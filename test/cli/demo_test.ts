import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { SyntheticSource } from "@/source";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

async function runCli(args: string[]) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${ROOT}cli/main.ts`, ...args],
    cwd: ROOT,
    env: {
      // No configuration: the demo must work offline with the defaults.
      EVENTHUB_CONNECTION_STRING: "",
      ANOMALY_DETECTOR_ENDPOINT: "",
      X_BEARER_TOKEN: "",
      NO_COLOR: "1",
    },
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: output.code,
    stdout: new TextDecoder().decode(output.stdout),
    stderr: new TextDecoder().decode(output.stderr),
  };
}

function numbers(line: string | undefined, pattern: RegExp): number[] {
  const match = line?.match(pattern);
  assert.ok(match, `expected a line matching ${pattern}, got ${line}`);
  return match.slice(1).map(Number);
}

Deno.test("demo command runs the offline pipeline end to end and finds the incidents", async () => {
  const dir = await Deno.makeTempDir({ prefix: "hubwatch-demo-" });
  try {
    const report = `${dir}/report.html`;
    const { code, stdout, stderr } = await runCli([
      "demo",
      "--out",
      `${dir}/work`,
      "--report",
      report,
      "--quiet",
    ]);
    assert.equal(code, 0, `stdout:\n${stdout}\nstderr:\n${stderr}`);
    const lines = stdout.split("\n");
    const truth = new SyntheticSource().groundTruth;
    const [sent, received, late] = numbers(
      lines.find((l) => l.startsWith("Events sent:")),
      /^Events sent: (\d+); received: (\d+); late: (\d+)$/,
    );
    assert.deepEqual([sent, received, late], [truth.posts, truth.posts, 0]);
    const [windows] = numbers(lines.find((l) => l.startsWith("Windows:")), /^Windows: (\d+) hours/);
    assert.equal(windows, (Date.parse(truth.end) - Date.parse(truth.start)) / 3_600_000);
    const [found, incidents, flagged, falseAlarms] = numbers(
      lines.find((l) => l.startsWith("Entire-series detection:")),
      /found (\d+) of (\d+) incidents .*?, (\d+) anomalous hours, (\d+) false alarms/,
    );
    assert.equal(incidents, truth.incidents.length);
    assert.ok(found >= 4, `found ${found} of ${incidents}`);
    assert.ok(falseAlarms <= 3, `${falseAlarms} false alarms`);
    assert.ok(flagged >= found);
    assert.ok(lines.some((l) => l.startsWith("Hourly job (last point of 72 h")));
    assert.ok(lines.some((l) => l.startsWith("Last point: 2026-02-03T23:00:00.000Z")));
    assert.ok(lines.includes(`Report: ${report}`));
    const html = await Deno.readTextFile(report);
    assert.match(html, /<title>hubwatch demo: anomalies in the hourly average of likes<\/title>/);
    assert.equal(html.match(/class="hubwatch-plot"/g)?.length, 2);
    assert.match(html, /window\.Plotly/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("demo command rejects a bad flag with a usage error", async () => {
  const { code, stderr } = await runCli(["demo", "--sensitivity", "120"]);
  assert.equal(code, 2);
  assert.match(stderr, /--sensitivity must be a number from 0 to 99: current value is 120/);
});

Deno.test("demo command refuses to empty a folder it did not write", async () => {
  const dir = await Deno.makeTempDir({ prefix: "hubwatch-demo-guard-" });
  try {
    await Deno.writeTextFile(`${dir}/notes.txt`, "keep me");
    const { code, stderr } = await runCli(["demo", "--out", dir]);
    assert.equal(code, 2);
    assert.match(
      stderr,
      /--out must be a new or empty folder, or one an earlier demo wrote: .* also holds notes\.txt/,
    );
    assert.equal(await Deno.readTextFile(`${dir}/notes.txt`), "keep me");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
