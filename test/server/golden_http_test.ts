/**
 * Acceptance: every public golden case POSTed over a real socket gets the same status and body
 * as the in-process engine gives for the same request.
 *
 * The engine is deterministic and pure, so the test runs it once per case: the served app's
 * engine is wrapped to record what it received and what it answered. The test then checks that
 * (1) the engine received exactly what it makes of the request text itself, (2) the HTTP answer
 * is exactly the engine's answer, byte for byte, and (3) on a sample of cases (every 25th and
 * every error case), a direct in-process call on the request text gives that same answer again.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { createDetectorApp, type DetectorEngine } from "@/server";
import {
  AnomalyDetectorError,
  type ApiVersion,
  detectChangePoint,
  detectEntireSeries,
  detectLastPoint,
  parseRequestText,
} from "@/detect";
import { SHARED_DIR, UUID } from "./_helpers.ts";

interface GoldenCase {
  id: string;
  apiVersion: ApiVersion;
  endpoint: "entire" | "last";
  request: unknown;
}

function loadCases(): GoldenCase[] {
  const dir = join(SHARED_DIR, "detector-golden");
  return [...Deno.readDirSync(dir)]
    .map((entry) => entry.name)
    .filter((name) => /^[a-z-]+-\d{3}\.json$/.test(name))
    .sort()
    .map((name) => JSON.parse(Deno.readTextFileSync(join(dir, name))));
}

/** Status and body text the in-process engine gives, as the wire carries them. */
function inProcess(run: () => unknown): { status: number; body: string } {
  try {
    return { status: 200, body: JSON.stringify(run()) };
  } catch (error) {
    if (error instanceof AnomalyDetectorError) {
      return { status: error.status, body: JSON.stringify(error.toJSON()) };
    }
    throw error;
  }
}

Deno.test("createDetectorApp() answers every public golden case over HTTP like the in-process engine", async () => {
  const cases = loadCases();
  assert.ok(cases.length >= 791, `only ${cases.length} golden cases found`);

  /** What the served engine got and gave for the current case. */
  const seen: { request?: unknown; answer?: { status: number; body: string } } = {};
  type Detect = (request: unknown, options?: { apiVersion?: ApiVersion }) => unknown;
  const wrap = (detect: Detect): Detect => (request, options) => {
    seen.request = request;
    try {
      const result = detect(request, options);
      seen.answer = { status: 200, body: JSON.stringify(result) };
      return result;
    } catch (error) {
      seen.answer = error instanceof AnomalyDetectorError
        ? { status: error.status, body: JSON.stringify(error.toJSON()) }
        : { status: 500, body: String(error) };
      throw error;
    }
  };
  const engine = {
    detectEntireSeries: wrap(detectEntireSeries),
    detectLastPoint: wrap(detectLastPoint),
    detectChangePoint: wrap(detectChangePoint),
  } as DetectorEngine;

  await using server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    createDetectorApp({ engine }).fetch,
  );
  const base = `http://127.0.0.1:${server.addr.port}/anomalydetector`;
  let sampled = 0;
  let errors = 0;
  for (const [index, golden] of cases.entries()) {
    // Reset without letting the type checker narrow the fields to `undefined`.
    Object.assign(seen, { request: undefined, answer: undefined });
    const text = JSON.stringify(golden.request);
    const response = await fetch(
      `${base}/${golden.apiVersion}/timeseries/${golden.endpoint}/detect`,
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: text,
      },
    );
    const body = await response.text();
    const where = `${golden.id} (${golden.apiVersion} ${golden.endpoint})`;
    assert.deepEqual(
      seen.request,
      parseRequestText(text),
      `${where}: the engine got another request`,
    );
    assert.ok(seen.answer !== undefined, `${where}: the engine was not called`);
    assert.equal(response.status, seen.answer.status, `${where}: status`);
    assert.equal(body, seen.answer.body, `${where}: body`);
    assert.equal(response.headers.get("content-type"), "application/json", where);
    assert.match(response.headers.get("apim-request-id") ?? "", UUID, where);
    if (response.status !== 200) {
      errors++;
      assert.equal(
        response.headers.get("x-ms-error-code"),
        golden.apiVersion === "v1.1" ? JSON.parse(body).code : null,
        `${where}: x-ms-error-code`,
      );
    }
    if (index % 25 === 0 || response.status !== 200) {
      sampled++;
      const options = { apiVersion: golden.apiVersion };
      const direct = inProcess(() =>
        golden.endpoint === "last"
          ? detectLastPoint(text, options)
          : detectEntireSeries(text, options)
      );
      assert.deepEqual({ status: response.status, body }, direct, `${where}: direct call`);
    }
  }
  assert.ok(errors >= 61, `only ${errors} error cases were exercised`);
  assert.ok(sampled >= 90, `only ${sampled} cases were checked against a direct call`);
});
