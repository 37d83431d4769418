/**
 * Scores the hourly flags of one NAB file: the NAB score on the file's 5-minute rows and the
 * event-level metrics, from one shared mapping of each flagged hour to a row.
 *
 * @module
 */
import { type EventMetrics, eventMetrics, eventRates } from "./event_metrics.ts";
import {
  type NabScore,
  nabScore,
  type NabScoreOptions,
  normalizeNabScore,
  probationRows,
} from "./nab_score.ts";
import type { HourFlag } from "./detect_hours.ts";
import { lowerBound } from "./_lower_bound.ts";
import type { NabSeries } from "./nab_series.ts";

/** Options of {@linkcode scoreFlags}. */
export interface ScoreFlagsOptions extends NabScoreOptions {
  /**
   * The 5-minute row a flagged hour is scored at. `"first-row"`: the hour's first row (the hour
   * is labelled by its start, like the tutorial's windows; it gives the detector up to 55 minutes
   * of credit it could not have had live). `"last-row"`: the hour's last row (the earliest time
   * the flag could exist in a live run).
   * @default {"first-row"}
   */
  flagAt?: "first-row" | "last-row";
}

/** The scores of one file. */
export interface NabFileScore {
  /** File name. */
  name: string;
  /** Hours evaluated (with a full trailing window). */
  evaluatedHours: number;
  /** Evaluated hours flagged as anomalies (also during probation). */
  flaggedHours: number;
  /** Hours whose detection failed (counted as not flagged). */
  errors: number;
  /** NAB score on the 5-minute rows. */
  nab: NabScore;
  /** Event-level metrics on the flagged hours. */
  events: EventMetrics;
}

/** Corpus totals over several files. */
export interface NabTotalScore {
  /** Files scored. */
  files: number;
  /** Hours evaluated. */
  evaluatedHours: number;
  /** Hours flagged. */
  flaggedHours: number;
  /** Hours whose detection failed. */
  errors: number;
  /** Summed raw NAB scores. */
  nabRaw: number;
  /** Summed null-detector scores. */
  nabNull: number;
  /** Summed perfect-detector scores. */
  nabPerfect: number;
  /** NAB's corpus normalisation: `100 · (Σraw − Σnull) / (Σperfect − Σnull)`. */
  nabNormalized: number;
  /** Event metrics from the summed counts (micro-averaged). */
  events: EventMetrics;
}

/**
 * Scores hourly flags against a NAB file: each flagged hour becomes a detection at one of its
 * 5-minute rows ({@linkcode ScoreFlagsOptions.flagAt}); the NAB score is computed on the rows
 * with NAB's probationary period, and the event metrics use the same row times and the same
 * probation (a flag counts when its row is scored).
 */
export function scoreFlags(
  series: NabSeries,
  flags: readonly HourFlag[],
  options: ScoreFlagsOptions = {},
): NabFileScore {
  const flagAt = options.flagAt ?? "first-row";
  if (flagAt !== "first-row" && flagAt !== "last-row") {
    throw new RangeError(
      `Cannot score flags as flagAt must be "first-row" or "last-row": current value is ${
        JSON.stringify(flagAt)
      }`,
    );
  }
  const byHour = new Map(series.hours.map((h) => [h.timestamp, h]));
  const rows: number[] = [];
  let flaggedHours = 0;
  let errors = 0;
  for (const flag of flags) {
    if (flag.error !== undefined) errors++;
    if (!flag.isAnomaly) continue;
    flaggedHours++;
    const hour = byHour.get(flag.timestamp);
    if (hour === undefined) {
      throw new RangeError(
        `Cannot score flags of "${series.name}" as a flagged hour is not an hour of the file: current value is ${flag.timestamp}`,
      );
    }
    const t = flagAt === "first-row" ? hour.firstRowMs : hour.lastRowMs;
    rows.push(lowerBound(series.rowTimesMs, t));
  }
  const nab = nabScore(series.rowTimesMs, rows, series.windows, options);
  const probation = probationRows(series.rowTimesMs.length, options);
  const probationEndMs = probation < series.rowTimesMs.length
    ? series.rowTimesMs[probation]
    : Infinity;
  const events = eventMetrics(rows.map((r) => series.rowTimesMs[r]), series.windows, {
    probationEndMs,
  });
  return { name: series.name, evaluatedHours: flags.length, flaggedHours, errors, nab, events };
}

/** Sums file scores into corpus totals (NAB normalisation over the sums, micro event metrics). */
export function totalScore(files: readonly NabFileScore[]): NabTotalScore {
  let evaluatedHours = 0, flaggedHours = 0, errors = 0;
  let nabRaw = 0, nabNull = 0, nabPerfect = 0;
  let windows = 0, found = 0, falseAlarms = 0, flagged = 0;
  for (const f of files) {
    evaluatedHours += f.evaluatedHours;
    flaggedHours += f.flaggedHours;
    errors += f.errors;
    nabRaw += f.nab.raw;
    nabNull += f.nab.nullScore;
    nabPerfect += f.nab.perfectScore;
    windows += f.events.windows;
    found += f.events.found;
    falseAlarms += f.events.falseAlarms;
    flagged += f.events.flagged;
  }
  return {
    files: files.length,
    evaluatedHours,
    flaggedHours,
    errors,
    nabRaw,
    nabNull,
    nabPerfect,
    nabNormalized: normalizeNabScore(nabRaw, nabNull, nabPerfect),
    events: eventRates(windows, found, falseAlarms, flagged),
  };
}
