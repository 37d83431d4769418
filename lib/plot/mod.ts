/**
 * Figures and tables that display themselves in Jupyter (Deno kernel) and in offline HTML reports.
 * @module
 */
export * from "./plotly.ts";
export * from "./table.ts";
