/**
 * Detection results as a table: the flagged points (or all points) with their expected value,
 * band and severity, times in ISO UTC.
 * @module
 */
import type { AnomalyPoint } from "./anomaly_figure.ts";
import { type TableValue, TableView } from "./table.ts";

/** Options of {@linkcode anomalyTable}. */
export interface AnomalyTableOptions {
  /** Only the points the detector flagged. @default {true} */
  onlyAnomalies?: boolean;
  /** Show at most this many rows. @default {100} */
  maxRows?: number;
  /** Caption; the default says how many anomalies there are among how many points. */
  caption?: string;
}

/** Columns of {@linkcode anomalyTable}. */
export const ANOMALY_TABLE_COLUMNS = [
  "timestamp",
  "value",
  "expected",
  "lowerBoundary",
  "upperBoundary",
  "isAnomaly",
  "direction",
  "severity",
] as const;

/**
 * A table of detection results ordered by time: `timestamp | value | expected | lowerBoundary |
 * upperBoundary | isAnomaly | direction | severity`.
 */
export function anomalyTable(
  points: readonly AnomalyPoint[],
  options: AnomalyTableOptions = {},
): TableView {
  const onlyAnomalies = options.onlyAnomalies ?? true;
  const sorted = [...points].sort((a, b) => a.timestamp.getTime() - b.timestamp.getTime());
  const anomalies = sorted.filter((p) => p.isAnomaly === true);
  const shown = onlyAnomalies ? anomalies : sorted;
  const rows: Record<string, TableValue>[] = shown.map((p) => ({
    timestamp: p.timestamp,
    value: p.value,
    expected: p.expectedValue,
    lowerBoundary: p.lowerBoundary,
    upperBoundary: p.upperBoundary,
    isAnomaly: p.isAnomaly,
    direction: p.isAnomaly ? (p.direction ?? "") : "",
    severity: p.severity,
  }));
  return new TableView([...ANOMALY_TABLE_COLUMNS], rows, {
    caption: options.caption ?? `${anomalies.length} anomalies among ${sorted.length} points`,
    maxRows: options.maxRows ?? 100,
    digits: 4,
  });
}
