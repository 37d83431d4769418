/**
 * A batching, retrying producer over the SDK's `EventHubProducerClient`.
 *
 * @module
 */

import {
  type CreateBatchOptions,
  type EventData,
  type EventDataBatch,
  type EventHubClientOptions,
  EventHubProducerClient,
  type OperationOptions,
} from "@azure/event-hubs";
import { HubError, toHubError } from "./errors.ts";
import { settleWithinGuarded } from "./_sdk_guard.ts";

/**
 * What {@linkcode EventSink} needs from a producer. `EventHubProducerClient` is one; tests may
 * pass their own.
 */
export interface EventSinkProducer {
  /** Creates an empty batch for one partition id or partition key (or neither). */
  createBatch(options?: CreateBatchOptions): Promise<EventDataBatch>;
  /** Sends a batch; resolves once the hub acknowledged it. */
  sendBatch(batch: EventDataBatch, options?: OperationOptions): Promise<void>;
  /** Closes the connection. */
  close(): Promise<void>;
}

/** Options for {@linkcode EventSink}. */
export interface EventSinkOptions {
  /**
   * The event hub, when the connection string has no `EntityPath`.
   * @default {undefined} (the connection string's `EntityPath`)
   */
  eventHubName?: string;
  /**
   * Partition key for every event that does not name its own; the same key always lands on
   * the same partition.
   * @default {undefined} (the hub spreads events over partitions)
   */
  partitionKey?: string;
  /**
   * Send every event that names no partition key or id to this partition.
   * @default {undefined}
   */
  partitionId?: string;
  /**
   * How long an event may wait in the buffer for more events to share its batch (under load
   * batches fill by size long before; this bounds the latency a lone event pays).
   * @default {5}
   */
  lingerInMs?: number;
  /**
   * Send as soon as this many events wait for one partition key / partition id.
   * @default {5000}
   */
  maxEventsPerBatch?: number;
  /**
   * Upper limit of one batch in bytes.
   * @default {undefined} (the largest message the hub accepts, 1 MB on Azure Standard)
   */
  maxBatchSizeInBytes?: number;
  /**
   * How many events may be buffered or in flight; `enqueue()` waits while the sink is full.
   * @default {100000}
   */
  maxBufferedEvents?: number;
  /**
   * How many batches may be in flight at once (each partition key / partition id has at
   * most one, which keeps its events in order).
   * @default {4}
   */
  maxConcurrentSends?: number;
  /**
   * How many times a batch is sent again after a retryable error.
   * @default {5}
   */
  maxRetries?: number;
  /**
   * Delay before the first retry; doubled for each further retry.
   * @default {100}
   */
  retryDelayInMs?: number;
  /**
   * Longest delay between retries.
   * @default {5000}
   */
  maxRetryDelayInMs?: number;
  /**
   * Called with the error and the events of each batch that could not be sent. When it is
   * not set, the error is thrown by the next `flush()` or `close()`.
   * @default {undefined}
   */
  onSendError?: (error: HubError, events: readonly EventData[]) => void;
  /**
   * Options for the `EventHubProducerClient` (user agent, web sockets, SDK retry policy).
   * The SDK's own retries default to none here, as the sink retries whole batches itself.
   * @default {{ retryOptions: { maxRetries: 0 } }}
   */
  clientOptions?: EventHubClientOptions;
}

/** Where one event goes: a partition key or a partition id overrides the sink's default. */
export interface EnqueueOptions {
  /** Partition key of this event. */
  partitionKey?: string;
  /** Partition of this event. */
  partitionId?: string;
  /** Cancels waiting for room in a full sink. */
  abortSignal?: AbortSignal;
}

/** Counters of an {@linkcode EventSink}. */
export interface EventSinkStats {
  /** Events accepted by `enqueue()`. */
  enqueued: number;
  /** Events acknowledged by the hub. */
  sent: number;
  /** Events given up on (after retries, or not retryable). */
  failed: number;
  /** Batches acknowledged by the hub. */
  batches: number;
  /** Batch sends repeated after a retryable error. */
  retries: number;
  /** Events buffered or in flight now. */
  pending: number;
}

interface Route {
  batchOptions: CreateBatchOptions;
  buffer: EventData[];
  bytes: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  drainScheduled: boolean;
  tail: Promise<void>;
}

const EVENT_OVERHEAD_BYTES = 64;
const CLOSE_TIMEOUT_IN_MS = 5000;

