/**
 * Ground truth for evaluation: the incidents a data set contains, written as JSON next to the data.
 *
 * @module
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, extname } from "node:path";

/** Which way an incident moves the hourly average of likes. */
export type IncidentDirection = "up" | "down" | "none" | "unknown";

/** One known incident, a half-open time range `[start, end)`. */
export interface GroundTruthIncident {
  /** What happened, e.g. `viral-burst`, `engagement-dip`, `level-shift`, `nab-window`. */
  kind: string;
  /** First instant of the incident, ISO 8601 UTC. */
  start: string;
  /** First instant after the incident, ISO 8601 UTC. */
  end: string;
  /** The expected direction of the hourly average of likes. */
  direction: IncidentDirection;
  /** A sentence for people. */
  description?: string;
}

/** The ground truth of one data set. */
export interface GroundTruth {
  /** Where the data came from, e.g. `synthetic` or `nab:realTweets/Twitter_volume_AAPL.csv`. */
  source: string;
  /** First instant covered by the data, ISO 8601 UTC. */
  start: string;
  /** First instant after the data, ISO 8601 UTC. */
  end: string;
  /** The generator's seed, for synthetic data. */
  seed?: number;
  /** Number of posts in the data. */
  posts?: number;
  /** The incidents, in time order. */
  incidents: GroundTruthIncident[];
}

/** The ground-truth file that belongs to a data file: `posts.jsonl` → `posts.truth.json`. */
export function groundTruthPath(dataPath: string): string {
  const extension = extname(dataPath);
  const stem = extension ? dataPath.slice(0, -extension.length) : dataPath;
  return `${stem}.truth.json`;
}

/** Writes ground truth as indented JSON (parent folders are created). */
export async function writeGroundTruth(path: string, truth: GroundTruth): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, JSON.stringify(truth, null, 2) + "\n");
  } catch (error) {
    throw new Error(`Cannot write ground truth to "${path}": ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** Reads ground truth written by {@linkcode writeGroundTruth}. */
export async function readGroundTruth(path: string): Promise<GroundTruth> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new Error(`Cannot read ground truth from "${path}": ${(error as Error).message}`, {
      cause: error,
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SyntaxError(`Cannot read ground truth from "${path}" as it is not valid JSON`, {
      cause: error,
    });
  }
  const truth = value as GroundTruth;
  if (typeof truth !== "object" || truth === null || !Array.isArray(truth.incidents)) {
    throw new TypeError(
      `Cannot read ground truth from "${path}" as field "incidents" must be an array`,
    );
  }
  return truth;
}
