/**
 * Polls X API v2 recent search for new posts, the way the tutorial's producer did, but with
 * `since_id` pagination, de-duplication across restarts, and rate-limit awareness.
 *
 * @module
 */
import type { TwitterApi } from "twitter-api-v2";
import { type Clock, systemClock } from "./clock.ts";
import { compareIds, comparePosts, type Post, type PostSource } from "./post_source.ts";
import type { StateStore } from "./state_store.ts";
import { toXApiError, XApiError } from "./x_api_error.ts";
import {
  type ApiPost,
  backoffDelay,
  fromApiPost,
  isAbort,
  POST_FIELDS,
  RecentIds,
} from "./_x_common.ts";

/** The tutorial's search, in v2 query syntax. */
export const DEFAULT_X_QUERY = "#Azure lang:en -is:retweet";

/** What an X source reports while it runs (the caller decides whether to print it). */
export type XSourceEvent =
  | { type: "round"; round: number; pages: number; posts: number; sinceId?: string }
  | { type: "rate-limit-wait"; delayInMs: number; resetAtInMs: number }
  | { type: "retry"; attempt: number; delayInMs: number; error: XApiError }
  | { type: "invalid-post"; id?: string; reason: string }
  | { type: "reconnect"; attempt: number; delayInMs: number; error?: XApiError }
  | { type: "since-id-dropped"; sinceId: string; error: XApiError };

/** The persisted high-water mark of a search: the newest id already delivered for a query. */
export interface XSearchState {
  /** The query the mark belongs to (a different query starts fresh). */
  query: string;
  /** The newest post id delivered. */
  sinceId?: string;
}

/** Options for {@linkcode XSearchSource}. */
export interface XSearchSourceOptions {
  /** The search query. @default {"#Azure lang:en -is:retweet"} */
  query?: string;
  /** Posts per request, 10..100. @default {100} */
  maxResults?: number;
  /** Wait between polling rounds. @default {10000} */
  pollIntervalInMs?: number;
  /** Stop after this many rounds. @default {Infinity} */
  maxRounds?: number;
  /** Start after this id when no state was saved. @default {undefined} (the last 7 days) */
  sinceId?: string;
  /** Persists the high-water mark so a restart does not deliver posts again. @default {undefined} */
  stateStore?: StateStore<XSearchState>;
  /**
   * The name of the field-list parameter: the library's `tweet.fields` or the 2026 spec's
   * `post.fields`.
   * @default {"tweet.fields"}
   */
  fieldsParameter?: "tweet.fields" | "post.fields";
  /** Keep the post text. @default {false} */
  includeText?: boolean;
  /** First back-off after a 5xx or network error; doubles per consecutive failure. @default {1000} */
  initialBackoffInMs?: number;
  /** Longest back-off. @default {300000} */
  maxBackoffInMs?: number;
  /** Consecutive 5xx/network failures tolerated before the source throws. @default {10} */
  maxRetries?: number;
  /** Time source (inject a fake clock in tests). @default {systemClock} */
  clock?: Clock;
  /** Stops polling: the iteration ends after the current request. */
  abortSignal?: AbortSignal;
  /** Receives progress and trouble reports. */
  onEvent?: (event: XSourceEvent) => void;
}

interface RateLimit {
  limit: number;
  remaining: number;
  reset: number;
}

interface SearchPage {
  tweets: ApiPost[];
  meta: { newest_id?: string; oldest_id?: string; result_count?: number; next_token?: string };
  rateLimit?: RateLimit;
}

function maxId(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return compareIds(a, b) >= 0 ? a : b;
}

/**
 * Polls recent search: each round asks for posts newer than the high-water mark
 * (`since_id`), follows `next_token` with the same `since_id`, then yields the round's new posts
 * in time order and advances the mark to the first page's `newest_id`.
 *
 * Never sends a request when the last response announced `x-rate-limit-remaining: 0` before
 * `x-rate-limit-reset`; on 429 it waits until the announced reset; on 5xx and network errors it
 * backs off exponentially. 401/403 (token) and 400 (query) end the iteration with an
 * {@linkcode XApiError}.
 */
