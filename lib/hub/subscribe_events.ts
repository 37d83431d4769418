/**
 * A checkpointed consumer over the SDK's `EventHubConsumerClient.subscribe`, with decoding,
 * dead letters and two ways to read: handlers or an async iterable.
 *
 * @module
 */

import {
  type CheckpointStore,
  earliestEventPosition,
  type EventHubClientOptions,
  EventHubConsumerClient,
  type EventPosition,
  type LastEnqueuedEventProperties,
  type LoadBalancingOptions,
  type PartitionContext,
  type ReceivedEventData,
  type Subscription,
} from "@azure/event-hubs";
import { type DeadLetterSink, toDeadLetterRecord } from "./dead_letter.ts";
import { HubError, toHubError } from "./errors.ts";
import { holdSdkDefectGuard, settleWithinGuarded } from "./_sdk_guard.ts";

/** Options for {@linkcode subscribeEvents}. */
export interface SubscribeEventsOptions<T = unknown> {
  /** Connection string, passed to the SDK unchanged (`...;UseDevelopmentEmulator=true` works). */
  connectionString: string;
  /**
   * The event hub, when the connection string has no `EntityPath`.
   * @default {undefined} (the connection string's `EntityPath`)
   */
  eventHubName?: string;
  /**
   * Consumer group to read as.
   * @default {"$Default"}
   */
  consumerGroup?: string;
  /**
   * Where checkpoints and partition ownership are kept. With a store, consumers sharing it
   * split the partitions between them and resume from the checkpoints; without one, this
   * consumer reads every partition and nothing is checkpointed.
   * @default {undefined}
   */
  checkpointStore?: CheckpointStore;
  /**
   * Read only this partition (no load balancing).
   * @default {undefined} (all partitions, balanced through the checkpoint store)
   */
  partitionId?: string;
  /**
   * Where to start in a partition that has no checkpoint yet; one position or one per
   * partition id.
   * @default {earliestEventPosition}
   */
  startPosition?: EventPosition | Record<string, EventPosition>;
  /**
   * Most events per batch (the tutorial's `maxEventsPerTrigger`).
   * @default {100}
   */
  maxBatchSize?: number;
  /**
   * Longest wait for a batch to fill before the events received so far are delivered.
   * @default {5}
   */
  maxWaitTimeInSeconds?: number;
  /**
   * Checkpoint after each batch is processed (handler resolved, or the iterator moved on).
   * Has an effect only with a `checkpointStore`.
   * @default {true}
   */
  checkpointAfterEachBatch?: boolean;
  /**
   * Turns a raw body (bytes for binary bodies) into the application's value; throwing
   * rejects the event to `deadLetters`.
   * @default {undefined} (events keep the body the SDK received)
   */
  decode?: (body: unknown, event: ReceivedEventData) => T;
  /**
   * Where events rejected by `decode` are written (before the batch is checkpointed).
   * @default {undefined} (rejected events are only counted)
   */
  deadLetters?: DeadLetterSink;
  /**
   * Load-balancing tuning (claim interval, ownership expiry, strategy). The strategy defaults
   * to `"greedy"` (claim the fair share at once) rather than the SDK's `"balanced"` (one
   * partition per interval), so a lone consumer reads every partition from its first second.
   * @default {{ strategy: "greedy" }} (and the SDK's 10 s interval, 60 s expiry)
   */
  loadBalancingOptions?: LoadBalancingOptions;
  /**
   * Exclusive reader level: a higher level takes partitions from lower ones.
   * @default {undefined}
   */
  ownerLevel?: number;
  /**
   * Ask for the partition's last enqueued event with each batch.
   * @default {false}
   */
  trackLastEnqueuedEventProperties?: boolean;
  /**
   * Also deliver batches without events: the SDK's empty waits (nothing arrived within
   * `maxWaitTimeInSeconds`, i.e. the reader has caught up for now) and batches whose every
   * event was dead-lettered. Lets a consumer tell a partition with nothing to read from one
   * that has not been read yet.
   * @default {false}
   */
  deliverEmptyBatches?: boolean;
  /**
   * Events the SDK fetches ahead per partition.
   * @default {undefined} (the SDK's: 3 × `maxBatchSize`)
   */
  prefetchCount?: number;
  /**
   * Options for the `EventHubConsumerClient` (identifier, user agent, retry policy). After a
   * lost connection each partition reader reconnects on the SDK's retry schedule: by default
   * 3 retries 30 s apart; a shorter `retryOptions.retryDelayInMs` reconnects sooner. Keep
   * `retryOptions.timeoutInMs` at its default: when a management request times out on a lost
   * connection, the SDK throws an uncaught `TypeError` (see `_sdk_guard.ts`).
   * @default {undefined} (the SDK's defaults)
   */
  clientOptions?: EventHubClientOptions;
  /**
   * A partition reader that neither delivers a batch nor reports an empty wait for this long
   * (while no batch of it is being processed) is considered hung, and the SDK client is
   * replaced: it resubscribes from the checkpoints. Must exceed `maxWaitTimeInSeconds`.
   * @default {60000}
   */
  stallTimeoutInMs?: number;
  /**
   * Longest wait for each step of `close()` (and of replacing a hung client): the SDK's close
   * can hang for good after a lost connection, and the connection is closed regardless.
   * @default {5000}
   */
  closeTimeoutInMs?: number;
  /** Stops the subscription when aborted. */
  abortSignal?: AbortSignal;
}

