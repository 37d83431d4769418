/**
 * A fake X API v2 for tests, served by `Deno.serve` on 127.0.0.1 and a free port.
 *
 * Implements recent search (`GET /2/tweets/search/recent`) with `query`, `max_results`,
 * `since_id`, `until_id`, `next_token`, `tweet.fields` / `post.fields`, rate-limit headers,
 * 429 with a problem body, bearer-token checks (401), parameter checks (400), and scripted
 * failures (any status) and slow responses. Also the filtered stream endpoints
 * (`/2/tweets/search/stream/rules` and `/2/tweets/search/stream`).
 */

/** A post as the fake stores it. */
export interface FakePost {
  id: string;
  createdAt: string;
  likeCount: number;
  text: string;
}

/** One request the fake received. */
export interface RecordedRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  status: number;
}

/** A scripted answer for the next search request(s). */
export interface ScriptedResponse {
  /** HTTP status to answer with (e.g. 503). */
  status?: number;
  /** JSON body; a problem body is generated when omitted. */
  body?: unknown;
  /** Wait this long (real time) before answering. */
  delayInMs?: number;
}

/** Options for {@linkcode startFakeXApi}. */
export interface FakeXApiOptions {
  /** The bearer token requests must carry. @default {"test-token"} */
  token?: string;
  /** Search requests allowed per window. @default {450} */
  rateLimit?: number;
  /** Rate-limit window length. @default {900000} */
  rateWindowInMs?: number;
  /** Time source for the rate-limit window (share a fake clock with the source under test). */
  now?: () => number;
}

/** The running fake. */
export interface FakeXApi {
  /** Base URL, e.g. `http://127.0.0.1:PORT/`. */
  url: string;
  /** Adds posts that search will find from now on. */
  addPosts(posts: FakePost[]): void;
  /** Answers the next search requests with these responses, in order, before normal service. */
  script(...responses: ScriptedResponse[]): void;
  /** Every request received, in order. */
  requests: RecordedRequest[];
  /** Posts queued for the next stream connection(s); each connection sends and closes. */
  streamBatches: FakePost[][];
  /** Stream rules currently set. */
  rules: { id: string; value: string; tag?: string }[];
  /** Sets the number of search requests left in the current window. */
  setRemaining(remaining: number): void;
  /** Stops the server. */
  close(): Promise<void>;
}

const SEARCH_PATH = "/2/tweets/search/recent";
const KNOWN_FIELDS = new Set([
  "id",
  "text",
  "created_at",
  "public_metrics",
  "author_id",
  "lang",
  "edit_history_tweet_ids",
]);

function compareIdsDesc(a: string, b: string): number {
  if (a.length !== b.length) return b.length - a.length;
  return a < b ? 1 : a > b ? -1 : 0;
}

