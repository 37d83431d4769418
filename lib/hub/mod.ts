/**
 * Event Hubs for hubwatch: a batching producer ({@linkcode EventSink}), a checkpointed consumer
 * ({@linkcode subscribeEvents}), a file-based `CheckpointStore`, the tutorial's event codec,
 * dead letters, the boundary error type, and the local emulator.
 *
 * Everything takes connection strings and passes them to `@azure/event-hubs` unchanged: a
 * string ending in `;UseDevelopmentEmulator=true` reaches the local emulator, an Azure
 * connection string reaches Azure.
 *
 * For checkpoints in Azure Blob Storage (or Azurite), pass the SDK's
 * `BlobCheckpointStore` from `@azure/eventhubs-checkpointstore-blob` as `checkpointStore`:
 *
 * ```ts ignore
 * import { ContainerClient } from "@azure/storage-blob";
 * import { BlobCheckpointStore } from "@azure/eventhubs-checkpointstore-blob";
 * const container = new ContainerClient(storageConnectionString, "checkpoints");
 * await container.createIfNotExists();
 * const stream = subscribeEvents({ connectionString, checkpointStore: new BlobCheckpointStore(container) });
 * ```
 *
 * @module
 */
export {
  type Emulator,
  type EmulatorOptions,
  type HubConfig,
  startEmulator,
} from "./emulator/mod.ts";
export {
  decodeTweetEvent,
  encodeTweetEvent,
  type TweetEvent,
  validateTweetEvent,
} from "./codec.ts";
export {
  DeadLetterFile,
  type DeadLetterFileOptions,
  type DeadLetterRecord,
  type DeadLetterSink,
  type DeadLetterSource,
  readDeadLetterFile,
  toDeadLetterRecord,
} from "./dead_letter.ts";
export { HubError, type HubErrorCode, type HubErrorOptions, toHubError } from "./errors.ts";
export {
  type EnqueueOptions,
  EventSink,
  type EventSinkOptions,
  type EventSinkProducer,
  type EventSinkStats,
} from "./event_sink.ts";
export { FileCheckpointStore, type FileCheckpointStoreOptions } from "./file_checkpoint_store.ts";
export {
  type EventBatch,
  type EventStream,
  type EventSubscription,
  type HubEvent,
  subscribeEvents,
  type SubscribeEventsHandlers,
  type SubscribeEventsOptions,
  type SubscriptionStats,
} from "./subscribe_events.ts";
