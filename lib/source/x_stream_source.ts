/**
 * Real-time posts from the X API v2 filtered stream, for accounts that have it.
 *
 * @module
 */
import { ETwitterStreamEvent, type TweetStream, type TwitterApi } from "twitter-api-v2";
import { type Clock, systemClock } from "./clock.ts";
import type { Post, PostSource } from "./post_source.ts";
import { toXApiError, type XApiError } from "./x_api_error.ts";
import { DEFAULT_X_QUERY, type XSourceEvent } from "./x_search_source.ts";
import {
  type ApiPost,
  backoffDelay,
  fromApiPost,
  isAbort,
  POST_FIELDS,
  RecentIds,
} from "./_x_common.ts";

/** Options for {@linkcode XStreamSource}. */
export interface XStreamSourceOptions {
  /** The filter rule. @default {"#Azure lang:en -is:retweet"} */
  query?: string;
  /**
   * Tag of the rule this source owns: rules with this tag and another value are deleted, the
   * rule is added when missing; other rules are left alone.
   * @default {"hubwatch"}
   */
  ruleTag?: string;
  /** The field-list parameter name. @default {"tweet.fields"} */
  fieldsParameter?: "tweet.fields" | "post.fields";
  /** Keep the post text. @default {false} */
  includeText?: boolean;
  /** First reconnect delay; doubles per consecutive failed connection. @default {1000} */
  initialBackoffInMs?: number;
  /** Longest reconnect delay. @default {300000} */
  maxBackoffInMs?: number;
  /** Consecutive connections that fail (or end without data) before the source throws. @default {10} */
  maxRetries?: number;
  /** Stop after this many connections ended (tests). @default {Infinity} */
  maxConnections?: number;
  /** Time source for reconnect waits. @default {systemClock} */
  clock?: Clock;
  /** Closes the stream and ends the iteration. */
  abortSignal?: AbortSignal;
  /** Receives reconnects and invalid posts. */
  onEvent?: (event: XSourceEvent) => void;
}

type StreamItem = { post: ApiPost } | { end: true; error?: unknown };

/**
 * Sets the filter rule (`updateStreamRules`), connects to `searchStream`, yields the posts it
 * sends, and reconnects with exponential back-off when the connection ends or fails. Posts
 * repeated across reconnects (same id) are yielded once. 401/403/400 end the iteration with an
 * {@linkcode XApiError}.
 */
export class XStreamSource implements PostSource {
  #client: TwitterApi;
  #query: string;
  #ruleTag: string;
  #fieldsParameter: string;
  #includeText: boolean;
  #initialBackoffInMs: number;
  #maxBackoffInMs: number;
  #maxRetries: number;
  #maxConnections: number;
  #clock: Clock;
  #abortSignal?: AbortSignal;
  #onEvent: (event: XSourceEvent) => void;

