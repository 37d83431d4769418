/**
 * The analyze job's first half: consume the hub → decode → window → commit to the history
 * table, exactly once.
 *
 * Each micro-batch is committed to the history table as one Delta commit that carries
 * `txn { appId, version: batchId }` and, in `commitInfo.hubwatchProgress`, the last sequence
 * number consumed per partition and the largest event time. On (re)start the job reads that
 * progress back, rebuilds the open windows from the table, and asks the source to start each
 * partition just after the committed position; events at or before it are skipped. A crash at
 * any point therefore neither loses nor double-counts an event. An Event Hubs checkpoint store
 * is not needed (the table is the source of truth).
 *
 * @module
 */
import { join } from "node:path";
import {
  type CheckpointStore,
  earliestEventPosition,
  EventHubConsumerClient,
  type EventPosition,
} from "@azure/event-hubs";
import { toHubError } from "../hub/errors.ts";
import { decodeTweetEvent, type TweetEvent } from "../hub/codec.ts";
import { type DeadLetterRecord, toDeadLetterRecord } from "../hub/dead_letter.ts";
import { subscribeEvents } from "../hub/subscribe_events.ts";
import {
  HistoryTable,
  type HistoryTableOptions,
  type PartitionPosition,
  progressWatermarkInMs,
  type StreamProgress,
} from "../store/history_table.ts";
import { WindowAggregator, type WindowEvent, type WindowRow } from "../window/mod.ts";

/**
 * One consumed event with its position in the hub: decoded (`event`), or undecodable
 * (`deadLetter`: not windowed, written to the table's dead-letter log with the micro-batch).
 */
export type SourceEvent =
  & {
    /** Partition the event was read from. */
    partitionId: string;
    /** Position in the partition (increases by 1 per event). */
    sequenceNumber: number;
    /** Opaque offset of the event. */
    offset: string;
  }
  & (
    | {
      /** The decoded event. */
      event: WindowEvent;
      deadLetter?: undefined;
    }
    | {
      event?: undefined;
      /** The raw event and why it could not be decoded. */
      deadLetter: DeadLetterRecord;
    }
  );

/** Where the source must start: partition id → last event already committed. */
export interface SourceStart {
  /** Resume each listed partition just after this position; others from the beginning. */
  positions: Readonly<Record<string, PartitionPosition>>;
  /** Aborted when the job stops; the source must end its iteration then. */
  abortSignal: AbortSignal;
}

/**
 * What a source reports besides events, so that the watermark waits for partitions that have
 * events still to deliver but not for those that have none.
 */
export type SourceSignal =
  | {
    /** The partitions the source reads: each holds the watermark back until it delivers. */
    type: "partitions";
    partitionIds: readonly string[];
  }
  | {
    /**
     * Everything the partition held was delivered (up to this point in the iteration): it
     * stops holding the watermark back until its next event.
     */
    type: "caughtUp";
    partitionId: string;
  };

/**
 * What the analyze job consumes: an async iterable of event batches (any partitions, in
 * partition order per partition) and, optionally, {@linkcode SourceSignal}s, opened at the given
 * positions. A source that sends no signals lets partitions join the watermark with their first
 * event.
 */
export type AnalyzeSource = (start: SourceStart) => AsyncIterable<SourceEvent[] | SourceSignal>;

/** True for a {@linkcode SourceSignal}, false for a batch of events. */
export function isSourceSignal(item: SourceEvent[] | SourceSignal): item is SourceSignal {
  return !Array.isArray(item);
}

/** Options for {@linkcode hubSource}. */
export interface HubSourceOptions {
  /** Event Hubs (or emulator) connection string. */
  connectionString: string;
  /**
   * Hub name when the connection string has no `EntityPath`.
   * @default {undefined}
   */
  eventHubName?: string;
  /**
   * Consumer group.
   * @default {"$Default"}
   */
  consumerGroup?: string;
  /**
   * Most events per hub batch.
   * @default {500}
   */
  maxBatchSize?: number;
  /**
   * Longest wait for a hub batch to fill.
   * @default {1}
   */
  maxWaitTimeInSeconds?: number;
  /**
   * Where partitions with no committed position start: `"earliest"` or `"latest"`.
   * @default {"earliest"}
   */
  startFrom?: "earliest" | "latest";
}

