/**
 * Golden regression test: every public golden case in ../shared/detector-golden is run in
 * process; every id listed in testdata/golden_baseline.json must still match at the strict tier,
 * and each family's match count must not fall below the baseline's.
 * Heavy: runs all 791 cases (see the report for its duration).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { loadCase, loadIndex, runCase } from "../../cli/golden.ts";

const baselinePath = join(
  dirname(fileURLToPath(import.meta.url)),
  "testdata",
  "golden_baseline.json",
);
const baseline: string[] = JSON.parse(readFileSync(baselinePath, "utf8")).matching;

Deno.test("detect golden cases: no baseline case stops matching", () => {
  const entries = loadIndex().filter((e) =>
    e.source !== "recorded-service" && e.source !== "spec-example"
  );
  const byFamily = new Map<string, { baseline: number; now: number }>();
  const regressions: string[] = [];
  for (const entry of entries) {
    const r = runCase({ ...loadCase(entry.id), model: entry.model });
    const ok = r.strict.length === 0;
    const inBaseline = baseline.includes(entry.id);
    const f = byFamily.get(entry.family) ?? { baseline: 0, now: 0 };
    if (inBaseline) f.baseline++;
    if (ok) f.now++;
    byFamily.set(entry.family, f);
    if (inBaseline && !ok) {
      const m = r.strict[0];
      regressions.push(
        `${entry.id}: ${
          r.internal ??
            `${m.field}${m.element === undefined ? "" : `[${m.element}]`} got ${
              JSON.stringify(m.got)
            } expected ${JSON.stringify(m.expected)}`
        }`,
      );
    }
  }
  assert.deepEqual(regressions, []);
  for (const [family, f] of byFamily) {
    assert.ok(f.now >= f.baseline, `${family}: ${f.now} matching < baseline ${f.baseline}`);
  }
});