/** One event as the application sees it. */
export interface HubEvent<T = unknown> {
  /** Partition the event was read from. */
  partitionId: string;
  /** Position in its partition; increases by 1 per event. */
  sequenceNumber: number;
  /** Opaque position of the event in its partition. */
  offset: string;
  /** When the hub enqueued the event. */
  enqueuedTimeUtc: Date;
  /** The partition key the event was sent with, if any. */
  partitionKey: string | null;
  /** Application properties sent with the event. */
  properties: Record<string, unknown> | undefined;
  /** The decoded body. */
  body: T;
}

/** The events of one partition delivered together, in partition order. */
export interface EventBatch<T = unknown> {
  /** The partition all events come from. */
  partitionId: string;
  /** Events that decoded, in sequence-number order. */
  events: HubEvent<T>[];
  /** How many events of this batch were rejected to the dead letters. */
  deadLettered: number;
  /**
   * Sequence number of the last event received in this batch, dead-lettered ones included;
   * `undefined` for an empty wait (see `deliverEmptyBatches`).
   */
  lastSequenceNumber: number | undefined;
  /** The partition's newest event, with `trackLastEnqueuedEventProperties`. */
  lastEnqueuedEventProperties: LastEnqueuedEventProperties | undefined;
  /**
   * Checkpoints the partition at this batch's last event (dead-lettered ones included), for
   * consumers started with `checkpointAfterEachBatch: false`. Without a `checkpointStore` the
   * checkpoint lasts only as long as the subscription.
   */
  checkpoint(): Promise<void>;
}

/** The handler-based API of {@linkcode subscribeEvents}. */
export interface SubscribeEventsHandlers<T = unknown> {
  /**
   * Processes one batch. Batches of one partition arrive one after the other; partitions run
   * concurrently. When it resolves the batch is checkpointed; when it throws the error goes to
   * `processError`, the batch is not checkpointed, and reading continues.
   */
  processEvents(batch: EventBatch<T>): Promise<void> | void;
  /**
   * Receives every error: `HubError` from the hub or the checkpoint store, `Error` wrapping a
   * `processEvents` failure. `partitionId` is `undefined` for errors not tied to a partition.
   * Errors never stop the subscription.
   * @default {undefined} (errors are only counted)
   */
  processError?(error: Error, partitionId: string | undefined): Promise<void> | void;
}

/** Counters of a subscription. */
export interface SubscriptionStats {
  /** Non-empty batches handed to the application. */
  batches: number;
  /** Events handed to the application. */
  events: number;
  /** Events rejected by `decode`. */
  deadLettered: number;
  /** Checkpoints written. */
  checkpoints: number;
  /** Errors seen (hub, checkpoint store, dead letters, handler). */
  errors: number;
  /** Times the SDK client was replaced because a partition reader went silent. */
  restarts: number;
}

