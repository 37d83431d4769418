import assert from "node:assert/strict";
import { matchIncidents } from "@/pipeline";
import type { GroundTruthIncident } from "@/source";

const at = (iso: string) => new Date(iso);
const incidents: GroundTruthIncident[] = [
  {
    kind: "viral-burst",
    start: "2026-01-10T14:00:00Z",
    end: "2026-01-10T17:00:00Z",
    direction: "up",
  },
  {
    kind: "engagement-dip",
    start: "2026-01-12T10:00:00Z",
    end: "2026-01-12T12:00:00Z",
    direction: "down",
  },
  {
    kind: "volume-outage",
    start: "2026-01-14T00:00:00Z",
    end: "2026-01-14T02:00:00Z",
    direction: "none",
  },
];

Deno.test("matchIncidents() counts found incidents and false alarms", () => {
  const m = matchIncidents(
    [at("2026-01-10T15:00:00Z"), at("2026-01-10T16:00:00Z"), at("2026-01-11T05:00:00Z")],
    { incidents },
  );
  assert.equal(m.incidents, 2);
  assert.equal(m.found, 1);
  assert.equal(m.flagged, 3);
  assert.equal(m.falseAlarms, 1);
  assert.equal(m.recall, 0.5);
  assert.equal(m.precision, 2 / 3);
  assert.deepEqual(m.falseAlarmTimes, [at("2026-01-11T05:00:00Z")]);
  assert.deepEqual(m.perIncident.map((p) => p.flags.length), [2, 0, 0]);
});

Deno.test("matchIncidents() accepts a flag one window after the end within the tolerance", () => {
  const late = [at("2026-01-12T12:00:00Z")];
  assert.equal(matchIncidents(late, { incidents }).found, 1);
  assert.equal(matchIncidents(late, { incidents }, { toleranceInMs: 0 }).found, 0);
  assert.equal(matchIncidents(late, { incidents }, { toleranceInMs: 0 }).falseAlarms, 1);
});

Deno.test("matchIncidents() does not count flags on an invisible incident as false alarms", () => {
  const m = matchIncidents([at("2026-01-14T01:00:00Z")], { incidents });
  assert.equal(m.falseAlarms, 0);
  assert.equal(m.found, 0);
  assert.equal(m.perIncident[2].found, true);
});

Deno.test("matchIncidents() gives precision and recall 1 with nothing to find or flag", () => {
  const m = matchIncidents([], { incidents: [] });
  assert.deepEqual([m.recall, m.precision, m.flagged], [1, 1, 0]);
});

Deno.test("matchIncidents() rejects an incident whose end is not after its start", () => {
  assert.throws(
    () =>
      matchIncidents([], {
        incidents: [{
          kind: "x",
          start: "2026-01-02T00:00:00Z",
          end: "2026-01-01T00:00:00Z",
          direction: "up",
        }],
      }),
    { name: "RangeError", message: /incidents\[0\] must have ISO start < end/ },
  );
});

Deno.test("matchIncidents() rejects a negative tolerance", () => {
  assert.throws(
    () => matchIncidents([], { incidents }, { toleranceInMs: -1 }),
    { name: "RangeError", message: /toleranceInMs must be a number >= 0: current value is -1/ },
  );
});