/** What the hub source's decoder gives for one body. */
type Decoded = { event: TweetEvent; reason?: undefined } | { reason: string; body: unknown };

/**
 * An {@linkcode AnalyzeSource} over Event Hubs with `subscribeEvents`: every partition, bodies
 * decoded with the tutorial's codec, each partition started after its committed sequence number
 * (no checkpoint store, so the SDK cannot start anywhere else).
 *
 * It signals the hub's partitions first, then a partition as caught up when it has delivered
 * the partition's last enqueued event (known from the runtime metrics sent with every batch)
 * or, after a wait with no events, when the partition's properties show nothing beyond what was
 * read. A partition whose reader starts late therefore holds the watermark back, and one that
 * receives nothing does not. An undecodable body is handed on as a `deadLetter` with the
 * decoder's reason, so that the analyze job logs it exactly once with its micro-batch.
 */
export function hubSource(options: HubSourceOptions): AnalyzeSource {
  const consumerGroup = options.consumerGroup ?? "$Default";
  return (start) => ({
    async *[Symbol.asyncIterator]() {
      const management = managementClient(options, consumerGroup);
      try {
        const partitionIds = await readPartitionIds(management, start.abortSignal);
        // The last sequence number read (or skipped) per partition; -1 before the first.
        const lastRead = new Map<string, number>();
        const startPosition: Record<string, EventPosition> = {};
        for (const partitionId of partitionIds) {
          const done = start.positions[partitionId];
          if (done !== undefined) {
            startPosition[partitionId] = {
              sequenceNumber: done.sequenceNumber,
              isInclusive: false,
            };
            lastRead.set(partitionId, done.sequenceNumber);
          } else if (options.startFrom === "latest") {
            // An explicit position rather than "latest": what is skipped is then known exactly.
            const last = await lastEnqueuedSequenceNumber(management, partitionId, start, true);
            startPosition[partitionId] = last === -1
              ? earliestEventPosition
              : { sequenceNumber: last!, isInclusive: false };
            lastRead.set(partitionId, last!);
          } else {
            startPosition[partitionId] = earliestEventPosition;
            lastRead.set(partitionId, -1);
          }
        }
        yield { type: "partitions", partitionIds };
        const stream = subscribeEvents<Decoded>({
          connectionString: options.connectionString,
          eventHubName: options.eventHubName,
          consumerGroup,
          maxBatchSize: options.maxBatchSize ?? 500,
          maxWaitTimeInSeconds: options.maxWaitTimeInSeconds ?? 1,
          startPosition,
          decode: (body) => {
            try {
              return { event: decodeTweetEvent(body) };
            } catch (error) {
              return { reason: error instanceof Error ? error.message : String(error), body };
            }
          },
          trackLastEnqueuedEventProperties: true,
          deliverEmptyBatches: true,
          abortSignal: start.abortSignal,
        });
        // The lastRead value at which a partition was last signalled caught up.
        const signalledAt = new Map<string, number>();
        try {
          for await (const batch of stream) {
            const partitionId = batch.partitionId;
            if (batch.events.length > 0) {
              yield batch.events.map((e): SourceEvent => {
                const position = {
                  partitionId,
                  sequenceNumber: e.sequenceNumber,
                  offset: e.offset,
                };
                const decoded = e.body;
                return decoded.reason === undefined
                  ? {
                    ...position,
                    event: {
                      timestamp: Date.parse(decoded.event.timestamp),
                      favorite: decoded.event.favorite,
                    },
                  }
                  : {
                    ...position,
                    deadLetter: toDeadLetterRecord(
                      { ...e, body: decoded.body },
                      partitionId,
                      decoded.reason,
                    ),
                  };
              });
            }
            const before = lastRead.get(partitionId) ?? -1;
            const at = Math.max(before, batch.lastSequenceNumber ?? -1);
            lastRead.set(partitionId, at);
            if (signalledAt.get(partitionId) === at) continue;
            // A batch of events carries the partition's last enqueued event; after an empty
            // wait, ask the hub whether anything is left (once per position).
            const last = batch.lastSequenceNumber !== undefined
              ? batch.lastEnqueuedEventProperties?.sequenceNumber
              : await lastEnqueuedSequenceNumber(management, partitionId, start);
            if (last !== undefined && last <= at) {
              signalledAt.set(partitionId, at);
              yield { type: "caughtUp", partitionId };
            }
          }
        } finally {
          await stream.close();
        }
      } finally {
        await management.close().catch(() => undefined);
      }
    },
  });
}

