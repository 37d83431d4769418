/**
 * Event-time windowing: tumbling windows `[groupTime, windowEnd)` over the tweet stream, as a
 * batch function over a polars DataFrame and as an incremental micro-batch aggregator with a
 * watermark.
 * @module
 */
export * from "./types.ts";
export * from "./aggregate_windows.ts";
export * from "./window_frame.ts";
export * from "./window_aggregator.ts";
export {
  DEFAULT_WINDOW_SIZE_IN_MS,
  MAX_WINDOW_SIZE_IN_MS,
  MIN_WINDOW_SIZE_IN_MS,
  windowStartOf,
} from "./_validate.ts";
