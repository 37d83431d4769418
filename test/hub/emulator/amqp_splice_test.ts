import assert from "node:assert/strict";
import rhea from "rhea";
import {
  annotateMessage,
  insertDeliveryAnnotations,
  sectionBytes,
  skipValue,
} from "../../../lib/hub/emulator/_amqp_splice.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

const meta = { sequenceNumber: 7, offset: 1234, enqueuedTimeMs: Date.UTC(2026, 0, 1) };

function encode(message: Any): Uint8Array {
  return rhea.message.encode(message);
}

Deno.test("annotateMessage() adds sequence number, offset and enqueued time", () => {
  const raw = encode({ body: rhea.message.data_section(new Uint8Array([1, 2, 3])) });
  const decoded = rhea.message.decode(annotateMessage(raw, meta)!) as Any;
  assert.deepEqual(decoded.message_annotations, {
    "x-opt-sequence-number": 7,
    "x-opt-offset": "1234",
    "x-opt-enqueued-time": new Date(Date.UTC(2026, 0, 1)),
  });
  assert.deepEqual([...decoded.body.content], [1, 2, 3]);
});

Deno.test("annotateMessage() keeps the sender's annotations and properties", () => {
  const raw = encode({
    message_annotations: { "x-opt-partition-key": "user-1" },
    application_properties: { source: "x" },
    message_id: "m-1",
    body: "hello",
  });
  const decoded = rhea.message.decode(annotateMessage(raw, meta)!) as Any;
  assert.equal(decoded.message_annotations["x-opt-partition-key"], "user-1");
  assert.equal(decoded.message_annotations["x-opt-sequence-number"], 7);
  assert.deepEqual(decoded.application_properties, { source: "x" });
  assert.equal(decoded.message_id, "m-1");
  assert.equal(decoded.body, "hello");
});

Deno.test("annotateMessage() drops the sender's delivery annotations", () => {
  const raw = encode({ delivery_annotations: { a: 1 }, body: "x" });
  const decoded = rhea.message.decode(annotateMessage(raw, meta)!) as Any;
  assert.equal(decoded.delivery_annotations, undefined);
});

Deno.test("annotateMessage() declines a message with a symbolic section descriptor", () => {
  const raw = Uint8Array.from([0x00, 0xa3, 0x01, 0x78, 0x40]);
  assert.equal(annotateMessage(raw, meta), undefined);
});

Deno.test("insertDeliveryAnnotations() places the section after the header", () => {
  const raw = encode({ durable: true, body: "x" });
  const section = sectionBytes(encode({ delivery_annotations: { last: "9" } }), 0x71)!;
  const decoded = rhea.message.decode(insertDeliveryAnnotations(raw, section)) as Any;
  assert.deepEqual(decoded.delivery_annotations, { last: "9" });
  assert.equal(decoded.durable, true);
  assert.equal(decoded.body, "x");
});

Deno.test("skipValue() skips fixed-width, sized and described values", () => {
  assert.equal(skipValue(Uint8Array.from([0x81, 0, 0, 0, 0, 0, 0, 0, 1]), 0), 9);
  assert.equal(skipValue(Uint8Array.from([0xa1, 2, 0x61, 0x62]), 0), 4);
  assert.equal(skipValue(Uint8Array.from([0x00, 0x53, 0x75, 0xa0, 1, 9]), 0), 6);
});

Deno.test("skipValue() rejects a value that runs past the end", () => {
  assert.throws(
    () => skipValue(Uint8Array.from([0xa1, 5, 0x61]), 0),
    new RangeError("Cannot skip AMQP value as it runs past the end"),
  );
});
