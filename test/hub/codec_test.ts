import assert from "node:assert/strict";
import { decodeTweetEvent, encodeTweetEvent, validateTweetEvent } from "../../lib/hub/codec.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

Deno.test("encodeTweetEvent() writes compact UTF-8 JSON with timestamp then favorite", () => {
  const encoded = encodeTweetEvent({ timestamp: "2019-12-31T19:26:16.000Z", favorite: 42 });
  assert.equal(
    new TextDecoder().decode(encoded),
    '{"timestamp":"2019-12-31T19:26:16.000Z","favorite":42}',
  );
});

Deno.test("encodeTweetEvent() rejects an invalid event before sending", () => {
  assert.throws(
    () => encodeTweetEvent({ timestamp: "2019-12-31T19:26:16Z", favorite: -1 }),
    {
      name: "RangeError",
      message:
        'Cannot read event as field "favorite" must be a non-negative safe integer: current value is -1',
    },
  );
});

Deno.test("decodeTweetEvent() round-trips encodeTweetEvent()", () => {
  const event = { timestamp: "2026-11-26T14:00:00.123+01:00", favorite: 0 };
  assert.deepEqual(decodeTweetEvent(encodeTweetEvent(event)), event);
});

Deno.test("decodeTweetEvent() accepts a JSON string and an already-parsed object", () => {
  const expected = { timestamp: "2019-12-31T19:26Z", favorite: 7 };
  assert.deepEqual(decodeTweetEvent('{"timestamp":"2019-12-31T19:26Z","favorite":7}'), expected);
  assert.deepEqual(decodeTweetEvent({ ...expected, extra: true }), expected);
});

Deno.test("decodeTweetEvent() names invalid UTF-8", () => {
  assert.throws(() => decodeTweetEvent(new Uint8Array([0x7b, 0xff, 0xfe])), {
    name: "TypeError",
    message: "Cannot decode event as body must be valid UTF-8: current value is 3 bytes",
  });
});

Deno.test("decodeTweetEvent() names text that is not JSON", () => {
  assert.throws(() => decodeTweetEvent(bytes("{oops")), {
    name: "SyntaxError",
    message: 'Cannot decode event as body must be JSON: current value is "{oops"',
  });
});

Deno.test("decodeTweetEvent() rejects JSON that is not an object", () => {
  assert.throws(() => decodeTweetEvent(bytes("[1,2]")), {
    name: "TypeError",
    message: "Cannot read event as body must be a JSON object: current value is [1,2]",
  });
});

Deno.test("decodeTweetEvent() rejects a missing timestamp", () => {
  assert.throws(() => decodeTweetEvent(bytes('{"favorite":1}')), {
    name: "TypeError",
    message:
      'Cannot read event as field "timestamp" must be an ISO-8601 string: current value is undefined',
  });
});

Deno.test("decodeTweetEvent() rejects a timestamp without a time zone", () => {
  assert.throws(
    () => decodeTweetEvent(bytes('{"timestamp":"2019-12-31T19:26:16","favorite":1}')),
    {
      name: "RangeError",
      message:
        'Cannot read event as field "timestamp" must be an ISO-8601 date-time with a time zone: current value is "2019-12-31T19:26:16"',
    },
  );
});

Deno.test("validateTweetEvent() rejects calendar dates that do not exist", () => {
  assert.throws(() => validateTweetEvent({ timestamp: "2023-02-29T00:00:00Z", favorite: 1 }), {
    name: "RangeError",
  });
  assert.deepEqual(validateTweetEvent({ timestamp: "2024-02-29T00:00:00Z", favorite: 1 }), {
    timestamp: "2024-02-29T00:00:00Z",
    favorite: 1,
  });
});

Deno.test("validateTweetEvent() rejects a fractional favorite", () => {
  assert.throws(() => validateTweetEvent({ timestamp: "2024-01-01T00:00:00Z", favorite: 1.5 }), {
    name: "TypeError",
    message: 'Cannot read event as field "favorite" must be an integer: current value is 1.5',
  });
});

Deno.test("validateTweetEvent() rejects a favorite given as a string", () => {
  assert.throws(() => validateTweetEvent({ timestamp: "2024-01-01T00:00:00Z", favorite: "3" }), {
    name: "TypeError",
    message: 'Cannot read event as field "favorite" must be an integer: current value is "3"',
  });
});

Deno.test("encodeTweetEvent() names a Date given as timestamp instead of printing it like a string", () => {
  assert.throws(
    () =>
      encodeTweetEvent({
        timestamp: new Date(Date.UTC(2026, 0, 5)) as unknown as string,
        favorite: 1,
      }),
    {
      name: "TypeError",
      message:
        'Cannot read event as field "timestamp" must be an ISO-8601 string: current value is a Date (2026-01-05T00:00:00.000Z)',
    },
  );
});
