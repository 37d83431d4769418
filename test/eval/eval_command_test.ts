import assert from "node:assert/strict";
import { join } from "node:path";
import { evalCommand } from "../../cli/commands/eval.ts";
import { UsageError } from "../../cli/command.ts";
import { writeSyntheticNab } from "./_synthetic_nab.ts";

async function capture(fn: () => Promise<number>): Promise<{ code: number; out: string }> {
  const log = console.log;
  const error = console.error;
  const lines: string[] = [];
  console.log = (...a: unknown[]) => void lines.push(a.join(" "));
  console.error = () => {};
  try {
    return { code: await fn(), out: lines.join("\n") };
  } finally {
    console.log = log;
    console.error = error;
  }
}

Deno.test("eval nab writes one flags CSV per file and prints per-file and total lines", async () => {
  const root = await Deno.makeTempDir({ prefix: "hubwatch-eval-cli-" });
  try {
    const data = await writeSyntheticNab(root);
    const out = join(root, "out");
    const { code, out: text } = await capture(() =>
      evalCommand.run(["nab", "--data", data, "--out", out, "--workers", "0"])
    );
    assert.equal(code, 0);
    const csv = (await Deno.readTextFile(join(out, "Twitter_volume_A.csv"))).trim().split("\n");
    assert.equal(csv[0], "timestamp,isAnomaly,severity");
    assert.equal(csv.length, 1 + 28);
    assert.match(csv[1], /^2015-03-04T00:00:00\.000Z,(true|false),[0-9.]+$/);
    const lines = text.split("\n");
    assert.match(lines[0], /^NAB realTweets · API v1\.1 · window 72 h · sensitivity 95 · /);
    assert.match(text, /\nTwitter_volume_A\.csv +28 /);
    assert.match(text, /\nTwitter_volume_B\.csv +28 /);
    assert.match(text, /\ntotal +56 /);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("eval nab with --api-version v1.0 leaves severity empty", async () => {
  const root = await Deno.makeTempDir({ prefix: "hubwatch-eval-cli-" });
  try {
    const data = await writeSyntheticNab(root);
    const out = join(root, "out");
    await capture(() =>
      evalCommand.run([
        "nab",
        "--data",
        data,
        "--out",
        out,
        "--workers",
        "0",
        "--api-version",
        "v1.0",
        "--files",
        "Twitter_volume_B.csv",
      ])
    );
    const csv = (await Deno.readTextFile(join(out, "Twitter_volume_B.csv"))).trim().split("\n");
    assert.match(csv[1], /^2015-03-04T00:00:00\.000Z,(true|false),$/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("eval rejects a benchmark other than nab", async () => {
  await assert.rejects(
    () => evalCommand.run(["yahoo"]),
    new UsageError('the benchmark must be "nab": current value is "yahoo"'),
  );
});

Deno.test("eval nab rejects a sensitivity above 100", async () => {
  await assert.rejects(
    () => evalCommand.run(["nab", "--sensitivity", "101"]),
    new UsageError("--sensitivity must be an integer from 0 to 100: current value is 101"),
  );
});

Deno.test("eval nab rejects an unknown api version", async () => {
  await assert.rejects(
    () => evalCommand.run(["nab", "--api-version", "v2"]),
    new UsageError("--api-version must be v1.0 or v1.1: current value is v2"),
  );
});

Deno.test("eval nab exits 1 with one error line when the data folder is missing", async () => {
  const error = console.error;
  const lines: string[] = [];
  console.error = (...a: unknown[]) => void lines.push(a.join(" "));
  try {
    const code = await evalCommand.run([
      "nab",
      "--data",
      "/nonexistent/nab/data/x",
      "--workers",
      "0",
    ]);
    assert.equal(code, 1);
    assert.match(
      lines.join("\n"),
      /^hubwatch eval: Cannot read NAB windows "\/nonexistent\/nab\/labels\/combined_windows\.json"/,
    );
  } finally {
    console.error = error;
  }
});
