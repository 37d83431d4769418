/**
 * Tables of the evaluation for notebooks: the files, one run per file, and a sweep.
 * @module
 */
import { isoTime, TableView } from "../plot/mod.ts";
import type { NabRun } from "./evaluate_nab.ts";
import type { NabFileScore } from "./score_flags.ts";
import type { NabSeries } from "./nab_series.ts";
import { type ProbationOptions, probationRows } from "./nab_score.ts";

const iso = (ms: number) => isoTime(new Date(ms));
const round = (n: number, digits: number) => Number(n.toFixed(digits));

/** One row per NAB file: rows, complete hours, labelled windows, time span and probation. */
export function nabFilesTable(
  files: readonly NabSeries[],
  options: ProbationOptions = {},
): TableView {
  return new TableView(
    ["file", "rows", "hours", "windows", "first row", "last row", "probation rows", "scored from"],
    files.map((s) => {
      const p = probationRows(s.rowTimesMs.length, options);
      return {
        file: s.name,
        rows: s.rowTimesMs.length,
        hours: s.hours.length,
        windows: s.windows.length,
        "first row": iso(s.rowTimesMs[0]),
        "last row": iso(s.rowTimesMs[s.rowTimesMs.length - 1]),
        "probation rows": p,
        "scored from": p < s.rowTimesMs.length ? iso(s.rowTimesMs[p]) : "",
      };
    }),
  );
}

/** One row per file of a run, plus the total. */
export function runTable(run: NabRun): TableView {
  const row = (
    file: string,
    s: Pick<NabFileScore, "evaluatedHours" | "flaggedHours" | "events">,
    nabScore: number,
  ) => ({
    file,
    hours: s.evaluatedHours,
    flagged: s.flaggedHours,
    windows: s.events.windows,
    found: s.events.found,
    "false alarms": s.events.falseAlarms,
    precision: round(s.events.precision, 3),
    recall: round(s.events.recall, 3),
    F1: round(s.events.f1, 3),
    "NAB score": round(nabScore, 1),
  });
  const rows = [
    ...run.files.map((f) => row(f.name, f, f.nab.normalized)),
    row("total", run.total, run.total.nabNormalized),
  ];
  return new TableView(Object.keys(rows[0]), rows, {
    caption: `sensitivity ${run.sensitivity}`,
  });
}

/**
 * One row per sensitivity (ascending) with the corpus totals; the rows with the best F1 and the
 * best NAB score are marked.
 */
export function sweepTable(runs: readonly NabRun[]): TableView {
  const sorted = [...runs].sort((a, b) => a.sensitivity - b.sensitivity);
  const bestF1 = Math.max(...sorted.map((r) => r.total.events.f1));
  const bestNab = Math.max(...sorted.map((r) => r.total.nabNormalized));
  const rows = sorted.map((r) => {
    const e = r.total.events;
    const marks = [
      e.f1 === bestF1 ? "best F1" : "",
      r.total.nabNormalized === bestNab ? "best NAB score" : "",
    ].filter((m) => m !== "");
    return {
      sensitivity: r.sensitivity,
      "flagged hours": r.total.flaggedHours,
      "% of hours": round((100 * r.total.flaggedHours) / Math.max(1, r.total.evaluatedHours), 1),
      found: `${e.found}/${e.windows}`,
      "false alarms": e.falseAlarms,
      precision: round(e.precision, 3),
      recall: round(e.recall, 3),
      F1: round(e.f1, 3),
      "NAB score": round(r.total.nabNormalized, 1),
      "": marks.join(", "),
    };
  });
  return new TableView(Object.keys(rows[0] ?? { sensitivity: 0 }), rows);
}
