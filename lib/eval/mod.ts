/**
 * How well detection finds labelled anomalies: the NAB (Numenta Anomaly Benchmark) `realTweets`
 * evaluation behind `./run eval nab` and `notebooks/02_Evaluate.ipynb`.
 *
 * What is computed, per file of `../shared/nab/data/realTweets`:
 *
 * 1. **Hourly sums.** The 5-minute counts are summed into UTC clock hours `[hh:00, hh+1:00)`;
 *    only complete hours (12 rows) are kept, so a file's partial first and last hours are left out
 *    rather than looking like drops.
 * 2. **Detection at every hour.** For each hour `h` with 72 hours of history, one last-point
 *    request over the hours in `[h − 72 h, h]` (73 points), granularity `hourly`,
 *    `maxAnomalyRatio` 0.25, `sensitivity` 95 (the tutorial's parameters), run by the in-process
 *    engine (`detect/`), API v1.1 or v1.0.
 * 3. **Mapping to NAB's rows.** A flagged hour is scored at its first 5-minute row (option
 *    `flagAt: "last-row"` scores it at its last row instead, the time the flag could exist live).
 * 4. **NAB standard-profile score** on the rows, as NAB's sweeper computes it for one threshold:
 *    the first `min(floor(0.15·rows), 750)` rows are probationary (NAB's rule; 750 = 15% of 5,000);
 *    a window's reward is `A_TP · σs(p) / σs(−1)` for its earliest detection, with
 *    `σs(p) = 2/(1+e^{5p}) − 1` and `p = −(right − i + 1)/width`; a detection outside windows
 *    costs `A_FP · σs(distance past the previous window / (its width − 1))` (−A_FP before any
 *    window); a missed window costs `A_FN`. Standard weights: A_TP = 1, A_FP = −0.11, A_FN = −1.
 *    Normalised as NAB does: `100 · (raw − null) / (perfect − null)`, where the null detector
 *    flags nothing (`−windows`) and the perfect detector flags each window's first row
 *    (`+windows`); corpus totals normalise the summed scores. Unlike NAB we do not optimise a
 *    threshold: the engine's flags are binary.
 * 5. **Event-level precision, recall, F1** with the same row times and probation: a window is
 *    found when any flagged hour lies inside it; each flagged hour outside all windows is a false
 *    alarm; precision = found / (found + false alarms), recall = found / windows.
 *
 * @example
 * ```ts ignore
 * import { defaultNabDataDir, evaluateNab } from "@/eval";
 * const { runs } = await evaluateNab(defaultNabDataDir(), { files: ["Twitter_volume_AAPL.csv"] });
 * const { f1 } = runs[0].total.events; // event-level F1 of the tutorial's parameters
 * ```
 * @module
 */
export * from "./nab_score.ts";
export * from "./nab_series.ts";
export * from "./detect_hours.ts";
export * from "./event_metrics.ts";
export * from "./score_flags.ts";
export * from "./evaluate_nab.ts";
export * from "./flags_csv.ts";
export * from "./sweep_figure.ts";
export * from "./nab_figure.ts";
export * from "./eval_tables.ts";
