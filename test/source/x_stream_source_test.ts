import assert from "node:assert/strict";
import { FakeClock } from "../../lib/source/clock.ts";
import { createXClient } from "../../lib/source/x_client.ts";
import { XApiError } from "../../lib/source/x_api_error.ts";
import { XStreamSource } from "../../lib/source/x_stream_source.ts";
import type { Post } from "../../lib/source/post_source.ts";
import { type FakePost, startFakeXApi } from "./fake_x_api.ts";

function fakePost(n: number): FakePost {
  return {
    id: String(1870000000000000000n + BigInt(n)),
    createdAt: new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString(),
    likeCount: n,
    text: `#Azure ${n}`,
  };
}

async function collect(source: AsyncIterable<Post>): Promise<Post[]> {
  const out: Post[] = [];
  for await (const post of source) out.push(post);
  return out;
}

Deno.test("XStreamSource sets its rule, reconnects after the stream closes, and yields each post once", async () => {
  const clock = new FakeClock(0);
  const fake = await startFakeXApi();
  try {
    fake.rules.push({ id: "90", value: "#old", tag: "hubwatch" }, { id: "91", value: "other" });
    fake.streamBatches.push([fakePost(1), fakePost(2)], [fakePost(2), fakePost(3)]);
    const events: string[] = [];
    const source = new XStreamSource(createXClient("test-token", { baseUrl: fake.url }), {
      maxConnections: 2,
      clock,
      onEvent: (e) => events.push(`${e.type}:${"delayInMs" in e ? e.delayInMs : ""}`),
    });
    const posts = await collect(source);
    assert.deepEqual(posts.map((p) => p.likeCount), [1, 2, 3]);
    assert.deepEqual(fake.rules.map((r) => [r.value, r.tag]), [
      ["other", undefined],
      ["#Azure lang:en -is:retweet", "hubwatch"],
    ]);
    assert.deepEqual(events, ["reconnect:1000"]);
    const streamRequest = fake.requests.find((r) => r.path === "/2/tweets/search/stream");
    assert.equal(streamRequest?.params["tweet.fields"], "created_at,public_metrics");
  } finally {
    await fake.close();
  }
});

Deno.test("XStreamSource stops on 401 with an error naming X_BEARER_TOKEN", async () => {
  const fake = await startFakeXApi();
  try {
    const source = new XStreamSource(createXClient("nope", { baseUrl: fake.url }), {
      clock: new FakeClock(0),
    });
    await assert.rejects(collect(source), (error: unknown) => {
      assert.ok(error instanceof XApiError);
      assert.equal(error.code, "unauthorized");
      assert.match(error.message, /X_BEARER_TOKEN/);
      return true;
    });
  } finally {
    await fake.close();
  }
});