function idGreater(a: string, b: string): boolean {
  return compareIdsDesc(a, b) < 0;
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

function problem(status: number, title: string, detail: string, extra: object = {}): unknown {
  return {
    title,
    detail,
    type: `https://api.x.com/2/problems/${title.toLowerCase().replaceAll(" ", "-")}`,
    status,
    ...extra,
  };
}

function hashtagTerms(query: string): string[] {
  return query.split(/\s+/).filter((t) => t.startsWith("#")).map((t) => t.toLowerCase());
}

/** Starts the fake on 127.0.0.1 and a free port. */
export function startFakeXApi(options: FakeXApiOptions = {}): Promise<FakeXApi> {
  const token = options.token ?? "test-token";
  const limit = options.rateLimit ?? 450;
  const windowInMs = options.rateWindowInMs ?? 900_000;
  const now = options.now ?? (() => Date.now());
  const posts: FakePost[] = [];
  const scripted: ScriptedResponse[] = [];
  const requests: RecordedRequest[] = [];
  const streamBatches: FakePost[][] = [];
  const rules: { id: string; value: string; tag?: string }[] = [];
  let windowStart = now();
  let used = 0;
  let nextRuleId = 1;

  function rateHeaders(): Record<string, string> {
    if (now() >= windowStart + windowInMs) {
      windowStart = now();
      used = 0;
    }
    return {
      "x-rate-limit-limit": String(limit),
      "x-rate-limit-remaining": String(Math.max(0, limit - used)),
      "x-rate-limit-reset": String(Math.ceil((windowStart + windowInMs) / 1000)),
    };
  }

  function render(post: FakePost, fields: Set<string>): Record<string, unknown> {
    const out: Record<string, unknown> = { id: post.id, text: post.text };
    if (fields.has("created_at")) out.created_at = post.createdAt;
    if (fields.has("public_metrics")) {
      out.public_metrics = {
        retweet_count: 0,
        reply_count: 0,
        like_count: post.likeCount,
        quote_count: 0,
        bookmark_count: 0,
        impression_count: 0,
      };
    }
    out.edit_history_tweet_ids = [post.id];
    return out;
  }

  function parseFields(params: Record<string, string>): Set<string> | Response {
    const raw = [params["tweet.fields"], params["post.fields"]].filter((v) => v !== undefined);
    const fields = new Set<string>();
    for (const list of raw) {
      for (const f of list.split(",")) {
        if (!KNOWN_FIELDS.has(f)) {
          return json(
            400,
            problem(400, "Invalid Request", "One or more parameters to your request was invalid.", {
              errors: [{ parameters: { "tweet.fields": [list] }, message: `Unknown field [${f}]` }],
            }),
          );
        }
        fields.add(f);
      }
    }
    return fields;
  }

  function search(params: Record<string, string>): Response {
    const query = params.query;
    if (!query) {
      return json(
        400,
        problem(400, "Invalid Request", "One or more parameters to your request was invalid.", {
          errors: [{
            parameters: { query: [] },
            message: "The `query` parameter can not be empty",
          }],
        }),
      );
    }
    if (query.includes("min_likes:")) {
      return json(
        400,
        problem(400, "Invalid Request", "One or more parameters to your request was invalid.", {
          errors: [{
            parameters: { query: [query] },
            message: "There were errors processing your request: Reference to invalid operator " +
              "'min_likes'. Operator is not available in current product or product packaging.",
          }],
        }),
      );
    }
    const maxResults = params.max_results === undefined ? 10 : Number(params.max_results);
    if (!Number.isInteger(maxResults) || maxResults < 10 || maxResults > 100) {
      return json(
        400,
        problem(400, "Invalid Request", "One or more parameters to your request was invalid.", {
          errors: [{
            parameters: { max_results: [params.max_results] },
            message: `The \`max_results\` query parameter value [${params.max_results}] is not ` +
              "between 10 and 100",
          }],
        }),
      );
    }
    const fields = parseFields(params);
    if (fields instanceof Response) return fields;
    const headers = rateHeaders();
    if (used >= limit) {
      return json(
        429,
        {
          title: "Too Many Requests",
          detail: "Too Many Requests",
          type: "about:blank",
          status: 429,
        },
        headers,
      );
    }
    used += 1;
    const rate = rateHeaders();
    // next_token encodes the snapshot: the newest id of the first page and the last id served.
    let newestBound: string | undefined;
    let olderThan = params.until_id;
    if (params.next_token) {
      const [snapshot, last] = atob(params.next_token).split(":");
      newestBound = snapshot;
      olderThan = olderThan === undefined || idGreater(olderThan, last) ? last : olderThan;
    }
    const terms = hashtagTerms(query);
    const matching = posts
      .filter((p) => terms.every((t) => p.text.toLowerCase().includes(t)))
      .filter((p) => params.since_id === undefined || idGreater(p.id, params.since_id))
      .filter((p) => olderThan === undefined || idGreater(olderThan, p.id))
      .filter((p) => newestBound === undefined || !idGreater(p.id, newestBound))
      .sort((a, b) => compareIdsDesc(a.id, b.id));
    const page = matching.slice(0, maxResults);
    if (page.length === 0) return json(200, { meta: { result_count: 0 } }, rate);
    const snapshot = newestBound ?? page[0].id;
    const meta: Record<string, unknown> = {
      newest_id: page[0].id,
      oldest_id: page.at(-1)!.id,
      result_count: page.length,
    };
    if (matching.length > page.length) meta.next_token = btoa(`${snapshot}:${page.at(-1)!.id}`);
    return json(200, { data: page.map((p) => render(p, fields)), meta }, rate);
  }

  async function rulesEndpoint(request: Request): Promise<Response> {
    if (request.method === "GET") {
      return json(200, {
        data: rules.length > 0 ? rules : undefined,
        meta: { sent: new Date(now()).toISOString(), result_count: rules.length },
      });
    }
    const body = await request.json() as {
      add?: { value: string; tag?: string }[];
      delete?: { ids: string[] };
    };
    if (body.add) {
      const added = body.add.map((r) => ({ id: String(nextRuleId++), ...r }));
      rules.push(...added);
      return json(200, {
        data: added,
        meta: { sent: new Date(now()).toISOString(), summary: { created: added.length } },
      });
    }
    const ids = new Set(body.delete?.ids ?? []);
    const before = rules.length;
    for (let i = rules.length - 1; i >= 0; i--) if (ids.has(rules[i].id)) rules.splice(i, 1);
    return json(200, {
      meta: { sent: new Date(now()).toISOString(), summary: { deleted: before - rules.length } },
    });
  }

  function stream(params: Record<string, string>): Response {
    const fields = parseFields(params);
    if (fields instanceof Response) return fields;
    const batch = streamBatches.shift() ?? [];
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const post of batch) {
          const line = JSON.stringify({
            data: render(post, fields),
            matching_rules: rules.map((r) => ({ id: r.id, tag: r.tag })),
          });
          controller.enqueue(encoder.encode(line + "\r\n"));
        }
        controller.close();
      },
    });
    return new Response(body, { status: 200, headers: { "content-type": "application/json" } });
  }

  const controller = new AbortController();
  return new Promise((resolve) => {
    const server = Deno.serve({
      hostname: "127.0.0.1",
      port: 0,
      signal: controller.signal,
      onListen({ port }) {
        resolve({
          url: `http://127.0.0.1:${port}/`,
          addPosts: (list) => posts.push(...list),
          script: (...responses) => scripted.push(...responses),
          requests,
          streamBatches,
          rules,
          setRemaining: (remaining) => {
            rateHeaders();
            used = Math.max(0, limit - remaining);
          },
          close: async () => {
            controller.abort();
            await server.finished;
          },
        });
      },
    }, async (request) => {
      const url = new URL(request.url);
      const params = Object.fromEntries(url.searchParams);
      const record: RecordedRequest = {
        method: request.method,
        path: url.pathname,
        params,
        status: 0,
      };
      requests.push(record);
      const response = await handle(request, url, params);
      record.status = response.status;
      return response;
    });
  });

  async function handle(
    request: Request,
    url: URL,
    params: Record<string, string>,
  ): Promise<Response> {
    if (request.headers.get("authorization") !== `Bearer ${token}`) {
      await request.body?.cancel();
      return json(401, problem(401, "Unauthorized", "Unauthorized"));
    }
    if (url.pathname === SEARCH_PATH && scripted.length > 0) {
      const next = scripted.shift()!;
      if (next.delayInMs) await new Promise((r) => setTimeout(r, next.delayInMs));
      const status = next.status ?? 200;
      if (status === 200 && next.body === undefined) return search(params);
      const headers = rateHeaders();
      const body = next.body ??
        (status === 429
          ? { title: "Too Many Requests", detail: "Too Many Requests", type: "about:blank", status }
          : problem(status, status === 503 ? "Service Unavailable" : "Error", `HTTP ${status}`));
      return json(status, body, headers);
    }
    if (url.pathname === SEARCH_PATH && request.method === "GET") return search(params);
    if (url.pathname === "/2/tweets/search/stream/rules") return await rulesEndpoint(request);
    if (url.pathname === "/2/tweets/search/stream" && request.method === "GET") {
      return stream(params);
    }
    await request.body?.cancel();
    return json(404, problem(404, "Not Found Error", `No route for ${url.pathname}`));
  }
}
