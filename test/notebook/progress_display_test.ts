import assert from "node:assert/strict";
import { ProgressDisplay } from "@/notebook";
import { manualClock, plain, recorder } from "./_broadcast.ts";

Deno.test("ProgressDisplay.text() shows count, percentage, elapsed time and details", () => {
  const clock = manualClock(1000);
  const progress = new ProgressDisplay("send", { unit: "events", now: clock.now });
  clock.advance(2500);
  assert.equal(
    progress.text({ value: 1234, total: 5000, details: { "events/s": 493.6, watermark: "none" } }),
    "send: 1,234 of 5,000 events (24%) · 2.5 s · 493.6 events/s · watermark none",
  );
});

Deno.test("ProgressDisplay.text() shows a bare count when the total is unknown", () => {
  const progress = new ProgressDisplay("analyze", { now: () => 0 });
  assert.equal(progress.text({ value: 7 }), "analyze: 7 items · 0.0 s");
});

Deno.test("ProgressDisplay.update() re-renders the same display in place", async () => {
  const { messages, broadcast } = recorder();
  const progress = new ProgressDisplay("job", { broadcast, minIntervalInMs: 0, now: () => 0 });
  await progress.show();
  await progress.update({ value: 1, total: 2 });
  assert.deepEqual(messages.map((m) => m.msgType), ["display_data", "update_display_data"]);
  assert.equal(plain(messages[1]), "job: 1 of 2 items (50%) · 0.0 s");
  const ids = messages.map((m) => (m.content.transient as { display_id: string }).display_id);
  assert.equal(ids[0], ids[1]);
});

Deno.test("ProgressDisplay.done() renders the final state even right after an update", async () => {
  const { messages, broadcast } = recorder();
  const progress = new ProgressDisplay("job", { broadcast, minIntervalInMs: 1e9, now: () => 0 });
  await progress.show();
  await progress.update({ value: 5 });
  await progress.done("stopped by end");
  assert.equal(plain(messages.at(-1)!), "job done: 5 items · 0.0 s · stopped by end");
});

Deno.test("ProgressDisplay.fail() shows the error message", async () => {
  const { messages, broadcast } = recorder();
  const progress = new ProgressDisplay("job", { broadcast, now: () => 0 });
  await progress.fail(new Error("hub unreachable"));
  assert.equal(plain(messages.at(-1)!), "job FAILED: 0 items · 0.0 s · hub unreachable");
});

Deno.test("ProgressDisplay.bundle() draws a bar of the known total", () => {
  const progress = new ProgressDisplay("job", { now: () => 0 });
  progress.update({ value: 30, total: 40 });
  assert.match(String(progress.bundle()["text/html"]), /<progress value="30" max="40"/);
});

Deno.test("ProgressDisplay.bundle() caps the bar at the total", () => {
  const progress = new ProgressDisplay("job", { now: () => 0 });
  progress.update({ value: 50, total: 40 });
  assert.match(String(progress.bundle()["text/html"]), /<progress value="40" max="40"/);
  assert.match(progress.text(), /\(100%\)/);
});

Deno.test("ProgressDisplay.bundle() escapes HTML in the text", () => {
  const progress = new ProgressDisplay("<job>", { now: () => 0 });
  assert.match(String(progress.bundle()["text/html"]), /&lt;job&gt;: 0 items/);
});
