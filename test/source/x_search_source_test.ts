import assert from "node:assert/strict";
import { FakeClock } from "../../lib/source/clock.ts";
import { memoryStateStore } from "../../lib/source/state_store.ts";
import { createXClient } from "../../lib/source/x_client.ts";
import { XApiError } from "../../lib/source/x_api_error.ts";
import { XSearchSource, type XSearchState } from "../../lib/source/x_search_source.ts";
import type { Post } from "../../lib/source/post_source.ts";
import { type FakePost, startFakeXApi } from "./fake_x_api.ts";

const START = Date.UTC(2026, 0, 1);

/** Posts numbered from `first`, one second apart, ids growing with time like snowflakes. */
function makePosts(first: number, count: number): FakePost[] {
  return Array.from({ length: count }, (_, k) => {
    const n = first + k;
    return {
      id: (1870000000000000000n + BigInt(n) * 4096n).toString(),
      createdAt: new Date(START + n * 1000).toISOString(),
      likeCount: n % 7,
      text: `#Azure post ${n}`,
    };
  });
}

function expected(posts: FakePost[]): Post[] {
  return posts.map((p) => ({ id: p.id, createdAt: p.createdAt, likeCount: p.likeCount }));
}

async function collect(source: AsyncIterable<Post>): Promise<Post[]> {
  const out: Post[] = [];
  for await (const post of source) out.push(post);
  return out;
}

Deno.test("XSearchSource delivers every post exactly once over three rounds, in time order", async () => {
  const clock = new FakeClock(START);
  const fake = await startFakeXApi({ now: () => clock.now() });
  try {
    fake.addPosts(makePosts(0, 25));
    let sleeps = 0;
    clock.onSleep = () => {
      sleeps += 1;
      fake.addPosts(makePosts(sleeps === 1 ? 25 : 37, sleeps === 1 ? 12 : 30));
    };
    const source = new XSearchSource(createXClient("test-token", { baseUrl: fake.url }), {
      maxResults: 10,
      maxRounds: 3,
      clock,
    });
    const posts = await collect(source);
    assert.deepEqual(posts, expected(makePosts(0, 67)));
    assert.deepEqual(clock.sleeps, [10_000, 10_000]);
  } finally {
    await fake.close();
  }
});

Deno.test("XSearchSource follows next_token with the same since_id, then advances since_id", async () => {
  const clock = new FakeClock(START);
  const fake = await startFakeXApi({ now: () => clock.now() });
  try {
    const first = makePosts(0, 15);
    fake.addPosts(first);
    clock.onSleep = () => fake.addPosts(makePosts(15, 3));
    const source = new XSearchSource(createXClient("test-token", { baseUrl: fake.url }), {
      maxResults: 10,
      maxRounds: 2,
      clock,
    });
    await collect(source);
    const sent = fake.requests.map((r) => [r.params.since_id, r.params.next_token !== undefined]);
    assert.deepEqual(sent, [[undefined, false], [undefined, true], [first[14].id, false]]);
    assert.equal(fake.requests[0].params["tweet.fields"], "created_at,public_metrics");
    assert.equal(fake.requests[0].params.query, "#Azure lang:en -is:retweet");
    assert.equal(fake.requests[0].params.max_results, "10");
  } finally {
    await fake.close();
  }
});

Deno.test("XSearchSource waits until the announced reset after a 429 and loses nothing", async () => {
  const clock = new FakeClock(START + 500);
  const fake = await startFakeXApi({ now: () => clock.now(), rateWindowInMs: 900_000 });
  try {
    fake.addPosts(makePosts(0, 25));
    fake.script({}, { status: 429 });
    const source = new XSearchSource(createXClient("test-token", { baseUrl: fake.url }), {
      maxResults: 10,
      maxRounds: 1,
      clock,
    });
    const posts = await collect(source);
    assert.deepEqual(posts, expected(makePosts(0, 25)));
    const resetInMs = Math.ceil((START + 500 + 900_000) / 1000) * 1000;
    assert.deepEqual(clock.sleeps, [resetInMs - (START + 500)]);
    assert.deepEqual(fake.requests.map((r) => r.status), [200, 429, 200, 200]);
  } finally {
    await fake.close();
  }
});