/** A client for the hub's management requests (partition ids and properties). */
function managementClient(
  options: HubSourceOptions,
  consumerGroup: string,
): EventHubConsumerClient {
  try {
    return options.eventHubName === undefined
      ? new EventHubConsumerClient(consumerGroup, options.connectionString)
      : new EventHubConsumerClient(consumerGroup, options.connectionString, options.eventHubName);
  } catch (error) {
    throw toHubError(error, "create an Event Hubs client");
  }
}

/** The hub's partition ids (every partition needs an explicit start position). */
async function readPartitionIds(
  client: EventHubConsumerClient,
  abortSignal: AbortSignal,
): Promise<string[]> {
  try {
    return await client.getPartitionIds({ abortSignal });
  } catch (error) {
    throw toHubError(error, "read the event hub's partition ids");
  }
}

/**
 * The sequence number of a partition's last enqueued event: -1 for a partition that holds no
 * event (empty, or all expired). When the hub cannot be asked: throws a `HubError` with
 * `required`, else `undefined` (the partition is then not signalled caught up; the next empty
 * wait asks again).
 */
async function lastEnqueuedSequenceNumber(
  client: EventHubConsumerClient,
  partitionId: string,
  start: SourceStart,
  required = false,
): Promise<number | undefined> {
  try {
    const properties = await client.getPartitionProperties(partitionId, {
      abortSignal: start.abortSignal,
    });
    return properties.isEmpty ? -1 : properties.lastEnqueuedSequenceNumber;
  } catch (error) {
    if (required) throw toHubError(error, `read the properties of partition ${partitionId}`);
    return undefined;
  }
}

/**
 * Where committed positions are mirrored as Event Hubs checkpoints: a hint for monitoring and
 * other tools (consumer lag). The job itself never starts from these checkpoints; it starts
 * from the positions in the history table.
 */
export interface CheckpointHint {
  /** Any SDK `CheckpointStore` (blob, file). */
  checkpointStore: CheckpointStore;
  /** The namespace host, e.g. `mynamespace.servicebus.windows.net`. */
  fullyQualifiedNamespace: string;
  /** The event hub. */
  eventHubName: string;
  /** The consumer group. */
  consumerGroup: string;
}

/** Progress after each committed micro-batch. */
export interface AnalyzeProgress {
  /** The micro-batch just committed. */
  batchId: number;
  /** Table version holding it. */
  tableVersion: number;
  /** Events counted into windows in this micro-batch. */
  events: number;
  /** Late events in this micro-batch. */
  lateEvents: number;
  /** Windows written (updated or final). */
  windows: number;
  /** Events counted into windows since the job started. */
  totalEvents: number;
  /** Watermark after the micro-batch. */
  watermark: Date | null;
  /** Positions committed. */
  positions: Readonly<Record<string, PartitionPosition>>;
}

/** How an analyze run ended. */
export interface AnalyzeSummary {
  /** `"end"`: the source ended; `"idle"`: no event for `idleTimeoutInMs`; `"abort"`: `abortSignal`. */
  stoppedBy: "end" | "idle" | "abort";
  /** Micro-batches committed by this run. */
  batches: number;
  /** Events counted into windows by this run. */
  events: number;
  /** Late events (written to the late-events log) by this run. */
  lateEvents: number;
  /**
   * Events not windowed because they could not be decoded or have an invalid timestamp or
   * favorite; each is written to the dead-letter log ({@linkcode readDeadLetters}).
   */
  rejectedEvents: number;
  /** Events at or before an already committed position (re-delivered), skipped. */
  duplicatesSkipped: number;
  /** Batch id this run resumed at (0 for a new stream). */
  firstBatchId: number;
  /** Next batch id to commit. */
  nextBatchId: number;
  /** Latest table version after the run. */
  tableVersion: number;
  /** Checkpoint-hint updates that failed (the commits stand). */
  checkpointErrors: number;
  /** Run time. */
  elapsedInMs: number;
}

