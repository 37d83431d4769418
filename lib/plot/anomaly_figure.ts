/**
 * The anomaly chart: the hourly series, the detector's expected value, the margin band
 * (expected − lowerMargin … expected + upperMargin) and the anomalies marked by direction.
 * @module
 */
import type { EntireDetectResponse } from "../detect/types.ts";
import { PlotlyFigure, type PlotlyFigureOptions } from "./plotly.ts";

/** Direction of an anomaly: above the band (`up`) or below it (`down`). */
export type AnomalyDirection = "up" | "down";

/** One point of a detected series: the value and what the detector said about it. */
export interface AnomalyPoint {
  /** Start of the point's window, UTC. */
  timestamp: Date;
  /** The observed value (e.g. the hour's average likes). */
  value: number;
  /** The detector's expected value; absent when the point was not detected. */
  expectedValue?: number;
  /** `expectedValue + upperMargin`. */
  upperBoundary?: number;
  /** `expectedValue − lowerMargin`. */
  lowerBoundary?: number;
  /** Whether the detector flagged the point. */
  isAnomaly?: boolean;
  /** For an anomaly: above (`up`) or below (`down`) the expected value. */
  direction?: AnomalyDirection | null;
  /** Severity in [0, 1] (API v1.1); absent for v1.0. */
  severity?: number;
}

/** A point of the input series: a time (Date, ISO string or epoch ms) and a value. */
export interface SeriesPoint {
  timestamp: Date | string | number;
  value: number;
}

function toDate(value: Date | string | number, field: string): Date {
  const date = value instanceof Date ? new Date(value.getTime()) : new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw new RangeError(
      `Cannot build anomaly points as ${field} must be a valid time: current value is ${
        JSON.stringify(value)
      }`,
    );
  }
  return date;
}

/**
 * Joins a series with the wire response of entire-series detection (`detectEntireSeries` or
 * `POST /timeseries/entire/detect`) point by point. The response must have one entry per point.
 */
export function anomalyPointsFromEntire(
  series: readonly SeriesPoint[],
  response: EntireDetectResponse,
): AnomalyPoint[] {
  const n = series.length;
  for (
    const key of [
      "expectedValues",
      "upperMargins",
      "lowerMargins",
      "isAnomaly",
      "isPositiveAnomaly",
      "isNegativeAnomaly",
    ] as const
  ) {
    const length = response[key]?.length;
    if (length !== n) {
      throw new RangeError(
        `Cannot join the series with the detection response as ${key} must have one entry per point (${n}): current value is ${length} entries`,
      );
    }
  }
  return series.map((point, i) => {
    const expected = response.expectedValues[i];
    const anomaly = response.isAnomaly[i];
    const out: AnomalyPoint = {
      timestamp: toDate(point.timestamp, `series[${i}].timestamp`),
      value: point.value,
      expectedValue: expected,
      upperBoundary: expected + response.upperMargins[i],
      lowerBoundary: expected - response.lowerMargins[i],
      isAnomaly: anomaly,
      direction: anomaly
        ? (response.isPositiveAnomaly[i]
          ? "up"
          : response.isNegativeAnomaly[i]
          ? "down"
          : (point.value >= expected ? "up" : "down"))
        : null,
    };
    if (response.severity) out.severity = response.severity[i];
    return out;
  });
}

/** Options of {@linkcode anomalyFigure}. */
export interface AnomalyFigureOptions extends PlotlyFigureOptions {
  /** Chart title. @default {"Average likes per hour"} */
  title?: string;
  /** Name of the series trace (legend and hover). @default {"average likes"} */
  seriesName?: string;
  /** Y axis title. @default {"average likes"} */
  yTitle?: string;
  /** Digits after the decimal point in hover labels. @default {2} */
  hoverDigits?: number;
}

/**
 * A Plotly figure of a detected series: the margin band as a shaded area, the expected value
 * as a dashed line, the series as a line with markers, anomalies above the band as red upward
 * triangles and below it as blue downward triangles. Hovering a point shows its time, value,
 * expected value, boundaries and (when known) severity. Times are shown in UTC.
 *
 * @example A figure from the detector's entire-series response
 * ```ts
 * import assert from "node:assert/strict";
 * import { detectEntireSeries } from "../detect/mod.ts";
 * import { anomalyFigure, anomalyPointsFromEntire } from "./anomaly_figure.ts";
 *
 * const series = Array.from({ length: 48 }, (_, i) => ({
 *   timestamp: new Date(Date.UTC(2026, 0, 5, i)),
 *   value: 10 + (i % 2) + (i === 40 ? 30 : 0),
 * }));
 * const response = detectEntireSeries({
 *   granularity: "hourly",
 *   series: series.map((p) => ({ timestamp: p.timestamp.toISOString(), value: p.value })),
 * });
 * const figure = anomalyFigure(anomalyPointsFromEntire(series, response));
 * assert.deepEqual(figure.data.map((t) => t.name), [
 *   "upper boundary", "expected ± margin", "expected", "average likes",
 *   "anomaly ▲ (1)", "anomaly ▼ (0)",
 * ]);
 * ```
 */
