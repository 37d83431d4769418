import assert from "node:assert/strict";
import { FakeClock, systemClock } from "../../lib/source/clock.ts";

Deno.test("systemClock.sleep() rejects with the abort reason and clears its timer", async () => {
  const controller = new AbortController();
  const sleeping = systemClock.sleep(60_000, controller.signal);
  controller.abort(new Error("stop"));
  await assert.rejects(sleeping, new Error("stop"));
});

Deno.test("FakeClock.sleep() advances the time and records the delay", async () => {
  const clock = new FakeClock(1000);
  await clock.sleep(250);
  assert.deepEqual([clock.now(), clock.sleeps], [1250, [250]]);
});
