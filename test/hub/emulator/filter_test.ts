import assert from "node:assert/strict";
import { parseStartFilter } from "../../../lib/hub/emulator/_filter.ts";

Deno.test("parseStartFilter() reads the earliest position", () => {
  assert.deepEqual(parseStartFilter("amqp.annotation.x-opt-offset > '-1'"), { kind: "earliest" });
});

Deno.test("parseStartFilter() reads the latest position", () => {
  assert.deepEqual(parseStartFilter("amqp.annotation.x-opt-offset > '@latest'"), {
    kind: "latest",
  });
});

Deno.test("parseStartFilter() reads an inclusive offset", () => {
  assert.deepEqual(parseStartFilter("amqp.annotation.x-opt-offset >= '480'"), {
    kind: "offset",
    offset: 480,
    inclusive: true,
  });
});

Deno.test("parseStartFilter() reads an exclusive sequence number", () => {
  assert.deepEqual(parseStartFilter("amqp.annotation.x-opt-sequence-number > '12'"), {
    kind: "sequenceNumber",
    sequenceNumber: 12,
    inclusive: false,
  });
});

Deno.test("parseStartFilter() reads an enqueued time in epoch milliseconds", () => {
  assert.deepEqual(parseStartFilter("amqp.annotation.x-opt-enqueued-time > '1767225600000'"), {
    kind: "enqueuedTime",
    timeMs: 1767225600000,
  });
});

Deno.test("parseStartFilter() rejects an unknown annotation", () => {
  assert.throws(
    () => parseStartFilter("amqp.annotation.x-opt-foo > '1'"),
    new SyntaxError(
      `Cannot parse receiver filter as it must be "amqp.annotation.x-opt-<offset|sequence-number|enqueued-time> >[=] '<value>'": current value is amqp.annotation.x-opt-foo > '1'`,
    ),
  );
});

Deno.test("parseStartFilter() rejects a non-integer sequence number", () => {
  assert.throws(
    () => parseStartFilter("amqp.annotation.x-opt-sequence-number > 'abc'"),
    new SyntaxError(
      "Cannot parse receiver filter as the sequence-number must be an integer: current value is abc",
    ),
  );
});