/**
 * Buffers events and sends them in batches (`createBatch` / `tryAdd`): a partition key's or
 * partition's buffer is sent when it holds `maxEventsPerBatch` events or a batch's worth of
 * bytes, or `lingerInMs` after its first event; retryable errors are retried with exponential
 * back-off; `flush()` waits until everything enqueued before it is acknowledged; `close()`
 * flushes and closes the connection. Events with the same partition key or partition id are
 * sent in the order they were enqueued.
 *
 * The connection string is passed to the SDK unchanged, so `...;UseDevelopmentEmulator=true`
 * reaches the local emulator and an Azure connection string reaches Azure.
 *
 * @example
 * ```ts ignore
 * import { encodeTweetEvent, EventSink } from "@/hub";
 * const sink = new EventSink(connectionString, { eventHubName: "tweets" });
 * await sink.enqueue({ body: encodeTweetEvent({ timestamp: new Date().toISOString(), favorite: 3 }) });
 * await sink.close(); // flushes
 * ```
 */
export class EventSink {
  #producer: EventSinkProducer;
  #ownsProducer: boolean;
  #options: Required<
    Omit<
      EventSinkOptions,
      | "eventHubName"
      | "partitionKey"
      | "partitionId"
      | "maxBatchSizeInBytes"
      | "onSendError"
      | "clientOptions"
    >
  >;
  #partitionKey: string | undefined;
  #partitionId: string | undefined;
  #maxBatchSizeInBytes: number | undefined;
  #onSendError: EventSinkOptions["onSendError"];
  #routes = new Map<string, Route>();
  #stats = { enqueued: 0, sent: 0, failed: 0, batches: 0, retries: 0 };
  #unreportedErrors: HubError[] = [];
  #activeSends = 0;
  #sendWaiters: (() => void)[] = [];
  #roomWaiters: (() => void)[] = [];
  #closing = false;
  #closed: Promise<void> | undefined;

  /**
   * @param connection A connection string (passed to the SDK unchanged) or a producer.
   * @param options Batching, routing and retry settings.
   */
  constructor(connection: string | EventSinkProducer, options: EventSinkOptions = {}) {
    const lingerInMs = options.lingerInMs ?? 5;
    const maxEventsPerBatch = options.maxEventsPerBatch ?? 5000;
    const maxBufferedEvents = options.maxBufferedEvents ?? 100_000;
    const maxConcurrentSends = options.maxConcurrentSends ?? 4;
    const maxRetries = options.maxRetries ?? 5;
    const retryDelayInMs = options.retryDelayInMs ?? 100;
    const maxRetryDelayInMs = options.maxRetryDelayInMs ?? 5000;
    requireInteger("lingerInMs", lingerInMs, 0);
    requireInteger("maxEventsPerBatch", maxEventsPerBatch, 1);
    requireInteger("maxBufferedEvents", maxBufferedEvents, 1);
    requireInteger("maxConcurrentSends", maxConcurrentSends, 1);
    requireInteger("maxRetries", maxRetries, 0);
    requireInteger("retryDelayInMs", retryDelayInMs, 0);
    requireInteger("maxRetryDelayInMs", maxRetryDelayInMs, 0);
    if (options.maxBatchSizeInBytes !== undefined) {
      requireInteger("maxBatchSizeInBytes", options.maxBatchSizeInBytes, 1);
    }
    if (options.partitionKey !== undefined && options.partitionId !== undefined) {
      throw new TypeError(
        `Cannot create event sink as partitionKey and partitionId exclude each other: current values are ${
          JSON.stringify(options.partitionKey)
        } and ${JSON.stringify(options.partitionId)}`,
      );
    }
    this.#options = {
      lingerInMs,
      maxEventsPerBatch,
      maxBufferedEvents,
      maxConcurrentSends,
      maxRetries,
      retryDelayInMs,
      maxRetryDelayInMs,
    };
    this.#partitionKey = options.partitionKey;
    this.#partitionId = options.partitionId;
    this.#maxBatchSizeInBytes = options.maxBatchSizeInBytes;
    this.#onSendError = options.onSendError;

