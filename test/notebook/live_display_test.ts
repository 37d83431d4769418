import assert from "node:assert/strict";
import { LiveDisplay, toMimeBundle } from "@/notebook";
import { TableView } from "@/plot";
import { manualClock, plain, recorder } from "./_broadcast.ts";

Deno.test("LiveDisplay.show() sends display_data with the display id, then update_display_data", async () => {
  const { messages, broadcast } = recorder();
  const live = new LiveDisplay({ broadcast, displayId: "d1", minIntervalInMs: 0 });
  await live.show("first");
  await live.update("second");
  assert.deepEqual(messages, [
    {
      msgType: "display_data",
      content: { data: { "text/plain": "first" }, metadata: {}, transient: { display_id: "d1" } },
    },
    {
      msgType: "update_display_data",
      content: { data: { "text/plain": "second" }, metadata: {}, transient: { display_id: "d1" } },
    },
  ]);
  assert.equal(live.sent, 2);
});

Deno.test("LiveDisplay.update() before show() displays first", async () => {
  const { messages, broadcast } = recorder();
  const live = new LiveDisplay({ broadcast });
  await live.update("x");
  assert.deepEqual(messages.map((m) => m.msgType), ["display_data"]);
});

Deno.test("LiveDisplay.update() holds updates within minIntervalInMs and flush() sends the latest", async () => {
  const { messages, broadcast } = recorder();
  const clock = manualClock();
  const live = new LiveDisplay({ broadcast, minIntervalInMs: 100, now: clock.now });
  await live.show("0");
  clock.advance(10);
  await live.update("1");
  await live.update("2");
  assert.equal(messages.length, 1);
  await live.flush();
  assert.deepEqual(messages.map(plain), ["0", "2"]);
});

Deno.test("LiveDisplay.update() sends again once minIntervalInMs has passed", async () => {
  const { messages, broadcast } = recorder();
  const clock = manualClock();
  const live = new LiveDisplay({ broadcast, minIntervalInMs: 100, now: clock.now });
  await live.show("0");
  clock.advance(100);
  await live.update("1");
  assert.deepEqual(messages.map(plain), ["0", "1"]);
});

Deno.test("LiveDisplay renders a function only when it sends", async () => {
  const { broadcast } = recorder();
  const clock = manualClock();
  const live = new LiveDisplay({ broadcast, minIntervalInMs: 100, now: clock.now });
  let renders = 0;
  const render = () => {
    renders += 1;
    return `render ${renders}`;
  };
  await live.show(render);
  for (let i = 0; i < 50; i++) await live.update(render);
  assert.equal(renders, 1);
  await live.flush();
  assert.equal(renders, 2);
});

Deno.test("LiveDisplay keeps a failed send in lastError instead of throwing", async () => {
  const live = new LiveDisplay({
    broadcast: () => Promise.reject(new Error("iopub closed")),
  });
  await live.show("x");
  assert.equal(live.lastError?.message, "iopub closed");
  assert.equal(live.sent, 0);
});

Deno.test("LiveDisplay sends nothing outside a kernel and still counts as shown", async () => {
  const live = new LiveDisplay();
  await live.show("x");
  assert.equal(live.shown, true);
  assert.equal(live.sent, 0);
  assert.equal(live.lastError, undefined);
});

Deno.test("LiveDisplay gives each display its own id", () => {
  assert.notEqual(new LiveDisplay().displayId, new LiveDisplay().displayId);
});

Deno.test("LiveDisplay rejects a negative minIntervalInMs", () => {
  assert.throws(() => new LiveDisplay({ minIntervalInMs: -1 }), {
    name: "RangeError",
    message:
      "Cannot create live display as minIntervalInMs must be a non-negative number: current value is -1",
  });
});

Deno.test("toMimeBundle() uses Symbol.for('Jupyter.display'), passes bundles and wraps text", async () => {
  const view = new TableView(["a"], [{ a: 1 }]);
  assert.deepEqual(await toMimeBundle(view), {
    "text/html": view.toHTML(),
    "text/plain": view.toString(),
  });
  assert.deepEqual(await toMimeBundle({ "text/markdown": "*x*" }), { "text/markdown": "*x*" });
  assert.deepEqual(await toMimeBundle("t"), { "text/plain": "t" });
});

Deno.test("toMimeBundle() rejects an object that is not displayable", async () => {
  await assert.rejects(toMimeBundle({ a: 1 } as never), {
    name: "TypeError",
    message:
      'Cannot display value as it must be a string, a MIME bundle or have [Symbol.for("Jupyter.display")]: current value is [object Object]',
  });
});