/** Options for {@linkcode analyze}. */
export interface AnalyzeOptions {
  /** Where events come from (e.g. {@linkcode hubSource}). */
  source: AnalyzeSource;
  /** History table folder. */
  tablePath: string;
  /**
   * Stream identity in the table's `txn` actions: use one per hub + consumer group + table.
   * @default {"hubwatch-analyze"}
   */
  appId?: string;
  /**
   * Window size.
   * @default {3600000} (1 hour)
   */
  sizeInMs?: number;
  /**
   * Lateness allowed behind the largest event time.
   * @default {3600000} (1 hour)
   */
  graceInMs?: number;
  /**
   * Commit a micro-batch once this many events are pending.
   * @default {10000}
   */
  maxBatchEvents?: number;
  /**
   * Commit pending events at least this often.
   * @default {1000}
   */
  triggerIntervalInMs?: number;
  /**
   * Stop (after committing) when no event arrived for this long.
   * @default {undefined} (run until the source ends or `abortSignal`)
   */
  idleTimeoutInMs?: number;
  /**
   * Options for the history table.
   * @default {{}}
   */
  tableOptions?: HistoryTableOptions;
  /**
   * Called after each committed micro-batch (errors it throws are ignored).
   * @default {undefined}
   */
  onProgress?: (progress: AnalyzeProgress) => void;
  /**
   * Mirror each committed position into an Event Hubs checkpoint store (a hint only).
   * @default {undefined}
   */
  checkpointHint?: CheckpointHint;
  /** Stops the job; pending events are committed first. */
  abortSignal?: AbortSignal;
}

/** Folder, inside the table, of the late-events log (one JSON-lines file per micro-batch). */
export const LATE_EVENTS_DIR = "_late_events";

/**
 * Folder, inside the table, of the dead-letter log: events that could not be windowed, with the
 * reason (one JSON-lines file per micro-batch).
 */
export const DEAD_LETTERS_DIR = "_dead_letters";

/**
 * Runs the analyze job's first half until the source ends, `idleTimeoutInMs` passes without
 * events, or `abortSignal` fires. Resolves with a summary; rejects only when the table cannot
 * be committed to (the failed micro-batch is re-read on the next run).
 *
 * @example
 * ```ts
 * import { analyze, type AnalyzeSource } from "./analyze.ts";
 * const events = [10, 20, 70].map((minute, i) => ({
 *   partitionId: "0",
 *   sequenceNumber: i,
 *   offset: String(i),
 *   event: { timestamp: Date.UTC(2024, 0, 1, 0, minute), favorite: i + 1 },
 * }));
 * const source: AnalyzeSource = ({ positions }) => ({
 *   async *[Symbol.asyncIterator]() {
 *     yield events.filter((e) => e.sequenceNumber > (positions["0"]?.sequenceNumber ?? -1));
 *   },
 * });
 * const tablePath = await Deno.makeTempDir();
 * const summary = await analyze({ source, tablePath });
 * console.assert(summary.events === 3 && summary.batches === 1);
 * const again = await analyze({ source, tablePath }); // resumes after position 2: nothing new
 * console.assert(again.events === 0 && again.firstBatchId === 1);
 * await Deno.remove(tablePath, { recursive: true });
 * ```
 */
