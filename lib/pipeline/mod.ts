/**
 * The jobs the notebooks and the CLI run, composed from the pieces in `lib/`.
 *
 * @module
 */
export * from "./send.ts";
export * from "./analyze.ts";
