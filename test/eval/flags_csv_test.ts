import assert from "node:assert/strict";
import { flagsToCsv } from "../../lib/eval/mod.ts";

Deno.test("flagsToCsv() writes timestamp,isAnomaly,severity with an empty severity when absent", () => {
  assert.equal(
    flagsToCsv([
      { timestamp: "2015-03-01T00:00:00.000Z", isAnomaly: true, severity: 0.25 },
      { timestamp: "2015-03-01T01:00:00.000Z", isAnomaly: false },
    ]),
    "timestamp,isAnomaly,severity\n2015-03-01T00:00:00.000Z,true,0.25\n2015-03-01T01:00:00.000Z,false,\n",
  );
});

Deno.test("flagsToCsv() writes only the header for no flags", () => {
  assert.equal(flagsToCsv([]), "timestamp,isAnomaly,severity\n");
});