export async function analyze(options: AnalyzeOptions): Promise<AnalyzeSummary> {
  const started = performance.now();
  const appId = options.appId ?? "hubwatch-analyze";
  const maxBatchEvents = options.maxBatchEvents ?? 10_000;
  const triggerIntervalInMs = options.triggerIntervalInMs ?? 1000;
  for (
    const [name, value] of [
      ["maxBatchEvents", maxBatchEvents],
      ["triggerIntervalInMs", triggerIntervalInMs],
      ["idleTimeoutInMs", options.idleTimeoutInMs ?? 1],
    ] as const
  ) {
    if (!Number.isFinite(value) || value <= 0) {
      throw new RangeError(
        `Cannot start analyze as ${name} must be a positive number: current value is ${value}`,
      );
    }
  }
  const table = await HistoryTable.open(options.tablePath, options.tableOptions);
  const progress = await table.streamProgress(appId);
  const positions: Record<string, PartitionPosition> = { ...progress?.positions };
  const maxEventTimeByPartition = { ...progress?.maxEventTimeByPartition };
  const graceInMs = options.graceInMs ?? 3_600_000;
  const watermarkInMs = progressWatermarkInMs(progress, graceInMs);
  const openWindows: WindowRow[] = (await table.read()).filter((w) =>
    watermarkInMs === undefined || w.windowEnd.getTime() > watermarkInMs
  );
  const aggregator = new WindowAggregator({
    sizeInMs: options.sizeInMs,
    graceInMs,
    initialState: { maxEventTimeByPartition, openWindows, watermarkInMs },
  });
  const firstBatchId = progress ? progress.batchId + 1 : 0;
  let batchId = firstBatchId;
  const summary: AnalyzeSummary = {
    stoppedBy: "end",
    batches: 0,
    events: 0,
    lateEvents: 0,
    rejectedEvents: 0,
    duplicatesSkipped: 0,
    firstBatchId,
    nextBatchId: firstBatchId,
    tableVersion: await table.latestVersion(),
    checkpointErrors: 0,
    elapsedInMs: 0,
  };

  const stop = new AbortController();
  const onAbort = () => stop.abort();
  options.abortSignal?.addEventListener("abort", onAbort, { once: true });
  if (options.abortSignal?.aborted) stop.abort();

  const notify = (p: AnalyzeProgress) => {
    try {
      options.onProgress?.(p);
    } catch {
      // A failing progress callback must not stop the job.
    }
  };

  let pending: SourceEvent[] = [];
  // Partitions signalled caught up after their last pending event.
  let pendingCaughtUp = new Set<string>();
  let pendingSince = 0;
  const hasPending = () => pending.length > 0 || pendingCaughtUp.size > 0;

  const commit = async () => {
    const fresh: SourceEvent[] = [];
    const next = { ...positions };
    for (const item of pending) {
      const done = next[item.partitionId];
      if (done !== undefined && item.sequenceNumber <= done.sequenceNumber) {
        summary.duplicatesSkipped++;
        continue;
      }
      fresh.push(item);
      next[item.partitionId] = { sequenceNumber: item.sequenceNumber, offset: item.offset };
    }
    const caughtUp = pendingCaughtUp;
    pending = [];
    pendingCaughtUp = new Set();
    if (fresh.length === 0 && caughtUp.size === 0) return;
    const watermarkBefore = aggregator.watermark?.getTime();
    const deadLetters: DeadLetterRecord[] = [];
    const inputs = new Map<WindowEvent, SourceEvent>();
    for (const item of fresh) {
      if (item.deadLetter !== undefined) deadLetters.push(item.deadLetter);
      else inputs.set({ ...item.event, partitionId: item.partitionId }, item);
    }
    const result = aggregator.add(inputs.keys(), { caughtUp });
    for (const { event, error } of result.rejectedEvents) {
      const item = inputs.get(event as WindowEvent)!;
      deadLetters.push({
        partitionId: item.partitionId,
        sequenceNumber: item.sequenceNumber,
        offset: item.offset,
        enqueuedTimeUtc: "",
        reason: error.message,
        body: safeJson(item.event),
        bodyEncoding: "json",
      });
    }
    // Signals alone are committed only when they moved the watermark (closing windows).
    if (fresh.length === 0 && result.watermark?.getTime() === watermarkBefore) return;
    await writeBatchLog(
      options.tablePath,
      LATE_EVENTS_DIR,
      batchId,
      result.lateEvents.map((e) => ({
        batchId,
        timestamp: e.timestamp.toISOString(),
        favorite: e.favorite,
        groupTime: e.groupTime.toISOString(),
        watermark: e.watermark.toISOString(),
      })),
    );
    await writeBatchLog(
      options.tablePath,
      DEAD_LETTERS_DIR,
      batchId,
      deadLetters.sort((a, b) =>
        a.partitionId.localeCompare(b.partitionId) || a.sequenceNumber - b.sequenceNumber
      ).map((record) => ({ batchId, ...record })),
    );
    const snapshot = aggregator.snapshot();
    const streamProgress: StreamProgress = {
      appId,
      batchId,
      positions: next,
      maxEventTimeByPartition: snapshot.maxEventTimeByPartition,
      watermarkInMs: snapshot.watermarkInMs ?? null,
    };
    const windows: WindowRow[] = result.windows.map(({ status: _status, ...row }) => row);
    const committed = await table.write(windows, { mode: "merge", progress: streamProgress });
    if (!committed.committed) {
      throw new Error(
        `Cannot commit batch ${batchId} of stream ${appId} as another writer already committed it: run one analyze job per appId`,
      );
    }
    const changed = Object.entries(next).filter(([id, p]) =>
      positions[id]?.sequenceNumber !== p.sequenceNumber
    );
    Object.assign(positions, next);
    const hint = options.checkpointHint;
    for (const [partitionId, position] of hint ? changed : []) {
      try {
        await hint!.checkpointStore.updateCheckpoint({
          fullyQualifiedNamespace: hint!.fullyQualifiedNamespace,
          eventHubName: hint!.eventHubName,
          consumerGroup: hint!.consumerGroup,
          partitionId,
          sequenceNumber: position.sequenceNumber,
          offset: position.offset ?? "",
        });
      } catch {
        summary.checkpointErrors++;
      }
    }
    summary.batches++;
    summary.events += result.acceptedCount;
    summary.lateEvents += result.lateEvents.length;
    summary.rejectedEvents += deadLetters.length;
    summary.tableVersion = committed.version;
    batchId++;
    summary.nextBatchId = batchId;
    notify({
      batchId: batchId - 1,
      tableVersion: committed.version,
      events: result.acceptedCount,
      lateEvents: result.lateEvents.length,
      windows: windows.length,
      totalEvents: summary.events,
      watermark: result.watermark,
      positions: { ...positions },
    });
  };

  const iterator = options.source({ positions: { ...positions }, abortSignal: stop.signal })
    [Symbol.asyncIterator]();
  let lastEventAt = performance.now();
  let next: Promise<IteratorResult<SourceEvent[] | SourceSignal>> | undefined;
  try {
    while (!stop.signal.aborted) {
      next ??= iterator.next();
      const now = performance.now();
      let waitInMs = hasPending()
        ? Math.max(0, pendingSince + triggerIntervalInMs - now)
        : Infinity;
      if (options.idleTimeoutInMs !== undefined) {
        waitInMs = Math.min(waitInMs, Math.max(0, lastEventAt + options.idleTimeoutInMs - now));
      }
      const outcome = await raceWithTimer(next, waitInMs, stop.signal);
      if (outcome === "timeout" || outcome === "abort") {
        if (hasPending()) await commit();
        if (outcome === "abort") break;
        if (
          options.idleTimeoutInMs !== undefined &&
          performance.now() - lastEventAt >= options.idleTimeoutInMs
        ) {
          summary.stoppedBy = "idle";
          break;
        }
        continue;
      }
      next = undefined;
      if (outcome.done) break;
      const item = outcome.value;
      if (isSourceSignal(item)) {
        if (item.type === "partitions") {
          aggregator.expectPartitions(item.partitionIds);
        } else if (item.type === "caughtUp") {
          if (!hasPending()) pendingSince = performance.now();
          pendingCaughtUp.add(item.partitionId);
        }
        continue;
      }
      if (item.length === 0) continue;
      if (!hasPending()) pendingSince = performance.now();
      lastEventAt = performance.now();
      for (const event of item) {
        pending.push(event);
        pendingCaughtUp.delete(event.partitionId);
      }
      if (pending.length >= maxBatchEvents) await commit();
    }
    if (stop.signal.aborted && summary.stoppedBy === "end") summary.stoppedBy = "abort";
    if (hasPending()) await commit();
  } finally {
    options.abortSignal?.removeEventListener("abort", onAbort);
    stop.abort();
    await iterator.return?.().catch(() => undefined);
  }
  summary.elapsedInMs = performance.now() - started;
  return summary;
}

