/**
 * The jobs the notebooks and the CLI run, composed from the pieces in `lib/`.
 *
 * @module
 */
export * from "./send.ts";
export * from "./analyze.ts";
export * from "./anomalies_table.ts";
export * from "./detect_job.ts";
export * from "./analyze_job.ts";
export * from "./incident_match.ts";
export * from "./demo.ts";
