/**
 * The durable, append-only log of one Event Hubs partition.
 *
 * On disk a partition is a directory of segment files named
 * `<baseOffset:20 digits>-<baseSequenceNumber:20 digits>.seg`. A segment is a sequence of records:
 *
 * ```
 * u32 LE  bodyLength
 * u32 LE  crc32(body)
 * body:   f64 LE sequenceNumber | f64 LE enqueuedTimeMs | payload bytes
 * ```
 *
 * The offset of an event is the logical byte position of its record (segment base offset plus the
 * position inside the segment), so offsets increase with sequence numbers. On open every segment is
 * scanned: a record with a short header, a short body or a wrong checksum at the tail of the last
 * segment is a torn write from a crash and is truncated; anywhere else it is corruption and opening
 * fails. Retention deletes whole non-active segments (by age of their newest record, and by total
 * size); the active segment is never deleted.
 *
 * @module
 */
import fs from "node:fs";
import path from "node:path";
import { crc32 } from "node:zlib";
import { Buffer } from "node:buffer";

/** When appended records are forced to stable storage. */
export type FsyncPolicy = "batch" | "interval" | "never";

/** Options of {@linkcode PartitionLog.open}. */
export interface PartitionLogOptions {
  /**
   * `"batch"`: every append is fsynced before it is acknowledged and visible (group commit);
   * `"interval"`: appends are acknowledged when written and fsynced every `fsyncIntervalInMs`;
   * `"never"`: the operating system decides.
   * @default {"batch"}
   */
  fsync?: FsyncPolicy;
  /** Period of the background fsync under the `"interval"` policy. @default {1000} */
  fsyncIntervalInMs?: number;
  /** A new segment is started when the active one reaches this size. @default {67108864} (64 MiB) */
  segmentBytes?: number;
  /** Segments whose newest event is older than this are deleted by retention. @default {86400000} (1 day) */
  retentionInMs?: number;
  /** Oldest segments are deleted while the partition is larger than this. @default {Infinity} */
  retentionBytes?: number;
  /**
   * The active segment file is extended with zeros this far ahead of its data, so that the
   * per-batch fdatasync writes data blocks only (no file-size change, no journal commit). Zero
   * tails are cut when a segment is closed or rolled and skipped when a log is opened. 0 turns it off.
   * @default {1048576}
   */
  preallocateBytes?: number;
  /** Payloads of the most recent events kept in memory for readers. @default {16384} */
  cacheEvents?: number;
  /** Clock used for enqueued times and retention. @default {Date.now} */
  now?: () => number;
}

/** Where and when an event was stored; passed to the payload builder of an append. */
export interface RecordMeta {
  sequenceNumber: number;
  /** Logical byte position of the record. */
  offset: number;
  enqueuedTimeMs: number;
}

/** One stored event as read back. */
export interface StoredEvent extends RecordMeta {
  payload: Uint8Array;
}

/** Builds the payload of one record once its sequence number, offset and time are known. */
export type PayloadBuilder = (meta: RecordMeta) => Uint8Array;

const HEADER_BYTES = 8;
const META_BYTES = 16;
const RECORD_OVERHEAD = HEADER_BYTES + META_BYTES;
const MAX_RECORD_BYTES = 256 * 1024 * 1024;
const READ_CHUNK_BYTES = 256 * 1024;
/** Concurrent fdatasyncs per partition; later appends group-commit behind them. */
const MAX_SYNCS_IN_FLIGHT = 2;
const SEGMENT_SUFFIX = ".seg";

interface Segment {
  file: string;
  baseOffset: number;
  baseSequenceNumber: number;
  size: number;
  /** Physical size of the file: data plus the zero-filled preallocation. */
  allocated: number;
  /** Enqueued time of the newest record, or -Infinity when empty. */
  lastTimeMs: number;
  fd: number | undefined;
}

interface Waiter {
  end: number;
  resolve: () => void;
  reject: (error: Error) => void;
}