  constructor(client: TwitterApi, options: XStreamSourceOptions = {}) {
    this.#client = client;
    this.#query = options.query ?? DEFAULT_X_QUERY;
    if (this.#query.trim() === "") {
      throw new RangeError(
        `Cannot create X stream source as query must not be empty: current value is "${this.#query}"`,
      );
    }
    this.#ruleTag = options.ruleTag ?? "hubwatch";
    this.#fieldsParameter = options.fieldsParameter ?? "tweet.fields";
    this.#includeText = options.includeText ?? false;
    this.#initialBackoffInMs = options.initialBackoffInMs ?? 1000;
    this.#maxBackoffInMs = options.maxBackoffInMs ?? 300_000;
    this.#maxRetries = options.maxRetries ?? 10;
    this.#maxConnections = options.maxConnections ?? Infinity;
    this.#clock = options.clock ?? systemClock;
    this.#abortSignal = options.abortSignal;
    this.#onEvent = options.onEvent ?? (() => {});
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Post> {
    const signal = this.#abortSignal;
    await this.#syncRules();
    const recent = new RecentIds(10_000);
    let failures = 0;
    for (let connection = 1; connection <= this.#maxConnections; connection++) {
      if (signal?.aborted) return;
      let stream: TweetStream | undefined;
      let lastError: XApiError | undefined;
      let delivered = 0;
      try {
        stream = await this.#client.v2.searchStream(
          {
            [this.#fieldsParameter]: POST_FIELDS,
            autoConnect: true,
          } as Parameters<TwitterApi["v2"]["searchStream"]>[0],
        ) as TweetStream;
      } catch (thrown) {
        lastError = toXApiError(thrown, "connect to the X filtered stream");
        if (!lastError.retryable) throw lastError;
      }
      if (stream) {
        stream.autoReconnect = false;
        for await (const item of this.#items(stream)) {
          const post = fromApiPost(item, this.#includeText);
          if (typeof post === "string") {
            this.#onEvent({ type: "invalid-post", id: item.id, reason: post });
            continue;
          }
          delivered += 1;
          if (recent.has(post.id)) continue;
          recent.add(post.id);
          yield post;
        }
      }
      if (signal?.aborted || connection === this.#maxConnections) return;
      failures = delivered > 0 ? 1 : failures + 1;
      if (failures > this.#maxRetries && lastError) throw lastError;
      let delayInMs = backoffDelay(failures, this.#initialBackoffInMs, this.#maxBackoffInMs);
      if (lastError?.code === "rate-limited" && lastError.resetAtInMs !== undefined) {
        delayInMs = Math.max(delayInMs, lastError.resetAtInMs - this.#clock.now());
      }
      this.#onEvent({ type: "reconnect", attempt: failures, delayInMs, error: lastError });
      try {
        await this.#clock.sleep(delayInMs, signal);
      } catch (error) {
        if (isAbort(error, signal)) return;
        throw error;
      }
    }
  }

  async #syncRules(): Promise<void> {
    try {
      const current = await this.#client.v2.streamRules();
      const rules = current.data ?? [];
      const stale = rules.filter((r) => r.tag === this.#ruleTag && r.value !== this.#query);
      if (stale.length > 0) {
        await this.#client.v2.updateStreamRules({ delete: { ids: stale.map((r) => r.id) } });
      }
      if (!rules.some((r) => r.tag === this.#ruleTag && r.value === this.#query)) {
        await this.#client.v2.updateStreamRules({
          add: [{ value: this.#query, tag: this.#ruleTag }],
        });
      }
    } catch (thrown) {
      throw toXApiError(thrown, `set the X filtered stream rule "${this.#query}"`);
    }
  }

  /** The posts of one connection, until it closes (or the source is aborted). */
  async *#items(stream: TweetStream): AsyncGenerator<ApiPost> {
    const queue: StreamItem[] = [];
    let wake: (() => void) | undefined;
    const push = (item: StreamItem) => {
      queue.push(item);
      wake?.();
    };
    const onData = (payload: { data?: ApiPost }) => {
      if (payload?.data) push({ post: payload.data });
    };
    const onClosed = () => push({ end: true });
    const onAbort = () => stream.close();
    stream.on(ETwitterStreamEvent.Data, onData);
    stream.on(ETwitterStreamEvent.ConnectionClosed, onClosed);
    this.#abortSignal?.addEventListener("abort", onAbort, { once: true });
    try {
      while (true) {
        if (queue.length === 0) {
          await new Promise<void>((resolve) => wake = resolve);
          wake = undefined;
          continue;
        }
        const item = queue.shift()!;
        if ("end" in item) return;
        yield item.post;
      }
    } finally {
      this.#abortSignal?.removeEventListener("abort", onAbort);
      stream.off(ETwitterStreamEvent.Data, onData);
      stream.off(ETwitterStreamEvent.ConnectionClosed, onClosed);
      stream.destroy();
    }
  }
}
