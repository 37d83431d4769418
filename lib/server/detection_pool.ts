import { AnomalyDetectorError, type ApiVersion } from "@/detect";
import { DetectorHttpError } from "./error_mapping.ts";
import type { DetectOperation } from "./middleware.ts";
import type { PoolReply, PoolTask } from "./_pool_protocol.ts";

/** Options of {@linkcode DetectionPool}. */
export interface DetectionPoolOptions {
  /**
   * Number of worker threads.
   * @default {navigator.hardwareConcurrency}
   */
  size?: number;
}

interface Slot {
  worker: Worker;
  pending: Map<number, { resolve: (json: string) => void; reject: (error: unknown) => void }>;
}

/**
 * Worker threads that run the detection engine, so that a server uses every core. A task goes
 * to the worker with the fewest tasks in flight. A worker that crashes fails only its own
 * tasks (with a plain `Error`, i.e. HTTP 500) and is replaced.
 */
export class DetectionPool implements Disposable {
  /** Number of worker threads. */
  readonly size: number;
  readonly #slots: Slot[] = [];
  #nextId = 0;
  #closed = false;

  constructor(options: DetectionPoolOptions = {}) {
    const size = options.size ?? navigator.hardwareConcurrency;
    if (!Number.isSafeInteger(size) || size < 1) {
      throw new RangeError(
        `Cannot create detection pool as size must be a positive integer: current value is ${size}`,
      );
    }
    this.size = size;
    for (let i = 0; i < size; i++) this.#slots.push(this.#spawn());
  }

  #spawn(): Slot {
    const worker = new Worker(new URL("./_detection_worker.ts", import.meta.url), {
      type: "module",
    });
    const slot: Slot = { worker, pending: new Map() };
    worker.onmessage = (event: MessageEvent<PoolReply>) => {
      const reply = event.data;
      const task = slot.pending.get(reply.id);
      if (task === undefined) return;
      slot.pending.delete(reply.id);
      if (reply.ok) {
        task.resolve(reply.json);
        return;
      }
      const { kind, status, code, message } = reply.error;
      task.reject(
        kind === "http"
          ? new DetectorHttpError(status, code, message)
          : kind === "engine"
          ? new AnomalyDetectorError(code, message, { status })
          : new Error(`Detection failed in a worker: ${message}`),
      );
    };
    const fail = (event: Event) => {
      // Keep the failure inside the pool: never let it reach (and stop) the main thread.
      event.preventDefault();
      const reason = event instanceof ErrorEvent ? event.message : event.type;
      this.#replace(slot, new Error(`A detection worker failed: ${reason}`));
    };
    worker.onerror = fail;
    worker.onmessageerror = fail;
    return slot;
  }

  #replace(slot: Slot, error: Error): void {
    slot.worker.terminate();
    for (const task of slot.pending.values()) task.reject(error);
    slot.pending.clear();
    const index = this.#slots.indexOf(slot);
    if (index >= 0 && !this.#closed) this.#slots[index] = this.#spawn();
  }

  /**
   * Parses `body` and runs `operation` in a worker; resolves with the response body as JSON
   * text. Rejects with a `DetectorHttpError` (invalid JSON), the engine's `AnomalyDetectorError`,
   * or an `Error` when the worker failed. The body's buffer is transferred to the worker.
   */
  run(operation: DetectOperation, apiVersion: ApiVersion, body: Uint8Array): Promise<string> {
    if (this.#closed) {
      return Promise.reject(new Error("Cannot run detection as the pool is closed"));
    }
    let slot = this.#slots[0];
    for (const candidate of this.#slots) {
      if (candidate.pending.size < slot.pending.size) slot = candidate;
    }
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      const task: PoolTask = { id, operation, apiVersion, body };
      const whole = body.byteOffset === 0 && body.byteLength === body.buffer.byteLength &&
        body.buffer instanceof ArrayBuffer;
      slot.worker.postMessage(task, whole ? [body.buffer as ArrayBuffer] : []);
    });
  }

  /** Stops every worker; tasks still in flight reject. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const slot of this.#slots) {
      this.#replace(slot, new Error("Cannot finish detection as the pool was closed"));
    }
  }

  [Symbol.dispose](): void {
    this.close();
  }
}
