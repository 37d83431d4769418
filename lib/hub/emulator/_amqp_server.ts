/**
 * The AMQP 1.0 side of the emulator, on rhea: SASL ANONYMOUS, `$cbs` put-token with SAS checks,
 * `$management` READ, sends (single and batched format 0x80013700), receivers with start filters,
 * link credit, owner level (epoch) and runtime metrics.
 * @module
 */
import { Buffer } from "node:buffer";
import rhea from "rhea";
import type { Hub } from "./_hub.ts";
import {
  audiencePath,
  pathCovers,
  resourceCovers,
  verifySharedAccessSignature,
} from "./shared_access_signature.ts";
import { parseStartFilter, type StartPosition } from "./_filter.ts";
import { annotateMessage, insertDeliveryAnnotations, sectionBytes } from "./_amqp_splice.ts";
import type { PartitionLog, PayloadBuilder, RecordMeta, StoredEvent } from "./partition_log.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

/** Batched message format used by `sendBatch`. */
const BATCH_FORMAT = 0x80013700;
const KEY_ANNOTATION = "x-opt-partition-key";
const RUNTIME_METRIC_CAPABILITY = "com.microsoft:enable-receiver-runtime-metric";
const EPOCH_PROPERTY = "com.microsoft:epoch";
const MAX_NON_EPOCH_READERS = 5;
const READ_BATCH = 256;

/** Counters the emulator exposes through `metrics()`. */
export interface EmulatorMetrics {
  connectionsOpened: number;
  connectionsOpen: number;
  eventsReceived: number;
  eventsDelivered: number;
  sendsRejected: number;
  authFailures: number;
  linkErrors: number;
  receiversOpen: number;
}

/** Options of the AMQP server (already validated by startEmulator). */
export interface AmqpServerOptions {
  hubs: Hub[];
  keyName: string;
  key: string;
  maxMessageBytes: number;
  now: () => number;
}

interface ReceiverEntry {
  hub: Hub;
  log: PartitionLog;
  groupKey: string;
  epoch: number | undefined;
  sender: Any;
  connection: Any;
  next: number;
  metrics: boolean;
  unsubscribe: () => void;
  closed: boolean;
  address: string;
  /** Until when a claim covers the link (re-checked against the claims once passed). */
  authorizedUntilMs: number;
}

interface SendTarget {
  hub: Hub;
  partition: number | undefined;
  address: string;
  authorizedUntilMs: number;
}

interface ConnectionState {
  /** Authorized audience paths and their expiry (ms). */
  claims: Map<string, number>;
  receivers: Set<ReceiverEntry>;
  heartbeat?: ReturnType<typeof setInterval>;
}

function error(condition: string, description: string) {
  return { condition, description };
}

function notFound(entity: string) {
  return error("amqp:not-found", `The messaging entity '${entity}' could not be found.`);
}

function partitionOutOfRange(hub: Hub) {
  return error(
    "com.microsoft:argument-out-of-range",
    `The specified partition is invalid for an EventHub partition sender or receiver. It should be between 0 and ${
      hub.partitionCount - 1
    }.`,
  );
}

function unauthorized(address: string, why: string) {
  return error("amqp:unauthorized-access", `Unauthorized access to '${address}': ${why}.`);
}

