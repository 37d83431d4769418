import { API_VERSIONS, type ApiVersion } from "@/detect";
import type { DetectOperation } from "./middleware.ts";

const DETECT_PATH =
  /^\/anomalydetector\/(v1\.0|v1\.1-preview|v1\.1-preview\.1|v1\.1)\/timeseries\/(entire|last|changepoint)\/detect$/;
const VERSION_PREFIX = /^\/anomalydetector\/([^/]+)\//;

/** A matched detect route. */
export interface DetectRoute {
  apiVersion: ApiVersion;
  operation: DetectOperation;
}

/**
 * Matches `/anomalydetector/{version}/timeseries/{operation}/detect`. Repeated slashes count as
 * one (`https://host/` + `/anomalydetector/...`, a common way clients join an endpoint).
 */
export function matchDetectRoute(pathname: string): DetectRoute | undefined {
  const match = DETECT_PATH.exec(pathname.replace(/\/{2,}/g, "/"));
  if (match === null) return undefined;
  return { apiVersion: match[1] as ApiVersion, operation: match[2] as DetectOperation };
}

/** The API version named by a path's prefix, if it is a served one (for error headers on 404). */
export function apiVersionOfPath(pathname: string): ApiVersion | undefined {
  const version = VERSION_PREFIX.exec(pathname.replace(/\/{2,}/g, "/"))?.[1];
  return API_VERSIONS.find((v) => v === version);
}