export function anomalyFigure(
  points: readonly AnomalyPoint[],
  options: AnomalyFigureOptions = {},
): PlotlyFigure {
  const digits = options.hoverDigits ?? 2;
  if (!Number.isInteger(digits) || digits < 0 || digits > 12) {
    throw new RangeError(
      `Cannot create anomaly figure as hoverDigits must be an integer in 0..12: current value is ${digits}`,
    );
  }
  const seriesName = options.seriesName ?? "average likes";
  points.forEach((p, i) => {
    if (!(p.timestamp instanceof Date) || Number.isNaN(p.timestamp.getTime())) {
      throw new RangeError(
        `Cannot create anomaly figure as points[${i}].timestamp must be a valid Date: current value is ${
          String(p.timestamp)
        }`,
      );
    }
  });
  const sorted = [...points].sort((a, b) => a.timestamp.getTime() - b.timestamp.getTime());
  const x = sorted.map((p) => isoTime(p.timestamp));
  const num = (v: number | undefined) => v === undefined || !Number.isFinite(v) ? null : v;
  const fmt = `:.${digits}f`;
  const custom = sorted.map((p) => [
    num(p.expectedValue),
    num(p.lowerBoundary),
    num(p.upperBoundary),
    p.severity === undefined ? "" : p.severity.toFixed(3),
  ]);
  const hover = `%{x|%Y-%m-%d %H:%M} UTC<br>${seriesName}: %{y${fmt}}<br>` +
    `expected: %{customdata[0]${fmt}}<br>band: %{customdata[1]${fmt}} … %{customdata[2]${fmt}}`;
  const marked = (direction: AnomalyDirection) => {
    const idx = sorted.flatMap((p, i) => p.isAnomaly && directionOf(p) === direction ? [i] : []);
    return {
      x: idx.map((i) => x[i]),
      y: idx.map((i) => sorted[i].value),
      customdata: idx.map((i) => custom[i]),
    };
  };
  const up = marked("up");
  const down = marked("down");
  const anomalyHover = `<b>anomaly (%{meta})</b><br>${hover}<br>severity: %{customdata[3]}` +
    "<extra></extra>";
  const data = [
    {
      type: "scatter",
      mode: "lines",
      name: "upper boundary",
      x,
      y: sorted.map((p) => num(p.upperBoundary)),
      line: { width: 0, color: "rgba(99,110,250,0.25)" },
      hoverinfo: "skip",
      showlegend: false,
    },
    {
      type: "scatter",
      mode: "lines",
      name: "expected ± margin",
      x,
      y: sorted.map((p) => num(p.lowerBoundary)),
      fill: "tonexty",
      fillcolor: "rgba(99,110,250,0.18)",
      line: { width: 0, color: "rgba(99,110,250,0.25)" },
      hoverinfo: "skip",
    },
    {
      type: "scatter",
      mode: "lines",
      name: "expected",
      x,
      y: sorted.map((p) => num(p.expectedValue)),
      line: { dash: "dash", width: 1.5, color: "#636efa" },
      hoverinfo: "skip",
    },
    {
      type: "scatter",
      mode: "lines+markers",
      name: seriesName,
      x,
      y: sorted.map((p) => p.value),
      customdata: custom,
      line: { width: 1.5, color: "#2a3f5f" },
      marker: { size: 4 },
      hovertemplate: `${hover}<extra></extra>`,
    },
    {
      type: "scatter",
      mode: "markers",
      name: `anomaly ▲ (${up.x.length})`,
      meta: "up",
      ...up,
      marker: {
        symbol: "triangle-up",
        size: 12,
        color: "#d62728",
        line: { width: 1, color: "#fff" },
      },
      hovertemplate: anomalyHover,
    },
    {
      type: "scatter",
      mode: "markers",
      name: `anomaly ▼ (${down.x.length})`,
      meta: "down",
      ...down,
      marker: {
        symbol: "triangle-down",
        size: 12,
        color: "#1f77b4",
        line: { width: 1, color: "#fff" },
      },
      hovertemplate: anomalyHover,
    },
  ];
  const layout = {
    title: { text: options.title ?? "Average likes per hour" },
    xaxis: { title: { text: "groupTime (UTC)" }, type: "date" },
    yaxis: { title: { text: options.yTitle ?? seriesName } },
    hovermode: "closest",
    legend: { orientation: "h", y: -0.2 },
    margin: { t: 50, r: 20, b: 40, l: 60 },
  };
  return new PlotlyFigure(data, layout, { height: options.height, config: options.config });
}

/** The direction of a flagged point: given, else from the value against the expected value. */
function directionOf(p: AnomalyPoint): AnomalyDirection {
  if (p.direction === "up" || p.direction === "down") return p.direction;
  return p.expectedValue !== undefined && p.value < p.expectedValue ? "down" : "up";
}

/** `2019-04-08T01:00:00Z` (no milliseconds when they are zero). */
export function isoTime(date: Date): string {
  return date.toISOString().replace(".000Z", "Z");
}
