/** One event as the window stage sees it: the tutorial's `timestamp` and `favorite` (likes). */
export interface WindowEvent {
  /** Event time: a Date or epoch milliseconds (UTC). */
  timestamp: Date | number;
  /** Likes of the post; the value averaged per window. */
  favorite: number;
  /**
   * Source partition the event came from (e.g. the hub partition id). The watermark is the
   * smallest, over the partitions seen, of each partition's largest event time, minus the
   * grace; so a partition that lags behind the others does not make its own events late.
   * Events without it share one partition.
   */
  partitionId?: string;
}

/** Column names of a window frame, in order (the history table's schema). */
export const WINDOW_COLUMNS = [
  "groupTime",
  "windowEnd",
  "average",
  "count",
  "sum",
  "max",
] as const;

/**
 * One tumbling window `[groupTime, windowEnd)` with its aggregates; the row shape of the
 * history table.
 */
export interface WindowRow {
  /** Window start (inclusive), UTC. The tutorial's column name. */
  groupTime: Date;
  /** Window end (exclusive), UTC. */
  windowEnd: Date;
  /** Mean of `favorite` over the window: exactly `sum / count`. */
  average: number;
  /** Number of events in the window. */
  count: number;
  /** Sum of `favorite`. */
  sum: number;
  /** Largest `favorite`. */
  max: number;
}

/** A window emitted by the incremental aggregator after a micro-batch. */
export interface EmittedWindow extends WindowRow {
  /**
   * `"updated"`: the window changed in this micro-batch and may still change;
   * `"final"`: the watermark has passed `windowEnd`, the window will not change again.
   */
  status: "updated" | "final";
}

/** An event that arrived after the watermark had passed its time; counted, never silently dropped. */
export interface LateEvent {
  /** Event time, UTC. */
  timestamp: Date;
  /** The event's `favorite`. */
  favorite: number;
  /** Start of the (already final) window the event belongs to. */
  groupTime: Date;
  /** The watermark the event was judged against. */
  watermark: Date;
}

/** An input that could not be windowed (bad timestamp or favorite), with the reason. */
export interface RejectedEvent {
  /** The input as given. */
  event: unknown;
  /** Why it was rejected. */
  error: Error;
}