/** A running subscription. */
export interface EventSubscription {
  /** Stops reading, releases the partitions and closes the connection. Safe to call twice. */
  close(): Promise<void>;
  /** `true` until `close()` is called or the stream ended. */
  readonly isRunning: boolean;
  /** A snapshot of the counters. */
  readonly stats: SubscriptionStats;
  /** The partitions this consumer reads now. */
  readonly partitions: readonly string[];
}

/**
 * The async-iterable API of {@linkcode subscribeEvents}: iterate over batches. A batch is
 * checkpointed when the iteration asks for the next one; the batch in hand when the loop
 * exits (`break`, `return`, `throw`) is not checkpointed, so it is read again on restart.
 * Errors that cannot heal (unknown hub or consumer group, refused credentials) end the
 * iteration by throwing that `HubError`; other errors are counted and reading continues.
 *
 * A partition's next batch is read only after the loop moved past its previous one, so the
 * loop body must not wait for a later event of the partition it is handling: it would wait
 * forever. Use the handler API for such logic.
 */
export interface EventStream<T = unknown> extends EventSubscription, AsyncIterable<EventBatch<T>> {}

const FATAL_CODES = new Set(["EntityNotFound", "Unauthorized", "InvalidArgument"]);

/**
 * Reads events from every partition of an event hub (or one partition), in batches of at most
 * `maxBatchSize`, in order per partition, checkpointing after each processed batch.
 *
 * Without `handlers` it returns an {@linkcode EventStream} to iterate with `for await`; with
 * `handlers` it calls `processEvents` / `processError` and returns the subscription.
 *
 * Events whose body `decode` rejects go to `deadLetters` with their partition, sequence
 * number and the reason; they are counted and never stop the consumer.
 *
 * @example
 * ```ts ignore
 * import { decodeTweetEvent, FileCheckpointStore, subscribeEvents } from "@/hub";
 * const stream = subscribeEvents({
 *   connectionString,
 *   checkpointStore: new FileCheckpointStore("data/checkpoints"),
 *   decode: decodeTweetEvent,
 * });
 * let likes = 0;
 * for await (const batch of stream) {
 *   for (const event of batch.events) likes += event.body.favorite;
 * }
 * ```
 */
export function subscribeEvents<T = unknown>(options: SubscribeEventsOptions<T>): EventStream<T>;
export function subscribeEvents<T = unknown>(
  options: SubscribeEventsOptions<T>,
  handlers: SubscribeEventsHandlers<T>,
): EventSubscription;
export function subscribeEvents<T = unknown>(
  options: SubscribeEventsOptions<T>,
  handlers?: SubscribeEventsHandlers<T>,
): EventSubscription | EventStream<T> {
  return new Consumer(options, handlers);
}

interface Pending<T> {
  batch: EventBatch<T>;
  done: (processed: boolean) => void;
}

