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
 * restart) does not turn the others' events late.
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

  constructor(options: WindowAggregatorOptions = {}) {
    this.sizeInMs = validateWindowSize(options.sizeInMs ?? DEFAULT_WINDOW_SIZE_IN_MS);
    this.graceInMs = validateGrace(options.graceInMs ?? DEFAULT_WINDOW_SIZE_IN_MS);
    const state = options.initialState;
    if (state) {
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
  }

  /** Event-time watermark: `min over partitions(maxEventTime) - graceInMs`; null before the first event. */
  get watermark(): Date | null {
    const ms = this.#watermarkInMs();
    return ms === -Infinity ? null : new Date(ms);
  }

  #watermarkInMs(): number {
    if (this.#maxByPartition.size === 0) return -Infinity;
    return Math.min(...this.#maxByPartition.values()) - this.graceInMs;
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
    };
  }

  /** Adds one micro-batch of events; returns the changed and finalized windows. */
  add(events: Iterable<WindowEvent>): WindowAggregatorResult {
    const watermarkInMs = this.#watermarkInMs();
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
    }
    const newWatermark = this.#watermarkInMs();
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
