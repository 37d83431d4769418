/**
 * Parses the start-position selector filter the SDK attaches to a receiver link
 * (`apache.org:selector-filter:string`), e.g. `amqp.annotation.x-opt-offset > '-1'`.
 * @module
 */

/** A receiver's start position. */
export type StartPosition =
  | { kind: "earliest" }
  | { kind: "latest" }
  | { kind: "offset"; offset: number; inclusive: boolean }
  | { kind: "sequenceNumber"; sequenceNumber: number; inclusive: boolean }
  | { kind: "enqueuedTime"; timeMs: number };

const PATTERN =
  /^\s*amqp\.annotation\.x-opt-(offset|sequence-number|enqueued-time)\s*(>=|>)\s*'([^']*)'\s*$/;

/**
 * Turns a selector expression into a start position.
 * @throws {SyntaxError} for an expression or value the emulator does not understand.
 */
export function parseStartFilter(expression: string): StartPosition {
  const match = PATTERN.exec(expression);
  if (!match) {
    throw new SyntaxError(
      `Cannot parse receiver filter as it must be "amqp.annotation.x-opt-<offset|sequence-number|enqueued-time> >[=] '<value>'": current value is ${expression}`,
    );
  }
  const [, field, op, value] = match;
  const inclusive = op === ">=";
  const number = Number(value);
  if (field === "offset") {
    if (value === "@latest") return { kind: "latest" };
    if (value === "-1" && !inclusive) return { kind: "earliest" };
    if (value.trim() === "" || !Number.isInteger(number)) {
      throw new SyntaxError(
        `Cannot parse receiver filter as the offset must be an integer, "-1" or "@latest": current value is ${value}`,
      );
    }
    return { kind: "offset", offset: number, inclusive };
  }
  if (value.trim() === "" || !Number.isInteger(number)) {
    throw new SyntaxError(
      `Cannot parse receiver filter as the ${field} must be an integer: current value is ${value}`,
    );
  }
  if (field === "sequence-number") {
    return { kind: "sequenceNumber", sequenceNumber: number, inclusive };
  }
  return { kind: "enqueuedTime", timeMs: number };
}
