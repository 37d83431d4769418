import { createHash, timingSafeEqual } from "node:crypto";
import { DetectorHttpError } from "./error_mapping.ts";
import type { Middleware } from "./middleware.ts";

/** Header the Anomaly Detector service reads the key from. */
export const SUBSCRIPTION_KEY_HEADER = "Ocp-Apim-Subscription-Key";

/** Message of the 401 answer, as the Azure API gateway words it. */
export const ACCESS_DENIED_MESSAGE =
  "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.";

/** Options of {@linkcode subscriptionKeyAuth}. */
export interface SubscriptionKeyAuthOptions {
  /** Accepted keys; a request passes when its `Ocp-Apim-Subscription-Key` equals one of them. */
  keys: readonly string[];
}

/**
 * Middleware that answers 401 `{"code":"401","message":"Access denied ..."}` unless the request
 * carries one of `keys` in `Ocp-Apim-Subscription-Key`. Keys are compared in constant time.
 */
export function subscriptionKeyAuth(options: SubscriptionKeyAuthOptions): Middleware {
  if (options.keys.length === 0) {
    throw new RangeError(
      "Cannot create subscription key auth as keys must hold at least one key: current value is []",
    );
  }
  options.keys.forEach((key, index) => {
    if (typeof key !== "string" || key === "") {
      throw new TypeError(
        `Cannot create subscription key auth as keys[${index}] must be a non-empty string: current value is ${
          JSON.stringify(key)
        }`,
      );
    }
  });
  const digests = options.keys.map(digest);
  return (request, _context, next) => {
    const given = request.headers.get(SUBSCRIPTION_KEY_HEADER);
    if (given !== null) {
      const candidate = digest(given);
      // Compare against every key so the time taken does not reveal which one matched.
      let matched = false;
      for (const key of digests) matched = timingSafeEqual(key, candidate) || matched;
      if (matched) return next();
    }
    return Promise.reject(new DetectorHttpError(401, "401", ACCESS_DENIED_MESSAGE));
  };
}

function digest(key: string): Uint8Array {
  return createHash("sha256").update(key).digest();
}