export class XSearchSource implements PostSource {
  #client: TwitterApi;
  #query: string;
  #maxResults: number;
  #pollIntervalInMs: number;
  #maxRounds: number;
  #initialSinceId?: string;
  #stateStore?: StateStore<XSearchState>;
  #fieldsParameter: string;
  #includeText: boolean;
  #initialBackoffInMs: number;
  #maxBackoffInMs: number;
  #maxRetries: number;
  #clock: Clock;
  #abortSignal?: AbortSignal;
  #onEvent: (event: XSourceEvent) => void;
  #rateLimit?: RateLimit;

  constructor(client: TwitterApi, options: XSearchSourceOptions = {}) {
    this.#client = client;
    this.#query = options.query ?? DEFAULT_X_QUERY;
    if (this.#query.trim() === "") {
      throw new RangeError(
        `Cannot create X search source as query must not be empty: current value is "${this.#query}"`,
      );
    }
    this.#maxResults = options.maxResults ?? 100;
    if (!Number.isInteger(this.#maxResults) || this.#maxResults < 10 || this.#maxResults > 100) {
      throw new RangeError(
        "Cannot create X search source as maxResults must be an integer from 10 to 100: " +
          `current value is ${this.#maxResults}`,
      );
    }
    this.#pollIntervalInMs = options.pollIntervalInMs ?? 10_000;
    if (!(this.#pollIntervalInMs >= 0)) {
      throw new RangeError(
        "Cannot create X search source as pollIntervalInMs must be >= 0: " +
          `current value is ${this.#pollIntervalInMs}`,
      );
    }
    this.#maxRounds = options.maxRounds ?? Infinity;
    if (!(this.#maxRounds >= 1)) {
      throw new RangeError(
        `Cannot create X search source as maxRounds must be >= 1: current value is ${this.#maxRounds}`,
      );
    }
    this.#initialSinceId = options.sinceId;
    this.#stateStore = options.stateStore;
    this.#fieldsParameter = options.fieldsParameter ?? "tweet.fields";
    this.#includeText = options.includeText ?? false;
    this.#initialBackoffInMs = options.initialBackoffInMs ?? 1000;
    this.#maxBackoffInMs = options.maxBackoffInMs ?? 300_000;
    this.#maxRetries = options.maxRetries ?? 10;
    this.#clock = options.clock ?? systemClock;
    this.#abortSignal = options.abortSignal;
    this.#onEvent = options.onEvent ?? (() => {});
  }

  /** The query this source searches. */
  get query(): string {
    return this.#query;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Post> {
    const signal = this.#abortSignal;
    let saved = await this.#loadSinceId();
    let sinceId = saved;
    const recent = new RecentIds(10_000);
    // Ids of the current round in ascending order and which of them the consumer took: the
    // mark may advance to the newest id whose older round-mates were all taken.
    let roundIds: string[] = [];
    let taken = new Set<string>();
    const progressMark = (): string | undefined => {
      let mark: string | undefined;
      for (const id of roundIds) {
        if (!taken.has(id)) break;
        mark = id;
      }
      return mark;
    };
    try {
      for (let round = 1; round <= this.#maxRounds; round++) {
        if (signal?.aborted) return;
        if (round > 1) {
          try {
            await this.#clock.sleep(this.#pollIntervalInMs, signal);
          } catch (error) {
            if (isAbort(error, signal)) return;
            throw error;
          }
        }
        const fetched = await this.#fetchRound(sinceId);
        if (fetched === undefined) return;
        const fresh = fetched.posts.filter((p) =>
          (sinceId === undefined || compareIds(p.id, sinceId) > 0) && !recent.has(p.id)
        );
        roundIds = fresh.map((p) => p.id).sort(compareIds);
        taken = new Set();
        this.#onEvent({ type: "round", round, pages: fetched.pages, posts: fresh.length, sinceId });
        for (const post of fresh) {
          recent.add(post.id);
          // A consumer that stops at this yield (return()) has taken the post.
          taken.add(post.id);
          yield post;
        }
        sinceId = maxId(sinceId, fetched.newestId);
        roundIds = [];
        if (sinceId !== saved) {
          await this.#saveSinceId(sinceId);
          saved = sinceId;
        }
      }
    } finally {
      const mark = maxId(saved, progressMark());
      if (mark !== saved) await this.#saveSinceId(mark);
    }
  }

  async #loadSinceId(): Promise<string | undefined> {
    const state = await this.#stateStore?.load();
    if (state && state.query === this.#query && state.sinceId) {
      return maxId(state.sinceId, this.#initialSinceId);
    }
    return this.#initialSinceId;
  }

  async #saveSinceId(sinceId: string | undefined): Promise<void> {
    await this.#stateStore?.save({ query: this.#query, sinceId });
  }

  async #fetchRound(
    sinceId: string | undefined,
  ): Promise<{ posts: Post[]; pages: number; newestId?: string } | undefined> {
    const posts: Post[] = [];
    const seen = new Set<string>();
    let newestId: string | undefined;
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = await this.#request(sinceId, nextToken);
      if (page === undefined) return undefined;
      pages += 1;
      if (pages === 1) newestId = page.meta.newest_id;
      for (const item of page.tweets) {
        const post = fromApiPost(item, this.#includeText);
        if (typeof post === "string") {
          this.#onEvent({ type: "invalid-post", id: item.id, reason: post });
        } else if (!seen.has(post.id)) {
          seen.add(post.id);
          posts.push(post);
        }
      }
      nextToken = page.meta.next_token;
    } while (nextToken !== undefined);
    posts.sort(comparePosts);
    return { posts, pages, newestId };
  }

  /** One search request with rate-limit waits and retries; `undefined` when aborted. */
  async #request(sinceId?: string, nextToken?: string): Promise<SearchPage | undefined> {
    const signal = this.#abortSignal;
    const params: Record<string, unknown> = {
      [this.#fieldsParameter]: POST_FIELDS,
      max_results: this.#maxResults,
    };
    if (sinceId !== undefined) params.since_id = sinceId;
    if (nextToken !== undefined) params.next_token = nextToken;
    let failures = 0;
    try {
      while (true) {
        if (signal?.aborted) return undefined;
        const rate = this.#rateLimit;
        if (rate && rate.remaining <= 0 && rate.reset * 1000 > this.#clock.now()) {
          await this.#waitForReset(rate.reset * 1000);
          this.#rateLimit = undefined;
          continue;
        }
        let page: SearchPage;
        try {
          page = await this.#client.v2.search(this.#query, params) as unknown as SearchPage;
        } catch (thrown) {
          const error = toXApiError(thrown, `search X for "${this.#query}"`);
          if (error.code === "rate-limited") {
            this.#rateLimit = undefined;
            const resetAtInMs = error.resetAtInMs;
            if (resetAtInMs !== undefined && resetAtInMs > this.#clock.now()) {
              await this.#waitForReset(resetAtInMs);
              continue;
            }
          }
          if (
            error.code === "invalid-request" && params.since_id !== undefined &&
            /since_id/i.test(error.apiMessage ?? "")
          ) {
            // The mark is older than recent search reaches (7 days): search the whole window;
            // posts at or below the mark are still filtered out.
            this.#onEvent({ type: "since-id-dropped", sinceId: String(params.since_id), error });
            delete params.since_id;
            continue;
          }
          if (!error.retryable) throw error;
          failures += 1;
          if (failures > this.#maxRetries) throw error;
          const delayInMs = backoffDelay(failures, this.#initialBackoffInMs, this.#maxBackoffInMs);
          this.#onEvent({ type: "retry", attempt: failures, delayInMs, error });
          await this.#clock.sleep(delayInMs, signal);
          continue;
        }
        if (page.rateLimit) this.#rateLimit = page.rateLimit;
        return { tweets: page.tweets ?? [], meta: page.meta ?? {}, rateLimit: page.rateLimit };
      }
    } catch (error) {
      if (isAbort(error, signal)) return undefined;
      throw error;
    }
  }

  async #waitForReset(resetAtInMs: number): Promise<void> {
    const delayInMs = Math.max(0, resetAtInMs - this.#clock.now());
    this.#onEvent({ type: "rate-limit-wait", delayInMs, resetAtInMs });
    await this.#clock.sleep(delayInMs, this.#abortSignal);
  }
}
