/**
 * The send job: posts from a source become the tutorial's events
 * `{"timestamp": createdAt, "favorite": likeCount}` on an event target (Event Hubs).
 *
 * @module
 */
import { encodeTweetEvent, type TweetEvent, validateTweetEvent } from "../hub/codec.ts";
import type { EventSink } from "../hub/event_sink.ts";
import type { Post, PostSource } from "../source/post_source.ts";

/** Where the send job puts events. {@linkcode eventSinkTarget} adapts the hub's `EventSink`. */
export interface SendTarget {
  /** Accepts one event (it may be buffered); rejects when the event cannot be taken. */
  send(event: TweetEvent, partitionKey?: string): Promise<void>;
  /** Waits until everything accepted so far is delivered (or given up on). */
  flush(): Promise<void>;
  /** Flushes and releases the connection. The send job never calls it: the owner does. */
  close(): Promise<void>;
  /** Events accepted earlier but given up on later (e.g. after the sink's retries). */
  readonly failed?: number;
}

/** Counters of a running send job. */
export interface SendProgress {
  /** Events accepted by the target. */
  sent: number;
  /** Posts not sent: invalid for the event body, or a repeated id. */
  skipped: number;
  /** Events the target rejected or gave up on. */
  errors: number;
  /** Time since the job started. */
  elapsedInMs: number;
  /** `sent` per second of `elapsedInMs`. */
  eventsPerSecond: number;
}

/** How a send job ended. */
export interface SendSummary extends SendProgress {
  /** `end`: the source ran out; `abort`: `abortSignal`; `limit`: `maxEvents`; `error`: the source or the target failed for good. */
  stoppedBy: "end" | "abort" | "limit" | "error";
  /** The error that ended the job, when `stoppedBy` is `error`. */
  error?: Error;
}

/** Options for {@linkcode send}. */
export interface SendOptions {
  /** Stops the job: the source is stopped, the target flushed, the summary returned. */
  abortSignal?: AbortSignal;
  /** Stop after sending this many events. @default {Infinity} */
  maxEvents?: number;
  /** Skip posts whose id was already sent in this run. @default {true} */
  skipDuplicateIds?: boolean;
  /** How many of the most recent ids are remembered for `skipDuplicateIds`. @default {1000000} */
  duplicateWindow?: number;
  /** Partition key per post. @default {undefined} (the hub spreads events) */
  partitionKey?: (post: Post) => string | undefined;
  /** Give up after this many consecutive target errors. @default {100} */
  maxConsecutiveErrors?: number;
  /** Least time between two `onProgress` calls. @default {1000} */
  progressIntervalInMs?: number;
  /** Receives progress at most every `progressIntervalInMs`, and once at the end. */
  onProgress?: (progress: SendProgress) => void;
  /** Called after each event the target accepted (the tutorial printed `Sent event: ...`). */
  onSent?: (event: TweetEvent, post: Post) => void;
  /** Called for each skipped post. */
  onSkip?: (post: Post, reason: string) => void;
  /** Called for each event the target rejected. */
  onError?: (error: Error, post: Post) => void;
  /** Time source. @default {Date.now} */
  now?: () => number;
}

/** The tutorial's event body for a post. */
export function toTweetEvent(post: Post): TweetEvent {
  return validateTweetEvent({ timestamp: post.createdAt, favorite: post.likeCount });
}

/**
 * Sends every post of `source` (a post source, or any iterable of posts) to `target` as `{"timestamp", "favorite"}` and resolves to a
 * summary once the source ends (or the job is aborted, or fails) and the target is flushed.
 * Posts that do not make a valid event are skipped, events the target rejects are counted and
 * reported; neither stops the job. A source error ends the job with `stoppedBy: "error"`
 * (after flushing) instead of throwing.
 *
 * @example Sending synthetic posts to an in-memory target
 * ```ts
 * import { send } from "./send.ts";
 * import { SyntheticSource } from "../source/synthetic_source.ts";
 * import assert from "node:assert/strict";
 * const events: unknown[] = [];
 * const target = {
 *   send: async (e: unknown) => { events.push(e); },
 *   flush: async () => {},
 *   close: async () => {},
 * };
 * const summary = await send(new SyntheticSource({ days: 1 }), target);
 * assert.equal(summary.sent, events.length);
 * ```
 */