Deno.test("XSearchSource does not send a request while the headers announce 0 remaining", async () => {
  const clock = new FakeClock(START);
  const fake = await startFakeXApi({
    now: () => clock.now(),
    rateLimit: 2,
    rateWindowInMs: 60_000,
  });
  try {
    fake.addPosts(makePosts(0, 25));
    const events: string[] = [];
    const source = new XSearchSource(createXClient("test-token", { baseUrl: fake.url }), {
      maxResults: 10,
      maxRounds: 1,
      clock,
      onEvent: (e) => events.push(e.type),
    });
    const posts = await collect(source);
    assert.equal(posts.length, 25);
    assert.deepEqual(fake.requests.map((r) => r.status), [200, 200, 200]);
    assert.deepEqual(clock.sleeps, [60_000]);
    assert.deepEqual(events, ["rate-limit-wait", "round"]);
  } finally {
    await fake.close();
  }
});

Deno.test("XSearchSource stops on 401 with an error naming X_BEARER_TOKEN", async () => {
  const fake = await startFakeXApi();
  try {
    const source = new XSearchSource(createXClient("wrong-token", { baseUrl: fake.url }), {
      clock: new FakeClock(START),
    });
    await assert.rejects(collect(source), (error: unknown) => {
      assert.ok(error instanceof XApiError);
      assert.equal(error.code, "unauthorized");
      assert.equal(error.retryable, false);
      assert.match(error.message, /X_BEARER_TOKEN/);
      return true;
    });
    assert.equal(fake.requests.length, 1);
  } finally {
    await fake.close();
  }
});

Deno.test("XSearchSource stops on 400 with the API's message about the query", async () => {
  const fake = await startFakeXApi();
  try {
    const source = new XSearchSource(createXClient("test-token", { baseUrl: fake.url }), {
      query: "#Azure min_likes:10",
      clock: new FakeClock(START),
    });
    await assert.rejects(collect(source), (error: unknown) => {
      assert.ok(error instanceof XApiError);
      assert.equal(error.code, "invalid-request");
      assert.equal(error.status, 400);
      assert.match(error.message, /Reference to invalid operator 'min_likes'/);
      return true;
    });
  } finally {
    await fake.close();
  }
});

Deno.test("XSearchSource backs off exponentially on 503 and then continues", async () => {
  const clock = new FakeClock(START);
  const fake = await startFakeXApi({ now: () => clock.now() });
  try {
    fake.addPosts(makePosts(0, 5));
    fake.script({ status: 503 }, { status: 503 });
    const retries: number[] = [];
    const source = new XSearchSource(createXClient("test-token", { baseUrl: fake.url }), {
      maxRounds: 1,
      clock,
      onEvent: (e) => e.type === "retry" && retries.push(e.error.status ?? 0),
    });
    assert.deepEqual(await collect(source), expected(makePosts(0, 5)));
    assert.deepEqual(clock.sleeps, [1000, 2000]);
    assert.deepEqual(retries, [503, 503]);
  } finally {
    await fake.close();
  }
});

Deno.test("XSearchSource gives up after maxRetries network errors with a network XApiError", async () => {
  const fake = await startFakeXApi();
  const url = fake.url;
  await fake.close();
  const clock = new FakeClock(START);
  const source = new XSearchSource(createXClient("test-token", { baseUrl: url }), {
    maxRetries: 2,
    clock,
  });
  await assert.rejects(collect(source), (error: unknown) => {
    assert.ok(error instanceof XApiError);
    assert.equal(error.code, "network");
    assert.equal(error.retryable, true);
    return true;
  });
  assert.deepEqual(clock.sleeps, [1000, 2000]);
});

Deno.test("XSearchSource does not deliver posts again after a restart with the same state store", async () => {
  const clock = new FakeClock(START);
  const fake = await startFakeXApi({ now: () => clock.now() });
  try {
    const store = memoryStateStore<XSearchState>();
    fake.addPosts(makePosts(0, 12));
    const client = createXClient("test-token", { baseUrl: fake.url });
    const first = await collect(
      new XSearchSource(client, { maxRounds: 1, clock, stateStore: store }),
    );
    fake.addPosts(makePosts(12, 4));
    const second = await collect(
      new XSearchSource(client, { maxRounds: 1, clock, stateStore: store }),
    );
    assert.equal(first.length, 12);
    assert.deepEqual(second, expected(makePosts(12, 4)));
    assert.deepEqual(store.state, {
      query: "#Azure lang:en -is:retweet",
      sinceId: makePosts(15, 1)[0].id,
    });
  } finally {
    await fake.close();
  }
});

