import type { EmittedWindow, LateEvent, RejectedEvent, WindowEvent, WindowRow } from "./types.ts";
import {
  DEFAULT_WINDOW_SIZE_IN_MS,
  eventTimeInMs,
  eventValue,
  validateGrace,
  validateWindowSize,
  windowStartOf,
} from "./_validate.ts";

/** The state of a {@linkcode WindowAggregator}: enough to resume after a restart. */
export interface WindowAggregatorState {
  /**
   * Largest event time accepted so far (epoch ms) per source partition (`""` for events
   * without `partitionId`); empty before the first event.
   */
  maxEventTimeByPartition: Record<string, number>;
  /** Windows not yet final. */
  openWindows: WindowRow[];
  /**
   * The watermark reached so far (epoch ms): the watermark never moves back below it. It is
   * not derived from `maxEventTimeByPartition` (those may cover only the partitions that had
   * delivered): without it, the next micro-batch sets the watermark.
   * @default {undefined} (no watermark yet)
   */
  watermarkInMs?: number;
}

/** Options for {@linkcode WindowAggregator}. */
export interface WindowAggregatorOptions {
  /**
   * Window size in milliseconds: 1 minute to 1 day, dividing one day evenly.
   * @default {3600000} (1 hour)
   */
  sizeInMs?: number;
  /**
   * How late an event may arrive, behind the largest event time seen, and still be counted
   * into its window. The watermark is `min over partitions(largest event time) - graceInMs`.
   * @default {3600000} (1 hour)
   */
  graceInMs?: number;
  /**
   * State to resume from (from {@linkcode WindowAggregator.snapshot} or rebuilt from the history
   * table).
   * @default {undefined} (empty)
   */
  initialState?: WindowAggregatorState;
  /**
   * The source partitions the stream reads (e.g. the partition ids of an event hub). Each
   * holds the watermark back until it has delivered an event or was reported caught up (see
   * {@linkcode WindowAggregatorAddOptions.caughtUp}): a partition whose reader starts late
   * (after a restart, say) then cannot have its older events turned late by partitions that
   * started sooner. Partitions not listed join the watermark with their first event.
   * @default {[]}
   */
  partitions?: readonly string[];
}

/** Options for one {@linkcode WindowAggregator.add} call. */
export interface WindowAggregatorAddOptions {
  /**
   * Partitions with nothing left to read after this micro-batch (their reader is caught up
   * with the source). A caught-up partition stops holding the watermark back until its next
   * event, as Flink's idle sources do, so windows still close while some partitions receive
   * nothing; its later events are judged against the watermark like any other. When every
   * partition is caught up, nothing is left to read anywhere and the watermark follows the
   * largest event time of all partitions.
   * @default {[]}
   */
  caughtUp?: Iterable<string>;
}

/** What one micro-batch did to the aggregator. */
export interface WindowAggregatorResult {
  /**
   * Windows that changed in this micro-batch (`"updated"`) or became final (`"final"`), ordered
   * by `groupTime`. A final window is emitted once, then forgotten by the aggregator.
   */
  windows: EmittedWindow[];
  /** Events older than the watermark: not counted into any window. */
  lateEvents: LateEvent[];
  /** Inputs with an invalid timestamp or favorite. */
  rejectedEvents: RejectedEvent[];
  /** Number of events counted into windows. */
  acceptedCount: number;
  /** Watermark after this micro-batch (null before the first event). */
  watermark: Date | null;
}

interface Acc {
  count: number;
  sum: number;
  max: number;
}

/**
 * Incremental event-time tumbling-window aggregator fed micro-batch by micro-batch (the
 * streaming twin of {@linkcode aggregateWindows}).
 *
 * Semantics (as Spark Structured Streaming): within a micro-batch every event is judged against
 * the watermark of the previous micro-batches; an event whose time is before that watermark is
 * late (reported in `lateEvents`, not counted). After the micro-batch the watermark becomes
 * `maxEventTime - graceInMs`, and every window whose `windowEnd <= watermark` is emitted as
 * `"final"`. Windows are half-open `[groupTime, windowEnd)` in UTC. With events that carry a
 * `partitionId`, `maxEventTime` is the smallest of the partitions' largest event times (as
 * Flink's per-partition watermarks), so one partition read ahead of the others (e.g. after a
 * restart) does not turn the others' events late. Partitions listed in `partitions` hold the
 * watermark back from the start; a partition reported caught up stops holding it until its
 * next event, and when all are caught up the largest event time of any partition counts. The
 * watermark never moves back.
 *
 * Aggregates are exact for integer favorites (sums below 2^53): the same events give the same
 * windows as `aggregateWindows`, in any arrival order within the grace.
 *
 * @example
 * ```ts
 * import { WindowAggregator } from "./window_aggregator.ts";
 * const aggregator = new WindowAggregator({ graceInMs: 0 });
 * aggregator.add([{ timestamp: Date.UTC(2024, 0, 1, 10, 30), favorite: 3 }]);
 * const result = aggregator.add([{ timestamp: Date.UTC(2024, 0, 1, 11, 30), favorite: 5 }]);
 * console.assert(result.windows[0].status === "final");
 * console.assert(result.windows[1].status === "updated");
 * ```
 */