class Consumer<T> implements EventStream<T> {
  #options: SubscribeEventsOptions<T>;
  #handlers: SubscribeEventsHandlers<T> | undefined;
  #client: EventHubConsumerClient;
  #subscription: Subscription | undefined;
  #stats: SubscriptionStats = {
    batches: 0,
    events: 0,
    deadLettered: 0,
    checkpoints: 0,
    errors: 0,
    restarts: 0,
  };
  #partitions = new Set<string>();
  #running = true;
  #closed: Promise<void> | undefined;
  #checkpoint: boolean;
  // Stream mode state.
  #queue: Pending<T>[] = [];
  #inHand: Pending<T> | undefined;
  #readers: ((result: IteratorResult<EventBatch<T>>) => void)[] = [];
  #readerFailures: ((error: unknown) => void)[] = [];
  #fatal: HubError | undefined;
  #iterated = false;
  #forgetAbort: (() => void) | undefined;
  // Supervision: every SDK client is one generation; a stalled reader starts the next one.
  #generation = 0;
  #beats = new Map<string, number>();
  #busy = new Map<string, number>();
  #stallTimeoutInMs: number;
  #closeTimeoutInMs: number;
  #watchdog: ReturnType<typeof setInterval> | undefined;
  #restarting: Promise<void> | undefined;
  #releaseGuard: () => void;

  constructor(
    options: SubscribeEventsOptions<T>,
    handlers: SubscribeEventsHandlers<T> | undefined,
  ) {
    validate(options);
    this.#options = options;
    this.#handlers = handlers;
    this.#checkpoint = options.checkpointStore !== undefined &&
      (options.checkpointAfterEachBatch ?? true);
    this.#stallTimeoutInMs = options.stallTimeoutInMs ?? 60_000;
    this.#closeTimeoutInMs = options.closeTimeoutInMs ?? 5000;
    const { client, subscription } = this.#start(0);
    this.#client = client;
    this.#subscription = subscription;
    this.#releaseGuard = holdSdkDefectGuard();
    this.#watchdog = setInterval(
      () => this.#checkStalls(),
      Math.max(10, Math.min(1000, Math.floor(this.#stallTimeoutInMs / 4))),
    );
    const signal = options.abortSignal;
    if (signal !== undefined) {
      if (signal.aborted) {
        this.close().catch(() => {});
      } else {
        const onAbort = () => this.close().catch(() => {});
        signal.addEventListener("abort", onAbort, { once: true });
        this.#forgetAbort = () => signal.removeEventListener("abort", onAbort);
      }
    }
  }

  /** Creates the SDK client of one generation and subscribes; throws a HubError. */
  #start(generation: number): { client: EventHubConsumerClient; subscription: Subscription } {
    const options = this.#options;
    const consumerGroup = options.consumerGroup ?? "$Default";
    const userIdentifier = options.clientOptions?.identifier;
    const clientOptions = {
      ...options.clientOptions,
      // A new generation needs a new owner id: claims of the old one are not its own.
      identifier: generation === 0
        ? userIdentifier
        : userIdentifier === undefined
        ? undefined
        : `${userIdentifier}-${generation}`,
      loadBalancingOptions: { strategy: "greedy" as const, ...options.loadBalancingOptions },
    };
    let client: EventHubConsumerClient;
    try {
      client = createClient(
        consumerGroup,
        options.connectionString,
        options.eventHubName,
        options.checkpointStore,
        clientOptions,
      );
    } catch (error) {
      throw toHubError(error, "create an Event Hubs consumer");
    }
    const current = () => this.#running && this.#generation === generation;
    const sdkHandlers = {
      processEvents: async (events: ReceivedEventData[], context: PartitionContext) => {
        if (!current()) return;
        const partitionId = context.partitionId;
        this.#beats.set(partitionId, Date.now());
        this.#busy.set(partitionId, (this.#busy.get(partitionId) ?? 0) + 1);
        try {
          await this.#processEvents(events, context);
        } finally {
          if (this.#generation === generation) {
            this.#busy.set(partitionId, (this.#busy.get(partitionId) ?? 1) - 1);
            this.#beats.set(partitionId, Date.now());
          }
        }
      },
      processError: (error: Error, context: PartitionContext) =>
        current() ? this.#processError(error, context) : Promise.resolve(),
      processInitialize: (context: PartitionContext) => {
        if (current()) {
          this.#partitions.add(context.partitionId);
          this.#beats.set(context.partitionId, Date.now());
        }
        return Promise.resolve();
      },
      processClose: (_reason: unknown, context: PartitionContext) => {
        if (current()) {
          this.#partitions.delete(context.partitionId);
          this.#beats.delete(context.partitionId);
        }
        return Promise.resolve();
      },
    };
    const subscribeOptions = {
      maxBatchSize: options.maxBatchSize ?? 100,
      maxWaitTimeInSeconds: options.maxWaitTimeInSeconds ?? 5,
      startPosition: options.startPosition ?? earliestEventPosition,
      ownerLevel: options.ownerLevel,
      trackLastEnqueuedEventProperties: options.trackLastEnqueuedEventProperties ?? false,
      prefetchCount: options.prefetchCount,
      skipParsingBodyAsJson: true,
    };
    try {
      const subscription = options.partitionId === undefined
        ? client.subscribe(sdkHandlers, subscribeOptions)
        : client.subscribe(options.partitionId, sdkHandlers, subscribeOptions);
      return { client, subscription };
    } catch (error) {
      client.close().catch(() => {});
      throw toHubError(error, "subscribe to the event hub");
    }
  }

  #checkStalls(): void {
    if (!this.#running || this.#restarting !== undefined) return;
    const now = Date.now();
    for (const partitionId of this.#partitions) {
      if ((this.#busy.get(partitionId) ?? 0) > 0) continue;
      const silentForMs = now - (this.#beats.get(partitionId) ?? now);
      if (silentForMs > this.#stallTimeoutInMs) {
        this.#restarting = this.#restart(partitionId, silentForMs).finally(() => {
          this.#restarting = undefined;
        });
        return;
      }
    }
  }

  /**
   * Replaces the SDK client after a partition reader went silent (a reader can hang for good
   * on a known SDK defect after a lost connection): stops the old client within a bounded
   * time, releases its partition claims, and subscribes again from the checkpoints. Batches of
   * the old client that were not processed yet are dropped; the new client reads them again.
   */
  async #restart(partitionId: string, silentForMs: number): Promise<void> {
    this.#stats.restarts++;
    const old = { client: this.#client, subscription: this.#subscription };
    this.#generation++;
    this.#partitions.clear();
    this.#beats.clear();
    this.#busy.clear();
    this.#dropPending();
    await this.#report(
      new HubError(
        `Cannot receive from partition ${partitionId} as it gave no sign of life for ${silentForMs} ms: reconnecting with a new client`,
        "Timeout",
        true,
      ),
      partitionId,
    );
    if (old.subscription !== undefined) {
      await settleWithinGuarded(() => old.subscription!.close(), this.#closeTimeoutInMs);
    }
    await this.#abandonClaims(old.client.identifier);
    void settleWithinGuarded(() => old.client.close(), this.#closeTimeoutInMs);
    if (!this.#running) return;
    try {
      const next = this.#start(this.#generation);
      this.#client = next.client;
      this.#subscription = next.subscription;
    } catch (error) {
      // Try again at the next stall check with the next generation.
      await this.#report(toHubError(error, "reconnect"), undefined);
    }
  }

  /** Marks the partitions claimed by `ownerId` as abandoned, so the next owner takes them now. */
  async #abandonClaims(ownerId: string): Promise<void> {
    const store = this.#options.checkpointStore;
    if (store === undefined) return;
    const consumerGroup = this.#options.consumerGroup ?? "$Default";
    try {
      const owned = await store.listOwnership(
        this.#client.fullyQualifiedNamespace,
        this.#client.eventHubName,
        consumerGroup,
      );
      const mine = owned.filter((o) => o.ownerId === ownerId);
      if (mine.length > 0) await store.claimOwnership(mine.map((o) => ({ ...o, ownerId: "" })));
    } catch (error) {
      await this.#report(
        toHubError(error, "release the partitions of a stalled client"),
        undefined,
      );
    }
  }

  get isRunning(): boolean {
    return this.#running;
  }

  get stats(): SubscriptionStats {
    return { ...this.#stats };
  }

  get partitions(): readonly string[] {
    return [...this.#partitions].sort((a, b) => Number(a) - Number(b) || a.localeCompare(b));
  }

  close(): Promise<void> {
    if (this.#closed === undefined) {
      this.#running = false;
      this.#forgetAbort?.();
      this.#releaseAll();
      clearInterval(this.#watchdog);
      this.#closed = (async () => {
        await this.#restarting;
        // The subscription's close may hang after a lost connection (a known SDK defect): the
        // connection is closed after a bounded wait regardless.
        const subscription = this.#subscription;
        if (subscription !== undefined) {
          await settleWithinGuarded(() => subscription.close(), this.#closeTimeoutInMs);
        }
        await settleWithinGuarded(() => this.#client.close(), this.#closeTimeoutInMs);
        this.#partitions.clear();
        this.#releaseGuard();
      })();
    }
    return this.#closed;
  }

  [Symbol.asyncIterator](): AsyncIterator<EventBatch<T>> {
    if (this.#handlers !== undefined) {
      throw new TypeError(
        "Cannot iterate over a subscription as it was started with handlers: call subscribeEvents(options) without handlers",
      );
    }
    if (this.#iterated) {
      throw new TypeError("Cannot iterate over a subscription twice");
    }
    this.#iterated = true;
    return {
      next: () => this.#next(),
      return: async () => {
        await this.close();
        return { done: true, value: undefined };
      },
    };
  }

  #next(): Promise<IteratorResult<EventBatch<T>>> {
    // Asking for the next batch means the previous one is processed.
    this.#inHand?.done(true);
    this.#inHand = undefined;
    if (this.#fatal !== undefined) {
      const error = this.#fatal;
      return this.close().then(() => Promise.reject(error));
    }
    const pending = this.#queue.shift();
    if (pending !== undefined) {
      this.#inHand = pending;
      return Promise.resolve({ done: false, value: pending.batch });
    }
    if (!this.#running) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve, reject) => {
      this.#readers.push(resolve);
      this.#readerFailures.push(reject);
    });
  }

  /** Hands a batch to the stream's reader; resolves `true` once the reader moved past it. */
  #deliver(batch: EventBatch<T>): Promise<boolean> {
    if (!this.#running) return Promise.resolve(false);
    return new Promise<boolean>((done) => {
      const pending = { batch, done };
      const reader = this.#readers.shift();
      if (reader !== undefined) {
        this.#readerFailures.shift();
        this.#inHand = pending;
        reader({ done: false, value: batch });
      } else {
        this.#queue.push(pending);
      }
    });
  }

  /** Settles the batch in hand and the queued ones as not processed (no checkpoint). */
  #dropPending(): void {
    this.#inHand?.done(false);
    this.#inHand = undefined;
    for (const pending of this.#queue.splice(0)) pending.done(false);
  }

  #releaseAll(): void {
    this.#dropPending();
    this.#readerFailures.splice(0);
    for (const reader of this.#readers.splice(0)) reader({ done: true, value: undefined });
  }

  async #processEvents(events: ReceivedEventData[], context: PartitionContext): Promise<void> {
    if (!this.#running) return;
    const deliverEmpty = this.#options.deliverEmptyBatches ?? false;
    if (events.length === 0 && !deliverEmpty) return;
    const partitionId = context.partitionId;
    const good: HubEvent<T>[] = [];
    const rejected: { event: ReceivedEventData; reason: string }[] = [];
    const decode = this.#options.decode;
    for (const event of events) {
      let body: T;
      try {
        body = decode === undefined ? event.body as T : decode(event.body, event);
      } catch (error) {
        rejected.push({ event, reason: error instanceof Error ? error.message : String(error) });
        continue;
      }
      good.push({
        partitionId,
        sequenceNumber: event.sequenceNumber,
        offset: event.offset,
        enqueuedTimeUtc: event.enqueuedTimeUtc,
        partitionKey: event.partitionKey ?? null,
        properties: event.properties,
        body,
      });
    }

    let checkpoint = this.#checkpoint;
    if (rejected.length > 0) {
      this.#stats.deadLettered += rejected.length;
      const sink = this.#options.deadLetters;
      if (sink !== undefined) {
        try {
          await sink.write(
            rejected.map(({ event, reason }) => toDeadLetterRecord(event, partitionId, reason)),
          );
        } catch (error) {
          // Without their dead letters on disk, these events must be read again: no checkpoint.
          checkpoint = false;
          await this.#report(
            new Error(
              `Cannot write ${rejected.length} dead letters of partition ${partitionId}`,
              { cause: error },
            ),
            partitionId,
          );
        }
      }
    }

    const last: ReceivedEventData | undefined = events[events.length - 1];
    const checkpointLast = async () => {
      if (last === undefined) return;
      try {
        await context.updateCheckpoint(last);
      } catch (error) {
        throw toHubError(error, `update the checkpoint of partition ${partitionId}`);
      }
      this.#stats.checkpoints++;
    };
    if (good.length > 0 || deliverEmpty) {
      const batch: EventBatch<T> = {
        partitionId,
        events: good,
        deadLettered: rejected.length,
        lastSequenceNumber: last?.sequenceNumber,
        lastEnqueuedEventProperties: this.#options.trackLastEnqueuedEventProperties
          ? context.lastEnqueuedEventProperties
          : undefined,
        checkpoint: checkpointLast,
      };
      if (good.length > 0) this.#stats.batches++;
      this.#stats.events += good.length;
      if (this.#handlers !== undefined) {
        try {
          await this.#handlers.processEvents(batch);
        } catch (error) {
          checkpoint = false;
          await this.#report(
            new Error(
              `Cannot process ${good.length} events of partition ${partitionId} as processEvents failed`,
              { cause: error },
            ),
            partitionId,
          );
        }
      } else if (!(await this.#deliver(batch))) {
        checkpoint = false;
      }
    }

    if (checkpoint) {
      try {
        await checkpointLast();
      } catch (error) {
        await this.#report(error as HubError, partitionId);
      }
    }
  }

  async #processError(error: Error, context: PartitionContext): Promise<void> {
    const partitionId = context?.partitionId ? context.partitionId : undefined;
    const where = partitionId === undefined ? "the event hub" : `partition ${partitionId}`;
    await this.#report(toHubError(error, `receive from ${where}`), partitionId);
  }

  async #report(error: Error, partitionId: string | undefined): Promise<void> {
    this.#stats.errors++;
    if (this.#handlers !== undefined) {
      try {
        await this.#handlers.processError?.(error, partitionId);
      } catch {
        // A failing error handler must not stop the consumer; the error is counted.
      }
      return;
    }
    if (error instanceof HubError && FATAL_CODES.has(error.code) && this.#fatal === undefined) {
      this.#fatal = error;
      const fail = this.#readerFailures.shift();
      if (fail !== undefined) {
        this.#readers.shift();
        this.close().catch(() => {}).finally(() => fail(error));
      }
    }
  }
}

