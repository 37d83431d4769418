/**
 * A `CheckpointStore` (the SDK's own interface) on the local file system, shared safely by
 * several consumer processes on one machine (or one shared POSIX file system).
 *
 * @module
 */

import type { Checkpoint, CheckpointStore, PartitionOwnership } from "@azure/event-hubs";
import { join } from "node:path";

/** Options for {@linkcode FileCheckpointStore}. */
export interface FileCheckpointStoreOptions {
  /**
   * Flush each file to disk (`fsync`) before it becomes visible, so a checkpoint or claim
   * survives a power loss, not only a process crash.
   * @default {true}
   */
  sync?: boolean;
}

interface StoredOwnership extends PartitionOwnership {
  etag: string;
  lastModifiedTimeInMs: number;
}

/**
 * Checkpoints and partition ownership as JSON files under one directory:
 *
 * ```
 * <directory>/<namespace>/<event hub>/<consumer group>/checkpoint/<partition>.json
 * <directory>/<namespace>/<event hub>/<consumer group>/ownership/<partition>/<version>.json
 * ```
 *
 * Every file is written to a temporary name first and then moved into place, so readers never
 * see a half-written file. Ownership claims are an optimistic compare-and-swap without locks:
 * each claim creates the next version file of its partition with an exclusive hard link, and
 * succeeds only when the claimed etag is the current version's etag and no one else created that
 * version first. This holds across processes: two consumers claiming the same partition with the
 * same etag get exactly one success. A crashed process leaves no lock behind.
 *
 * @example
 * ```ts
 * import { FileCheckpointStore } from "./file_checkpoint_store.ts";
 * import assert from "node:assert/strict";
 * const directory = await Deno.makeTempDir();
 * const store = new FileCheckpointStore(directory);
 * const [claimed] = await store.claimOwnership([{
 *   fullyQualifiedNamespace: "127.0.0.1", eventHubName: "tweets", consumerGroup: "$Default",
 *   partitionId: "0", ownerId: "consumer-a",
 * }]);
 * const stale = await store.claimOwnership([{ ...claimed, ownerId: "b", etag: "0:old" }]);
 * assert.equal(claimed.ownerId, "consumer-a");
 * assert.equal(stale.length, 0);
 * await Deno.remove(directory, { recursive: true });
 * ```
 */
export class FileCheckpointStore implements CheckpointStore {
  /** The root directory of the store. */
  readonly directory: string;
  #sync: boolean;

  constructor(directory: string, options: FileCheckpointStoreOptions = {}) {
    if (typeof directory !== "string" || directory.length === 0) {
      throw new TypeError(
        `Cannot create checkpoint store as directory must be a non-empty string: current value is ${
          JSON.stringify(directory)
        }`,
      );
    }
    this.directory = directory;
    this.#sync = options.sync ?? true;
  }

  async listOwnership(
    fullyQualifiedNamespace: string,
    eventHubName: string,
    consumerGroup: string,
  ): Promise<PartitionOwnership[]> {
    const root = join(
      this.#groupDir(fullyQualifiedNamespace, eventHubName, consumerGroup),
      "ownership",
    );
    const result: PartitionOwnership[] = [];
    try {
      for (const partitionDir of await listNames(root)) {
        const current = await this.#currentOwnership(join(root, partitionDir));
        if (current !== undefined) result.push(current.ownership);
      }
    } catch (error) {
      throw new Error(`Cannot list partition ownership under ${root}`, { cause: error });
    }
    return result;
  }

  async claimOwnership(partitionOwnership: PartitionOwnership[]): Promise<PartitionOwnership[]> {
    const claimed: PartitionOwnership[] = [];
    for (const ownership of partitionOwnership) {
      const result = await this.#claimOne(ownership);
      if (result !== undefined) claimed.push(result);
    }
    return claimed;
  }