function segmentName(baseOffset: number, baseSequenceNumber: number): string {
  return `${String(baseOffset).padStart(20, "0")}-${
    String(baseSequenceNumber).padStart(20, "0")
  }${SEGMENT_SUFFIX}`;
}

function positiveOption(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!(typeof value === "number" && value > 0)) {
    throw new RangeError(
      `Cannot open partition log as ${name} must be a positive number: current value is ${value}`,
    );
  }
  return value;
}

let zeros = new Uint8Array(0);
function zeroBlock(length: number): Uint8Array {
  if (zeros.length < length) zeros = new Uint8Array(length);
  return zeros;
}

/** A growable array of numbers with O(1) removal from the front. */
class NumberColumn {
  #data: Float64Array;
  #head = 0;
  #length = 0;
  constructor(capacity = 1024) {
    this.#data = new Float64Array(capacity);
  }
  get length(): number {
    return this.#length;
  }
  at(index: number): number {
    return this.#data[this.#head + index];
  }
  push(value: number): void {
    if (this.#head + this.#length === this.#data.length) {
      const live = this.#data.subarray(this.#head, this.#head + this.#length);
      const grown = new Float64Array(Math.max(1024, this.#length * 2));
      grown.set(live);
      this.#data = grown;
      this.#head = 0;
    }
    this.#data[this.#head + this.#length++] = value;
  }
  dropFront(count: number): void {
    this.#head += count;
    this.#length -= count;
  }
}

/** The durable log of one partition. Create with {@linkcode PartitionLog.open}. */
export class PartitionLog {
  readonly directory: string;
  #segments: Segment[] = [];
  #beginSequenceNumber = 0;
  /** Offsets, enqueued times and record lengths of retained events, indexed from the begin. */
  #offsets = new NumberColumn();
  #times = new NumberColumn();
  #lengths = new NumberColumn();
  /** Events written to the file (visible once committed). */
  #writtenEnd = 0;
  #committedEnd = 0;
  #fsync: FsyncPolicy;
  #segmentBytes: number;
  #preallocateBytes: number;
  #retentionInMs: number;
  #retentionBytes: number;
  #now: () => number;
  #cache: (Uint8Array | undefined)[];
  #cacheSeq: Float64Array;
  #waiters: Waiter[] = [];
  #syncsInFlight = 0;
  #syncRequestedUpTo = 0;
  #dirty = false;
  #timer: ReturnType<typeof setInterval> | undefined;
  #listeners = new Set<() => void>();
  #closed = false;
  #closing: Promise<void> | undefined;
  #failure: Error | undefined;
  /** Writers of rolled segments, closed once no fsync may still use them. */
  #retired: number[] = [];

  private constructor(directory: string, options: PartitionLogOptions) {
    this.directory = directory;
    this.#fsync = options.fsync ?? "batch";
    if (!["batch", "interval", "never"].includes(this.#fsync)) {
      throw new RangeError(
        `Cannot open partition log as fsync must be "batch", "interval" or "never": current value is ${this.#fsync}`,
      );
    }
    this.#segmentBytes = positiveOption("segmentBytes", options.segmentBytes, 64 * 1024 * 1024);
    const preallocate = options.preallocateBytes ?? 1024 * 1024;
    if (!(Number.isInteger(preallocate) && preallocate >= 0)) {
      throw new RangeError(
        `Cannot open partition log as preallocateBytes must be a non-negative integer: current value is ${preallocate}`,
      );
    }
    this.#preallocateBytes = preallocate;
    this.#retentionInMs = positiveOption("retentionInMs", options.retentionInMs, 86_400_000);
    this.#retentionBytes = positiveOption("retentionBytes", options.retentionBytes, Infinity);
    const cacheEvents = positiveOption("cacheEvents", options.cacheEvents, 16_384);
    this.#cache = new Array(Math.floor(cacheEvents));
    this.#cacheSeq = new Float64Array(Math.floor(cacheEvents)).fill(-1);
    this.#now = options.now ?? Date.now;
    if (this.#fsync === "interval") {
      const every = positiveOption("fsyncIntervalInMs", options.fsyncIntervalInMs, 1000);
      const timer = setInterval(() => this.#backgroundSync(), every);
      Deno.unrefTimer(timer);
      this.#timer = timer;
    }
  }

  /**
   * Opens (creating if needed) the log in `directory`, truncating a torn record at the tail.
   * @throws {Error} when a record other than the last one is damaged.
   */
  static open(directory: string, options: PartitionLogOptions = {}): PartitionLog {
    const log = new PartitionLog(directory, options);
    try {
      fs.mkdirSync(directory, { recursive: true });
      log.#load();
    } catch (error) {
      void log.close();
      throw new Error(`Cannot open partition log in ${directory}`, { cause: error });
    }
    return log;
  }

  /** Sequence number of the oldest retained event (equal to the end when empty). */
  get beginSequenceNumber(): number {
    return this.#beginSequenceNumber;
  }

  /** Sequence number the next committed event will get; events below it are readable. */
  get endSequenceNumber(): number {
    return this.#committedEnd;
  }

  /** Bytes of records in all segments (preallocated zeros not counted). */
  get sizeInBytes(): number {
    let total = 0;
    for (const s of this.#segments) total += s.size;
    return total;
  }

  /**
   * Metadata of the newest committed event, if any (retention never deletes the active segment,
   * so once a partition has events its newest one stays known).
   */
  lastEvent(): RecordMeta | undefined {
    if (this.#committedEnd <= this.#beginSequenceNumber) return undefined;
    return this.#meta(this.#committedEnd - 1);
  }

  /** Offset, time and sequence number of a retained committed event. */
  #meta(sequenceNumber: number): RecordMeta {
    const i = sequenceNumber - this.#beginSequenceNumber;
    return {
      sequenceNumber,
      offset: this.#offsets.at(i),
      enqueuedTimeMs: this.#times.at(i),
    };
  }

  /** First committed sequence number whose offset is > `offset` (or >= when inclusive). */
  sequenceNumberAfterOffset(offset: number, inclusive: boolean): number {
    return this.#search((i) =>
      inclusive ? this.#offsets.at(i) >= offset : this.#offsets.at(i) > offset
    );
  }

  /** First committed sequence number enqueued strictly after `timeMs`. */
  sequenceNumberAfterTime(timeMs: number): number {
    return this.#search((i) => this.#times.at(i) > timeMs);
  }

  /** Binary search over committed events for the first index where `pred` holds. */
  #search(pred: (index: number) => boolean): number {
    let lo = 0;
    let hi = this.#committedEnd - this.#beginSequenceNumber;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (pred(mid)) hi = mid;
      else lo = mid + 1;
    }
    return this.#beginSequenceNumber + lo;
  }

  /**
   * Calls `listener` whenever new events become readable; returns the unsubscribe function.
   * A listener that throws is unsubscribed (the log itself carries on).
   */
  onCommit(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Appends events; resolves once they are durable under the fsync policy and readable.
   * The builders are called synchronously, in order, with each event's sequence number, offset and
   * enqueued time. All events of one call are written with one write.
   */
  append(builders: PayloadBuilder[]): Promise<RecordMeta[]> {
    if (this.#failure) {
      return Promise.reject(new Error("Cannot append as the log failed", { cause: this.#failure }));
    }
    if (this.#closed) return Promise.reject(new Error("Cannot append as the log is closed"));
    if (builders.length === 0) return Promise.resolve([]);
    let segment = this.#segments[this.#segments.length - 1];
    if (segment.size >= this.#segmentBytes) segment = this.#roll();
    const previousTime = this.#writtenEnd > this.#beginSequenceNumber
      ? this.#times.at(this.#writtenEnd - 1 - this.#beginSequenceNumber)
      : -Infinity;
    const timeMs = Math.max(this.#now(), previousTime);
    const metas: RecordMeta[] = [];
    const payloads: Uint8Array[] = [];
    let position = segment.baseOffset + segment.size;
    for (let k = 0; k < builders.length; k++) {
      const meta = {
        sequenceNumber: this.#writtenEnd + k,
        offset: position,
        enqueuedTimeMs: timeMs,
      };
      const payload = builders[k](meta);
      payloads.push(payload);
      metas.push(meta);
      position += RECORD_OVERHEAD + payload.length;
    }
    const total = position - (segment.baseOffset + segment.size);
    const buffer = Buffer.allocUnsafe(total);
    let at = 0;
    for (let k = 0; k < payloads.length; k++) {
      const payload = payloads[k];
      buffer.writeUInt32LE(META_BYTES + payload.length, at);
      buffer.writeDoubleLE(metas[k].sequenceNumber, at + HEADER_BYTES);
      buffer.writeDoubleLE(timeMs, at + HEADER_BYTES + 8);
      buffer.set(payload, at + RECORD_OVERHEAD);
      const end = at + RECORD_OVERHEAD + payload.length;
      buffer.writeUInt32LE(crc32(buffer.subarray(at + HEADER_BYTES, end)) >>> 0, at + 4);
      at = end;
    }
    try {
      if (this.#preallocateBytes > 0 && segment.size + total > segment.allocated) {
        this.#extend(segment, segment.size + total + this.#preallocateBytes);
      }
      this.#writeAll(segment, buffer);
      segment.allocated = Math.max(segment.allocated, segment.size + total);
    } catch (error) {
      try {
        fs.ftruncateSync(segment.fd!, segment.size);
        segment.allocated = segment.size;
      } catch (truncateError) {
        this.#failure = truncateError as Error;
      }
      return Promise.reject(
        new Error("Cannot append as the segment write failed", { cause: error }),
      );
    }
    segment.size += total;
    segment.lastTimeMs = timeMs;
    at = 0;
    for (let k = 0; k < metas.length; k++) {
      const length = RECORD_OVERHEAD + payloads[k].length;
      this.#offsets.push(metas[k].offset);
      this.#times.push(timeMs);
      this.#lengths.push(length);
      this.#remember(metas[k].sequenceNumber, buffer.subarray(at + RECORD_OVERHEAD, at + length));
      at += length;
    }
    this.#writtenEnd += metas.length;
    if (this.#fsync !== "batch") {
      this.#dirty = true;
      this.#commit(this.#writtenEnd);
      return Promise.resolve(metas);
    }
    return new Promise<void>((resolve, reject) => {
      this.#waiters.push({ end: this.#writtenEnd, resolve, reject });
      this.#requestSync();
    }).then(() => metas);
  }

  #writeAll(segment: Segment, buffer: Uint8Array): void {
    let written = 0;
    while (written < buffer.length) {
      written += fs.writeSync(
        segment.fd!,
        buffer,
        written,
        buffer.length - written,
        segment.size + written,
      );
    }
  }

  /** Zero-fills the segment file from its allocated end up to `target` bytes. */
  #extend(segment: Segment, target: number): void {
    const zeros = zeroBlock(Math.min(target - segment.allocated, 1024 * 1024));
    let at = segment.allocated;
    while (at < target) {
      at += fs.writeSync(segment.fd!, zeros, 0, Math.min(zeros.length, target - at), at);
    }
    segment.allocated = target;
  }

  /** Cuts the zero tail of a segment file (its data stays). */
  #trim(segment: Segment): void {
    if (segment.fd !== undefined && segment.allocated > segment.size) {
      fs.ftruncateSync(segment.fd, segment.size);
      segment.allocated = segment.size;
    }
  }

  /**
   * Starts fdatasyncs for waiting appends: a new one as soon as data written after the start of
   * every in-flight one waits, up to MAX_SYNCS_IN_FLIGHT at once (group commit beyond that). An
   * fdatasync makes durable everything written before it started, whichever finishes first.
   */
  #requestSync(): void {
    while (
      this.#syncsInFlight < MAX_SYNCS_IN_FLIGHT && !this.#closed && this.#failure === undefined &&
      this.#waiters.length > 0 && this.#syncRequestedUpTo < this.#writtenEnd
    ) {
      const upto = this.#writtenEnd;
      this.#syncRequestedUpTo = upto;
      this.#syncsInFlight++;
      const fd = this.#segments[this.#segments.length - 1].fd!;
      fs.fdatasync(fd, (error) => {
        this.#syncsInFlight--;
        if (this.#syncsInFlight === 0) this.#closeRetired();
        if (error) {
          this.#failure ??= error;
          const waiters = this.#waiters;
          this.#waiters = [];
          for (const w of waiters) {
            w.reject(new Error("Cannot acknowledge the append as fsync failed", { cause: error }));
          }
          return;
        }
        this.#commit(upto);
        const done = this.#waiters.filter((w) => w.end <= upto);
        this.#waiters = this.#waiters.filter((w) => w.end > upto);
        for (const w of done) w.resolve();
        this.#requestSync();
      });
    }
  }

  #closeRetired(): void {
    for (const fd of this.#retired.splice(0)) fs.closeSync(fd);
  }

  #backgroundSync(): void {
    if (!this.#dirty || this.#closed) return;
    this.#dirty = false;
    const fd = this.#segments[this.#segments.length - 1].fd;
    if (fd !== undefined) fs.fdatasync(fd, () => {});
  }

  #commit(end: number): void {
    if (end <= this.#committedEnd) return;
    this.#committedEnd = end;
    for (const listener of this.#listeners) {
      try {
        listener();
      } catch {
        // A reader's failure must not stop the log; the throwing listener is dropped.
        this.#listeners.delete(listener);
      }
    }
  }

  #remember(sequenceNumber: number, payload: Uint8Array): void {
    const slot = sequenceNumber % this.#cache.length;
    this.#cache[slot] = payload;
    this.#cacheSeq[slot] = sequenceNumber;
  }

  /**
   * Reads up to `max` committed events starting at `sequenceNumber` (clamped to the begin).
   * Returns an empty array at the end of the log.
   */
  read(sequenceNumber: number, max: number): StoredEvent[] {
    const from = Math.max(sequenceNumber, this.#beginSequenceNumber);
    const to = Math.min(this.#committedEnd, from + max);
    const events: StoredEvent[] = [];
    for (let seq = from; seq < to; seq++) {
      const slot = seq % this.#cache.length;
      let payload = this.#cacheSeq[slot] === seq ? this.#cache[slot] : undefined;
      if (payload === undefined) payload = this.#readFromDisk(seq, to);
      const meta = this.#meta(seq);
      events.push({ ...meta, payload });
    }
    return events;
  }

  /** Loads events from `seq` (up to `end`, one chunk, one segment) into the cache. */
  #readFromDisk(seq: number, end: number): Uint8Array {
    const first = this.#meta(seq);
    const segment = this.#segmentFor(first.offset);
    if (segment.fd === undefined) segment.fd = fs.openSync(segment.file, "r");
    const segmentEnd = segment.baseOffset + segment.size;
    const firstLength = this.#lengths.at(seq - this.#beginSequenceNumber);
    let last = seq;
    let bytes = firstLength;
    while (last + 1 < end) {
      const i = last + 1 - this.#beginSequenceNumber;
      const length = this.#lengths.at(i);
      if (this.#offsets.at(i) + length > segmentEnd || bytes + length > READ_CHUNK_BYTES) break;
      bytes += length;
      last++;
    }
    const buffer = Buffer.alloc(bytes);
    let got = 0;
    while (got < bytes) {
      const n = fs.readSync(
        segment.fd,
        buffer,
        got,
        bytes - got,
        first.offset - segment.baseOffset + got,
      );
      if (n === 0) throw new Error(`Cannot read event ${seq} as ${segment.file} is too short`);
      got += n;
    }
    let at = 0;
    for (let s = last; s >= seq; s--) {
      const length = this.#lengths.at(s - this.#beginSequenceNumber);
      this.#remember(s, buffer.subarray(bytes - at - length + RECORD_OVERHEAD, bytes - at));
      at += length;
    }
    return buffer.subarray(RECORD_OVERHEAD, firstLength);
  }

  #segmentFor(offset: number): Segment {
    let lo = 0;
    let hi = this.#segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.#segments[mid].baseOffset <= offset) lo = mid;
      else hi = mid - 1;
    }
    return this.#segments[lo];
  }

  /** Starts a new active segment after syncing and closing the current one's writer. */
  #roll(): Segment {
    const current = this.#segments[this.#segments.length - 1];
    if (current.fd !== undefined) {
      this.#trim(current);
      fs.fsyncSync(current.fd);
      this.#retired.push(current.fd);
      current.fd = undefined;
      if (this.#syncsInFlight === 0) this.#closeRetired();
    }
    const baseOffset = current.baseOffset + current.size;
    const segment = this.#createSegment(baseOffset, this.#writtenEnd);
    this.#segments.push(segment);
    return segment;
  }

  #createSegment(baseOffset: number, baseSequenceNumber: number): Segment {
    const file = path.join(this.directory, segmentName(baseOffset, baseSequenceNumber));
    const fd = fs.openSync(file, "w+");
    fs.fsyncSync(fd);
    this.#syncDirectory();
    return {
      file,
      baseOffset,
      baseSequenceNumber,
      size: 0,
      allocated: 0,
      lastTimeMs: -Infinity,
      fd,
    };
  }

  #syncDirectory(): void {
    try {
      const fd = fs.openSync(this.directory, "r");
      try {
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    } catch {
      // Not every platform can fsync a directory; the file contents are synced regardless.
    }
  }

  #load(): void {
    const names = fs.readdirSync(this.directory).filter((n) => n.endsWith(SEGMENT_SUFFIX)).sort();
    if (names.length === 0) {
      this.#segments.push(this.#createSegment(0, 0));
      return;
    }
    let expectedSeq: number | undefined;
    for (let n = 0; n < names.length; n++) {
      const match = /^(\d{20})-(\d{20})\.seg$/.exec(names[n]);
      if (!match) {
        throw new SyntaxError(
          `Cannot load segment as its name must be <offset>-<sequence>.seg: current value is ${
            names[n]
          }`,
        );
      }
      const file = path.join(this.directory, names[n]);
      const segment: Segment = {
        file,
        baseOffset: Number(match[1]),
        baseSequenceNumber: Number(match[2]),
        size: 0,
        allocated: 0,
        lastTimeMs: -Infinity,
        fd: undefined,
      };
      if (expectedSeq === undefined) {
        expectedSeq = segment.baseSequenceNumber;
        this.#beginSequenceNumber = expectedSeq;
        this.#writtenEnd = expectedSeq;
      } else if (segment.baseSequenceNumber !== expectedSeq) {
        throw new Error(
          `Cannot load ${file} as its first sequence number must be ${expectedSeq}: current value is ${segment.baseSequenceNumber}`,
        );
      }
      const isLast = n === names.length - 1;
      const bytes = fs.readFileSync(file);
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      let at = 0;
      while (at < bytes.length) {
        const problem = this.#checkRecord(bytes, view, at, expectedSeq);
        if (problem !== undefined) {
          if (!isLast) {
            throw new Error(
              `Cannot load ${file} as the record at byte ${at} is damaged: ${problem}`,
            );
          }
          fs.truncateSync(file, at);
          break;
        }
        const length = RECORD_OVERHEAD + view.getUint32(at, true) - META_BYTES;
        const timeMs = view.getFloat64(at + HEADER_BYTES + 8, true);
        this.#offsets.push(segment.baseOffset + at);
        this.#times.push(timeMs);
        this.#lengths.push(length);
        segment.lastTimeMs = timeMs;
        expectedSeq++;
        at += length;
      }
      segment.size = at;
      segment.allocated = at;
      this.#segments.push(segment);
    }
    this.#writtenEnd = expectedSeq!;
    this.#committedEnd = this.#writtenEnd;
    const last = this.#segments[this.#segments.length - 1];
    last.fd = fs.openSync(last.file, "r+");
  }

  /** Returns why the record at `at` is invalid, or undefined when it is whole and in sequence. */
  #checkRecord(
    bytes: Uint8Array,
    view: DataView,
    at: number,
    expectedSeq: number,
  ): string | undefined {
    if (at + HEADER_BYTES > bytes.length) return "short header";
    const bodyLength = view.getUint32(at, true);
    if (bodyLength < META_BYTES || bodyLength > MAX_RECORD_BYTES) {
      return `invalid length ${bodyLength}`;
    }
    if (at + HEADER_BYTES + bodyLength > bytes.length) return "short body";
    const body = bytes.subarray(at + HEADER_BYTES, at + HEADER_BYTES + bodyLength);
    if ((crc32(body) >>> 0) !== view.getUint32(at + 4, true)) return "checksum mismatch";
    const seq = view.getFloat64(at + HEADER_BYTES, true);
    if (seq !== expectedSeq) return `sequence number ${seq} where ${expectedSeq} was expected`;
    return undefined;
  }

  /**
   * Deletes non-active segments whose newest event is older than the retention period, then the
   * oldest non-active segments while the log is larger than the retention size.
   * Returns the number of events removed.
   */
  applyRetention(): number {
    const cutoff = this.#now() - this.#retentionInMs;
    let size = this.sizeInBytes;
    let removedSegments = 0;
    while (removedSegments < this.#segments.length - 1) {
      const s = this.#segments[removedSegments];
      // Never delete events that are not yet acknowledged (committed).
      if (this.#segments[removedSegments + 1].baseSequenceNumber > this.#committedEnd) break;
      if (s.lastTimeMs < cutoff || size > this.#retentionBytes) {
        size -= s.size;
        removedSegments++;
      } else break;
    }
    if (removedSegments === 0) return 0;
    const removed = this.#segments.splice(0, removedSegments);
    for (const s of removed) {
      if (s.fd !== undefined) fs.closeSync(s.fd);
      fs.rmSync(s.file, { force: true });
    }
    const newBegin = this.#segments[0].baseSequenceNumber;
    const count = newBegin - this.#beginSequenceNumber;
    this.#offsets.dropFront(count);
    this.#times.dropFront(count);
    this.#lengths.dropFront(count);
    this.#beginSequenceNumber = newBegin;
    return count;
  }

  /** Waits for pending appends, syncs and closes the files. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    while (this.#syncsInFlight > 0) await new Promise((r) => setTimeout(r, 1));
    this.#closed = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#closeRetired();
    let syncError: Error | undefined;
    for (const s of this.#segments) {
      if (s.fd !== undefined) {
        try {
          if (this.#failure === undefined) this.#trim(s);
          if (this.#fsync !== "never") fs.fdatasyncSync(s.fd);
        } catch (error) {
          syncError ??= error as Error;
        } finally {
          fs.closeSync(s.fd);
          s.fd = undefined;
        }
      }
    }
    // Appends still waiting for their fsync were made durable (or not) by the sync above.
    const failure = this.#failure ?? syncError;
    if (failure === undefined) this.#committedEnd = this.#writtenEnd;
    for (const w of this.#waiters.splice(0)) {
      if (failure === undefined) w.resolve();
      else {w.reject(
          new Error("Cannot acknowledge the append as the log closed", { cause: failure }),
        );}
    }
    this.#listeners.clear();
  }
}
