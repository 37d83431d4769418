/**
 * Figures and tables that display themselves in Jupyter (Deno kernel) and in offline HTML reports.
 * @module
 */
export * from "./plotly.ts";
export * from "./table.ts";
export * from "./anomaly_figure.ts";
export * from "./anomaly_table.ts";
export * from "./history_table.ts";
export * from "./schema_table.ts";
export * from "./report.ts";
