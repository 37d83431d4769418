import assert from "node:assert/strict";
import rhea from "rhea";
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
