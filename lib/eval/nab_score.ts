/**
 * The NAB (Numenta Anomaly Benchmark) score of binary detections on one data file, from NAB's
 * published definition: each labelled window is worth the scaled sigmoid of the relative position
 * of its earliest detection, each detection outside every window costs the false-positive weight
 * (less when it comes just after a window), and each window without a detection costs the
 * false-negative weight. Rows of the probationary period are not scored. The raw score is
 * normalised between the null detector (no detection: 0) and the perfect detector (every window
 * detected at its first row: 100).
 *
 * @module
 */
import { lowerBound } from "./_lower_bound.ts";

/** The weights of a NAB scoring profile (`config/profiles.json`, `CostMatrix`). */
export interface NabCostMatrix {
  /** Weight of a true positive (A_TP). */
  tpWeight: number;
  /** Weight of a false positive, applied as a cost (A_FP = −fpWeight). */
  fpWeight: number;
  /** Weight of a false negative, applied as a cost (A_FN = −fnWeight). */
  fnWeight: number;
  /** Weight of a true negative (A_TN; NAB does not use it in the score). */
  tnWeight: number;
}

/** NAB's three scoring profiles, with the weights of NAB's `config/profiles.json`. */
export const NAB_PROFILES: Readonly<
  Record<"standard" | "reward_low_FP_rate" | "reward_low_FN_rate", Readonly<NabCostMatrix>>
> = Object.freeze({
  standard: Object.freeze({ tpWeight: 1, fpWeight: 0.11, fnWeight: 1, tnWeight: 1 }),
  reward_low_FP_rate: Object.freeze({ tpWeight: 1, fpWeight: 0.22, fnWeight: 1, tnWeight: 1 }),
  reward_low_FN_rate: Object.freeze({ tpWeight: 1, fpWeight: 0.11, fnWeight: 2, tnWeight: 1 }),
});

/** Share of a file's rows that is probationary in NAB. */
export const NAB_PROBATION_FRACTION = 0.15;

/** NAB caps the probationary period at 15% of 5,000 rows (750 rows). */
export const NAB_PROBATION_MAX_ROWS = 750;

/** A labelled anomaly window, both ends inclusive, in epoch milliseconds. */
export interface LabelWindow {
  /** First instant of the window. */
  startMs: number;
  /** Last instant of the window (inclusive). */
  endMs: number;
}

/** Options of {@linkcode probationRows}. */
export interface ProbationOptions {
  /**
   * Share of the file's rows that is probationary.
   * @default {0.15}
   */
  probationFraction?: number;
  /**
   * Cap of the probationary period in rows. NAB's scorer uses `min(floor(0.15·n), 0.15·5000)`;
   * pass `Infinity` for a plain "first 15% of the file".
   * @default {750}
   */
  probationMaxRows?: number;
}

/**
 * Number of leading rows that are probationary (not scored): `min(floor(fraction·n), maxRows)`,
 * rounded up to a whole row.
 */
export function probationRows(rowCount: number, options: ProbationOptions = {}): number {
  const fraction = options.probationFraction ?? NAB_PROBATION_FRACTION;
  const maxRows = options.probationMaxRows ?? NAB_PROBATION_MAX_ROWS;
  if (!Number.isInteger(rowCount) || rowCount < 0) {
    throw new RangeError(
      `Cannot compute the probationary period as rowCount must be an integer >= 0: current value is ${rowCount}`,
    );
  }
  if (!(fraction >= 0 && fraction <= 1)) {
    throw new RangeError(
      `Cannot compute the probationary period as probationFraction must be in 0..1: current value is ${fraction}`,
    );
  }
  if (!(maxRows >= 0)) {
    throw new RangeError(
      `Cannot compute the probationary period as probationMaxRows must be >= 0: current value is ${maxRows}`,
    );
  }
  return Math.ceil(Math.min(Math.floor(fraction * rowCount), maxRows));
}

/**
 * NAB's scaled sigmoid of a relative position: `2·sigmoid(−5x) − 1`, and −1 from `x >= 3`.
 * −1 is the left edge of a window (≈ 0.98661), 0 its right edge, positive values lie past it.
 */
export function scaledSigmoid(relativePosition: number): number {
  if (relativePosition >= 3) return -1;
  return 2 / (1 + Math.exp(5 * relativePosition)) - 1;
}

/** Options of {@linkcode nabScore}. */
export interface NabScoreOptions extends ProbationOptions {
  /**
   * Scoring profile.
   * @default {NAB_PROFILES.standard}
   */
  costMatrix?: NabCostMatrix;
}

/** The NAB score of one file. */
export interface NabScore {
  /** Raw score: window rewards + false-positive costs − missed-window costs. */
  raw: number;
  /** Raw score of the null detector (no detection): `−fnWeight · windows`. */
  nullScore: number;
  /** Raw score of the perfect detector (each window at its first row): `tpWeight · windows`. */
  perfectScore: number;
  /** `100 · (raw − null) / (perfect − null)`; 0 when the file has no scored window. */
  normalized: number;
  /** Scored windows (windows with at least one row after the probationary period). */
  windows: number;
  /** Scored windows with at least one detection. */
  truePositives: number;
  /** Scored detections outside every window. */
  falsePositives: number;
  /** Scored windows without a detection. */
  falseNegatives: number;
  /** Probationary rows (not scored). */
  probationRows: number;
}