export async function send(
  source: PostSource | Iterable<Post>,
  target: SendTarget,
  options: SendOptions = {},
): Promise<SendSummary> {
  const now = options.now ?? Date.now;
  const maxEvents = options.maxEvents ?? Infinity;
  if (!(maxEvents >= 0)) {
    throw new RangeError(
      `Cannot run the send job as maxEvents must be >= 0: current value is ${maxEvents}`,
    );
  }
  const maxConsecutiveErrors = options.maxConsecutiveErrors ?? 100;
  const progressIntervalInMs = options.progressIntervalInMs ?? 1000;
  const skipDuplicates = options.skipDuplicateIds ?? true;
  const duplicateWindow = options.duplicateWindow ?? 1_000_000;
  const signal = options.abortSignal;
  const started = now();
  const seen = new Set<string>();
  let sent = 0;
  let skipped = 0;
  let errors = 0;
  let consecutiveErrors = 0;
  let lastProgress = started;
  let stoppedBy: SendSummary["stoppedBy"] = "end";
  let failure: Error | undefined;

  const progress = (): SendProgress => {
    const elapsedInMs = Math.max(0, now() - started);
    const failed = target.failed ?? 0;
    return {
      sent: sent - failed,
      skipped,
      errors: errors + failed,
      elapsedInMs,
      eventsPerSecond: elapsedInMs > 0 ? (sent - failed) / (elapsedInMs / 1000) : 0,
    };
  };

  const iterable: AsyncIterable<Post> = Symbol.asyncIterator in source
    ? source as AsyncIterable<Post>
    : (async function* () {
      yield* source as Iterable<Post>;
    })();
  const iterator = iterable[Symbol.asyncIterator]();
  let aborted: Promise<"abort"> | undefined;
  let removeAbortListener = () => {};
  if (signal) {
    aborted = new Promise((resolve) => {
      if (signal.aborted) return resolve("abort");
      const onAbort = () => resolve("abort");
      signal.addEventListener("abort", onAbort, { once: true });
      removeAbortListener = () => signal.removeEventListener("abort", onAbort);
    });
  }
  let nextPending = false;
  let done = false;
  try {
    while (true) {
      if (sent >= maxEvents) {
        stoppedBy = "limit";
        break;
      }
      const next = iterator.next();
      nextPending = true;
      let result: IteratorResult<Post> | "abort";
      try {
        result = aborted ? await Promise.race([next, aborted]) : await next;
      } catch (error) {
        nextPending = false;
        done = true; // a generator that threw is finished
        stoppedBy = "error";
        failure = error instanceof Error ? error : new Error(String(error), { cause: error });
        break;
      }
      if (result === "abort") {
        next.catch(() => {}); // settles after the source notices the abort
        stoppedBy = "abort";
        break;
      }
      nextPending = false;
      if (result.done) {
        done = true;
        break;
      }
      const post = result.value;
      if (skipDuplicates && seen.has(post.id)) {
        skipped += 1;
        options.onSkip?.(post, `id ${post.id} was already sent`);
        continue;
      }
      let event: TweetEvent;
      try {
        event = toTweetEvent(post);
      } catch (error) {
        skipped += 1;
        options.onSkip?.(post, (error as Error).message);
        continue;
      }
      try {
        await target.send(event, options.partitionKey?.(post));
        if (skipDuplicates) {
          seen.add(post.id);
          // Forget the oldest ids beyond the window (a Set iterates in insertion order).
          if (seen.size > duplicateWindow) seen.delete(seen.values().next().value as string);
        }
        sent += 1;
        consecutiveErrors = 0;
        options.onSent?.(event, post);
      } catch (error) {
        errors += 1;
        consecutiveErrors += 1;
        const wrapped = error instanceof Error ? error : new Error(String(error), { cause: error });
        options.onError?.(wrapped, post);
        if (consecutiveErrors >= maxConsecutiveErrors) {
          stoppedBy = "error";
          failure = new Error(
            `Cannot continue the send job as the target failed ${consecutiveErrors} times in a row: ${wrapped.message}`,
            { cause: error },
          );
          break;
        }
      }
      if (options.onProgress && now() - lastProgress >= progressIntervalInMs) {
        lastProgress = now();
        options.onProgress(progress());
      }
    }
  } finally {
    removeAbortListener();
    if (!done) {
      // Stop the source; a pending next() (aborted mid-wait) must not block the job.
      const closing = iterator.return?.();
      if (closing) {
        if (nextPending) closing.catch(() => {});
        else await closing.catch(() => {});
      }
    }
  }
  try {
    await target.flush();
  } catch (error) {
    errors += 1;
    if (!failure) {
      stoppedBy = "error";
      failure = new Error(`Cannot flush the send target: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  const summary: SendSummary = { ...progress(), stoppedBy };
  if (failure) summary.error = failure;
  Object.defineProperty(summary, Symbol.for("Jupyter.display"), {
    value: () => ({ "text/markdown": sendSummaryMarkdown(summary) }),
  });
  options.onProgress?.(summary);
  return summary;
}

/** A summary as a small Markdown table (what a notebook cell shows for it). */
export function sendSummaryMarkdown(summary: SendSummary): string {
  const rows = [
    ["sent", summary.sent.toLocaleString("en-US")],
    ["skipped", summary.skipped.toLocaleString("en-US")],
    ["errors", summary.errors.toLocaleString("en-US")],
    ["events/s", Math.round(summary.eventsPerSecond).toLocaleString("en-US")],
    ["elapsed", `${(summary.elapsedInMs / 1000).toFixed(1)} s`],
    ["stopped by", summary.stoppedBy + (summary.error ? `: ${summary.error.message}` : "")],
  ];
  return [
    "| send job | |",
    "|---|---|",
    ...rows.map(([k, v]) => `| ${k} | ${v.replaceAll("|", "\\|")} |`),
  ]
    .join("\n");
}

/** Options for {@linkcode eventSinkTarget}. */
export interface EventSinkTargetOptions {
  /** Cancels waiting for room in a full sink. */
  abortSignal?: AbortSignal;
}

/**
 * Adapts the hub's `EventSink` to a {@linkcode SendTarget}: events are encoded with the hub's
 * codec and enqueued; `failed` is the sink's count of events given up on.
 */
export function eventSinkTarget(
  sink: EventSink,
  options: EventSinkTargetOptions = {},
): SendTarget {
  return {
    send: (event, partitionKey) =>
      sink.enqueue({ body: encodeTweetEvent(event), contentType: "application/json" }, {
        partitionKey,
        abortSignal: options.abortSignal,
      }),
    flush: () => sink.flush(),
    close: () => sink.close(),
    get failed() {
      return sink.stats.failed;
    },
  };
}
