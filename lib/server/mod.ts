/**
 * The Anomaly Detector REST API over the in-process engine: an app factory with a
 * `fetch(request)` method for `Deno.serve`, its middleware and its error mapping.
 * @module
 */
export * from "./detector_app.ts";
export * from "./error_mapping.ts";
export * from "./middleware.ts";
export * from "./body_limit.ts";
export * from "./subscription_key_auth.ts";
export * from "./detection_pool.ts";
export { API_VERSIONS } from "@/detect";
