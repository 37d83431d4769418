import { fileURLToPath } from "node:url";

/** The read-only reference folder `../shared`, resolved from the repo root. */
export const SHARED_DIR = fileURLToPath(new URL("../../../shared/", import.meta.url));

/** `count` hourly points from 2019-04-01T00:00:00Z with a daily cycle; optionally a spike last. */
export function hourlySeries(
  count: number,
  spikeLast = false,
): { timestamp: string; value: number }[] {
  const start = Date.UTC(2019, 3, 1);
  return Array.from({ length: count }, (_, i) => ({
    timestamp: new Date(start + i * 3_600_000).toISOString().replace(".000Z", "Z"),
    value: 100 + 10 * Math.sin((2 * Math.PI * i) / 24) + ((i * 7) % 5) +
      (spikeLast && i === count - 1 ? 80 : 0),
  }));
}

/** A POST request to the detect route of `version`/`operation`. */
export function detectRequest(
  version: string,
  operation: string,
  body: unknown,
  headers: Record<string, string> = { "content-type": "application/json" },
): Request {
  return new Request(`http://localhost/anomalydetector/${version}/timeseries/${operation}/detect`, {
    method: "POST",
    headers,
    // Bytes, so that the Request constructor adds no content type of its own.
    body: new TextEncoder().encode(typeof body === "string" ? body : JSON.stringify(body)),
  });
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
