/**
 * Makes a notebook cell with a side effect safe to re-run: the work runs once per set of
 * parameters, and a re-run shows the recorded result instead of repeating it.
 * @module
 */
import path from "node:path";

/** What {@linkcode runOnce} resolves with. */
export interface RunOnceResult<T> {
  /** `true` when the work had already been done with these parameters and was skipped. */
  skipped: boolean;
  /** The work's result (recorded on the first run; read back from the marker on a re-run). */
  result: T;
  /** When the work ran, ISO UTC. */
  ranAt: string;
}

/** Options of {@linkcode runOnce}. */
export interface RunOnceOptions {
  /** Run even when the marker says it ran, and record the new result. @default {false} */
  force?: boolean;
  /** Clock. @default {Date.now} */
  now?: () => number;
}

/**
 * Runs `work` unless the marker file records a run with the same `params` (compared as JSON);
 * then resolves with the recorded result and `skipped: true`. The marker is written atomically
 * after `work` succeeds; a failed `work` records nothing, so a re-run tries again. `work`'s
 * result must survive `JSON.stringify`.
 */
export async function runOnce<T>(
  markerPath: string,
  params: unknown,
  work: () => Promise<T>,
  options: RunOnceOptions = {},
): Promise<RunOnceResult<T>> {
  const key = JSON.stringify(params ?? null);
  if (!options.force) {
    let text: string | undefined;
    try {
      text = await Deno.readTextFile(markerPath);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) {
        throw new Error(`Cannot read the run marker ${markerPath}`, { cause: error });
      }
    }
    if (text !== undefined) {
      let marker: { params: string; result: T; ranAt: string } | undefined;
      try {
        marker = JSON.parse(text);
      } catch {
        marker = undefined; // a damaged marker means: run again
      }
      if (marker && marker.params === key) {
        return { skipped: true, result: marker.result, ranAt: marker.ranAt };
      }
    }
  }
  const result = await work();
  const ranAt = new Date((options.now ?? Date.now)()).toISOString();
  const tmp = `${markerPath}.${crypto.randomUUID()}.tmp`;
  try {
    await Deno.mkdir(path.dirname(markerPath), { recursive: true });
    await Deno.writeTextFile(tmp, JSON.stringify({ params: key, result, ranAt }, null, 2) + "\n");
    await Deno.rename(tmp, markerPath);
  } catch (error) {
    await Deno.remove(tmp).catch(() => undefined);
    throw new Error(`Cannot write the run marker ${markerPath}`, { cause: error });
  }
  return { skipped: false, result, ranAt };
}
