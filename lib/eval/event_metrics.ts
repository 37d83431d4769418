/**
 * Event-level precision, recall and F1 of hourly flags against labelled windows.
 *
 * @module
 */
import type { LabelWindow } from "./nab_score.ts";

/** Event-level counts and rates. */
export interface EventMetrics {
  /** Scored labelled windows (those ending at or after the end of probation). */
  windows: number;
  /** Scored windows with at least one flagged hour inside. */
  found: number;
  /** Scored windows without a flagged hour inside. */
  missed: number;
  /** Scored flagged hours outside every window. */
  falseAlarms: number;
  /** Scored flagged hours (inside or outside windows). */
  flagged: number;
  /** `found / (found + falseAlarms)`; 0 when nothing is flagged. */
  precision: number;
  /** `found / windows`; 0 when there is no window. */
  recall: number;
  /** Harmonic mean of precision and recall; 0 when both are 0. */
  f1: number;
}

/** Options of {@linkcode eventMetrics}. */
export interface EventMetricsOptions {
  /**
   * Start of scoring (epoch ms): flags before it are ignored, windows ending before it are not
   * counted.
   * @default {-Infinity}
   */
  probationEndMs?: number;
}

/**
 * Event-level metrics: a window counts as found when any flag time lies inside it (both ends
 * inclusive); each flag time outside all windows is a false alarm.
 *
 * @param flagTimesMs the time of each flagged hour (epoch ms) at which it is scored.
 *
 * @example
 * ```ts
 * import { eventMetrics } from "./event_metrics.ts";
 * import assert from "node:assert/strict";
 * const windows = [{ startMs: 100, endMs: 200 }, { startMs: 500, endMs: 600 }];
 * const m = eventMetrics([150, 180, 300], windows);
 * assert.deepEqual([m.found, m.falseAlarms, m.precision, m.recall], [1, 1, 0.5, 0.5]);
 * ```
 */
export function eventMetrics(
  flagTimesMs: readonly number[],
  windows: readonly LabelWindow[],
  options: EventMetricsOptions = {},
): EventMetrics {
  const from = options.probationEndMs ?? -Infinity;
  const scored = windows.filter((w) => w.endMs >= from);
  const hit = scored.map(() => false);
  let falseAlarms = 0;
  let flagged = 0;
  for (const t of flagTimesMs) {
    if (!Number.isFinite(t)) {
      throw new RangeError(
        `Cannot compute event metrics as each flag time must be a finite number: current value is ${t}`,
      );
    }
    if (t < from) continue;
    flagged++;
    const w = scored.findIndex((x) => x.startMs <= t && t <= x.endMs);
    if (w >= 0) hit[w] = true;
    else falseAlarms++;
  }
  const found = hit.filter(Boolean).length;
  return eventRates(scored.length, found, falseAlarms, flagged);
}

/** Builds {@linkcode EventMetrics} from counts (used for per-file and corpus totals). */
export function eventRates(
  windows: number,
  found: number,
  falseAlarms: number,
  flagged: number,
): EventMetrics {
  const precision = found + falseAlarms === 0 ? 0 : found / (found + falseAlarms);
  const recall = windows === 0 ? 0 : found / windows;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { windows, found, missed: windows - found, falseAlarms, flagged, precision, recall, f1 };
}
