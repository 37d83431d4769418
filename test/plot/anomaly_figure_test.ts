import assert from "node:assert/strict";
import { detectEntireSeries } from "@/detect";
import {
  anomalyFigure,
  type AnomalyPoint,
  anomalyPointsFromEntire,
  isoTime,
  type PlotlyData,
} from "@/plot";

const T0 = Date.UTC(2026, 0, 5);
const HOUR = 3_600_000;

function point(i: number, extra: Partial<AnomalyPoint> = {}): AnomalyPoint {
  return {
    timestamp: new Date(T0 + i * HOUR),
    value: 10 + i,
    expectedValue: 10,
    upperBoundary: 12,
    lowerBoundary: 8,
    isAnomaly: false,
    direction: null,
    ...extra,
  };
}

/** The trace named `name`, or `name (count)` for the anomaly traces. */
function traceNamed(data: PlotlyData[], name: string): PlotlyData {
  const trace = data.find((t) => t.name === name || String(t.name).startsWith(`${name} (`));
  assert.ok(trace, `no trace named ${name}`);
  return trace;
}

Deno.test("anomalyPointsFromEntire() joins values with expected values, boundaries and directions", () => {
  const series = [
    { timestamp: "2026-01-05T00:00:00Z", value: 5 },
    { timestamp: "2026-01-05T01:00:00Z", value: 50 },
    { timestamp: "2026-01-05T02:00:00Z", value: 1 },
  ];
  const points = anomalyPointsFromEntire(series, {
    period: 0,
    expectedValues: [5, 6, 7],
    upperMargins: [1, 2, 3],
    lowerMargins: [0.5, 1, 1.5],
    isAnomaly: [false, true, true],
    isPositiveAnomaly: [false, true, false],
    isNegativeAnomaly: [false, false, true],
    severity: [0, 0.8, 0.4],
  });
  assert.deepEqual(points, [
    {
      timestamp: new Date("2026-01-05T00:00:00Z"),
      value: 5,
      expectedValue: 5,
      upperBoundary: 6,
      lowerBoundary: 4.5,
      isAnomaly: false,
      direction: null,
      severity: 0,
    },
    {
      timestamp: new Date("2026-01-05T01:00:00Z"),
      value: 50,
      expectedValue: 6,
      upperBoundary: 8,
      lowerBoundary: 5,
      isAnomaly: true,
      direction: "up",
      severity: 0.8,
    },
    {
      timestamp: new Date("2026-01-05T02:00:00Z"),
      value: 1,
      expectedValue: 7,
      upperBoundary: 10,
      lowerBoundary: 5.5,
      isAnomaly: true,
      direction: "down",
      severity: 0.4,
    },
  ]);
});

Deno.test("anomalyPointsFromEntire() rejects a response of another length", () => {
  assert.throws(
    () =>
      anomalyPointsFromEntire([{ timestamp: T0, value: 1 }], {
        period: 0,
        expectedValues: [1, 2],
        upperMargins: [1],
        lowerMargins: [1],
        isAnomaly: [false],
        isPositiveAnomaly: [false],
        isNegativeAnomaly: [false],
      }),
    {
      name: "RangeError",
      message:
        "Cannot join the series with the detection response as expectedValues must have one entry per point (1): current value is 2 entries",
    },
  );
});

Deno.test("anomalyPointsFromEntire() rejects an invalid timestamp", () => {
  assert.throws(
    () =>
      anomalyPointsFromEntire([{ timestamp: "yesterday", value: 1 }], {
        period: 0,
        expectedValues: [1],
        upperMargins: [1],
        lowerMargins: [1],
        isAnomaly: [false],
        isPositiveAnomaly: [false],
        isNegativeAnomaly: [false],
      }),
    {
      name: "RangeError",
      message:
        'Cannot build anomaly points as series[0].timestamp must be a valid time: current value is "yesterday"',
    },
  );
});

Deno.test("anomalyFigure() draws the band, the expected line and the series in time order", () => {
  const figure = anomalyFigure([point(2), point(0), point(1)]);
  const band = traceNamed(figure.data, "expected ± margin");
  assert.equal(band.fill, "tonexty");
  assert.deepEqual(band.y, [8, 8, 8]);
  assert.deepEqual(traceNamed(figure.data, "upper boundary").y, [12, 12, 12]);
  assert.deepEqual(traceNamed(figure.data, "expected").y, [10, 10, 10]);
  const series = traceNamed(figure.data, "average likes");
  assert.deepEqual(series.x, [
    "2026-01-05T00:00:00Z",
    "2026-01-05T01:00:00Z",
    "2026-01-05T02:00:00Z",
  ]);
  assert.deepEqual(series.y, [10, 11, 12]);
});

Deno.test("anomalyFigure() puts the band's upper edge right before its filled lower edge", () => {
  const figure = anomalyFigure([point(0)]);
  const names = figure.data.map((t) => t.name);
  assert.equal(names.indexOf("expected ± margin"), names.indexOf("upper boundary") + 1);
});

