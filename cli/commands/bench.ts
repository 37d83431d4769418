import { fileURLToPath } from "node:url";
import { type Command, UsageError } from "../command.ts";

const BENCH_DIR = fileURLToPath(new URL("../../bench/", import.meta.url));

/** The benchmarks present in bench/ (each `bench/<name>.ts` exports `main(args)`). */
export function benchmarkNames(): string[] {
  const names: string[] = [];
  try {
    for (const entry of Deno.readDirSync(BENCH_DIR)) {
      if (entry.isFile && entry.name.endsWith(".ts") && !entry.name.startsWith("_")) {
        names.push(entry.name.slice(0, -3));
      }
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return names.sort();
}

export const benchCommand: Command = {
  name: "bench",
  summary: "run a benchmark (prints figures and ratios against its targets)",
  get help() {
    return `Usage: ./run bench <name> [options]

Benchmarks print their figures and the ratio to their target, measured in the same run.
Available: ${benchmarkNames().join(", ") || "(none)"}
Options after the name go to the benchmark (see the header of bench/<name>.ts).`;
  },
  async run(args) {
    const [name, ...rest] = args;
    const names = benchmarkNames();
    if (name === undefined) throw new UsageError("name a benchmark");
    if (!names.includes(name)) {
      throw new UsageError(`unknown benchmark "${name}": available are ${names.join(", ")}`);
    }
    const module = await import(`${BENCH_DIR}${name}.ts`);
    return await module.main(rest);
  },
};
