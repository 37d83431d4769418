/**
 * One event hub of the emulator: its partitions' logs, consumer groups and creation metadata
 * (`<dataDir>/<hub>/hub.json`).
 * @module
 */
import fs from "node:fs";
import path from "node:path";
import { PartitionLog, type PartitionLogOptions } from "./partition_log.ts";
import { partitionForKey } from "./_partition_key.ts";

interface HubMetadata {
  name: string;
  partitionCount: number;
  createdAtMs: number;
}

/** Runtime state of one hub. */
export class Hub {
  readonly name: string;
  readonly partitionCount: number;
  readonly createdAtMs: number;
  readonly logs: PartitionLog[];
  readonly partitionIds: string[];
  #consumerGroups: Map<string, string>;
  #roundRobin = 0;

  private constructor(meta: HubMetadata, logs: PartitionLog[], consumerGroups: string[]) {
    this.name = meta.name;
    this.partitionCount = meta.partitionCount;
    this.createdAtMs = meta.createdAtMs;
    this.logs = logs;
    this.partitionIds = logs.map((_, i) => String(i));
    this.#consumerGroups = new Map(consumerGroups.map((g) => [g.toLowerCase(), g]));
  }

  /**
   * Opens or creates the hub under `dataDir`.
   * @throws {Error} when the stored partition count differs from the configured one.
   */
  static open(
    dataDir: string,
    name: string,
    partitionCount: number,
    consumerGroups: string[],
    logOptions: PartitionLogOptions,
    nowMs: number,
  ): Hub {
    const dir = path.join(dataDir, name);
    fs.mkdirSync(dir, { recursive: true });
    const metaFile = path.join(dir, "hub.json");
    let meta: HubMetadata;
    if (fs.existsSync(metaFile)) {
      meta = JSON.parse(fs.readFileSync(metaFile, "utf8"));
      if (meta.partitionCount !== partitionCount) {
        throw new RangeError(
          `Cannot open hub "${name}" as its partition count is fixed at creation (${meta.partitionCount}): current value is ${partitionCount}`,
        );
      }
    } else {
      meta = { name, partitionCount, createdAtMs: nowMs };
      const tmp = `${metaFile}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify(meta));
      const fd = fs.openSync(tmp, "r");
      fs.fsyncSync(fd);
      fs.closeSync(fd);
      fs.renameSync(tmp, metaFile);
    }
    const logs: PartitionLog[] = [];
    try {
      for (let p = 0; p < partitionCount; p++) {
        logs.push(PartitionLog.open(path.join(dir, "partitions", String(p)), logOptions));
      }
    } catch (error) {
      for (const log of logs) void log.close();
      throw error;
    }
    const groups = consumerGroups.includes("$Default")
      ? consumerGroups
      : ["$Default", ...consumerGroups];
    return new Hub(meta, logs, groups);
  }

  /** The configured spelling of a consumer group (case-insensitive lookup), if it exists. */
  consumerGroup(name: string): string | undefined {
    return this.#consumerGroups.get(name.toLowerCase());
  }

  /** Index of a partition id ("0".."n-1"), or -1. */
  partitionIndex(id: string): number {
    if (!/^\d+$/.test(id)) return -1;
    const index = Number(id);
    return index < this.partitionCount ? index : -1;
  }

  /** The partition for a send to the hub: hashed from the key, else round-robin. */
  choosePartition(partitionKey: string | undefined): number {
    if (partitionKey !== undefined && partitionKey !== null) {
      return partitionForKey(String(partitionKey), this.partitionCount);
    }
    const p = this.#roundRobin;
    this.#roundRobin = (this.#roundRobin + 1) % this.partitionCount;
    return p;
  }

  async close(): Promise<void> {
    await Promise.all(this.logs.map((log) => log.close()));
  }
}