/** Resolves with the iterator result, or "timeout" after `waitInMs`, or "abort". */
function raceWithTimer<T>(
  next: Promise<T>,
  waitInMs: number,
  signal: AbortSignal,
): Promise<T | "timeout" | "abort"> {
  return new Promise((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onAbort = () => finish("abort");
    const finish = (value: T | "timeout" | "abort") => {
      if (timer !== undefined) clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      resolve(value);
    };
    if (signal.aborted) return finish("abort");
    signal.addEventListener("abort", onAbort, { once: true });
    if (Number.isFinite(waitInMs)) timer = setTimeout(() => finish("timeout"), waitInMs);
    next.then(finish, (error) => {
      if (timer !== undefined) clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      reject(error);
    });
  });
}

/**
 * Writes (or clears) one micro-batch's file of a log folder atomically:
 * `<table>/<folder>/<batchId>.jsonl`, one JSON object per line. Written before the batch's
 * commit; a batch that is run again after a crash rewrites its file, so each log holds every
 * entry exactly once. Delta readers ignore folders starting with `_`.
 */
async function writeBatchLog(
  tablePath: string,
  folder: string,
  batchId: number,
  entries: readonly object[],
): Promise<void> {
  const dir = join(tablePath, folder);
  const path = join(dir, `${String(batchId).padStart(20, "0")}.jsonl`);
  try {
    if (entries.length === 0) {
      await Deno.remove(path).catch((error) => {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
      });
      return;
    }
    await Deno.mkdir(dir, { recursive: true });
    const tmp = `${path}.${crypto.randomUUID()}.tmp`;
    await Deno.writeTextFile(tmp, entries.map((e) => JSON.stringify(e)).join("\n") + "\n");
    await Deno.rename(tmp, path);
  } catch (error) {
    throw new Error(`Cannot write ${folder}/ of batch ${batchId} in ${tablePath}`, {
      cause: error,
    });
  }
}

