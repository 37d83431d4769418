/**
 * Golden parity report of the detection engine against ../shared/detector-golden/: runs every
 * case in process and prints per-family match rates at the strict and loose tiers, the first
 * mismatches per family, reference cases separately, and as the last line
 * `parity: M/T (P%) strict; Q% loose` (reference cases excluded).
 *
 * Usage: deno run -A cli/golden.ts [--family F] [--model seasonal|spectral_residual|dynamic_threshold]
 *          [--id ID[,ID...]] [--endpoint entire|last] [--version v1.0|v1.1] [--verbose]
 *          [--mismatches N] [--list-matching] [--oracle-period]
 *          [--write-baseline FILE]
 */
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { readFileSync } from "node:fs";
import {
  AnomalyDetectorError,
  type ApiVersion,
  detectEntireSeries,
  detectLastPoint,
} from "../lib/detect/mod.ts";

/** Folder of the golden cases (resolved from this file, never copied into the repo). */
export const GOLDEN_DIR: string = join(
  dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  "shared",
  "detector-golden",
);

/** One entry of index.json. */
export interface GoldenEntry {
  id: string;
  family: string;
  source: string;
  endpoint: "entire" | "last";
  apiVersion: string;
  n: number;
  status: number;
  model?: string;
}

/** One golden case file. */
export interface GoldenCase extends GoldenEntry {
  request: unknown;
  response: Record<string, unknown>;
  notes?: string;
}

/** One difference between the engine's answer and the golden response. */
export interface Mismatch {
  field: string;
  element?: number;
  got: unknown;
  expected: unknown;
}

/** Result of one case. */
export interface CaseResult {
  entry: GoldenEntry;
  /** Reference case (recorded-service / spec-example): reported separately. */
  reference: boolean;
  strict: Mismatch[];
  loose: Mismatch[];
  elapsedMs: number;
  /** Unexpected internal failure detail, if any. */
  internal?: string;
}

/** Reads index.json entries. */
export function loadIndex(dir = GOLDEN_DIR): GoldenEntry[] {
  const index = JSON.parse(readFileSync(join(dir, "index.json"), "utf8"));
  return index.entries as GoldenEntry[];
}

/** Reads one case file. */
export function loadCase(id: string, dir = GOLDEN_DIR): GoldenCase {
  return JSON.parse(readFileSync(join(dir, `${id}.json`), "utf8")) as GoldenCase;
}

const FLOAT_FIELDS = new Set([
  "expectedValues",
  "expectedValue",
  "upperMargins",
  "upperMargin",
  "lowerMargins",
  "lowerMargin",
  "severity",
]);
const EXACT_FIELDS = new Set(["period", "suggestedWindow", "code", "message"]);

function floatClose(got: unknown, expected: unknown, rel: number): boolean {
  if (expected === null || expected === undefined) {
    return got === null || got === undefined || (typeof got === "number" && Number.isNaN(got));
  }
  if (typeof got !== "number" || typeof expected !== "number") return false;
  return Math.abs(got - expected) <= Math.max(1e-6, rel * Math.abs(expected));
}

/**
 * Compares a response with the golden one using the README's rules; `rel` is 1e-4 (strict) or
 * 1e-2 (loose). Returns every mismatch (empty = match).
 */
