/**
 * Scores flagged windows against known incidents (the ground truth of a synthetic or labelled
 * data set): which incidents were found, which flags were false alarms.
 * @module
 */
import type { GroundTruth, GroundTruthIncident } from "@/source";

/** Options of {@linkcode matchIncidents}. */
export interface MatchIncidentsOptions {
  /**
   * Length of a flagged window (flags are window starts).
   * @default {3600000} (1 hour)
   */
  windowSizeInMs?: number;
  /**
   * Each incident `[start, end)` is widened by this much on both sides before matching, so a
   * detector that reacts one window late (or flags the return to normal) still counts.
   * @default {3600000} (1 hour)
   */
  toleranceInMs?: number;
}

/** The result of {@linkcode matchIncidents}. */
export interface IncidentMatch {
  /** Incidents the hourly average can show (direction other than `none`). */
  incidents: number;
  /** Of those, incidents with at least one flagged window overlapping them (widened). */
  found: number;
  /** Flagged windows. */
  flagged: number;
  /** Flagged windows overlapping no (widened) incident. */
  falseAlarms: number;
  /** `found / incidents` (1 when there are no incidents). */
  recall: number;
  /** `(flagged − falseAlarms) / flagged` (1 when nothing was flagged). */
  precision: number;
  /** Per incident: whether it was found and the flags that matched it. */
  perIncident: { incident: GroundTruthIncident; found: boolean; flags: Date[] }[];
  /** The false alarms, in time order. */
  falseAlarmTimes: Date[];
}

/**
 * Matches flagged windows (their start times) against the ground truth's incidents. A flag
 * matches an incident when the window `[t, t + windowSizeInMs)` overlaps
 * `[start − toleranceInMs, end + toleranceInMs)`. Incidents with direction `none` (e.g. a volume
 * outage, invisible to an average) are not counted in recall, but flags on them are not false
 * alarms either.
 */
export function matchIncidents(
  flagged: readonly Date[],
  truth: Pick<GroundTruth, "incidents">,
  options: MatchIncidentsOptions = {},
): IncidentMatch {
  const size = options.windowSizeInMs ?? 3_600_000;
  const tolerance = options.toleranceInMs ?? 3_600_000;
  if (!(Number.isFinite(size) && size > 0)) {
    throw new RangeError(
      `Cannot match incidents as windowSizeInMs must be a positive number: current value is ${size}`,
    );
  }
  if (!(Number.isFinite(tolerance) && tolerance >= 0)) {
    throw new RangeError(
      `Cannot match incidents as toleranceInMs must be a number >= 0: current value is ${tolerance}`,
    );
  }
  const ranges = truth.incidents.map((incident, i) => {
    const start = Date.parse(incident.start);
    const end = Date.parse(incident.end);
    if (!Number.isFinite(start) || !Number.isFinite(end) || end <= start) {
      throw new RangeError(
        `Cannot match incidents as incidents[${i}] must have ISO start < end: current value is ${
          JSON.stringify({ start: incident.start, end: incident.end })
        }`,
      );
    }
    return { incident, from: start - tolerance, to: end + tolerance, flags: [] as Date[] };
  });
  const times = flagged.map((d, i) => {
    if (!(d instanceof Date) || Number.isNaN(d.getTime())) {
      throw new TypeError(
        `Cannot match incidents as flagged[${i}] must be a valid Date: current value is ${
          String(d)
        }`,
      );
    }
    return d;
  }).sort((a, b) => a.getTime() - b.getTime());
  const falseAlarmTimes: Date[] = [];
  for (const t of times) {
    const start = t.getTime();
    const end = start + size;
    let matched = false;
    for (const range of ranges) {
      if (start < range.to && end > range.from) {
        range.flags.push(t);
        matched = true;
      }
    }
    if (!matched) falseAlarmTimes.push(t);
  }
  const visible = ranges.filter((r) => r.incident.direction !== "none");
  const found = visible.filter((r) => r.flags.length > 0).length;
  return {
    incidents: visible.length,
    found,
    flagged: times.length,
    falseAlarms: falseAlarmTimes.length,
    recall: visible.length === 0 ? 1 : found / visible.length,
    precision: times.length === 0 ? 1 : (times.length - falseAlarmTimes.length) / times.length,
    perIncident: ranges.map((r) => ({
      incident: r.incident,
      found: r.flags.length > 0,
      flags: r.flags,
    })),
    falseAlarmTimes,
  };
}
