import assert from "node:assert/strict";
import { alertPayload, type AnomalyAlert, formatAlertLine } from "@/alert";

const alert: AnomalyAlert = {
  timestamp: new Date("2026-01-13T14:00:00Z"),
  value: 96.123,
  expectedValue: 12.031,
  upperBoundary: 14.274,
  lowerBoundary: 9.8,
  direction: "up",
  severity: 0.8412,
  mode: "last",
};

Deno.test("formatAlertLine() writes time, value, side, expected, band, severity and mode", () => {
  assert.equal(
    formatAlertLine(alert),
    "ANOMALY 2026-01-13T14:00:00.000Z average likes 96.12 above expected 12.03 " +
      "(band 9.80..14.27), severity 0.84 [last]",
  );
});

Deno.test("formatAlertLine() says below for a downward anomaly and uses the metric name", () => {
  assert.equal(
    formatAlertLine({ ...alert, value: 1.5, direction: "down", metric: "likes", mode: "entire" }),
    "ANOMALY 2026-01-13T14:00:00.000Z likes 1.50 below expected 12.03 " +
      "(band 9.80..14.27), severity 0.84 [entire]",
  );
});

Deno.test("formatAlertLine() rejects an invalid timestamp naming the field", () => {
  assert.throws(
    () => formatAlertLine({ ...alert, timestamp: new Date(Number.NaN) }),
    { name: "TypeError", message: /timestamp must be a valid Date: current value is Invalid Date/ },
  );
});

Deno.test("formatAlertLine() rejects a severity outside [0, 1]", () => {
  assert.throws(
    () => formatAlertLine({ ...alert, severity: 1.5 }),
    { name: "RangeError", message: /severity must be a number in \[0, 1\]: current value is 1.5/ },
  );
});

Deno.test("formatAlertLine() rejects an unknown direction", () => {
  assert.throws(
    () => formatAlertLine({ ...alert, direction: "sideways" as "up" }),
    { name: "TypeError", message: /direction must be "up" or "down": current value is "sideways"/ },
  );
});

Deno.test("alertPayload() carries the line, an ISO time and the numbers", () => {
  assert.deepEqual(alertPayload(alert), {
    text: formatAlertLine(alert),
    timestamp: "2026-01-13T14:00:00.000Z",
    metric: "average likes",
    value: 96.123,
    expectedValue: 12.031,
    upperBoundary: 14.274,
    lowerBoundary: 9.8,
    direction: "up",
    severity: 0.8412,
    mode: "last",
  });
});