    if (typeof connection === "string") {
      if (connection.length === 0) {
        throw new TypeError(
          'Cannot create event sink as connectionString must be a non-empty string: current value is ""',
        );
      }
      const clientOptions: EventHubClientOptions = {
        ...options.clientOptions,
        retryOptions: { maxRetries: 0, ...options.clientOptions?.retryOptions },
      };
      try {
        this.#producer = options.eventHubName === undefined
          ? new EventHubProducerClient(connection, clientOptions)
          : new EventHubProducerClient(connection, options.eventHubName, clientOptions);
      } catch (error) {
        throw toHubError(error, "create an Event Hubs producer");
      }
      this.#ownsProducer = true;
    } else {
      this.#producer = connection;
      this.#ownsProducer = false;
    }
  }

  /** A snapshot of the counters. */
  get stats(): EventSinkStats {
    return { ...this.#stats, pending: this.#pending() };
  }

  /**
   * Adds an event to the buffer. Resolves once the event is buffered (waiting while the sink
   * holds `maxBufferedEvents`), not when it is sent: use `flush()` for that.
   *
   * @throws {TypeError} for conflicting routing options or after `close()`.
   */
  async enqueue(event: EventData, options: EnqueueOptions = {}): Promise<void> {
    if (this.#closing) {
      throw new TypeError("Cannot enqueue an event as the event sink is closed");
    }
    if (options.partitionKey !== undefined && options.partitionId !== undefined) {
      throw new TypeError(
        `Cannot enqueue an event as partitionKey and partitionId exclude each other: current values are ${
          JSON.stringify(options.partitionKey)
        } and ${JSON.stringify(options.partitionId)}`,
      );
    }
    while (this.#pending() >= this.#options.maxBufferedEvents) {
      await this.#waitForRoom(options.abortSignal);
      if (this.#closing) {
        throw new TypeError("Cannot enqueue an event as the event sink is closed");
      }
    }
    const route = this.#route(options);
    route.buffer.push(event);
    route.bytes += estimateSize(event);
    this.#stats.enqueued++;
    if (
      route.buffer.length >= this.#options.maxEventsPerBatch ||
      (this.#maxBatchSizeInBytes !== undefined && route.bytes >= this.#maxBatchSizeInBytes)
    ) {
      this.#scheduleDrain(route);
    } else if (route.timer === undefined && !route.drainScheduled) {
      route.timer = setTimeout(() => {
        route.timer = undefined;
        this.#scheduleDrain(route);
      }, this.#options.lingerInMs);
    }
  }

  /**
   * Sends everything buffered and waits until every event enqueued before this call is
   * acknowledged or given up on.
   *
   * @throws {HubError} the first send error since the previous flush, when no `onSendError`
   * handler is set.
   */
  async flush(): Promise<void> {
    for (const route of this.#routes.values()) this.#scheduleDrain(route);
    await Promise.all([...this.#routes.values()].map((route) => route.tail));
    const errors = this.#unreportedErrors.splice(0);
    if (errors.length > 0) throw errors[0];
  }

  /**
   * Flushes, then closes the connection (when the sink created it). Later `enqueue()` calls
   * throw. Safe to call twice.
   *
   * @throws {HubError} as `flush()`.
   */
  close(): Promise<void> {
    if (this.#closed === undefined) {
      this.#closing = true;
      this.#closed = (async () => {
        try {
          await this.flush();
        } finally {
          for (const wake of this.#roomWaiters.splice(0)) wake();
          if (this.#ownsProducer) {
            // Bounded and guarded: after a lost connection the SDK's close can hang or throw
            // an uncaught TypeError (see _sdk_guard.ts); there is nothing left to retry.
            await settleWithinGuarded(() => this.#producer.close(), CLOSE_TIMEOUT_IN_MS);
          }
        }
        const errors = this.#unreportedErrors.splice(0);
        if (errors.length > 0) throw errors[0];
      })();
    }
    return this.#closed;
  }

  #pending(): number {
    return this.#stats.enqueued - this.#stats.sent - this.#stats.failed;
  }

  #route(options: EnqueueOptions): Route {
    const partitionKey = options.partitionKey ??
      (options.partitionId === undefined ? this.#partitionKey : undefined);
    const partitionId = options.partitionId ??
      (options.partitionKey === undefined && partitionKey === undefined
        ? this.#partitionId
        : undefined);
    const key = partitionId !== undefined
      ? `id:${partitionId}`
      : partitionKey !== undefined
      ? `key:${partitionKey}`
      : "any";
    let route = this.#routes.get(key);
    if (route === undefined) {
      const batchOptions: CreateBatchOptions = {};
      if (partitionId !== undefined) batchOptions.partitionId = partitionId;
      if (partitionKey !== undefined) batchOptions.partitionKey = partitionKey;
      if (this.#maxBatchSizeInBytes !== undefined) {
        batchOptions.maxSizeInBytes = this.#maxBatchSizeInBytes;
      }
      route = {
        batchOptions,
        buffer: [],
        bytes: 0,
        timer: undefined,
        drainScheduled: false,
        tail: Promise.resolve(),
      };
      this.#routes.set(key, route);
    }
    return route;
  }

  #scheduleDrain(route: Route): void {
    if (route.timer !== undefined) {
      clearTimeout(route.timer);
      route.timer = undefined;
    }
    if (route.drainScheduled || route.buffer.length === 0) return;
    route.drainScheduled = true;
    route.tail = route.tail.then(() => this.#drain(route)).catch((error) =>
      this.#report(toHubError(error, `send to ${describeRoute(route)}`), [])
    );
  }

  /** Sends everything in the route's buffer, batch after batch. Never rejects. */
  async #drain(route: Route): Promise<void> {
    route.drainScheduled = false;
    const events = route.buffer;
    route.buffer = [];
    route.bytes = 0;
    await this.#acquireSendSlot();
    try {
      let index = 0;
      while (index < events.length) {
        index = await this.#sendFrom(route, events, index);
      }
    } finally {
      this.#releaseSendSlot();
    }
  }

  /** Sends one batch starting at `events[start]`; returns the index after the last event. */
  async #sendFrom(route: Route, events: EventData[], start: number): Promise<number> {
    let attempt = 0;
    for (;;) {
      let batch: EventDataBatch;
      let end = start;
      try {
        batch = await this.#producer.createBatch(route.batchOptions);
        while (end < events.length && batch.tryAdd(events[end])) end++;
      } catch (error) {
        const hubError = toHubError(error, `create a batch for ${describeRoute(route)}`);
        if (await this.#shouldRetry(hubError, attempt++)) continue;
        this.#fail(hubError, events.slice(start));
        return events.length;
      }
      if (end === start) {
        const size = estimateSize(events[start]);
        this.#fail(
          new HubError(
            `Cannot send an event to ${
              describeRoute(route)
            } as it must fit in one batch of ${batch.maxSizeInBytes} bytes: current size is about ${size} bytes`,
            "MessageTooLarge",
            false,
          ),
          [events[start]],
        );
        return start + 1;
      }
      try {
        await this.#producer.sendBatch(batch);
        this.#stats.sent += end - start;
        this.#stats.batches++;
        this.#wakeRoomWaiters();
        return end;
      } catch (error) {
        const hubError = toHubError(
          error,
          `send a batch of ${end - start} events to ${describeRoute(route)}`,
        );
        if (await this.#shouldRetry(hubError, attempt++)) continue;
        this.#fail(hubError, events.slice(start, end));
        return end;
      }
    }
  }

  async #shouldRetry(error: HubError, attempt: number): Promise<boolean> {
    if (!error.retryable || attempt >= this.#options.maxRetries) return false;
    const delay = Math.min(
      this.#options.retryDelayInMs * 2 ** attempt,
      this.#options.maxRetryDelayInMs,
    );
    await new Promise<void>((resolve) => setTimeout(resolve, delay));
    this.#stats.retries++;
    return true;
  }

  #fail(error: HubError, events: readonly EventData[]): void {
    this.#stats.failed += events.length;
    this.#wakeRoomWaiters();
    this.#report(error, events);
  }

  #report(error: HubError, events: readonly EventData[]): void {
    if (this.#onSendError === undefined) {
      this.#unreportedErrors.push(error);
      return;
    }
    try {
      this.#onSendError(error, events);
    } catch {
      // A failing error handler must not stop the sink; the error is counted in stats.
    }
  }

  async #acquireSendSlot(): Promise<void> {
    while (this.#activeSends >= this.#options.maxConcurrentSends) {
      await new Promise<void>((resolve) => this.#sendWaiters.push(resolve));
    }
    this.#activeSends++;
  }

  #releaseSendSlot(): void {
    this.#activeSends--;
    this.#sendWaiters.shift()?.();
  }

  #waitForRoom(abortSignal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (abortSignal?.aborted) {
        reject(abortSignal.reason);
        return;
      }
      const onAbort = () => {
        const i = this.#roomWaiters.indexOf(wake);
        if (i >= 0) this.#roomWaiters.splice(i, 1);
        reject(abortSignal?.reason);
      };
      const wake = () => {
        abortSignal?.removeEventListener("abort", onAbort);
        resolve();
      };
      abortSignal?.addEventListener("abort", onAbort, { once: true });
      this.#roomWaiters.push(wake);
      // The sink may be full only of events that still wait for their linger timer.
      for (const route of this.#routes.values()) this.#scheduleDrain(route);
    });
  }

  #wakeRoomWaiters(): void {
    if (this.#pending() < this.#options.maxBufferedEvents) {
      for (const wake of this.#roomWaiters.splice(0)) wake();
    }
  }
}

function describeRoute(route: Route): string {
  if (route.batchOptions.partitionId !== undefined) {
    return `partition ${route.batchOptions.partitionId}`;
  }
  if (route.batchOptions.partitionKey !== undefined) {
    return `partition key ${JSON.stringify(route.batchOptions.partitionKey)}`;
  }
  return "the event hub";
}

function estimateSize(event: EventData): number {
  const body = event.body;
  if (body instanceof Uint8Array) return body.length + EVENT_OVERHEAD_BYTES;
  if (typeof body === "string") return body.length * 3 + EVENT_OVERHEAD_BYTES;
  return EVENT_OVERHEAD_BYTES * 4;
}

function requireInteger(name: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new RangeError(
      `Cannot create event sink as ${name} must be an integer >= ${min}: current value is ${value}`,
    );
  }
}
