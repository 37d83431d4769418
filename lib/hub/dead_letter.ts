/**
 * Dead letters: events that could not be decoded or validated, kept with where they came from
 * and why they were rejected, so that a consumer never stops on a bad event.
 *
 * @module
 */

import { dirname } from "node:path";

/** One rejected event, as one line of a dead-letter JSONL file. */
export interface DeadLetterRecord {
  /** Partition the event was read from. */
  partitionId: string;
  /** The event's sequence number in its partition. */
  sequenceNumber: number;
  /** The event's offset in its partition. */
  offset: string;
  /** When the hub enqueued the event, ISO-8601 UTC. */
  enqueuedTimeUtc: string;
  /** Why the event was rejected (the decoder's error message). */
  reason: string;
  /** The raw body: UTF-8 text, base64 of the bytes, or JSON of a non-binary AMQP body. */
  body: string;
  /** How `body` is written. */
  bodyEncoding: "utf8" | "base64" | "json";
}

/** Where rejected events go. {@linkcode DeadLetterFile} is the file-backed implementation. */
export interface DeadLetterSink {
  /** Stores the records; resolves once they are written. */
  write(records: readonly DeadLetterRecord[]): Promise<void>;
  /** How many records this sink has written since it was opened. */
  readonly count: number;
}

/** The event fields a dead-letter record is built from (a subset of `ReceivedEventData`). */
export interface DeadLetterSource {
  body: unknown;
  sequenceNumber: number;
  offset: string;
  enqueuedTimeUtc: Date;
}

/** Builds the record for an event rejected with `reason`. */
export function toDeadLetterRecord(
  event: DeadLetterSource,
  partitionId: string,
  reason: string,
): DeadLetterRecord {
  const { body, bodyEncoding } = rawBody(event.body);
  const time = event.enqueuedTimeUtc;
  return {
    partitionId,
    sequenceNumber: event.sequenceNumber,
    offset: String(event.offset),
    enqueuedTimeUtc: time instanceof Date && !Number.isNaN(time.getTime())
      ? time.toISOString()
      : String(time),
    reason,
    body,
    bodyEncoding,
  };
}

/** Options for {@linkcode DeadLetterFile}. */
export interface DeadLetterFileOptions {
  /**
   * Flush each write to disk (`fdatasync`) before it resolves, so a record is durable before
   * the consumer checkpoints past its event.
   * @default {true}
   */
  sync?: boolean;
}

/**
 * A JSONL dead-letter file: one {@linkcode DeadLetterRecord} per line, appended; the folder is
 * created when missing. Writes are serialized, so concurrent partitions never interleave lines.
 *
 * @example
 * ```ts
 * import { DeadLetterFile, readDeadLetterFile } from "./dead_letter.ts";
 * import assert from "node:assert/strict";
 * const path = await Deno.makeTempFile({ suffix: ".jsonl" });
 * const file = new DeadLetterFile(path);
 * await file.write([{
 *   partitionId: "0", sequenceNumber: 7, offset: "7", enqueuedTimeUtc: "2026-01-01T00:00:00.000Z",
 *   reason: "not JSON", body: "{oops", bodyEncoding: "utf8",
 * }]);
 * await file.close();
 * assert.equal(file.count, 1);
 * assert.equal((await readDeadLetterFile(path)).length, 1);
 * await Deno.remove(path);
 * ```
 */
export class DeadLetterFile implements DeadLetterSink {
  readonly path: string;
  #sync: boolean;
  #file: Deno.FsFile | undefined;
  #tail: Promise<void> = Promise.resolve();
  #count = 0;
  #closed = false;
  #encoder = new TextEncoder();

  constructor(path: string, options: DeadLetterFileOptions = {}) {
    if (typeof path !== "string" || path.length === 0) {
      throw new TypeError(
        `Cannot open dead-letter file as path must be a non-empty string: current value is ${
          JSON.stringify(path)
        }`,
      );
    }
    this.path = path;
    this.#sync = options.sync ?? true;
  }

  /** How many records have been written since this object was created. */
  get count(): number {
    return this.#count;
  }

  write(records: readonly DeadLetterRecord[]): Promise<void> {
    if (this.#closed) {
      return Promise.reject(
        new Error(`Cannot write to dead-letter file as it is closed: ${this.path}`),
      );
    }
    if (records.length === 0) return this.#tail;
    const bytes = this.#encoder.encode(records.map((r) => JSON.stringify(r) + "\n").join(""));
    const next = this.#tail.then(async () => {
      try {
        const file = await this.#open();
        let written = 0;
        while (written < bytes.length) written += await file.write(bytes.subarray(written));
        if (this.#sync) await file.syncData();
        this.#count += records.length;
      } catch (error) {
        throw new Error(`Cannot write ${records.length} dead letters to ${this.path}`, {
          cause: error,
        });
      }
    });
    this.#tail = next.catch(() => {});
    return next;
  }

  /** Waits for pending writes and closes the file. Safe to call twice. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#tail;
    this.#file?.close();
    this.#file = undefined;
  }

  async #open(): Promise<Deno.FsFile> {
    if (this.#file === undefined) {
      await Deno.mkdir(dirname(this.path), { recursive: true });
      this.#file = await Deno.open(this.path, { append: true, create: true });
    }
    return this.#file;
  }
}

/** Reads every record of a dead-letter JSONL file (empty when the file does not exist). */
export async function readDeadLetterFile(path: string): Promise<DeadLetterRecord[]> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw new Error(`Cannot read dead-letter file ${path}`, { cause: error });
  }
  const records: DeadLetterRecord[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].length === 0) continue;
    try {
      records.push(JSON.parse(lines[i]) as DeadLetterRecord);
    } catch (error) {
      throw new SyntaxError(
        `Cannot read dead-letter file as line ${i + 1} must be JSON: ${path}`,
        { cause: error },
      );
    }
  }
  return records;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

function rawBody(body: unknown): Pick<DeadLetterRecord, "body" | "bodyEncoding"> {
  if (body instanceof Uint8Array) {
    try {
      return { body: utf8.decode(body), bodyEncoding: "utf8" };
    } catch {
      let binary = "";
      for (const byte of body) binary += String.fromCharCode(byte);
      return { body: btoa(binary), bodyEncoding: "base64" };
    }
  }
  if (typeof body === "string") return { body, bodyEncoding: "utf8" };
  let json: string | undefined;
  try {
    json = JSON.stringify(body);
  } catch {
    json = undefined;
  }
  return { body: json ?? String(body), bodyEncoding: "json" };
}
