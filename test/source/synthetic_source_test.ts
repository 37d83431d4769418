import assert from "node:assert/strict";
import { defaultIncidents, SyntheticSource } from "../../lib/source/synthetic_source.ts";
import { compareIds, type Post } from "../../lib/source/post_source.ts";

const HOUR = 3_600_000;

function hourlyAverages(posts: Post[]): Map<number, number> {
  const sums = new Map<number, [number, number]>();
  for (const p of posts) {
    const hour = Math.floor(Date.parse(p.createdAt) / HOUR) * HOUR;
    const entry = sums.get(hour) ?? [0, 0];
    entry[0] += p.likeCount;
    entry[1] += 1;
    sums.set(hour, entry);
  }
  return new Map([...sums].map(([h, [sum, n]]) => [h, sum / n]));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

Deno.test("SyntheticSource with the same seed yields byte-identical output", () => {
  const a = JSON.stringify(new SyntheticSource({ seed: 7, days: 3, includeText: true }).posts());
  const b = JSON.stringify(new SyntheticSource({ seed: 7, days: 3, includeText: true }).posts());
  assert.equal(a, b);
});

Deno.test("SyntheticSource with different seeds yields different posts", () => {
  const a = JSON.stringify(new SyntheticSource({ seed: 1, days: 2 }).posts());
  const b = JSON.stringify(new SyntheticSource({ seed: 2, days: 2 }).posts());
  assert.notEqual(a, b);
});

Deno.test("SyntheticSource ground truth lists the five default incidents", () => {
  const source = new SyntheticSource();
  const truth = source.groundTruth;
  assert.deepEqual(
    truth.incidents.map((i) => [i.kind, i.start, i.end, i.direction]),
    [
      ["viral-burst", "2026-01-13T14:00:00.000Z", "2026-01-13T17:00:00.000Z", "up"],
      ["engagement-dip", "2026-01-17T10:00:00.000Z", "2026-01-17T14:00:00.000Z", "down"],
      ["level-shift", "2026-01-22T08:00:00.000Z", "2026-01-23T20:00:00.000Z", "up"],
      ["bot-flood", "2026-01-26T02:00:00.000Z", "2026-01-26T05:00:00.000Z", "down"],
      ["viral-burst", "2026-01-31T19:00:00.000Z", "2026-01-31T21:00:00.000Z", "up"],
    ],
  );
  assert.equal(truth.start, "2026-01-05T00:00:00.000Z");
  assert.equal(truth.end, "2026-02-04T00:00:00.000Z");
  assert.equal(truth.posts, source.posts().length);
});

Deno.test("SyntheticSource default 30 days has about 50,000 posts in time order with growing ids", () => {
  const posts = new SyntheticSource().posts();
  assert.ok(posts.length > 45_000 && posts.length < 56_000, `got ${posts.length} posts`);
  for (let i = 1; i < posts.length; i++) {
    assert.ok(posts[i - 1].createdAt <= posts[i].createdAt, `time order broken at ${i}`);
    assert.ok(compareIds(posts[i - 1].id, posts[i].id) < 0, `id order broken at ${i}`);
  }
});

Deno.test("SyntheticSource default incidents move the hourly average of likes in their direction", () => {
  const source = new SyntheticSource({ seed: 3 });
  const averages = hourlyAverages(source.posts());
  const truth = source.groundTruth;
  const inside = (h: number) =>
    truth.incidents.some((i) => h >= Date.parse(i.start) && h < Date.parse(i.end));
  const normal = median([...averages].filter(([h]) => !inside(h)).map(([, v]) => v));
  for (const incident of truth.incidents) {
    const values = [...averages]
      .filter(([h]) => h >= Date.parse(incident.start) && h < Date.parse(incident.end))
      .map(([, v]) => v);
    const ratio = median(values) / normal;
    if (incident.direction === "up") assert.ok(ratio > 2.5, `${incident.kind}: ratio ${ratio}`);
    else assert.ok(ratio < 0.4, `${incident.kind}: ratio ${ratio}`);
  }
});

Deno.test("SyntheticSource bot flood adds posts with 0 likes", () => {
  const start = "2026-03-02T00:00:00.000Z";
  const flood = {
    kind: "bot-flood" as const,
    start: "2026-03-02T12:00:00.000Z",
    durationInMs: HOUR,
  };
  const quiet = new SyntheticSource({ start, days: 1, seed: 5, incidents: [] }).posts();
  const flooded = new SyntheticSource({ start, days: 1, seed: 5, incidents: [flood] }).posts();
  const inHour = (p: Post) => p.createdAt.startsWith("2026-03-02T12:");
  const zeroBefore = quiet.filter((p) => inHour(p) && p.likeCount === 0).length;
  const zeroAfter = flooded.filter((p) => inHour(p) && p.likeCount === 0).length;
  const normalCount = quiet.filter(inHour).length;
  assert.ok(
    zeroAfter - zeroBefore > 2 * normalCount,
    `${zeroAfter - zeroBefore} vs ${normalCount}`,
  );
});

Deno.test("SyntheticSource volume outage leaves its hours without posts", () => {
  const outage = {
    kind: "volume-outage" as const,
    start: "2026-03-02T06:00:00.000Z",
    durationInMs: 2 * HOUR,
  };
  const source = new SyntheticSource({
    start: "2026-03-02T00:00:00.000Z",
    days: 1,
    incidents: [outage],
  });
  const posts = source.posts();
  assert.equal(
    posts.filter((p) => p.createdAt >= outage.start && p.createdAt < "2026-03-02T08:00:00.000Z")
      .length,
    0,
  );
  assert.ok(posts.some((p) => p.createdAt.startsWith("2026-03-02T08:")));
  assert.equal(source.groundTruth.incidents[0].direction, "none");
});

Deno.test("SyntheticSource iterates asynchronously the same posts as posts()", async () => {
  const source = new SyntheticSource({ days: 1 });
  const collected: Post[] = [];
  for await (const post of source) collected.push(post);
  assert.deepEqual(collected, source.posts());
});

Deno.test("defaultIncidents() places incidents at fixed fractions of the range", () => {
  assert.deepEqual(
    defaultIncidents("2026-01-05T00:00:00.000Z", 10).map((i) => i.start),
    [
      "2026-01-08T14:00:00.000Z",
      "2026-01-09T10:00:00.000Z",
      "2026-01-11T08:00:00.000Z",
      "2026-01-12T02:00:00.000Z",
      "2026-01-14T19:00:00.000Z",
    ],
  );
});

Deno.test("SyntheticSource() rejects a non-positive number of days", () => {
  assert.throws(
    () => new SyntheticSource({ days: 0 }),
    new RangeError(
      "Cannot create synthetic source as days must be a positive number: current value is 0",
    ),
  );
});

Deno.test("SyntheticSource() rejects a daily like amplitude of 1 or more", () => {
  assert.throws(
    () => new SyntheticSource({ likeDailyAmplitude: 1 }),
    new RangeError(
      "Cannot create synthetic source as likeDailyAmplitude must be >= 0 and < 1: current value is 1",
    ),
  );
});

Deno.test("SyntheticSource volume peaks in the afternoon and drops at weekends", () => {
  const posts = new SyntheticSource({ incidents: [] }).posts();
  const count = (test: (d: Date) => boolean) =>
    posts.filter((p) => test(new Date(p.createdAt))).length;
  const afternoon = count((d) => d.getUTCHours() === 15);
  const night = count((d) => d.getUTCHours() === 3);
  const weekday = count((d) => d.getUTCDay() === 3); // Wednesdays
  const sunday = count((d) => d.getUTCDay() === 0);
  assert.ok(afternoon > 1.5 * night, `15:00 ${afternoon} vs 03:00 ${night}`);
  assert.ok(sunday < 0.8 * weekday, `Sundays ${sunday} vs Wednesdays ${weekday}`);
});

Deno.test("SyntheticSource() rejects a daily volume amplitude below 0", () => {
  assert.throws(
    () => new SyntheticSource({ volumeDailyAmplitude: -0.1 }),
    new RangeError(
      "Cannot create synthetic source as volumeDailyAmplitude must be >= 0 and < 1: current value is -0.1",
    ),
  );
});
