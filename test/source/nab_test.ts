import assert from "node:assert/strict";
import { convertNab, nabToPosts, parseNabCsv } from "../../lib/source/nab.ts";

const shared = new URL("../../../shared/", import.meta.url).pathname;
const aapl = `${shared}nab/data/realTweets/Twitter_volume_AAPL.csv`;

Deno.test("parseNabCsv() reads zone-less NAB times as UTC", () => {
  assert.deepEqual(
    parseNabCsv("timestamp,value\n2015-02-26 21:42:53,104\n2015-02-26 21:47:53,0\n"),
    [
      { timestamp: "2015-02-26T21:42:53.000Z", value: 104 },
      { timestamp: "2015-02-26T21:47:53.000Z", value: 0 },
    ],
  );
});

Deno.test("parseNabCsv() names the line of a malformed row", () => {
  assert.throws(
    () => parseNabCsv("timestamp,value\n2015-02-26 21:42:53,104\nbad,row\n", "x.csv"),
    new SyntaxError(
      'Cannot read x.csv line 3 as it must be "timestamp,value": current value is "bad,row"',
    ),
  );
});

Deno.test("nabToPosts() in row mode makes one post per row with likes = value", () => {
  const posts = nabToPosts([
    { timestamp: "2015-02-26T21:42:53.000Z", value: 104 },
    { timestamp: "2015-02-26T21:47:53.000Z", value: 3 },
  ]);
  assert.deepEqual(posts.map((p) => [p.createdAt, p.likeCount]), [
    ["2015-02-26T21:42:53.000Z", 104],
    ["2015-02-26T21:47:53.000Z", 3],
  ]);
  assert.notEqual(posts[0].id, posts[1].id);
});

Deno.test("nabToPosts() in expand mode makes value posts inside each 5-minute row", () => {
  const posts = nabToPosts([{ timestamp: "2015-02-26T21:40:00.000Z", value: 4 }], {
    mode: "expand",
  });
  assert.deepEqual(posts.map((p) => p.createdAt), [
    "2015-02-26T21:40:00.000Z",
    "2015-02-26T21:41:15.000Z",
    "2015-02-26T21:42:30.000Z",
    "2015-02-26T21:43:45.000Z",
  ]);
});

Deno.test("convertNab() keeps every AAPL row and its four labelled windows as ground truth", async () => {
  const { posts, groundTruth } = await convertNab(aapl);
  assert.equal(posts.length, 15902);
  assert.deepEqual(posts[0], {
    id: posts[0].id,
    createdAt: "2015-02-26T21:42:53.000Z",
    likeCount: 104,
  });
  assert.equal(groundTruth.source, "nab:realTweets/Twitter_volume_AAPL.csv");
  assert.equal(groundTruth.end, "2015-04-23T02:52:53.000Z");
  assert.deepEqual(groundTruth.incidents.map((i) => [i.start, i.end]), [
    ["2015-03-03T04:37:53.000Z", "2015-03-04T13:37:53.000Z"],
    ["2015-03-09T01:02:53.000Z", "2015-03-10T10:02:53.000Z"],
    ["2015-03-15T10:27:53.000Z", "2015-03-16T19:27:53.000Z"],
    ["2015-03-30T10:57:53.000Z", "2015-03-31T19:57:53.000Z"],
  ]);
});

Deno.test("convertNab() names a series that has no windows", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/data/other`, { recursive: true });
    await Deno.mkdir(`${dir}/labels`);
    await Deno.writeTextFile(`${dir}/data/other/x.csv`, "timestamp,value\n2015-01-01 00:00:00,1\n");
    await Deno.writeTextFile(`${dir}/labels/combined_windows.json`, "{}");
    await assert.rejects(
      convertNab(`${dir}/data/other/x.csv`),
      new RangeError(
        `Cannot convert NAB series as "${dir}/labels/combined_windows.json" has no windows for key "other/x.csv"`,
      ),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
