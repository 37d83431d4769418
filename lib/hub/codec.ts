/**
 * The tutorial's event body: `{"timestamp": "<ISO-8601>", "favorite": <integer>}` as UTF-8 JSON.
 *
 * @module
 */

/** One event of the tutorial: when a post was made and how many likes it has. */
export interface TweetEvent {
  /** ISO-8601 date-time with a time zone (`Z` or `±hh:mm`), e.g. `2019-12-31T19:26:16.000Z`. */
  timestamp: string;
  /** Likes of the post: a non-negative integer. */
  favorite: number;
}

const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2}))$/;

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/**
 * Checks that `value` has the tutorial's event shape and returns a clean copy holding only
 * `timestamp` and `favorite` (other fields are dropped).
 *
 * @throws {TypeError} when the value is not an object or a field has the wrong type.
 * @throws {RangeError} when a field has the right type but an invalid value.
 */
export function validateTweetEvent(value: unknown): TweetEvent {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TypeError(
      `Cannot read event as body must be a JSON object: current value is ${show(value)}`,
    );
  }
  const { timestamp, favorite } = value as Record<string, unknown>;
  if (typeof timestamp !== "string") {
    throw new TypeError(
      `Cannot read event as field "timestamp" must be an ISO-8601 string: current value is ${
        show(timestamp)
      }`,
    );
  }
  if (!isIsoDateTime(timestamp)) {
    throw new RangeError(
      `Cannot read event as field "timestamp" must be an ISO-8601 date-time with a time zone: current value is ${
        show(timestamp)
      }`,
    );
  }
  if (typeof favorite !== "number" || !Number.isInteger(favorite)) {
    throw new TypeError(
      `Cannot read event as field "favorite" must be an integer: current value is ${
        show(favorite)
      }`,
    );
  }
  if (favorite < 0 || !Number.isSafeInteger(favorite)) {
    throw new RangeError(
      `Cannot read event as field "favorite" must be a non-negative safe integer: current value is ${favorite}`,
    );
  }
  return { timestamp, favorite };
}

/**
 * Encodes an event as UTF-8 JSON bytes, after validating it.
 *
 * @example
 * ```ts
 * import { encodeTweetEvent } from "./codec.ts";
 * import assert from "node:assert/strict";
 * const bytes = encodeTweetEvent({ timestamp: "2019-12-31T19:26:16.000Z", favorite: 3 });
 * assert.equal(new TextDecoder().decode(bytes), '{"timestamp":"2019-12-31T19:26:16.000Z","favorite":3}');
 * ```
 */
export function encodeTweetEvent(event: TweetEvent): Uint8Array {
  const clean = validateTweetEvent(event);
  return encoder.encode(JSON.stringify(clean));
}

/**
 * Decodes an event body as received from Event Hubs: raw bytes (UTF-8 JSON), a JSON string, or
 * an already-parsed object (what the SDK hands over when it parsed the JSON itself).
 *
 * @throws {TypeError} when the bytes are not UTF-8 or the shape is wrong.
 * @throws {SyntaxError} when the text is not JSON.
 * @throws {RangeError} when a field value is invalid.
 */
export function decodeTweetEvent(body: unknown): TweetEvent {
  let text: string | undefined;
  if (body instanceof Uint8Array) {
    try {
      text = decoder.decode(body);
    } catch (error) {
      throw new TypeError(
        `Cannot decode event as body must be valid UTF-8: current value is ${body.length} bytes`,
        { cause: error },
      );
    }
  } else if (typeof body === "string") {
    text = body;
  }
  if (text === undefined) return validateTweetEvent(body);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new SyntaxError(
      `Cannot decode event as body must be JSON: current value is ${show(text)}`,
      { cause: error },
    );
  }
  return validateTweetEvent(parsed);
}

function isIsoDateTime(text: string): boolean {
  const m = ISO_DATE_TIME.exec(text);
  if (m === null) return false;
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return false;
  if (m[8] !== undefined && (Number(m[8]) > 23 || Number(m[9]) > 59)) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const daysInMonth = month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
  return day >= 1 && day <= daysInMonth;
}

function show(value: unknown): string {
  let text: string;
  try {
    // A Date would print as a JSON string; name it so the message does not look self-contradictory.
    text = value instanceof Date
      ? `a Date (${Number.isNaN(value.getTime()) ? "invalid" : value.toISOString()})`
      : typeof value === "string"
      ? JSON.stringify(value)
      : String(JSON.stringify(value));
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