export function compareResponse(
  expectedStatus: number,
  expected: Record<string, unknown>,
  gotStatus: number,
  got: Record<string, unknown>,
  rel: number,
): Mismatch[] {
  const out: Mismatch[] = [];
  if (expectedStatus !== gotStatus) {
    out.push({ field: "status", got: gotStatus, expected: expectedStatus });
    return out;
  }
  const keys = new Set([...Object.keys(expected), ...Object.keys(got)]);
  for (const key of keys) {
    if (!(key in got)) {
      out.push({ field: key, got: "(missing)", expected: expected[key] });
      continue;
    }
    if (!(key in expected)) {
      out.push({ field: key, got: got[key], expected: "(absent)" });
      continue;
    }
    const e = expected[key];
    const g = got[key];
    if (Array.isArray(e)) {
      if (!Array.isArray(g) || g.length !== e.length) {
        out.push({
          field: key,
          got: Array.isArray(g) ? `length ${g.length}` : g,
          expected: `length ${e.length}`,
        });
        continue;
      }
      for (let i = 0; i < e.length; i++) {
        const ok = FLOAT_FIELDS.has(key) ? floatClose(g[i], e[i], rel) : g[i] === e[i];
        if (!ok) out.push({ field: key, element: i, got: g[i], expected: e[i] });
      }
    } else if (FLOAT_FIELDS.has(key)) {
      if (!floatClose(g, e, rel)) out.push({ field: key, got: g, expected: e });
    } else if (EXACT_FIELDS.has(key) || typeof e !== "object") {
      if (g !== e) out.push({ field: key, got: g, expected: e });
    }
  }
  return out;
}

/** Runs one case through the engine in process. */
export function runCase(c: GoldenCase): CaseResult {
  const start = performance.now();
  let status = 200;
  let body: Record<string, unknown>;
  let internal: string | undefined;
  try {
    const options = { apiVersion: c.apiVersion as ApiVersion };
    const res = c.endpoint === "last"
      ? detectLastPoint(c.request, options)
      : detectEntireSeries(c.request, options);
    body = res as unknown as Record<string, unknown>;
  } catch (error) {
    if (error instanceof AnomalyDetectorError) {
      status = error.status;
      body = error.toJSON();
      if (error.status >= 500) {
        const cause = error.cause;
        internal = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
      }
    } else {
      status = -1;
      body = {};
      internal = `non-AnomalyDetectorError thrown: ${error}`;
    }
  }
  const elapsedMs = performance.now() - start;
  return {
    entry: c,
    reference: c.source === "recorded-service" || c.source === "spec-example",
    strict: compareResponse(c.status, c.response, status, body, 1e-4),
    loose: compareResponse(c.status, c.response, status, body, 1e-2),
    elapsedMs,
    internal,
  };
}

function pct(a: number, b: number): string {
  return b === 0 ? "0.0" : ((100 * a) / b).toFixed(1);
}

function fmtValue(v: unknown): string {
  if (typeof v === "string") {
    return v.length > 90 ? JSON.stringify(v.slice(0, 90) + "…") : JSON.stringify(v);
  }
  return JSON.stringify(v) ?? String(v);
}

function describe(m: Mismatch): string {
  const where = m.element === undefined ? m.field : `${m.field}[${m.element}]`;
  return `${where}: got ${fmtValue(m.got)} expected ${fmtValue(m.expected)}`;
}

/**
 * Diagnostic: gives the request the golden response's period (when the request has none), so
 * the models can be compared independently of period detection.
 */
export function injectPeriod(c: GoldenCase): void {
  const req = c.request as Record<string, unknown> | null;
  const period = c.response?.period;
  if (c.status !== 200 || typeof req !== "object" || req === null || "period" in req) return;
  if (typeof period !== "number") return;
  c.request = { ...req, period };
}

