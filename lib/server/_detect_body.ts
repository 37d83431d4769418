import * as detect from "@/detect";
import type { ApiVersion } from "@/detect";
import { DetectorHttpError } from "./error_mapping.ts";
import type { DetectOperation } from "./middleware.ts";

/** The engine the app serves (by default the in-process engine of `lib/detect`). */
export interface DetectorEngine {
  detectEntireSeries(request: unknown, options?: detect.DetectOptions): detect.EntireDetectResponse;
  detectLastPoint(request: unknown, options?: detect.DetectOptions): detect.LastDetectResponse;
  detectChangePoint(
    request: unknown,
    options?: detect.DetectOptions,
  ): detect.ChangePointDetectResponse;
}

const decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * Parses a request body as the engine reads JSON (integer fields classified by their literal);
 * throws a 400 `InvalidJsonFormat` for anything that is not UTF-8 JSON.
 */
export function parseDetectBody(body: Uint8Array): unknown {
  try {
    return detect.parseRequestText(decoder.decode(body));
  } catch (error) {
    throw new DetectorHttpError(
      400,
      "InvalidJsonFormat",
      body.byteLength === 0
        ? "The request body is empty; send a JSON object."
        : "The request body is not valid JSON.",
      { cause: error },
    );
  }
}

/** Parses `body` and runs `operation` on `engine`; returns the response body as JSON text. */
export function detectToJson(
  engine: DetectorEngine,
  operation: DetectOperation,
  apiVersion: ApiVersion,
  body: Uint8Array,
): string {
  const request = parseDetectBody(body);
  const options = { apiVersion };
  switch (operation) {
    case "entire":
      return JSON.stringify(engine.detectEntireSeries(request, options));
    case "last":
      return JSON.stringify(engine.detectLastPoint(request, options));
    case "changepoint":
      return JSON.stringify(engine.detectChangePoint(request, options));
    default:
      throw new Error(`Cannot run detection as the operation is unknown: ${operation}`);
  }
}
