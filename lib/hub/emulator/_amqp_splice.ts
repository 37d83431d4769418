/**
 * Byte-level edits of encoded AMQP 1.0 messages, so the emulator can stamp the broker's
 * annotations on an event without decoding and re-encoding it.
 *
 * A message is a sequence of described sections `0x00 0x53 <code> <value>`: header 0x70, delivery
 * annotations 0x71, message annotations 0x72, properties 0x73, application properties 0x74, body
 * 0x75-0x77, footer 0x78. Values are skipped by their type code's width or size prefix.
 * @module
 */
import { Buffer } from "node:buffer";

const SECTION_HEADER = 0x70;
const SECTION_DELIVERY_ANNOTATIONS = 0x71;
const SECTION_MESSAGE_ANNOTATIONS = 0x72;

/** Position just after the AMQP value that starts at `at`; throws on unknown codes or overrun. */
export function skipValue(bytes: Uint8Array, at: number): number {
  if (at >= bytes.length) {
    throw new RangeError(`Cannot skip AMQP value as it starts past the end: ${at}`);
  }
  const code = bytes[at];
  if (code === 0x00) return skipValue(bytes, skipValue(bytes, at + 1));
  let end: number;
  switch (code >> 4) {
    case 0x4:
      end = at + 1;
      break;
    case 0x5:
      end = at + 2;
      break;
    case 0x6:
      end = at + 3;
      break;
    case 0x7:
      end = at + 5;
      break;
    case 0x8:
      end = at + 9;
      break;
    case 0x9:
      end = at + 17;
      break;
    case 0xa:
    case 0xc:
    case 0xe:
      if (at + 1 >= bytes.length) throw new RangeError("Cannot skip AMQP value as its size is cut");
      end = at + 2 + bytes[at + 1];
      break;
    case 0xb:
    case 0xd:
    case 0xf: {
      if (at + 5 > bytes.length) throw new RangeError("Cannot skip AMQP value as its size is cut");
      const view = new DataView(bytes.buffer, bytes.byteOffset + at + 1, 4);
      end = at + 5 + view.getUint32(0);
      break;
    }
    default:
      throw new RangeError(
        `Cannot skip AMQP value as its type code is unknown: 0x${code.toString(16)}`,
      );
  }
  if (end > bytes.length) throw new RangeError("Cannot skip AMQP value as it runs past the end");
  return end;
}

interface Section {
  code: number;
  start: number;
  end: number;
}

/** Splits a message into its sections; undefined when a section has a non-numeric descriptor. */
function sections(bytes: Uint8Array): Section[] | undefined {
  const list: Section[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (bytes[at] !== 0x00 || bytes[at + 1] !== 0x53) return undefined;
    const code = bytes[at + 2];
    const end = skipValue(bytes, at + 3);
    list.push({ code, start: at, end });
    at = end;
  }
  return list;
}

const encoder = new TextEncoder();
function symbol(name: string): Uint8Array {
  const text = encoder.encode(name);
  return Uint8Array.from([0xa3, text.length, ...text]);
}
const SEQUENCE_NUMBER = symbol("x-opt-sequence-number");
const OFFSET = symbol("x-opt-offset");
const ENQUEUED_TIME = symbol("x-opt-enqueued-time");

/** The broker's per-event annotations. */
export interface BrokerAnnotations {
  sequenceNumber: number;
  offset: number;
  enqueuedTimeMs: number;
}

/** Map content (without constructor, size and count) and element count of a map8/map32 value. */
function mapContent(
  bytes: Uint8Array,
  at: number,
  end: number,
): { content: Uint8Array; count: number } | undefined {
  const code = bytes[at];
  if (code === 0xc1) return { count: bytes[at + 2], content: bytes.subarray(at + 3, end) };
  if (code === 0xd1) {
    const view = new DataView(bytes.buffer, bytes.byteOffset + at + 5, 4);
    return { count: view.getUint32(0), content: bytes.subarray(at + 9, end) };
  }
  if (code === 0x40) return { count: 0, content: new Uint8Array(0) };
  return undefined;
}

/**
 * Returns `message` with the broker annotations added to its message annotations (kept: the
 * sender's own annotations such as `x-opt-partition-key`) and without delivery annotations.
 * Undefined when the encoding is not one this splicer handles (the caller re-encodes instead).
 */
export function annotateMessage(message: Uint8Array, meta: BrokerAnnotations): Buffer | undefined {
  let parts: Section[] | undefined;
  try {
    parts = sections(message);
  } catch {
    return undefined;
  }
  if (parts === undefined) return undefined;
  let existing: { content: Uint8Array; count: number } = { count: 0, content: new Uint8Array(0) };
  const before: Section[] = [];
  const after: Section[] = [];
  for (const s of parts) {
    if (s.code === SECTION_MESSAGE_ANNOTATIONS) {
      const found = mapContent(message, s.start + 3, s.end);
      if (found === undefined) return undefined;
      existing = found;
    } else if (s.code === SECTION_DELIVERY_ANNOTATIONS) {
      continue;
    } else if (s.code === SECTION_HEADER) {
      before.push(s);
    } else {
      after.push(s);
    }
  }
  const offset = encoder.encode(String(meta.offset));
  const added = SEQUENCE_NUMBER.length + 9 + OFFSET.length + 2 + offset.length +
    ENQUEUED_TIME.length +
    9;
  const contentLength = existing.content.length + added;
  let length = 3 + 9 + contentLength;
  for (const s of before) length += s.end - s.start;
  for (const s of after) length += s.end - s.start;
  const out = Buffer.allocUnsafe(length);
  let at = 0;
  for (const s of before) {
    out.set(message.subarray(s.start, s.end), at);
    at += s.end - s.start;
  }
  out[at++] = 0x00;
  out[at++] = 0x53;
  out[at++] = SECTION_MESSAGE_ANNOTATIONS;
  out[at++] = 0xd1;
  out.writeUInt32BE(4 + contentLength, at);
  out.writeUInt32BE(existing.count + 6, at + 4);
  at += 8;
  out.set(existing.content, at);
  at += existing.content.length;
  out.set(SEQUENCE_NUMBER, at);
  at += SEQUENCE_NUMBER.length;
  out[at++] = 0x81;
  out.writeBigInt64BE(BigInt(meta.sequenceNumber), at);
  at += 8;
  out.set(OFFSET, at);
  at += OFFSET.length;
  out[at++] = 0xa1;
  out[at++] = offset.length;
  out.set(offset, at);
  at += offset.length;
  out.set(ENQUEUED_TIME, at);
  at += ENQUEUED_TIME.length;
  out[at++] = 0x83;
  out.writeBigInt64BE(BigInt(Math.round(meta.enqueuedTimeMs)), at);
  at += 8;
  for (const s of after) {
    out.set(message.subarray(s.start, s.end), at);
    at += s.end - s.start;
  }
  return out;
}

/** Inserts an encoded delivery-annotations section after the header section (if any). */
export function insertDeliveryAnnotations(message: Uint8Array, section: Uint8Array): Buffer {
  let split = 0;
  if (message[0] === 0x00 && message[1] === 0x53 && message[2] === SECTION_HEADER) {
    split = skipValue(message, 3);
  }
  return Buffer.concat([message.subarray(0, split), section, message.subarray(split)]);
}

/** The bytes of the first section with `code` in an encoded message, if any. */
export function sectionBytes(message: Uint8Array, code: number): Uint8Array | undefined {
  const parts = sections(message);
  const found = parts?.find((s) => s.code === code);
  return found === undefined ? undefined : message.subarray(found.start, found.end);
}
