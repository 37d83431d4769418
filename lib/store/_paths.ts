import { join } from "node:path";

/** `_delta_log` folder of a table. */
export function logDir(tablePath: string): string {
  return join(tablePath, "_delta_log");
}

/** 20-digit zero-padded version, the Delta log's file-name stem. */
export function versionStem(version: number): string {
  return String(version).padStart(20, "0");
}

/** Path of the JSON commit file of `version`. */
export function commitPath(tablePath: string, version: number): string {
  return join(logDir(tablePath), `${versionStem(version)}.json`);
}

/** Path of the single-part Parquet checkpoint of `version`. */
export function checkpointPath(tablePath: string, version: number): string {
  return join(logDir(tablePath), `${versionStem(version)}.checkpoint.parquet`);
}

/** Absolute path of a data file given the `add.path` (URL-encoded, relative or absolute URI). */
export function dataFilePath(tablePath: string, addPath: string): string {
  if (addPath.startsWith("file:")) return decodeURIComponent(new URL(addPath).pathname);
  return join(tablePath, decodeURIComponent(addPath));
}
