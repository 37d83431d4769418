import assert from "node:assert/strict";
import { join } from "node:path";
import { FakeClock } from "../../lib/source/clock.ts";
import { ReplaySource, writePostsCsv, writePostsJsonl } from "../../lib/source/replay_source.ts";
import type { Post } from "../../lib/source/post_source.ts";

const testdata = (name: string) => new URL(`./testdata/${name}`, import.meta.url).pathname;

async function collect(source: AsyncIterable<Post>): Promise<Post[]> {
  const out: Post[] = [];
  for await (const post of source) out.push(post);
  return out;
}

Deno.test("ReplaySource reads the tutorial's timestamp/favorite CSV, zone-less times as UTC", async () => {
  const posts = await collect(new ReplaySource(testdata("tutorial.csv")));
  assert.deepEqual(posts, [
    { id: "tutorial.csv:2", createdAt: "2019-12-31T19:26:16.000Z", likeCount: 3 },
    { id: "tutorial.csv:3", createdAt: "2019-12-31T19:27:00.000Z", likeCount: 0 },
    { id: "tutorial.csv:4", createdAt: "2019-12-31T19:28:00.000Z", likeCount: 12 },
  ]);
});

Deno.test("ReplaySource reads v2 JSONL, stream-wrapped lines and tutorial-shaped lines", async () => {
  const posts = await collect(new ReplaySource(testdata("v2.jsonl")));
  assert.deepEqual(posts, [
    {
      id: "1211797033537789954",
      createdAt: "2019-12-31T19:26:16.000Z",
      likeCount: 5,
      text: "#Azure hello",
    },
    { id: "1211797033537789955", createdAt: "2019-12-31T19:26:17.000Z", likeCount: 0 },
    { id: "v2.jsonl:4", createdAt: "2019-12-31T19:26:18.000Z", likeCount: 2 },
  ]);
});

Deno.test("ReplaySource reads quoted CSV fields with commas, quotes and line breaks", async () => {
  const source = new ReplaySource(testdata("quoted.csv"));
  const posts = await collect(source);
  assert.deepEqual(posts.map((p) => [p.id, p.likeCount, p.text]), [
    ["7", 4, 'hello, "world"'],
    ["8", 1, "two\nlines"],
  ]);
  assert.deepEqual(source.badRows, [{
    file: testdata("quoted.csv"),
    line: 5,
    reason: 'like_count/favorite must be an integer >= 0: current value is "x"',
  }]);
});

Deno.test("ReplaySource skips 3 malformed lines out of 1,000 and reports their line numbers", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const lines = Array.from({ length: 1000 }, (_, i) =>
      JSON.stringify({
        id: String(i + 1),
        created_at: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
        public_metrics: { like_count: i % 5 },
      }));
    lines[16] = "{not json";
    lines[499] = JSON.stringify({ id: "500", public_metrics: { like_count: 1 } });
    lines[997] = JSON.stringify({ id: "998", created_at: "2026-01-01T00:00:00Z", favorite: -2 });
    const path = join(dir, "posts.jsonl");
    await Deno.writeTextFile(path, lines.join("\n") + "\n");
    const reported: number[] = [];
    const source = new ReplaySource(path, { onBadRow: (row) => reported.push(row.line) });
    const posts = await collect(source);
    assert.equal(posts.length, 997);
    assert.deepEqual(source.badRows.map((r) => r.line), [17, 500, 998]);
    assert.deepEqual(reported, [17, 500, 998]);
    assert.match(source.badRows[1].reason, /created_at\/timestamp must be an ISO 8601 time/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ReplaySource in strict mode fails on the first bad row naming file and line", async () => {
  const source = new ReplaySource(testdata("quoted.csv"), { strict: true });
  await assert.rejects(
    collect(source),
    new SyntaxError(
      `Cannot replay "${testdata("quoted.csv")}" line 5: ` +
        'like_count/favorite must be an integer >= 0: current value is "x"',
    ),
  );
});

Deno.test("ReplaySource at speed 60 waits one second per minute between post times", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "slow.csv");
    await Deno.writeTextFile(
      path,
      "timestamp,favorite\n2026-01-01T00:00:00Z,1\n2026-01-01T00:01:00Z,2\n2026-01-01T00:03:00Z,3\n",
    );
    const clock = new FakeClock(1_000_000);
    const posts = await collect(new ReplaySource(path, { speed: 60, clock }));
    assert.equal(posts.length, 3);
    assert.deepEqual(clock.sleeps, [1000, 2000]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ReplaySource replays files written by writePostsJsonl and writePostsCsv", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const posts: Post[] = [
      { id: "10", createdAt: "2026-01-01T00:00:00.000Z", likeCount: 1, text: "a" },
      { id: "11", createdAt: "2026-01-01T00:00:05.000Z", likeCount: 9 },
    ];
    const jsonl = join(dir, "out", "p.jsonl");
    const csv = join(dir, "p.csv");
    assert.equal(await writePostsJsonl(jsonl, posts), 2);
    assert.equal(await writePostsCsv(csv, posts), 2);
    assert.deepEqual(await collect(new ReplaySource(jsonl)), posts);
    assert.deepEqual(
      (await collect(new ReplaySource(csv))).map((p) => [p.createdAt, p.likeCount]),
      [["2026-01-01T00:00:00.000Z", 1], ["2026-01-01T00:00:05.000Z", 9]],
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ReplaySource names the file when it cannot be opened", async () => {
  await assert.rejects(
    collect(new ReplaySource("/nonexistent/posts.jsonl")),
    /Cannot replay "\/nonexistent\/posts.jsonl"/,
  );
});

Deno.test("ReplaySource() rejects a speed that is not positive", () => {
  assert.throws(
    () => new ReplaySource("x.jsonl", { speed: 0 }),
    new RangeError(
      'Cannot create replay source as speed must be "max" or a positive number: current value is 0',
    ),
  );
});