export class WindowAggregator {
  readonly sizeInMs: number;
  readonly graceInMs: number;
  #windows = new Map<number, Acc>();
  #maxByPartition = new Map<string, number>();
  #waitingFor = new Set<string>();
  #caughtUp = new Set<string>();
  #watermarkFloor = -Infinity;

  constructor(options: WindowAggregatorOptions = {}) {
    this.sizeInMs = validateWindowSize(options.sizeInMs ?? DEFAULT_WINDOW_SIZE_IN_MS);
    this.graceInMs = validateGrace(options.graceInMs ?? DEFAULT_WINDOW_SIZE_IN_MS);
    const state = options.initialState;
    if (state) {
      if (state.watermarkInMs !== undefined) {
        if (!Number.isFinite(state.watermarkInMs)) {
          throw new RangeError(
            `Cannot restore window aggregator as initialState.watermarkInMs must be a finite epoch ms: current value is ${state.watermarkInMs}`,
          );
        }
        this.#watermarkFloor = state.watermarkInMs;
      }
      for (const [partition, time] of Object.entries(state.maxEventTimeByPartition)) {
        if (!Number.isFinite(time)) {
          throw new RangeError(
            `Cannot restore window aggregator as initialState.maxEventTimeByPartition["${partition}"] must be a finite epoch ms: current value is ${time}`,
          );
        }
        this.#maxByPartition.set(partition, time);
      }
      for (const [i, row] of state.openWindows.entries()) {
        const start = row.groupTime.getTime();
        if (!Number.isFinite(start) || start % this.sizeInMs !== 0) {
          throw new RangeError(
            `Cannot restore window aggregator as initialState.openWindows[${i}].groupTime must be a window start for size ${this.sizeInMs} ms: current value is ${
              String(row.groupTime)
            }`,
          );
        }
        if (row.windowEnd?.getTime() !== start + this.sizeInMs) {
          throw new RangeError(
            `Cannot restore window aggregator as initialState.openWindows[${i}].windowEnd must be groupTime + ${this.sizeInMs} ms: current value is ${
              String(row.windowEnd?.toISOString?.() ?? row.windowEnd)
            }`,
          );
        }
        this.#windows.set(start, { count: row.count, sum: row.sum, max: row.max });
      }
    }
    if (options.partitions !== undefined) this.#expect(options.partitions, "create");
  }

  /**
   * Event-time watermark: `min over partitions(maxEventTime) - graceInMs` over the partitions
   * that are not caught up (over all of them, `max`, when every one is caught up), never moving
   * back; null while there is none.
   */
  get watermark(): Date | null {
    const ms = this.#watermarkFloor;
    return ms === -Infinity ? null : new Date(ms);
  }

  /** Partitions listed in `partitions` that have neither delivered nor been caught up yet. */
  get waitingFor(): string[] {
    return [...this.#waitingFor].sort();
  }

  /**
   * Adds source partitions to wait for (as the `partitions` option): each one not seen and not
   * caught up yet holds the watermark back until it delivers an event or is reported caught up.
   */
  expectPartitions(partitionIds: readonly string[]): void {
    this.#expect(partitionIds, "expect partitions of");
  }

  #expect(partitionIds: readonly string[], action: string): void {
    if (!Array.isArray(partitionIds)) {
      throw new TypeError(
        `Cannot ${action} window aggregator as partitions must be an array of partition ids: current value is ${
          String(partitionIds)
        }`,
      );
    }
    for (const [i, partition] of partitionIds.entries()) {
      if (typeof partition !== "string") {
        throw new TypeError(
          `Cannot ${action} window aggregator as partitions[${i}] must be a string: current value is ${
            String(partition)
          }`,
        );
      }
    }
    for (const partition of partitionIds) {
      if (!this.#maxByPartition.has(partition) && !this.#caughtUp.has(partition)) {
        this.#waitingFor.add(partition);
      }
    }
  }

