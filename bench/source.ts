/**
 * `./run bench source [--days D] [--runs R]`: throughput of the post sources and the send job.
 *
 * - `SyntheticSource` generating D days (default 30, ~50,000 posts): time against the
 *   one-second target, and against a baseline measured in the same run: a plain loop that
 *   makes the same number of `{ id, createdAt, likeCount }` objects with `Math.random()`.
 * - `ReplaySource` reading those posts back from a JSONL file: posts/s against a baseline
 *   that reads the whole file and `JSON.parse`s each line.
 * - `send()` of those posts to an in-memory target: posts/s against iterating the same
 *   source without sending.
 * @module
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import { ReplaySource, SyntheticSource, writePostsJsonl } from "@/source";
import { send } from "@/pipeline";

const TARGET_MS = 1000;

async function best(runs: number, fn: () => Promise<unknown> | unknown): Promise<number> {
  let bestMs = Infinity;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    bestMs = Math.min(bestMs, performance.now() - start);
  }
  return bestMs;
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

/** Runs the benchmark; returns 0 when generation meets the one-second target, 1 otherwise. */
export async function main(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { days: { type: "string", default: "30" }, runs: { type: "string", default: "3" } },
  });
  const days = Number(values.days);
  const runs = Number(values.runs);
  const source = new SyntheticSource({ days });
  const posts = source.posts();
  const n = posts.length;

  const generateMs = await best(runs, () => source.posts());
  const baselineMs = await best(runs, () => {
    const out = [];
    const start = Date.UTC(2026, 0, 5);
    for (let i = 0; i < n; i++) {
      out.push({
        id: String(1870000000000000000n + BigInt(i)),
        createdAt: new Date(start + Math.floor(Math.random() * days * 86_400_000)).toISOString(),
        likeCount: Math.floor(Math.random() * 30),
      });
    }
    return out;
  });
  console.log(
    `synthetic: ${fmt(n)} posts over ${days} days in ${generateMs.toFixed(0)} ms ` +
      `(${fmt(n / (generateMs / 1000))} posts/s); target ${TARGET_MS} ms → ${
        (generateMs / TARGET_MS).toFixed(2)
      }x of budget; baseline object loop ${baselineMs.toFixed(0)} ms → ratio ${
        (generateMs / baselineMs).toFixed(2)
      }`,
  );

  const dir = await Deno.makeTempDir();
  try {
    const file = join(dir, "posts.jsonl");
    await writePostsJsonl(file, posts);
    const replayMs = await best(runs, async () => {
      let count = 0;
      for await (const _ of new ReplaySource(file)) count += 1;
      return count;
    });
    const parseMs = await best(runs, async () => {
      const text = await Deno.readTextFile(file);
      return text.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l)).length;
    });
    console.log(
      `replay: ${fmt(n / (replayMs / 1000))} posts/s (${replayMs.toFixed(0)} ms); baseline ` +
        `read + JSON.parse ${parseMs.toFixed(0)} ms → ratio ${(replayMs / parseMs).toFixed(2)}`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }

  const target = {
    send: () => Promise.resolve(),
    flush: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
  const sendMs = await best(runs, () => send(posts, target));
  const iterateMs = await best(runs, async () => {
    let count = 0;
    for await (const _ of posts) count += 1;
    return count;
  });
  console.log(
    `send job: ${fmt(n / (sendMs / 1000))} events/s to an in-memory target (${
      sendMs.toFixed(0)
    } ms); baseline async iteration ${iterateMs.toFixed(0)} ms → ratio ${
      (sendMs / iterateMs).toFixed(2)
    }`,
  );
  return generateMs < TARGET_MS ? 0 : 1;
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