/** Runs the report; returns the exit code (0 when everything selected matches strictly). */
export function main(args: string[]): number {
  const { values } = parseArgs({
    args,
    options: {
      family: { type: "string" },
      model: { type: "string" },
      id: { type: "string" },
      endpoint: { type: "string" },
      version: { type: "string" },
      verbose: { type: "boolean", short: "v", default: false },
      mismatches: { type: "string", default: "3" },
      "list-matching": { type: "boolean", default: false },
      "oracle-period": { type: "boolean", default: false },
      "write-baseline": { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(
      "Usage: ./run golden [--family F] [--model seasonal|spectral_residual|dynamic_threshold] [--id ID[,ID]] [--endpoint entire|last] [--version v1.0|v1.1] [--verbose] [--mismatches N] [--list-matching] [--oracle-period] [--write-baseline FILE]",
    );
    return 0;
  }
  const ids = values.id?.split(",").map((s) => s.trim()).filter((s) => s !== "");
  const maxShown = Number(values.mismatches);
  const entries = loadIndex().filter((e) =>
    (values.family === undefined || e.family === values.family) &&
    (values.model === undefined || e.model === values.model) &&
    (ids === undefined || ids.includes(e.id)) &&
    (values.endpoint === undefined || e.endpoint === values.endpoint) &&
    (values.version === undefined || e.apiVersion === values.version)
  );
  const families = new Map<string, CaseResult[]>();
  const reference: CaseResult[] = [];
  const started = performance.now();
  for (const entry of entries) {
    const c: GoldenCase = { ...loadCase(entry.id), model: entry.model };
    if (values["oracle-period"]) injectPeriod(c);
    const r = runCase(c);
    if (r.reference) reference.push(r);
    else {
      const list = families.get(entry.family) ?? [];
      list.push(r);
      families.set(entry.family, list);
    }
    if (values.verbose) {
      const tag = r.strict.length === 0 ? "ok   " : r.loose.length === 0 ? "loose" : "FAIL ";
      console.log(
        `${tag} ${entry.id} ${entry.endpoint} ${entry.apiVersion} n=${entry.n} model=${
          entry.model ?? "-"
        } ${r.elapsedMs.toFixed(1)}ms`,
      );
      if (r.internal) console.log(`      internal: ${r.internal}`);
      for (const m of r.strict.slice(0, maxShown)) console.log(`      ${describe(m)}`);
      if (r.strict.length > maxShown) console.log(`      … ${r.strict.length - maxShown} more`);
    }
  }
  let total = 0;
  let strictOk = 0;
  let looseOk = 0;
  const matching: string[] = [];
  console.log("family               cases   strict          loose");
  for (const [family, list] of families) {
    const s = list.filter((r) => r.strict.length === 0).length;
    const l = list.filter((r) => r.loose.length === 0).length;
    total += list.length;
    strictOk += s;
    looseOk += l;
    for (const r of list) if (r.strict.length === 0) matching.push(r.entry.id);
    console.log(
      `${family.padEnd(20)} ${String(list.length).padStart(5)}   ${
        `${s} (${pct(s, list.length)}%)`.padEnd(15)
      } ${l} (${pct(l, list.length)}%)`,
    );
    const failing = list.filter((r) => r.strict.length > 0).slice(0, maxShown);
    for (const r of failing) {
      const first = r.strict[0];
      console.log(
        `    ${r.entry.id} (${r.entry.endpoint} ${r.entry.apiVersion} ${r.entry.model ?? "-"}): ${
          r.internal ? `internal ${r.internal}` : describe(first)
        }${r.strict.length > 1 ? ` (+${r.strict.length - 1} more)` : ""}`,
      );
    }
  }
  if (reference.length > 0) {
    console.log("reference cases (excluded from parity):");
    for (const r of reference) {
      const tag = r.strict.length === 0 ? "strict" : r.loose.length === 0 ? "loose" : "differs";
      console.log(
        `    ${r.entry.id} (${r.entry.endpoint} ${r.entry.apiVersion}): ${tag}${
          r.strict.length > 0
            ? ` — ${r.internal ? `internal ${r.internal}` : describe(r.strict[0])}`
            : ""
        }`,
      );
    }
  }
  if (values["list-matching"]) console.log(`matching: ${JSON.stringify(matching)}`);
  if (values["write-baseline"] !== undefined) {
    const baseline = {
      about:
        "Golden case ids that match at the strict tier (test/detect/golden_test.ts fails if one stops matching). Regenerate: ./run golden --write-baseline test/detect/testdata/golden_baseline.json",
      matching: matching.sort(),
    };
    Deno.writeTextFileSync(values["write-baseline"], JSON.stringify(baseline, null, 2) + "\n");
    console.log(`wrote ${values["write-baseline"]} (${matching.length} ids)`);
  }
  const secs = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`time: ${secs}s for ${entries.length} cases`);
  console.log(
    `parity: ${strictOk}/${total} (${pct(strictOk, total)}%) strict; ${pct(looseOk, total)}% loose`,
  );
  return strictOk === total ? 0 : 1;
}

if (import.meta.main) {
  Deno.exit(main(Deno.args));
}