Deno.test("anomalyFigure() marks anomalies up and down with their own traces", () => {
  const figure = anomalyFigure([
    point(0),
    point(1, { value: 30, isAnomaly: true, direction: "up", severity: 0.5 }),
    point(2, { value: 1, isAnomaly: true, direction: "down" }),
    point(3, { value: 40, isAnomaly: true, direction: "up" }),
  ]);
  const up = traceNamed(figure.data, "anomaly ▲");
  const down = traceNamed(figure.data, "anomaly ▼");
  assert.equal(up.name, "anomaly ▲ (2)");
  assert.deepEqual(up.x, ["2026-01-05T01:00:00Z", "2026-01-05T03:00:00Z"]);
  assert.deepEqual(up.y, [30, 40]);
  assert.equal((up.marker as PlotlyData).symbol, "triangle-up");
  assert.equal(down.name, "anomaly ▼ (1)");
  assert.deepEqual(down.y, [1]);
  assert.equal((down.marker as PlotlyData).symbol, "triangle-down");
});

Deno.test("anomalyFigure() infers the direction from the expected value when none is given", () => {
  const figure = anomalyFigure([
    point(0, { value: 2, isAnomaly: true, direction: undefined }),
    point(1, { value: 20, isAnomaly: true, direction: undefined }),
  ]);
  assert.deepEqual(traceNamed(figure.data, "anomaly ▼").y, [2]);
  assert.deepEqual(traceNamed(figure.data, "anomaly ▲").y, [20]);
});

Deno.test("anomalyFigure() hover shows value, expected value, band and severity", () => {
  const figure = anomalyFigure([
    point(0, { value: 30, isAnomaly: true, direction: "up", severity: 0.25 }),
  ]);
  const series = traceNamed(figure.data, "average likes");
  assert.deepEqual(series.customdata, [[10, 8, 12, "0.250"]]);
  assert.equal(
    series.hovertemplate,
    "%{x|%Y-%m-%d %H:%M} UTC<br>average likes: %{y:.2f}<br>expected: %{customdata[0]:.2f}<br>" +
      "band: %{customdata[1]:.2f} … %{customdata[2]:.2f}<extra></extra>",
  );
  assert.match(
    String(traceNamed(figure.data, "anomaly ▲").hovertemplate),
    /severity: %\{customdata\[3\]\}/,
  );
});

Deno.test("anomalyFigure() leaves gaps where a point has no detection result", () => {
  const figure = anomalyFigure([
    point(0),
    { timestamp: new Date(T0 + HOUR), value: 11 },
  ]);
  assert.deepEqual(traceNamed(figure.data, "expected").y, [10, null]);
  assert.deepEqual(traceNamed(figure.data, "expected ± margin").y, [8, null]);
});

Deno.test("anomalyFigure() uses the title, series name and height given", () => {
  const figure = anomalyFigure([point(0)], {
    title: "Likes",
    seriesName: "likes/h",
    height: 300,
  });
  assert.deepEqual(figure.layout.title, { text: "Likes" });
  assert.equal(figure.layout.height, 300);
  assert.equal(traceNamed(figure.data, "likes/h").type, "scatter");
});

Deno.test("anomalyFigure() rejects an invalid timestamp", () => {
  assert.throws(() => anomalyFigure([point(0), { timestamp: new Date(NaN), value: 1 }]), {
    name: "RangeError",
    message:
      "Cannot create anomaly figure as points[1].timestamp must be a valid Date: current value is Invalid Date",
  });
});

Deno.test("anomalyFigure() rejects hoverDigits outside 0..12", () => {
  assert.throws(() => anomalyFigure([point(0)], { hoverDigits: -1 }), {
    name: "RangeError",
    message:
      "Cannot create anomaly figure as hoverDigits must be an integer in 0..12: current value is -1",
  });
});

Deno.test("anomalyFigure() displays as HTML that draws itself and as Plotly JSON", () => {
  const figure = anomalyFigure([point(0)]);
  const bundle = (figure as unknown as Record<symbol, () => Record<string, unknown>>)[
    Symbol.for("Jupyter.display")
  ]();
  assert.match(String(bundle["text/html"]), /Plotly\.newPlot/);
  assert.deepEqual(bundle["application/vnd.plotly.v1+json"], figure.toJSON());
});

Deno.test("anomalyFigure() plots an engine response with its anomaly marked", () => {
  const values = Array.from({ length: 48 }, (_, i) => 10 + (i % 2) + (i === 40 ? 30 : 0));
  const series = values.map((value, i) => ({ timestamp: new Date(T0 + i * HOUR), value }));
  const response = detectEntireSeries({
    granularity: "hourly",
    sensitivity: 95,
    maxAnomalyRatio: 0.25,
    series: series.map((p) => ({ timestamp: isoTime(p.timestamp), value: p.value })),
  });
  const figure = anomalyFigure(anomalyPointsFromEntire(series, response));
  const up = traceNamed(figure.data, "anomaly ▲");
  assert.ok((up.x as string[]).includes("2026-01-06T16:00:00Z"));
});

Deno.test("isoTime() drops zero milliseconds and keeps others", () => {
  assert.equal(isoTime(new Date(T0)), "2026-01-05T00:00:00Z");
  assert.equal(isoTime(new Date(T0 + 5)), "2026-01-05T00:00:00.005Z");
});
