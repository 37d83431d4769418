/**
 * Helpers for the notebooks: environment report and live displays.
 * @module
 */
export * from "./environment.ts";
