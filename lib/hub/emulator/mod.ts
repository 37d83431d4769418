/**
 * A durable local Event Hubs emulator that the unmodified `@azure/event-hubs` SDK talks to over
 * AMQP 1.0 (connection strings ending in `;UseDevelopmentEmulator=true`).
 *
 * What it serves:
 * - SASL ANONYMOUS, then claims-based auth on `$cbs`: every `put-token` SAS is checked (key name,
 *   HMAC-SHA256 signature with the configured key, expiry, resource covering the audience). A
 *   refused token surfaces in the SDK as `MessagingError` with `code: "UnauthorizedError"`; links
 *   re-check their token when it expires.
 * - `$management` READ of a hub (`getEventHubProperties`) and of a partition
 *   (`getPartitionProperties`; an unknown partition is `ArgumentOutOfRangeError`).
 * - Sends to `<hub>` or `<hub>/Partitions/<id>`, single or batched (format 0x80013700). A partition
 *   key always maps to the same partition, the one Event Hubs and the SDK's client-side mapping
 *   (`EventHubBufferedProducerClient`) pick (lookup3 hash of its UTF-8 bytes);
 *   batches without key or partition go round-robin. A batch is accepted only once it is stored
 *   under the fsync policy.
 * - Receivers on `<hub>/ConsumerGroups/<cg>/Partitions/<id>` with every start filter the SDK sends
 *   (offset `>`/`>=`, sequence number `>`/`>=`, enqueued time, earliest, latest), the credit the
 *   client grants, owner level (a higher or equal epoch takes the partition and the old receiver
 *   gets `ReceiverDisconnectedError`; a lower one, or none while an epoch receiver exists, is
 *   refused the same way), at most 5 receivers without owner level per partition and group,
 *   runtime metrics for `trackLastEnqueuedEventProperties`. Unknown hubs and consumer groups are
 *   `MessagingEntityNotFoundError`.
 * - Several hubs per server, each with its own consumer groups (`$Default` always exists).
 *
 * Storage: `<dataDir>/<hub>/hub.json` (name, partition count, creation time) and
 * `<dataDir>/<hub>/partitions/<id>/*.seg`, see {@linkcode PartitionLog}. Sequence numbers start at 0
 * per partition, offsets are byte positions, enqueued times are set by the emulator and never go
 * backwards. Restarting on the same data directory loses no acknowledged event; a torn tail record
 * is truncated on start. Retention deletes whole segments by age and by size.
 *
 * Permissions (checked): the emulator alone runs with `--allow-net=127.0.0.1 --allow-env` (rhea's
 * logger reads `DEBUG`) `--allow-read=<dataDir> --allow-write=<dataDir>`; an SDK client needs
 * `--allow-net=127.0.0.1 --allow-env --allow-sys`. `./run emulator` uses `-A` because the CLI loads
 * every command.
 *
 * @example Start, send, read back, stop
 * ```ts
 * import { startEmulator } from "@/hub/emulator";
 * import { EventHubProducerClient } from "@azure/event-hubs";
 * import assert from "node:assert/strict";
 *
 * // No dataDir: a temporary directory, removed by stop(). Port 0: a free port.
 * const emulator = await startEmulator({ port: 0 });
 * const producer = new EventHubProducerClient(emulator.connectionString);
 * await producer.sendBatch([{ body: { timestamp: "2026-01-01T00:00:00Z", favorite: 3 } }], {
 *   partitionId: "0",
 * });
 * const partition = await producer.getPartitionProperties("0");
 * assert.equal(partition.lastEnqueuedSequenceNumber, 0);
 * await producer.close(); // close SDK clients before stopping the emulator
 * await emulator.stop();
 * ```
 * @module
 */
export {
  type Emulator,
  emulatorConnectionString,
  type EmulatorMetrics,
  type EmulatorOptions,
  type HubConfig,
  maskConnectionString,
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
export {
  createSharedAccessSignature,
  type SharedAccessSignatureOptions,
} from "./shared_access_signature.ts";
