/** Messages between {@linkcode evaluateNab} and its workers. @module */
import type { ApiVersion } from "../detect/mod.ts";
import type { HourFlag, HourValue } from "./detect_hours.ts";

/** One file to detect on. */
export interface WorkerTask {
  id: number;
  hours: HourValue[];
  sensitivities: number[];
  detect: { windowHours: number; apiVersion: ApiVersion; maxAnomalyRatio: number };
}

/** Progress, result or failure of a task. */
export type WorkerReply =
  | { id: number; type: "progress"; done: number; total: number }
  | { id: number; type: "done"; flags: HourFlag[][] }
  | { id: number; type: "error"; message: string };
