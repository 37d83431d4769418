/**
 * A Plotly chart of one NAB file as the evaluation sees it: hourly sums, labelled windows,
 * the probationary period and, optionally, the flagged hours.
 * @module
 */
import { PlotlyFigure, type PlotlyFigureOptions } from "../plot/mod.ts";
import type { HourFlag } from "./detect_hours.ts";
import type { NabSeries } from "./nab_series.ts";
import { type ProbationOptions, probationRows } from "./nab_score.ts";

/** Options of {@linkcode nabSeriesFigure}. */
export interface NabSeriesFigureOptions extends PlotlyFigureOptions, ProbationOptions {
  /** Flags to mark (e.g. one file's `NabFileResult.flags`). @default {undefined} */
  flags?: readonly HourFlag[];
  /** Chart title. @default {"<file name>: hourly sums and labelled windows"} */
  title?: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The hourly sums of a NAB file as a line, its labelled windows as shaded bands, the
 * probationary period as a grey band, and flagged hours as red markers (hover shows severity).
 */
export function nabSeriesFigure(
  series: NabSeries,
  options: NabSeriesFigureOptions = {},
): PlotlyFigure {
  const shapes: Record<string, unknown>[] = series.windows.map((w) => ({
    type: "rect",
    xref: "x",
    yref: "paper",
    x0: iso(w.startMs),
    x1: iso(w.endMs),
    y0: 0,
    y1: 1,
    fillcolor: "rgba(255, 165, 0, 0.25)",
    line: { width: 0 },
    layer: "below",
  }));
  const probation = probationRows(series.rowTimesMs.length, options);
  if (probation > 0 && series.rowTimesMs.length > 0) {
    shapes.push({
      type: "rect",
      xref: "x",
      yref: "paper",
      x0: iso(series.rowTimesMs[0]),
      x1: iso(series.rowTimesMs[Math.min(probation, series.rowTimesMs.length - 1)]),
      y0: 0,
      y1: 1,
      fillcolor: "rgba(128, 128, 128, 0.15)",
      line: { width: 0 },
      layer: "below",
    });
  }
  const data: Record<string, unknown>[] = [{
    type: "scatter",
    mode: "lines",
    name: "hourly sum",
    x: series.hours.map((h) => h.timestamp),
    y: series.hours.map((h) => h.value),
    line: { color: "#636efa", width: 1.5 },
    hovertemplate: "%{x}<br>%{y} tweets<extra></extra>",
  }, {
    // A legend entry for the shaded windows (shapes have none).
    type: "scatter",
    mode: "markers",
    name: "labelled window",
    x: [null],
    y: [null],
    marker: { symbol: "square", size: 12, color: "rgba(255, 165, 0, 0.5)" },
  }];
  if (options.flags !== undefined) {
    const value = new Map(series.hours.map((h) => [h.timestamp, h.value]));
    const flagged = options.flags.filter((f) => f.isAnomaly);
    data.push({
      type: "scatter",
      mode: "markers",
      name: `flagged hour (${flagged.length})`,
      x: flagged.map((f) => f.timestamp),
      y: flagged.map((f) => value.get(f.timestamp) ?? null),
      text: flagged.map((f) => f.severity === undefined ? "" : `severity ${f.severity.toFixed(3)}`),
      marker: { color: "#d62728", size: 6 },
      hovertemplate: "%{x}<br>%{y} tweets<br>%{text}<extra>flagged</extra>",
    });
  }
  return new PlotlyFigure(data, {
    title: { text: options.title ?? `${series.name}: hourly sums and labelled windows` },
    xaxis: { title: { text: "hour (UTC)" } },
    yaxis: { title: { text: "tweets per hour" } },
    shapes,
    legend: { orientation: "h", y: -0.2 },
    hovermode: "closest",
  }, options);
}
