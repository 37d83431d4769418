import assert from "node:assert/strict";
import { join } from "node:path";
import {
  type GroundTruth,
  groundTruthPath,
  readGroundTruth,
  writeGroundTruth,
} from "../../lib/source/ground_truth.ts";

Deno.test("groundTruthPath() puts .truth.json next to the data file", () => {
  assert.equal(groundTruthPath("data/demo/posts.jsonl"), "data/demo/posts.truth.json");
  assert.equal(groundTruthPath("posts"), "posts.truth.json");
});

Deno.test("writeGroundTruth() and readGroundTruth() round-trip", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const truth: GroundTruth = {
      source: "synthetic",
      start: "2026-01-05T00:00:00.000Z",
      end: "2026-01-06T00:00:00.000Z",
      incidents: [{
        kind: "viral-burst",
        start: "2026-01-05T14:00:00.000Z",
        end: "2026-01-05T17:00:00.000Z",
        direction: "up",
      }],
    };
    const path = join(dir, "x", "posts.truth.json");
    await writeGroundTruth(path, truth);
    assert.deepEqual(await readGroundTruth(path), truth);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readGroundTruth() rejects a file without an incidents array", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "t.json");
    await Deno.writeTextFile(path, '{"source":"x"}');
    await assert.rejects(
      readGroundTruth(path),
      new TypeError(
        `Cannot read ground truth from "${path}" as field "incidents" must be an array`,
      ),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