/** Reads every micro-batch file of a log folder, in batch order. */
async function readBatchLog<T>(tablePath: string, folder: string): Promise<T[]> {
  const dir = join(tablePath, folder);
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (entry.isFile && /^\d{20}\.jsonl$/.test(entry.name)) names.push(entry.name);
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw new Error(`Cannot list ${folder}/ of ${tablePath}`, { cause: error });
  }
  const out: T[] = [];
  for (const name of names.sort()) {
    const text = await Deno.readTextFile(join(dir, name));
    for (const line of text.split("\n")) if (line.trim()) out.push(JSON.parse(line));
  }
  return out;
}

/** One entry of the late-events log. */
export interface LateEventEntry {
  batchId: number;
  timestamp: string;
  favorite: number;
  groupTime: string;
  watermark: string;
}

/** Reads the late-events log of a history table (all micro-batches, in batch order). */
export function readLateEvents(tablePath: string): Promise<LateEventEntry[]> {
  return readBatchLog<LateEventEntry>(tablePath, LATE_EVENTS_DIR);
}

/**
 * Reads the dead-letter log of a history table: the events the analyze job could not window
 * (undecodable body, invalid timestamp or favorite), with the reason, in batch order.
 */
export function readDeadLetters(
  tablePath: string,
): Promise<(DeadLetterRecord & { batchId: number })[]> {
  return readBatchLog<DeadLetterRecord & { batchId: number }>(tablePath, DEAD_LETTERS_DIR);
}

/** JSON of a value that may not be serialisable. */
function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_key, v) => typeof v === "bigint" ? String(v) : v) ?? "null";
  } catch {
    return String(value);
  }
}