  async updateCheckpoint(checkpoint: Checkpoint): Promise<void> {
    if (!Number.isSafeInteger(checkpoint.sequenceNumber) || checkpoint.sequenceNumber < -1) {
      throw new RangeError(
        `Cannot update checkpoint as sequenceNumber must be an integer >= -1: current value is ${checkpoint.sequenceNumber}`,
      );
    }
    if (checkpoint.offset === undefined || checkpoint.offset === null) {
      throw new TypeError(
        `Cannot update checkpoint as offset must be set: current value is ${checkpoint.offset}`,
      );
    }
    const dir = join(
      this.#groupDir(
        checkpoint.fullyQualifiedNamespace,
        checkpoint.eventHubName,
        checkpoint.consumerGroup,
      ),
      "checkpoint",
    );
    const stored: Checkpoint = {
      fullyQualifiedNamespace: checkpoint.fullyQualifiedNamespace,
      eventHubName: checkpoint.eventHubName,
      consumerGroup: checkpoint.consumerGroup,
      partitionId: checkpoint.partitionId,
      sequenceNumber: checkpoint.sequenceNumber,
      offset: String(checkpoint.offset),
    };
    try {
      await Deno.mkdir(dir, { recursive: true });
      const temp = await this.#writeTemp(dir, stored);
      await Deno.rename(temp, join(dir, `${encodeName(checkpoint.partitionId)}.json`));
    } catch (error) {
      throw new Error(
        `Cannot update checkpoint of partition ${checkpoint.partitionId} under ${dir}`,
        { cause: error },
      );
    }
  }

  async listCheckpoints(
    fullyQualifiedNamespace: string,
    eventHubName: string,
    consumerGroup: string,
  ): Promise<Checkpoint[]> {
    const dir = join(
      this.#groupDir(fullyQualifiedNamespace, eventHubName, consumerGroup),
      "checkpoint",
    );
    const result: Checkpoint[] = [];
    try {
      for (const name of await listNames(dir)) {
        if (!name.endsWith(".json")) continue;
        const checkpoint = await readJson<Checkpoint>(join(dir, name));
        if (checkpoint !== undefined) result.push(checkpoint);
      }
    } catch (error) {
      throw new Error(`Cannot list checkpoints under ${dir}`, { cause: error });
    }
    return result;
  }

  async #claimOne(ownership: PartitionOwnership): Promise<PartitionOwnership | undefined> {
    const dir = join(
      this.#groupDir(
        ownership.fullyQualifiedNamespace,
        ownership.eventHubName,
        ownership.consumerGroup,
      ),
      "ownership",
      encodeName(ownership.partitionId),
    );
    try {
      await Deno.mkdir(dir, { recursive: true });
      const current = await this.#currentOwnership(dir);
      if (
        current === undefined
          ? ownership.etag !== undefined
          : ownership.etag !== current.ownership.etag
      ) {
        return undefined;
      }
      const version = current === undefined ? 0 : current.version + 1;
      const next: StoredOwnership = {
        fullyQualifiedNamespace: ownership.fullyQualifiedNamespace,
        eventHubName: ownership.eventHubName,
        consumerGroup: ownership.consumerGroup,
        partitionId: ownership.partitionId,
        ownerId: ownership.ownerId,
        etag: `${version}:${crypto.randomUUID()}`,
        lastModifiedTimeInMs: Date.now(),
      };
      const temp = await this.#writeTemp(dir, next);
      const target = join(dir, versionName(version));
      try {
        await Deno.link(temp, target);
      } catch (error) {
        if (error instanceof Deno.errors.AlreadyExists) return undefined;
        throw error;
      } finally {
        await Deno.remove(temp).catch(() => {});
      }
      // A claimer that read an old version may have recreated a version already cleaned up;
      // a newer version means this claim lost.
      const versions = await listVersions(dir);
      if (versions.some((v) => v > version)) {
        await Deno.remove(target).catch(() => {});
        return undefined;
      }
      for (const v of versions) {
        if (v < version - 1) await Deno.remove(join(dir, versionName(v))).catch(() => {});
      }
      return { ...next };
    } catch (error) {
      throw new Error(
        `Cannot claim ownership of partition ${ownership.partitionId} under ${dir}`,
        { cause: error },
      );
    }
  }

  async #currentOwnership(
    dir: string,
  ): Promise<{ version: number; ownership: StoredOwnership } | undefined> {
    // A concurrent claim may delete an old version between listing and reading: list again.
    for (let attempt = 0; attempt < 10; attempt++) {
      const versions = await listVersions(dir);
      if (versions.length === 0) return undefined;
      const version = Math.max(...versions);
      const ownership = await readJson<StoredOwnership>(join(dir, versionName(version)));
      if (ownership !== undefined) return { version, ownership };
    }
    throw new Error(`Cannot read ownership in ${dir} as it keeps changing`);
  }

  async #writeTemp(dir: string, value: unknown): Promise<string> {
    const temp = join(dir, `.tmp-${crypto.randomUUID()}`);
    const file = await Deno.open(temp, { write: true, createNew: true });
    try {
      const bytes = new TextEncoder().encode(JSON.stringify(value));
      let written = 0;
      while (written < bytes.length) written += await file.write(bytes.subarray(written));
      if (this.#sync) await file.sync();
    } finally {
      file.close();
    }
    return temp;
  }

  #groupDir(namespace: string, eventHubName: string, consumerGroup: string): string {
    return join(
      this.directory,
      encodeName(namespace),
      encodeName(eventHubName),
      encodeName(consumerGroup),
    );
  }
}

function encodeName(name: string): string {
  const encoded = encodeURIComponent(String(name));
  return encoded.startsWith(".") ? `%2E${encoded.slice(1)}` : encoded;
}

function versionName(version: number): string {
  return `${String(version).padStart(12, "0")}.json`;
}

async function listNames(dir: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (!entry.name.startsWith(".")) names.push(entry.name);
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
  return names.sort();
}

async function listVersions(dir: string): Promise<number[]> {
  const versions: number[] = [];
  for (const name of await listNames(dir)) {
    const match = /^(\d{12})\.json$/.exec(name);
    if (match !== null) versions.push(Number(match[1]));
  }
  return versions;
}

async function readJson<T>(path: string): Promise<T | undefined> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
  return JSON.parse(text) as T;
}
