/**
 * A detection worker of {@linkcode DetectionPool}: receives `{id, operation, apiVersion, body}`,
 * answers `{id, ok: true, json}` or `{id, ok: false, error}` with the error's wire fields.
 * @module
 */
import * as detect from "@/detect";
import { DetectorHttpError } from "./error_mapping.ts";
import { detectToJson } from "./_detect_body.ts";
import type { PoolReply, PoolTask } from "./_pool_protocol.ts";

const scope = globalThis as unknown as {
  onmessage: ((event: MessageEvent<PoolTask>) => void) | null;
  postMessage(message: PoolReply): void;
};

scope.onmessage = (event) => {
  const { id, operation, apiVersion, body } = event.data;
  let reply: PoolReply;
  try {
    reply = { id, ok: true, json: detectToJson(detect, operation, apiVersion, body) };
  } catch (error) {
    if (error instanceof DetectorHttpError) {
      reply = {
        id,
        ok: false,
        error: { kind: "http", status: error.status, code: error.code, message: error.message },
      };
    } else if (error instanceof detect.AnomalyDetectorError) {
      reply = {
        id,
        ok: false,
        error: { kind: "engine", status: error.status, code: error.code, message: error.message },
      };
    } else {
      const message = error instanceof Error
        ? error.stack ?? `${error.name}: ${error.message}`
        : String(error);
      reply = {
        id,
        ok: false,
        error: { kind: "internal", status: 500, code: "InternalServerError", message },
      };
    }
  }
  scope.postMessage(reply);
};