Deno.test("XSearchSource saves the mark of the posts taken when the consumer stops mid-round", async () => {
  const clock = new FakeClock(START);
  const fake = await startFakeXApi({ now: () => clock.now() });
  try {
    const store = memoryStateStore<XSearchState>();
    fake.addPosts(makePosts(0, 10));
    const client = createXClient("test-token", { baseUrl: fake.url });
    let taken = 0;
    for await (const _ of new XSearchSource(client, { clock, stateStore: store })) {
      if (++taken === 4) break;
    }
    const rest = await collect(
      new XSearchSource(client, { maxRounds: 1, clock, stateStore: store }),
    );
    assert.deepEqual(rest, expected(makePosts(4, 6)));
  } finally {
    await fake.close();
  }
});

Deno.test("XSearchSource sends post.fields when fieldsParameter is post.fields", async () => {
  const fake = await startFakeXApi();
  try {
    fake.addPosts(makePosts(0, 3));
    const source = new XSearchSource(createXClient("test-token", { baseUrl: fake.url }), {
      maxRounds: 1,
      fieldsParameter: "post.fields",
      includeText: true,
      clock: new FakeClock(START),
    });
    const posts = await collect(source);
    assert.deepEqual(posts[2], { ...expected(makePosts(2, 1))[0], text: "#Azure post 2" });
    assert.equal(fake.requests[0].params["post.fields"], "created_at,public_metrics");
    assert.equal(fake.requests[0].params["tweet.fields"], undefined);
  } finally {
    await fake.close();
  }
});

Deno.test("XSearchSource waits for a slow response and delivers its posts", async () => {
  const fake = await startFakeXApi();
  try {
    fake.addPosts(makePosts(0, 2));
    fake.script({ delayInMs: 150 });
    const source = new XSearchSource(createXClient("test-token", { baseUrl: fake.url }), {
      maxRounds: 1,
      clock: new FakeClock(START),
    });
    assert.deepEqual(await collect(source), expected(makePosts(0, 2)));
  } finally {
    await fake.close();
  }
});

Deno.test("XSearchSource ends the iteration when aborted during the poll wait", async () => {
  const clock = new FakeClock(START);
  const fake = await startFakeXApi({ now: () => clock.now() });
  try {
    fake.addPosts(makePosts(0, 2));
    const controller = new AbortController();
    clock.onSleep = () => controller.abort();
    const source = new XSearchSource(createXClient("test-token", { baseUrl: fake.url }), {
      clock,
      abortSignal: controller.signal,
    });
    assert.equal((await collect(source)).length, 2);
    assert.equal(fake.requests.length, 1);
  } finally {
    await fake.close();
  }
});

Deno.test("XSearchSource() rejects maxResults outside 10..100", () => {
  const client = createXClient("test-token", { baseUrl: "http://127.0.0.1:9/" });
  assert.throws(
    () => new XSearchSource(client, { maxResults: 5 }),
    new RangeError(
      "Cannot create X search source as maxResults must be an integer from 10 to 100: current value is 5",
    ),
  );
});

Deno.test("XSearchSource drops a since_id the API rejects as too old and filters old posts itself", async () => {
  const clock = new FakeClock(START);
  const fake = await startFakeXApi({ now: () => clock.now() });
  try {
    fake.addPosts(makePosts(0, 5));
    fake.script({
      status: 400,
      body: {
        title: "Invalid Request",
        detail: "One or more parameters to your request was invalid.",
        errors: [{
          message:
            "Invalid 'since_id':'1'. 'since_id' must be a post id created after the start time.",
        }],
      },
    });
    const store = memoryStateStore<XSearchState>({
      query: "#Azure lang:en -is:retweet",
      sinceId: makePosts(1, 1)[0].id,
    });
    const events: string[] = [];
    const source = new XSearchSource(createXClient("test-token", { baseUrl: fake.url }), {
      maxRounds: 1,
      clock,
      stateStore: store,
      onEvent: (e) => events.push(e.type),
    });
    assert.deepEqual(await collect(source), expected(makePosts(2, 3)));
    assert.deepEqual(events, ["since-id-dropped", "round"]);
    assert.equal(fake.requests[1].params.since_id, undefined);
  } finally {
    await fake.close();
  }
});