function createClient(
  consumerGroup: string,
  connectionString: string,
  eventHubName: string | undefined,
  checkpointStore: CheckpointStore | undefined,
  clientOptions: EventHubClientOptions & { loadBalancingOptions?: LoadBalancingOptions },
): EventHubConsumerClient {
  if (eventHubName === undefined) {
    return checkpointStore === undefined
      ? new EventHubConsumerClient(consumerGroup, connectionString, clientOptions)
      : new EventHubConsumerClient(consumerGroup, connectionString, checkpointStore, clientOptions);
  }
  return checkpointStore === undefined
    ? new EventHubConsumerClient(consumerGroup, connectionString, eventHubName, clientOptions)
    : new EventHubConsumerClient(
      consumerGroup,
      connectionString,
      eventHubName,
      checkpointStore,
      clientOptions,
    );
}

function validate(options: SubscribeEventsOptions<unknown>): void {
  if (typeof options.connectionString !== "string" || options.connectionString.length === 0) {
    throw new TypeError(
      `Cannot subscribe to events as connectionString must be a non-empty string: current value is ${
        JSON.stringify(options.connectionString)
      }`,
    );
  }
  const maxBatchSize = options.maxBatchSize;
  if (maxBatchSize !== undefined && (!Number.isSafeInteger(maxBatchSize) || maxBatchSize < 1)) {
    throw new RangeError(
      `Cannot subscribe to events as maxBatchSize must be a positive integer: current value is ${maxBatchSize}`,
    );
  }
  const wait = options.maxWaitTimeInSeconds;
  if (wait !== undefined && (!Number.isFinite(wait) || wait <= 0)) {
    throw new RangeError(
      `Cannot subscribe to events as maxWaitTimeInSeconds must be a positive number: current value is ${wait}`,
    );
  }
  const stall = options.stallTimeoutInMs;
  if (
    stall !== undefined &&
    (!Number.isSafeInteger(stall) || stall <= (options.maxWaitTimeInSeconds ?? 5) * 1000)
  ) {
    throw new RangeError(
      `Cannot subscribe to events as stallTimeoutInMs must be an integer above maxWaitTimeInSeconds × 1000: current value is ${stall}`,
    );
  }
  const closeTimeout = options.closeTimeoutInMs;
  if (closeTimeout !== undefined && (!Number.isSafeInteger(closeTimeout) || closeTimeout < 1)) {
    throw new RangeError(
      `Cannot subscribe to events as closeTimeoutInMs must be a positive integer: current value is ${closeTimeout}`,
    );
  }
  if (options.consumerGroup !== undefined && options.consumerGroup.length === 0) {
    throw new TypeError(
      'Cannot subscribe to events as consumerGroup must be a non-empty string: current value is ""',
    );
  }
}