/** The AMQP server; `listen` starts it, `close` stops it. */
export class AmqpServer {
  #options: AmqpServerOptions;
  #hubs: Map<string, Hub>;
  #server: Any;
  #sockets = new Set<Any>();
  #connections = new Map<Any, ConnectionState>();
  #groups = new Map<string, Set<ReceiverEntry>>();
  #senderEntries = new WeakMap<object, ReceiverEntry>();
  #sendTargets = new WeakMap<object, SendTarget>();
  #metrics: EmulatorMetrics = {
    connectionsOpened: 0,
    connectionsOpen: 0,
    eventsReceived: 0,
    eventsDelivered: 0,
    sendsRejected: 0,
    authFailures: 0,
    linkErrors: 0,
    receiversOpen: 0,
  };

  constructor(options: AmqpServerOptions) {
    this.#options = options;
    this.#hubs = new Map(options.hubs.map((h) => [h.name.toLowerCase(), h]));
  }

  metrics(): EmulatorMetrics {
    return {
      ...this.#metrics,
      connectionsOpen: this.#connections.size,
      receiversOpen: [...this.#groups.values()].reduce((n, s) => n + s.size, 0),
    };
  }

  /** Starts listening; resolves to the bound port. */
  listen(host: string, port: number): Promise<number> {
    const container = rhea.create_container({ id: "hubwatch-emulator" }) as Any;
    container.sasl_server_mechanisms.enable_anonymous();
    container.on("connection_open", (ctx: Any) => this.#onConnectionOpen(ctx));
    container.on("connection_close", (ctx: Any) => this.#dropConnection(ctx.connection));
    container.on("disconnected", (ctx: Any) => this.#dropConnection(ctx.connection));
    container.on("receiver_open", (ctx: Any) => this.#guard(ctx, () => this.#onReceiverOpen(ctx)));
    container.on("sender_open", (ctx: Any) => this.#guard(ctx, () => this.#onSenderOpen(ctx)));
    container.on("message", (ctx: Any) => this.#guard(ctx, () => this.#onMessage(ctx)));
    container.on("sendable", (ctx: Any) => this.#guard(ctx, () => this.#onSendable(ctx)));
    container.on("sender_close", (ctx: Any) => this.#dropSender(ctx.sender));
    container.on("sender_error", (ctx: Any) => this.#dropSender(ctx.sender));
    container.on("error", () => {
      this.#metrics.linkErrors++;
    });
    container.on("connection_error", () => {});
    container.on("protocol_error", () => {});
    container.on("session_error", () => {});
    container.on("receiver_error", () => {});
    return new Promise((resolve, reject) => {
      const server = container.listen({
        host,
        port,
        // Frames are small and latency matters: no Nagle delay behind the peer's delayed ACKs
        // (rhea leaves it on for accepted sockets).
        tcp_no_delay: true,
        receiver_options: {
          autoaccept: false,
          credit_window: 500,
          max_message_size: this.#options.maxMessageBytes,
        },
        sender_options: { snd_settle_mode: 1 },
      });
      this.#server = server;
      server.on("connection", (socket: Any) => {
        coalesceWrites(socket);
        this.#sockets.add(socket);
        socket.on("close", () => this.#sockets.delete(socket));
      });
      server.once(
        "error",
        (e: Error) => reject(new Error(`Cannot listen on ${host}:${port}`, { cause: e })),
      );
      server.once("listening", () => resolve(server.address().port));
    });
  }

  /** Runs a handler so that a failure closes the offending link instead of the process. */
  #guard(ctx: Any, fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.#metrics.linkErrors++;
      const link = ctx.sender ?? ctx.receiver;
      try {
        link?.close(error("amqp:internal-error", String((e as Error)?.message ?? e)));
      } catch {
        // The link is already gone.
      }
    }
  }

  #state(connection: Any): ConnectionState {
    let state = this.#connections.get(connection);
    if (!state) {
      state = { claims: new Map(), receivers: new Set() };
      this.#connections.set(connection, state);
    }
    return state;
  }

  #onConnectionOpen(ctx: Any): void {
    this.#metrics.connectionsOpened++;
    const state = this.#state(ctx.connection);
    // rhea re-arms a heartbeat timer on every frame it writes; at tens of thousands of frames per
    // second that dominates. Send the empty frames the client's idle timeout asks for from one
    // interval timer per connection instead.
    const open = ctx.connection.remote?.open;
    const idle = Number(open?.idle_time_out ?? 0);
    if (idle > 0) {
      open.idle_time_out = undefined;
      const connection = ctx.connection;
      state.heartbeat = setInterval(() => {
        try {
          if (connection.is_open()) connection._write_frame();
        } catch {
          // The connection is closing; its state is dropped on disconnect.
        }
      }, Math.max(1, Math.floor(idle / 2)));
      Deno.unrefTimer(state.heartbeat);
    }
  }

  #dropConnection(connection: Any): void {
    const state = this.#connections.get(connection);
    if (!state) return;
    this.#connections.delete(connection);
    if (state.heartbeat !== undefined) clearInterval(state.heartbeat);
    for (const entry of state.receivers) this.#removeEntry(entry);
  }

  #dropSender(sender: Any): void {
    const entry = this.#senderEntries.get(sender);
    if (entry) this.#removeEntry(entry);
  }

  #removeEntry(entry: ReceiverEntry): void {
    if (entry.closed) return;
    entry.closed = true;
    entry.unsubscribe();
    this.#groups.get(entry.groupKey)?.delete(entry);
    this.#connections.get(entry.connection)?.receivers.delete(entry);
  }

  /**
   * Until when `address` (an entity path) is covered by an unexpired claim on this connection;
   * 0 when it is not covered now.
   */
  #authorizedUntil(connection: Any, address: string): number {
    const state = this.#state(connection);
    const target = audiencePath(`sb://host/${address}`);
    const now = this.#options.now();
    let until = 0;
    for (const [claim, expiresOnMs] of state.claims) {
      if (expiresOnMs > now && pathCovers(claim, target)) until = Math.max(until, expiresOnMs);
    }
    return until;
  }

  /**
   * Until when a link being opened on `address` is authorized; 0 (after closing the link) when no
   * claim covers it.
   */
  #authorizeLink(link: Any, connection: Any, address: string): number {
    const authorizedUntilMs = this.#authorizedUntil(connection, address);
    if (authorizedUntilMs === 0) {
      this.#metrics.authFailures++;
      link.close(unauthorized(address, "no valid token"));
    }
    return authorizedUntilMs;
  }

  /** Re-checks a link's authorization once its known claim expired (tokens renew by put-token). */
  #stillAuthorized(link: { address: string; authorizedUntilMs: number }, connection: Any): boolean {
    if (this.#options.now() < link.authorizedUntilMs) return true;
    link.authorizedUntilMs = this.#authorizedUntil(connection, link.address);
    return link.authorizedUntilMs > 0;
  }

  // ---- links the client sends on (we receive) ----

  #onReceiverOpen(ctx: Any): void {
    const receiver = ctx.receiver;
    const address: string = receiver.target?.address ?? "";
    receiver.set_target({ address });
    if (address === "$cbs" || address === "$management") return;
    const parts = address.split("/");
    const hub = this.#hubs.get((parts[0] ?? "").toLowerCase());
    if (!hub) {
      receiver.close(notFound(address));
      return;
    }
    let partition: number | undefined;
    if (parts.length === 3 && parts[1].toLowerCase() === "partitions") {
      partition = hub.partitionIndex(parts[2]);
      if (partition < 0) {
        receiver.close(partitionOutOfRange(hub));
        return;
      }
    } else if (parts.length !== 1) {
      receiver.close(notFound(address));
      return;
    }
    const authorizedUntilMs = this.#authorizeLink(receiver, ctx.connection, address);
    if (authorizedUntilMs === 0) return;
    this.#sendTargets.set(receiver, { hub, partition, address, authorizedUntilMs });
  }

  #onMessage(ctx: Any): void {
    const address: string = ctx.receiver.target?.address ?? "";
    if (address === "$cbs") return this.#onCbs(ctx);
    if (address === "$management") return this.#onManagement(ctx);
    const target = this.#sendTargets.get(ctx.receiver);
    if (!target) {
      ctx.delivery.reject(notFound(address));
      return;
    }
    this.#onSend(ctx, target);
  }

  #onSend(ctx: Any, target: SendTarget): void {
    const delivery = ctx.delivery;
    if (!this.#stillAuthorized(target, ctx.connection)) {
      this.#metrics.authFailures++;
      delivery.reject(unauthorized(target.address, "the token expired"));
      return;
    }
    let builders: PayloadBuilder[];
    let partitionKey: string | undefined;
    try {
      if (ctx.format === BATCH_FORMAT) {
        const raw: Uint8Array = ctx.message;
        if (raw.length > this.#options.maxMessageBytes) {
          this.#metrics.sendsRejected++;
          delivery.reject(error(
            "amqp:link:message-size-exceeded",
            `The received message (size ${raw.length} bytes) exceeds the limit (${this.#options.maxMessageBytes} bytes).`,
          ));
          return;
        }
        const envelope = rhea.message.decode(raw as Any) as Any;
        const body = envelope.body;
        const inner: Uint8Array[] = body === undefined
          ? []
          : body.multiple
          ? body.content
          : [body.content];
        partitionKey = envelope.message_annotations?.[KEY_ANNOTATION];
        if (partitionKey === undefined && inner.length > 0) {
          partitionKey = (rhea.message.decode(inner[0] as Any) as Any).message_annotations
            ?.[KEY_ANNOTATION];
        }
        builders = inner.map((bytes) => (meta: RecordMeta) =>
          annotateMessage(bytes, meta) ?? encodeStored(rhea.message.decode(bytes as Any), meta)
        );
      } else if (ctx.format === 0 || ctx.format === undefined) {
        const message = ctx.message;
        partitionKey = message?.message_annotations?.[KEY_ANNOTATION];
        builders = [(meta: RecordMeta) => encodeStored(message, meta)];
      } else {
        this.#metrics.sendsRejected++;
        delivery.reject(error("amqp:not-implemented", `Unsupported message format ${ctx.format}.`));
        return;
      }
    } catch (e) {
      this.#metrics.sendsRejected++;
      delivery.reject(
        error("amqp:decode-error", `Cannot decode the message: ${(e as Error).message}`),
      );
      return;
    }
    const partition = target.partition ?? target.hub.choosePartition(partitionKey);
    const count = builders.length;
    target.hub.logs[partition].append(builders).then(
      () => {
        this.#metrics.eventsReceived += count;
        delivery.accept();
      },
      (e: Error) => {
        this.#metrics.sendsRejected++;
        delivery.reject(error("amqp:internal-error", `Cannot store the events: ${e.message}`));
      },
    );
  }

  #reply(connection: Any, replyTo: string, message: Any): void {
    const sender = connection.find_sender((s: Any) =>
      s.name === replyTo || s.target?.address === replyTo ||
      s.remote?.attach?.target?.address === replyTo
    );
    if (sender) sender.send(message);
  }

  #onCbs(ctx: Any): void {
    const request = ctx.message;
    ctx.delivery.accept();
    const props = request.application_properties ?? {};
    const audience = String(props.name ?? "");
    const verdict = verifySharedAccessSignature(
      request.body,
      this.#options.keyName,
      this.#options.key,
      this.#options.now(),
    );
    let status = 202;
    let description = "Accepted";
    if (props.operation !== "put-token") {
      status = 400;
      description = `Unsupported operation ${props.operation}`;
    } else if (!verdict.ok) {
      status = 401;
      description = `Unauthorized: ${verdict.reason}.`;
    } else if (!resourceCovers(verdict.resource, audience)) {
      status = 401;
      description = `Unauthorized: the token for ${verdict.resource} does not cover ${audience}.`;
    }
    if (status === 202 && verdict.ok) {
      this.#state(ctx.connection).claims.set(audiencePath(audience), verdict.expiresOnMs);
    } else {
      this.#metrics.authFailures++;
    }
    this.#reply(ctx.connection, request.reply_to, {
      correlation_id: request.message_id,
      application_properties: { "status-code": status, "status-description": description },
    });
  }

  #onManagement(ctx: Any): void {
    const request = ctx.message;
    ctx.delivery.accept();
    const props = request.application_properties ?? {};
    const respond = (status: number, description: string, body?: unknown, condition?: string) =>
      this.#reply(ctx.connection, request.reply_to, {
        correlation_id: request.message_id,
        application_properties: {
          "status-code": status,
          "status-description": description,
          ...(condition ? { "error-condition": condition } : {}),
        },
        body,
      });
    const refuse = (status: number, failure: { condition: string; description: string }) =>
      respond(status, failure.description, undefined, failure.condition);
    const verdict = verifySharedAccessSignature(
      props.security_token,
      this.#options.keyName,
      this.#options.key,
      this.#options.now(),
    );
    if (!verdict.ok) {
      this.#metrics.authFailures++;
      return respond(
        401,
        `Unauthorized: ${verdict.reason}.`,
        undefined,
        "amqp:unauthorized-access",
      );
    }
    if (props.operation !== "READ") {
      return respond(
        400,
        `Unsupported operation ${props.operation}`,
        undefined,
        "amqp:not-implemented",
      );
    }
    if (!resourceCovers(verdict.resource, `sb://host/${props.name}/$management`)) {
      this.#metrics.authFailures++;
      return respond(
        401,
        `Unauthorized: the token for ${verdict.resource} does not cover ${props.name}/$management.`,
        undefined,
        "amqp:unauthorized-access",
      );
    }
    const hub = this.#hubs.get(String(props.name ?? "").toLowerCase());
    if (!hub) return refuse(404, notFound(props.name));
    if (props.type === "com.microsoft:eventhub") {
      return respond(200, "OK", {
        name: hub.name,
        created_at: new Date(hub.createdAtMs),
        partition_ids: hub.partitionIds,
      });
    }
    if (props.type === "com.microsoft:partition") {
      const index = hub.partitionIndex(String(props.partition ?? ""));
      if (index < 0) return refuse(400, partitionOutOfRange(hub));
      const log = hub.logs[index];
      return respond(200, "OK", {
        name: hub.name,
        partition: String(index),
        begin_sequence_number: rhea.types.wrap_long(log.beginSequenceNumber),
        ...lastEnqueuedProperties(log),
        is_partition_empty: log.endSequenceNumber === log.beginSequenceNumber,
      });
    }
    return respond(400, `Unsupported type ${props.type}`, undefined, "amqp:not-implemented");
  }

  // ---- links the client receives on (we send) ----

  #onSenderOpen(ctx: Any): void {
    const sender = ctx.sender;
    const source = sender.source ?? {};
    const address: string = source.address ?? "";
    sender.set_source({ address });
    if (address === "$cbs" || address === "$management") return;
    const parts = address.split("/");
    const hub = this.#hubs.get((parts[0] ?? "").toLowerCase());
    const isPartitionPath = parts.length === 5 && parts[1].toLowerCase() === "consumergroups" &&
      parts[3].toLowerCase() === "partitions";
    if (!hub || !isPartitionPath) {
      sender.close(notFound(address));
      return;
    }
    const group = hub.consumerGroup(parts[2]);
    if (group === undefined) {
      sender.close(notFound(`${hub.name}/ConsumerGroups/${parts[2]}`));
      return;
    }
    const partition = hub.partitionIndex(parts[4]);
    if (partition < 0) {
      sender.close(partitionOutOfRange(hub));
      return;
    }
    const authorizedUntilMs = this.#authorizeLink(sender, ctx.connection, address);
    if (authorizedUntilMs === 0) return;
    const log = hub.logs[partition];
    let start: StartPosition = { kind: "earliest" };
    const filter = source.filter?.["apache.org:selector-filter:string"];
    if (filter !== undefined) {
      const expression = typeof filter === "string"
        ? filter
        : filter?.value ?? filter?.described?.value;
      try {
        start = parseStartFilter(String(expression));
      } catch (e) {
        sender.close(error("com.microsoft:argument-error", (e as Error).message));
        return;
      }
    }
    const epochValue = sender.properties?.[EPOCH_PROPERTY];
    const epoch = epochValue === undefined || epochValue === null ? undefined : Number(epochValue);
    const groupKey = `${hub.name.toLowerCase()}/${group.toLowerCase()}/${partition}`;
    const members = this.#groups.get(groupKey) ?? new Set<ReceiverEntry>();
    this.#groups.set(groupKey, members);
    let maxEpoch: number | undefined;
    for (const m of members) {
      if (m.epoch !== undefined && (maxEpoch === undefined || m.epoch > maxEpoch)) {
        maxEpoch = m.epoch;
      }
    }
    if (epoch === undefined) {
      if (maxEpoch !== undefined) {
        sender.close(error(
          "amqp:link:stolen",
          `Receiver '${sender.name}' with no epoch cannot be opened as a receiver with epoch ${maxEpoch} exists on partition ${partition} of consumer group '${group}'.`,
        ));
        return;
      }
      if (members.size >= MAX_NON_EPOCH_READERS) {
        sender.close(error(
          "amqp:resource-limit-exceeded",
          `Exceeded the maximum number of allowed receivers per partition in a consumer group which is ${MAX_NON_EPOCH_READERS}.`,
        ));
        return;
      }
    } else {
      if (maxEpoch !== undefined && epoch < maxEpoch) {
        sender.close(error(
          "amqp:link:stolen",
          `Receiver with epoch ${epoch} cannot be opened as a receiver with the higher epoch ${maxEpoch} exists on partition ${partition} of consumer group '${group}'.`,
        ));
        return;
      }
      for (const m of [...members]) {
        this.#removeEntry(m);
        try {
          m.sender.close(error(
            "amqp:link:stolen",
            `New receiver with epoch ${epoch} was created on partition ${partition} of consumer group '${group}'; this receiver (epoch ${
              m.epoch ?? "none"
            }) is disconnected.`,
          ));
        } catch {
          // Its connection is already gone.
        }
      }
    }
    const capabilities: unknown = sender.remote?.attach?.desired_capabilities;
    const wanted = Array.isArray(capabilities) ? capabilities : capabilities ? [capabilities] : [];
    const metrics = wanted.map(String).includes(RUNTIME_METRIC_CAPABILITY);
    if (metrics) sender.local.attach.offered_capabilities = RUNTIME_METRIC_CAPABILITY;
    const entry: ReceiverEntry = {
      hub,
      log,
      groupKey,
      epoch,
      sender,
      connection: ctx.connection,
      next: startSequenceNumber(log, start),
      metrics,
      unsubscribe: () => {},
      closed: false,
      address,
      authorizedUntilMs,
    };
    entry.unsubscribe = log.onCommit(() => this.#guard({ sender }, () => this.#pump(entry)));
    members.add(entry);
    this.#state(ctx.connection).receivers.add(entry);
    this.#senderEntries.set(sender, entry);
  }

  #onSendable(ctx: Any): void {
    const entry = this.#senderEntries.get(ctx.sender);
    if (entry) this.#pump(entry);
  }

  #pump(entry: ReceiverEntry): void {
    if (entry.closed) return;
    const sender = entry.sender;
    if (!this.#stillAuthorized(entry, entry.connection)) {
      this.#metrics.authFailures++;
      this.#removeEntry(entry);
      sender.close(unauthorized(entry.address, "the token expired"));
      return;
    }
    while (sender.sendable()) {
      const events = entry.log.read(entry.next, Math.min(sender.credit, READ_BATCH));
      if (events.length === 0) return;
      for (const event of events) {
        if (!sender.sendable()) return;
        sender.send(
          entry.metrics ? withRuntimeMetrics(event, entry.log, this.#options.now()) : event.payload,
          undefined,
          0,
        );
        entry.next = event.sequenceNumber + 1;
        this.#metrics.eventsDelivered++;
      }
    }
  }

  /** Closes every connection and the listener. */
  async close(): Promise<void> {
    for (const entry of [...this.#groups.values()].flatMap((s) => [...s])) this.#removeEntry(entry);
    for (const [connection, state] of this.#connections) {
      if (state.heartbeat !== undefined) clearInterval(state.heartbeat);
      try {
        connection.close();
      } catch {
        // Already closed.
      }
    }
    if (this.#sockets.size > 0) await new Promise((r) => setTimeout(r, 20));
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
    this.#connections.clear();
    if (this.#server) {
      await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    }
  }
}

/**
 * rhea writes every frame with its own `socket.write`; gather the frames written in one tick into
 * one write (order kept: any other write or `end()` flushes the gathered frames first).
 */
function coalesceWrites(socket: Any): void {
  const write = socket.write.bind(socket);
  const end = socket.end.bind(socket);
  let queue: Uint8Array[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (queue.length === 0 || socket.destroyed) {
      queue = [];
      return;
    }
    const chunks = queue;
    queue = [];
    write(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
  };
  socket.write = (chunk: Any, ...rest: Any[]) => {
    if (rest.length > 0 || !(chunk instanceof Uint8Array)) {
      flush();
      return write(chunk, ...rest);
    }
    queue.push(chunk);
    if (!scheduled) {
      scheduled = true;
      queueMicrotask(flush);
    }
    return true;
  };
  socket.end = (...args: Any[]) => {
    flush();
    return end(...args);
  };
}

function startSequenceNumber(log: PartitionLog, start: StartPosition): number {
  switch (start.kind) {
    case "earliest":
      return log.beginSequenceNumber;
    case "latest":
      return log.endSequenceNumber;
    case "offset":
      return log.sequenceNumberAfterOffset(start.offset, start.inclusive);
    case "sequenceNumber":
      return Math.max(
        log.beginSequenceNumber,
        start.inclusive ? start.sequenceNumber : start.sequenceNumber + 1,
      );
    case "enqueuedTime":
      return log.sequenceNumberAfterTime(start.timeMs);
  }
}

/** Encodes a received message as it will be delivered: with the broker's annotations. */
function encodeStored(message: Any, meta: RecordMeta): Uint8Array {
  const annotations: Record<string, unknown> = { ...(message.message_annotations ?? {}) };
  annotations["x-opt-sequence-number"] = rhea.types.wrap_long(meta.sequenceNumber);
  annotations["x-opt-offset"] = String(meta.offset);
  annotations["x-opt-enqueued-time"] = new Date(meta.enqueuedTimeMs);
  const stored = { ...message, message_annotations: annotations };
  delete stored.delivery_annotations;
  return rhea.message.encode(stored);
}

/** The partition's newest event, as both partition properties and runtime metrics report it. */
function lastEnqueuedProperties(log: PartitionLog) {
  const last = log.lastEvent();
  return {
    last_enqueued_offset: last ? String(last.offset) : "-1",
    last_enqueued_sequence_number: rhea.types.wrap_long(last ? last.sequenceNumber : -1),
    last_enqueued_time_utc: new Date(last ? last.enqueuedTimeMs : 0),
  };
}

function withRuntimeMetrics(event: StoredEvent, log: PartitionLog, nowMs: number): Uint8Array {
  const encoded = rhea.message.encode({
    delivery_annotations: {
      ...lastEnqueuedProperties(log),
      runtime_info_retrieval_time_utc: new Date(nowMs),
    },
  } as Any);
  const section = sectionBytes(encoded, 0x71);
  return section ? insertDeliveryAnnotations(event.payload, section) : event.payload;
}
