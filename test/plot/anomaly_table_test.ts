import assert from "node:assert/strict";
import { type AnomalyPoint, anomalyTable } from "@/plot";

const T0 = Date.UTC(2026, 0, 5);
const HOUR = 3_600_000;

const points: AnomalyPoint[] = [
  {
    timestamp: new Date(T0 + 2 * HOUR),
    value: 1,
    expectedValue: 9,
    lowerBoundary: 7,
    upperBoundary: 11,
    isAnomaly: true,
    direction: "down",
    severity: 0.31234,
  },
  {
    timestamp: new Date(T0),
    value: 10,
    expectedValue: 9,
    lowerBoundary: 7,
    upperBoundary: 11,
    isAnomaly: false,
    direction: null,
  },
  {
    timestamp: new Date(T0 + HOUR),
    value: 30,
    expectedValue: 9,
    lowerBoundary: 7,
    upperBoundary: 11,
    isAnomaly: true,
    direction: "up",
    severity: 0.9,
  },
];

Deno.test("anomalyTable() lists only the anomalies, by time", () => {
  assert.equal(
    anomalyTable(points).toString(),
    [
      "| timestamp            | value | expected | lowerBoundary | upperBoundary | isAnomaly | direction | severity |",
      "|----------------------|-------|----------|---------------|---------------|-----------|-----------|----------|",
      "| 2026-01-05T01:00:00Z | 30    | 9        | 7             | 11            | true      | up        | 0.9      |",
      "| 2026-01-05T02:00:00Z | 1     | 9        | 7             | 11            | true      | down      | 0.3123   |",
    ].join("\n"),
  );
});

Deno.test("anomalyTable() captions how many anomalies among how many points", () => {
  assert.equal(anomalyTable(points).options.caption, "2 anomalies among 3 points");
});

Deno.test("anomalyTable() lists every point with onlyAnomalies false", () => {
  const view = anomalyTable(points, { onlyAnomalies: false });
  assert.deepEqual(view.rows.map((r) => [r.value, r.direction]), [[10, ""], [30, "up"], [
    1,
    "down",
  ]]);
});
