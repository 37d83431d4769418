import type { AnalyzeSource, SourceEvent } from "@/pipeline";
import type { WindowEvent } from "@/window";

/**
 * An in-memory partitioned log: events spread round-robin over partitions, each partition
 * read in batches of `batchSize` starting after the given positions (like a hub).
 */
export function memorySource(
  events: readonly WindowEvent[],
  options: {
    partitions?: number;
    batchSize?: number;
    stopAfterBatches?: number;
    replayFrom?: number;
  } = {},
): { source: AnalyzeSource; log: SourceEvent[][] } {
  const partitions = options.partitions ?? 3;
  const batchSize = options.batchSize ?? 7;
  const log: SourceEvent[][] = Array.from({ length: partitions }, () => []);
  events.forEach((event, i) => {
    const p = i % partitions;
    const sequenceNumber = log[p].length;
    log[p].push({
      partitionId: String(p),
      sequenceNumber,
      offset: String(sequenceNumber * 100),
      event,
    });
  });
  const source: AnalyzeSource = ({ positions, abortSignal }) => ({
    async *[Symbol.asyncIterator]() {
      const cursor = log.map((_, p) => {
        const done = positions[String(p)];
        const start = done === undefined ? 0 : done.sequenceNumber + 1;
        return options.replayFrom === undefined ? start : Math.min(start, options.replayFrom);
      });
      let batches = 0;
      while (!abortSignal.aborted) {
        let any = false;
        for (let p = 0; p < partitions; p++) {
          const batch = log[p].slice(cursor[p], cursor[p] + batchSize);
          if (batch.length === 0) continue;
          cursor[p] += batch.length;
          any = true;
          await Promise.resolve();
          yield batch;
          batches++;
          if (options.stopAfterBatches !== undefined && batches >= options.stopAfterBatches) return;
        }
        if (!any) return;
      }
    },
  });
  return { source, log };
}
