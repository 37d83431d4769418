/**
 * A child process for the analyze crash test: runs the analyze job from the hub into the history
 * table, printing one JSON line per committed micro-batch, and exits when idle.
 *
 * Usage: deno run -A test/pipeline/_analyze_child.ts <connection string> <table path> [N:before|N:after]
 *
 * With `N:before` the process SIGKILLs itself inside its N-th commit, after the data file and the
 * temporary commit file are written but before the commit is published; with `N:after`, right
 * after publishing (before the job records the batch as done).
 */
import { analyze, hubSource } from "../../lib/pipeline/analyze.ts";

const [connectionString, tablePath, dieAt] = Deno.args;
if (dieAt !== undefined) {
  const [nth, phase] = dieAt.split(":");
  const link = Deno.link;
  let commits = 0;
  (Deno as unknown as { link: typeof Deno.link }).link = async (from, to) => {
    if (String(to).endsWith(".json") && ++commits === Number(nth)) {
      if (phase === "before") Deno.kill(Deno.pid, "SIGKILL");
      await link(from, to);
      Deno.kill(Deno.pid, "SIGKILL");
    }
    return link(from, to);
  };
}
console.log(JSON.stringify({ started: true }));
const summary = await analyze({
  source: hubSource({ connectionString, maxBatchSize: 1000, maxWaitTimeInSeconds: 0.2 }),
  tablePath,
  appId: "crash-test/$Default/history",
  graceInMs: 3_600_000,
  maxBatchEvents: 1000,
  triggerIntervalInMs: 100,
  // A run that is to die inside a commit must not stop for lack of events before it gets there
  // (a loaded machine can take seconds to deliver the first batch); the others end when idle.
  idleTimeoutInMs: dieAt === undefined ? 2500 : 60_000,
  tableOptions: { checkpointInterval: 5 },
  onProgress: (p) =>
    console.log(JSON.stringify({ batchId: p.batchId, totalEvents: p.totalEvents })),
});
console.log(JSON.stringify({ summary }));
