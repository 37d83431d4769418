import { eventRates, type NabRun } from "../../lib/eval/mod.ts";

/** A run without files whose totals have 4 windows and 200 evaluated hours. */
export function fakeRun(
  sensitivity: number,
  found: number,
  falseAlarms: number,
  nab: number,
): NabRun {
  return {
    sensitivity,
    files: [],
    total: {
      files: 0,
      evaluatedHours: 200,
      flaggedHours: found + falseAlarms,
      errors: 0,
      nabRaw: 0,
      nabNull: -4,
      nabPerfect: 4,
      nabNormalized: nab,
      events: eventRates(4, found, falseAlarms, found + falseAlarms),
    },
  };
}
