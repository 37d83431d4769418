/**
 * Configuration: the only module of hubwatch that reads the environment.
 * @module
 */
export * from "./config.ts";
export * from "./secret.ts";
export * from "./dotenv.ts";
