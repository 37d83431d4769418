import type { ApiVersion } from "@/detect";
import type { DetectOperation } from "./middleware.ts";

/** A detection request sent to a worker. */
export interface PoolTask {
  id: number;
  operation: DetectOperation;
  apiVersion: ApiVersion;
  body: Uint8Array;
}

/** A worker's answer. */
export type PoolReply =
  | { id: number; ok: true; json: string }
  | {
    id: number;
    ok: false;
    error: { kind: "http" | "engine" | "internal"; status: number; code: string; message: string };
  };
