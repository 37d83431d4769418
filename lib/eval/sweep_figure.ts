/**
 * A Plotly chart of a sensitivity sweep: event precision, recall and F1 and the NAB score
 * against sensitivity.
 * @module
 */
import { PlotlyFigure, type PlotlyFigureOptions } from "../plot/mod.ts";
import type { NabRun } from "./evaluate_nab.ts";

/** Options of {@linkcode sweepFigure}. */
export interface SweepFigureOptions extends PlotlyFigureOptions {
  /**
   * Chart title.
   * @default {"Sensitivity sweep on NAB realTweets"}
   */
  title?: string;
}

/**
 * Precision, recall and F1 (left axis, 0–1) and the normalised NAB standard score (right axis)
 * of each run, against its sensitivity; hover shows the counts.
 */
export function sweepFigure(
  runs: readonly NabRun[],
  options: SweepFigureOptions = {},
): PlotlyFigure {
  const sorted = [...runs].sort((a, b) => a.sensitivity - b.sensitivity);
  const x = sorted.map((r) => r.sensitivity);
  const counts = sorted.map((r) =>
    `found ${r.total.events.found}/${r.total.events.windows} windows, ` +
    `${r.total.events.falseAlarms} false alarms, ${r.total.flaggedHours} flagged hours`
  );
  const line = (name: string, y: number[], extra: Record<string, unknown> = {}) => ({
    type: "scatter",
    mode: "lines+markers",
    name,
    x,
    y,
    text: counts,
    hovertemplate: `sensitivity %{x}<br>${name} %{y:.3f}<br>%{text}<extra></extra>`,
    ...extra,
  });
  return new PlotlyFigure(
    [
      line("precision", sorted.map((r) => r.total.events.precision)),
      line("recall", sorted.map((r) => r.total.events.recall)),
      line("F1", sorted.map((r) => r.total.events.f1), { line: { width: 3 } }),
      line("NAB standard score", sorted.map((r) => r.total.nabNormalized), {
        yaxis: "y2",
        line: { dash: "dot" },
        hovertemplate: "sensitivity %{x}<br>NAB score %{y:.1f}<br>%{text}<extra></extra>",
      }),
    ],
    {
      title: { text: options.title ?? "Sensitivity sweep on NAB realTweets" },
      xaxis: { title: { text: "sensitivity" } },
      yaxis: { title: { text: "event precision / recall / F1" }, range: [0, 1.05] },
      yaxis2: {
        title: { text: "NAB standard score (0 = null, 100 = perfect)" },
        overlaying: "y",
        side: "right",
      },
      legend: { orientation: "h", y: -0.2 },
      hovermode: "closest",
    },
    options,
  );
}