  /**
   * Moves the watermark up to what the partitions allow now (it never moves back): the smallest
   * largest event time of the partitions that may still deliver older events, or, when every
   * partition is caught up, the largest event time of all; minus the grace. Nothing moves it
   * while a listed partition has not delivered yet.
   */
  #advanceWatermark(): void {
    if (this.#waitingFor.size > 0) return;
    let minActive = Infinity;
    let maxAll = -Infinity;
    for (const [partition, time] of this.#maxByPartition) {
      if (!this.#caughtUp.has(partition) && time < minActive) minActive = time;
      if (time > maxAll) maxAll = time;
    }
    const bound = minActive !== Infinity ? minActive : maxAll;
    if (bound === -Infinity) return;
    const candidate = bound - this.graceInMs;
    if (candidate > this.#watermarkFloor) this.#watermarkFloor = candidate;
  }

  /** Windows not yet final, ordered by `groupTime`. */
  get openWindows(): WindowRow[] {
    return [...this.#windows.keys()].sort((a, b) => a - b).map((start) => this.#row(start));
  }

  /** A copy of the state, to resume with `initialState`. */
  snapshot(): WindowAggregatorState {
    return {
      maxEventTimeByPartition: Object.fromEntries(this.#maxByPartition),
      openWindows: this.openWindows,
      ...(this.#watermarkFloor === -Infinity ? {} : { watermarkInMs: this.#watermarkFloor }),
    };
  }

  /**
   * Adds one micro-batch of events (possibly none, to report caught-up partitions); returns the
   * changed and finalized windows.
   */
  add(
    events: Iterable<WindowEvent>,
    options: WindowAggregatorAddOptions = {},
  ): WindowAggregatorResult {
    const watermarkInMs = this.#watermarkFloor;
    const touched = new Set<number>();
    const lateEvents: LateEvent[] = [];
    const rejectedEvents: RejectedEvent[] = [];
    let acceptedCount = 0;
    const batchMax = new Map<string, number>();
    for (const event of events) {
      let time: number;
      let value: number;
      try {
        if (event === null || typeof event !== "object") {
          throw new TypeError(
            `Cannot window event as it must be an object: current value is ${String(event)}`,
          );
        }
        time = eventTimeInMs(event.timestamp);
        value = eventValue(event.favorite);
      } catch (error) {
        rejectedEvents.push({ event, error: error as Error });
        continue;
      }
      const start = windowStartOf(time, this.sizeInMs);
      if (time < watermarkInMs) {
        lateEvents.push({
          timestamp: new Date(time),
          favorite: value,
          groupTime: new Date(start),
          watermark: new Date(watermarkInMs),
        });
        continue;
      }
      const acc = this.#windows.get(start);
      if (acc === undefined) {
        this.#windows.set(start, { count: 1, sum: value, max: value });
      } else {
        acc.count += 1;
        acc.sum += value;
        if (value > acc.max) acc.max = value;
      }
      touched.add(start);
      acceptedCount++;
      const partition = typeof event.partitionId === "string" ? event.partitionId : "";
      if (!(time <= batchMax.get(partition)!)) batchMax.set(partition, time);
    }
    for (const [partition, time] of batchMax) {
      if (!(time <= this.#maxByPartition.get(partition)!)) {
        this.#maxByPartition.set(partition, time);
      }
      this.#waitingFor.delete(partition);
      this.#caughtUp.delete(partition);
    }
    for (const partition of options.caughtUp ?? []) {
      this.#waitingFor.delete(partition);
      this.#caughtUp.add(partition);
    }
    this.#advanceWatermark();
    const newWatermark = this.#watermarkFloor;
    const windows: EmittedWindow[] = [];
    for (const start of [...this.#windows.keys()].sort((a, b) => a - b)) {
      const final = start + this.sizeInMs <= newWatermark;
      if (final) {
        windows.push({ ...this.#row(start), status: "final" });
        this.#windows.delete(start);
      } else if (touched.has(start)) {
        windows.push({ ...this.#row(start), status: "updated" });
      }
    }
    return {
      windows,
      lateEvents,
      rejectedEvents,
      acceptedCount,
      watermark: this.watermark,
    };
  }

  #row(start: number): WindowRow {
    const acc = this.#windows.get(start)!;
    return {
      groupTime: new Date(start),
      windowEnd: new Date(start + this.sizeInMs),
      average: acc.sum / acc.count,
      count: acc.count,
      sum: acc.sum,
      max: acc.max,
    };
  }
}
