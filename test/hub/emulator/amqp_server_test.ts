import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import rhea from "rhea";
import { EventHubProducerClient } from "@azure/event-hubs";
import { createSharedAccessSignature } from "@/hub/emulator";
import { withEmulator } from "./_helpers.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

Deno.test("startEmulator() keeps an idle client connection alive with heartbeats", async () => {
  await withEmulator({}, async (emulator) => {
    const container = rhea.create_container() as Any;
    const events: string[] = [];
    const connection = container.connect({
      host: "127.0.0.1",
      port: emulator.port,
      idle_time_out: 100,
      reconnect: false,
    });
    connection.on("connection_open", () => events.push("open"));
    connection.on("connection_error", () => events.push("error"));
    connection.on("disconnected", () => events.push("disconnected"));
    await new Promise((r) => setTimeout(r, 700));
    assert.deepEqual(events, ["open"]);
    await new Promise<void>((resolve) => {
      connection.once("connection_close", () => resolve());
      connection.close();
    });
  });
});

/** Opens a raw rhea connection authorized for `audience` through `$cbs`. */
async function authorizedConnection(port: number, audience: string, key: string) {
  const container = rhea.create_container() as Any;
  const connection = container.connect({ host: "127.0.0.1", port, reconnect: false });
  const replyTo = "cbs-reply";
  connection.open_receiver({ source: { address: "$cbs" }, name: replyTo });
  const cbs = connection.open_sender({ target: { address: "$cbs" } });
  await new Promise((r) => cbs.once("sendable", r));
  const reply = new Promise<Any>((resolve) =>
    connection.once("message", (ctx: Any) => resolve(ctx.message))
  );
  cbs.send({
    message_id: "put-1",
    reply_to: replyTo,
    application_properties: {
      operation: "put-token",
      type: "servicebus.windows.net:sastoken",
      name: audience,
    },
    body: createSharedAccessSignature(audience, "RootManageSharedAccessKey", key, {
      expiresOnInSeconds: Date.now() / 1000 + 600,
    }),
  });
  const message = await reply;
  assert.equal(message.application_properties["status-code"], 202);
  return connection;
}

Deno.test("startEmulator() rejects a batch larger than maxMessageBytes with message-size-exceeded", async () => {
  await withEmulator({ key: "k", maxMessageBytes: 1000 }, async (emulator) => {
    const connection = await authorizedConnection(
      emulator.port,
      `sb://127.0.0.1:${emulator.port}/hubwatch`,
      "k",
    );
    try {
      const sender = connection.open_sender({ target: { address: "hubwatch" } });
      await new Promise((r) => sender.once("sendable", r));
      const inner = rhea.message.encode({ body: "x".repeat(2000) } as Any);
      const batch = rhea.message.encode({ body: rhea.message.data_sections([inner]) } as Any);
      const outcome = new Promise<Any>((resolve) => {
        sender.once("rejected", resolve);
        sender.once("accepted", () => resolve({ delivery: { remote_state: { error: {} } } }));
      });
      sender.send(batch, undefined, 0x80013700);
      const rejected = await outcome;
      assert.equal(
        rejected.delivery.remote_state.error.condition,
        "amqp:link:message-size-exceeded",
      );
      assert.equal(emulator.metrics().eventsReceived, 0);
    } finally {
      await new Promise<void>((resolve) => {
        connection.once("connection_close", () => resolve());
        connection.close();
      });
    }
  });
});

Deno.test("startEmulator() delivers no more events than the receiver's link credit", async () => {
  await withEmulator({ key: "k" }, async (emulator) => {
    const producer = new EventHubProducerClient(emulator.connectionString);
    await producer.sendBatch(
      Array.from({ length: 10 }, (_, i) => ({ body: i })),
      { partitionId: "0" },
    );
    await producer.close();
    const address = "hubwatch/ConsumerGroups/$Default/Partitions/0";
    const connection = await authorizedConnection(
      emulator.port,
      `sb://127.0.0.1:${emulator.port}/${address}`,
      "k",
    );
    try {
      const receiver = connection.open_receiver({
        source: {
          address,
          filter: {
            "apache.org:selector-filter:string": rhea.types.wrap_described(
              "amqp.annotation.x-opt-offset > '-1'",
              0x468c00000004,
            ),
          },
        },
        credit_window: 0,
        autoaccept: true,
      });
      const received: number[] = [];
      receiver.on("message", (ctx: Any) => {
        received.push(ctx.message.message_annotations["x-opt-sequence-number"]);
      });
      await new Promise((r) => receiver.once("receiver_open", r));
      receiver.add_credit(3);
      await new Promise((r) => setTimeout(r, 200));
      assert.deepEqual(received, [0, 1, 2]);
      receiver.add_credit(2);
      await new Promise((r) => setTimeout(r, 200));
      assert.deepEqual(received, [0, 1, 2, 3, 4]);
    } finally {
      await new Promise<void>((resolve) => {
        connection.once("connection_close", () => resolve());
        connection.close();
      });
    }
  });
});

Deno.test("startEmulator() survives a client that sends garbage instead of AMQP", async () => {
  await withEmulator({}, async (emulator) => {
    for (
      const bytes of [
        new TextEncoder().encode("GET / HTTP/1.1\r\n\r\n"),
        new Uint8Array(64).fill(0xff),
      ]
    ) {
      const socket = await Deno.connect({ hostname: "127.0.0.1", port: emulator.port });
      await socket.write(bytes);
      // The emulator answers with its protocol header or closes; either way it must go on serving.
      const buffer = new Uint8Array(64);
      await socket.read(buffer).catch(() => null);
      socket.close();
    }
    const producer = new EventHubProducerClient(emulator.connectionString);
    try {
      await producer.sendBatch([{ body: "still serving" }], { partitionId: "0" });
      assert.equal((await producer.getPartitionProperties("0")).lastEnqueuedSequenceNumber, 0);
    } finally {
      await producer.close();
    }
  });
});

Deno.test("startEmulator() rejects an undecodable batch with amqp:decode-error and keeps the link", async () => {
  await withEmulator({ key: "k" }, async (emulator) => {
    const connection = await authorizedConnection(
      emulator.port,
      `sb://127.0.0.1:${emulator.port}/hubwatch`,
      "k",
    );
    try {
      const sender = connection.open_sender({ target: { address: "hubwatch/Partitions/0" } });
      await new Promise((r) => sender.once("sendable", r));
      const outcome = (payload: Uint8Array, format: number) =>
        new Promise<string>((resolve) => {
          const delivery = sender.send(payload, undefined, format);
          const done = (ctx: Any) => {
            if (ctx.delivery !== delivery) return;
            sender.off("accepted", done);
            sender.off("rejected", done);
            resolve(ctx.delivery.remote_state?.error?.condition ?? "accepted");
          };
          sender.on("accepted", done);
          sender.on("rejected", done);
        });
      assert.equal(
        await outcome(Buffer.from([0x00, 0x53, 0x75, 0xff]), 0x80013700),
        "amqp:decode-error",
      );
      const good = rhea.message.encode({ body: "ok" } as Any);
      assert.equal(await outcome(good, 0), "accepted");
      assert.equal(emulator.metrics().eventsReceived, 1);
    } finally {
      await new Promise<void>((resolve) => {
        connection.once("connection_close", () => resolve());
        connection.close();
      });
    }
  });
});
