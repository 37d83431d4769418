/**
 * Helpers for the notebooks: environment report and live displays (updated in place), progress
 * bars and bounded live previews of streams.
 * @module
 */
export * from "./environment.ts";
export * from "./live_display.ts";
export * from "./progress_display.ts";
export * from "./live_preview.ts";
export * from "./notebook_hub.ts";
export * from "./run_once.ts";
export * from "./stream_monitor.ts";
