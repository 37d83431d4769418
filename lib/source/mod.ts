/**
 * Where posts come from: the X API v2 (recent search polling and filtered stream), replay files,
 * a deterministic synthetic generator, and NAB count series.
 *
 * @module
 */
export * from "./post_source.ts";
export * from "./clock.ts";
export * from "./state_store.ts";
export * from "./x_api_error.ts";
export * from "./x_client.ts";
export * from "./x_search_source.ts";
export * from "./ground_truth.ts";
export * from "./synthetic_source.ts";
export * from "./replay_source.ts";
export * from "./nab.ts";
export * from "./x_stream_source.ts";
export { seededRandom } from "./seeded_random.ts";
