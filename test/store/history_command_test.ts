import assert from "node:assert/strict";
import { historyCommand } from "../../cli/commands/history.ts";
import { UsageError } from "../../cli/command.ts";
import { HistoryTable } from "@/store";

const H = 3_600_000;
const T0 = Date.UTC(2026, 0, 5);

function win(hour: number, sum: number) {
  return {
    groupTime: new Date(T0 + hour * H),
    windowEnd: new Date(T0 + (hour + 1) * H),
    average: sum / 2,
    count: 2,
    sum,
    max: sum,
  };
}

async function run(args: string[]): Promise<{ code: number; out: string[] }> {
  const out: string[] = [];
  const log = console.log;
  console.log = (...parts: unknown[]) => out.push(parts.join(" "));
  try {
    return { code: await historyCommand.run(args), out };
  } finally {
    console.log = log;
  }
}

async function withTable(fn: (path: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "hubwatch-history-cli-" });
  try {
    const table = await HistoryTable.open(`${dir}/history`);
    await table.write([win(2, 4), win(0, 6)]);
    await table.write([win(1, 8)]);
    await fn(`${dir}/history`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("historyCommand prints the windows ordered by groupTime and COUNT(*)", async () => {
  await withTable(async (path) => {
    const { code, out } = await run(["--table", path, "--json"]);
    assert.equal(code, 0);
    assert.deepEqual(out.map((l) => JSON.parse(l).groupTime), [
      "2026-01-05T00:00:00.000Z",
      "2026-01-05T01:00:00.000Z",
      "2026-01-05T02:00:00.000Z",
    ]);
    const table = await run(["--table", path]);
    assert.equal(table.out.at(-1), "COUNT(*) = 3");
    assert.equal(table.out[0], `history table ${path} · version 2 of 2`);
  });
});

Deno.test("historyCommand reads an earlier --version within --from/--to", async () => {
  await withTable(async (path) => {
    const { out } = await run([
      "--table",
      path,
      "--version",
      "1",
      "--from",
      "2026-01-05T01:00:00Z",
      "--to",
      "2026-01-05T03:00:00Z",
    ]);
    assert.equal(out.length, 4);
    assert.match(out[2], /^2026-01-05T02:00:00.000Z/);
    assert.equal(out[3], "COUNT(*) = 1");
  });
});

Deno.test("historyCommand rejects a --version beyond the latest with a UsageError", async () => {
  await withTable(async (path) => {
    await assert.rejects(
      run(["--table", path, "--version", "7"]),
      new UsageError(
        `--version must be at most 2, the latest version of ${path}: current value is 7`,
      ),
    );
  });
});

Deno.test("historyCommand rejects a --from that is not ISO-8601", async () => {
  await assert.rejects(
    run(["--from", "yesterday"]),
    new UsageError("--from must be an ISO-8601 date-time: current value is yesterday"),
  );
});
