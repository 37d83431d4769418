/**
 * The small middleware model of the detector app: a middleware sees the request and a
 * per-request context, and either answers (or throws) itself or calls `next()`.
 * @module
 */
import type { ApiVersion } from "@/detect";

/** The three detection operations of the API. */
export type DetectOperation = "entire" | "last" | "changepoint";

/** Per-request state shared by the middleware chain. */
export interface RequestContext {
  /** The `apim-request-id` of this request's response. */
  readonly requestId: string;
  /** The parsed request URL. */
  readonly url: URL;
  /** Set by the router once the path names a detect route. */
  apiVersion?: ApiVersion;
  /** Set by the router once the path names a detect route. */
  operation?: DetectOperation;
  /** Set by {@linkcode bodyLimit}: the whole request body, within the limit. */
  body?: Uint8Array;
}

/** One step of the chain. Throw a `DetectorHttpError` (or any error) to fail the request. */
export type Middleware = (
  request: Request,
  context: RequestContext,
  next: () => Promise<Response>,
) => Promise<Response>;

/** Runs `middlewares` in order; the last one must answer without calling `next`. */
export function compose(middlewares: readonly Middleware[]): (
  request: Request,
  context: RequestContext,
) => Promise<Response> {
  return (request, context) => {
    const step = (index: number): Promise<Response> => {
      const middleware = middlewares[index];
      if (middleware === undefined) {
        return Promise.reject(
          new Error(`Cannot continue the middleware chain as step ${index} does not exist`),
        );
      }
      return middleware(request, context, () => step(index + 1));
    };
    return step(0);
  };
}
