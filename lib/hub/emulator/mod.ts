/**
 * A durable local Event Hubs emulator that the unmodified `@azure/event-hubs` SDK talks to over
 * AMQP 1.0 (connection strings ending in `;UseDevelopmentEmulator=true`).
 *
 * @example
 * ```ts ignore
 * import { startEmulator } from "@/hub/emulator";
 * import { EventHubProducerClient } from "@azure/event-hubs";
 *
 * const emulator = await startEmulator({ port: 0, dataDir: "./data/hub" });
 * const producer = new EventHubProducerClient(emulator.connectionString);
 * await producer.sendBatch([{ body: { timestamp: new Date().toISOString(), favorite: 3 } }]);
 * await producer.close();
 * await emulator.stop();
 * ```
 * @module
 */
export {
  type Emulator,
  type EmulatorMetrics,
  type EmulatorOptions,
  type HubConfig,
  startEmulator,
} from "./start_emulator.ts";
export {
  type FsyncPolicy,
  PartitionLog,
  type PartitionLogOptions,
  type PayloadBuilder,
  type RecordMeta,
  type StoredEvent,
} from "./partition_log.ts";
export { createSharedAccessSignature, type SharedAccessSignatureOptions } from "./_sas.ts";