/**
 * Scores detections on one NAB file exactly as NAB's sweeper does for one threshold.
 *
 * @param rowTimesMs the file's row timestamps (epoch ms), strictly increasing.
 * @param detectedRows indices into `rowTimesMs` of the rows flagged as anomalies.
 * @param windows labelled windows (rows with `startMs <= t <= endMs` belong to a window),
 * sorted and not overlapping.
 *
 * @example
 * ```ts
 * import { nabScore } from "./nab_score.ts";
 * import assert from "node:assert/strict";
 * // 100 one-minute rows, one window over rows 40..59, no probation.
 * const rows = Array.from({ length: 100 }, (_, i) => i * 60_000);
 * const window = { startMs: 40 * 60_000, endMs: 59 * 60_000 };
 * const early = nabScore(rows, [40], [window], { probationFraction: 0 });
 * const late = nabScore(rows, [59, 90], [window], { probationFraction: 0 });
 * assert.equal(early.normalized, 100); // found at the window's first row
 * assert.deepEqual([late.truePositives, late.falsePositives, late.normalized.toFixed(1)], [1, 1, "50.8"]);
 * ```
 */
export function nabScore(
  rowTimesMs: readonly number[],
  detectedRows: Iterable<number>,
  windows: readonly LabelWindow[],
  options: NabScoreOptions = {},
): NabScore {
  const cost = options.costMatrix ?? NAB_PROFILES.standard;
  const n = rowTimesMs.length;
  for (let i = 1; i < n; i++) {
    if (!(rowTimesMs[i] > rowTimesMs[i - 1])) {
      throw new RangeError(
        `Cannot compute the NAB score as row times must be strictly increasing: row ${i} is ${
          rowTimesMs[i]
        } after ${rowTimesMs[i - 1]}`,
      );
    }
  }
  const detected = new Uint8Array(n);
  for (const i of detectedRows) {
    if (!Number.isInteger(i) || i < 0 || i >= n) {
      throw new RangeError(
        `Cannot compute the NAB score as a detected row must be an index in 0..${
          n - 1
        }: current value is ${i}`,
      );
    }
    detected[i] = 1;
  }
  const ranges = windowRows(rowTimesMs, windows);
  const probation = probationRows(n, options);
  const maxTp = scaledSigmoid(-1);

  // Best detection score per window; NaN marks "not scored" (entirely probationary).
  const windowScore = ranges.map((r) => (r.last >= probation ? -cost.fnWeight : Number.NaN));
  const windowHit = ranges.map(() => false);
  let fpSum = 0;
  let falsePositives = 0;
  let next = 0;
  let prevRight = -1;
  let prevWidth = 0;
  for (let i = probation; i < n; i++) {
    while (next < ranges.length && ranges[next].last < i) {
      if (ranges[next].last >= 0) {
        prevRight = ranges[next].last;
        prevWidth = ranges[next].last - ranges[next].first + 1;
      }
      next++;
    }
    if (detected[i] === 0) continue;
    const w = next < ranges.length && ranges[next].first <= i ? next : -1;
    if (w >= 0) {
      const width = ranges[w].last - ranges[w].first + 1;
      const position = -(ranges[w].last - i + 1) / width;
      const score = (cost.tpWeight * scaledSigmoid(position)) / maxTp;
      windowScore[w] = Math.max(windowScore[w], score);
      windowHit[w] = true;
    } else {
      const position = prevRight < 0 ? 3 : Math.abs(prevRight - i) / (prevWidth - 1);
      fpSum += scaledSigmoid(position) * cost.fpWeight;
      falsePositives++;
    }
  }
  let scored = 0;
  let hits = 0;
  let windowSum = 0;
  for (let w = 0; w < ranges.length; w++) {
    if (Number.isNaN(windowScore[w])) continue;
    scored++;
    windowSum += windowScore[w];
    if (windowHit[w]) hits++;
  }
  const raw = windowSum + fpSum;
  const nullScore = -cost.fnWeight * scored;
  const perfectScore = cost.tpWeight * scored;
  return {
    raw,
    nullScore,
    perfectScore,
    normalized: normalizeNabScore(raw, nullScore, perfectScore),
    windows: scored,
    truePositives: hits,
    falsePositives,
    falseNegatives: scored - hits,
    probationRows: probation,
  };
}

/** `100 · (raw − null) / (perfect − null)`, or 0 when perfect equals null (nothing to find). */
export function normalizeNabScore(raw: number, nullScore: number, perfectScore: number): number {
  const span = perfectScore - nullScore;
  return span === 0 ? 0 : (100 * (raw - nullScore)) / span;
}

interface RowRange {
  /** First row index inside the window (or -1 when no row is). */
  first: number;
  /** Last row index inside the window (or -1 when no row is). */
  last: number;
}

function windowRows(times: readonly number[], windows: readonly LabelWindow[]): RowRange[] {
  let previousEnd = -Infinity;
  return windows.map((w, k) => {
    if (!(w.endMs >= w.startMs) || !(w.startMs > previousEnd)) {
      throw new RangeError(
        `Cannot compute the NAB score as windows must be sorted, disjoint and have endMs >= startMs: window ${k} is ${
          JSON.stringify(w)
        }`,
      );
    }
    previousEnd = w.endMs;
    const first = lowerBound(times, w.startMs);
    const last = lowerBound(times, w.endMs + 1e-9) - 1;
    return first <= last ? { first, last } : { first: -1, last: -1 };
  });
}
