/** A small NAB-shaped folder for fast tests: `<root>/data/realTweets/*.csv` and labels. */
import { join } from "node:path";

const M5 = 300_000;
const H = 3_600_000;
/** First row time: 2015-03-01 00:02:53 UTC, like NAB's :x2:53 rows. */
export const T0 = Date.UTC(2015, 2, 1) + 53_000;

function nabTime(ms: number): string {
  return new Date(ms).toISOString().replace("T", " ").replace(/\.000Z$/, "");
}

/**
 * Writes two files of `hours` complete hours of 5-minute counts (daily cycle) with a burst in
 * hour `burstHour`, and one labelled window around the burst per file.
 * @returns the data folder.
 */
export async function writeSyntheticNab(
  root: string,
  hours = 100,
  burstHour = 90,
): Promise<string> {
  const dataDir = join(root, "data", "realTweets");
  await Deno.mkdir(dataDir, { recursive: true });
  await Deno.mkdir(join(root, "labels"), { recursive: true });
  const windows: Record<string, string[][]> = {};
  for (const [name, scale] of [["Twitter_volume_A.csv", 1], ["Twitter_volume_B.csv", 2]] as const) {
    const lines = ["timestamp,value"];
    for (let i = 0; i < hours * 12; i++) {
      const h = Math.floor(i / 12);
      const base = 20 + 8 * Math.sin((2 * Math.PI * h) / 24) + (i % 3);
      lines.push(
        `${nabTime(T0 + i * M5)},${Math.round(scale * (base + (h === burstHour ? 40 : 0)))}`,
      );
    }
    await Deno.writeTextFile(join(dataDir, name), `${lines.join("\n")}\n`);
    windows[`realTweets/${name}`] = [[
      `${nabTime(T0 + (burstHour - 2) * H)}.000000`,
      `${nabTime(T0 + (burstHour + 2) * H)}.000000`,
    ]];
  }
  await Deno.writeTextFile(join(root, "labels", "combined_windows.json"), JSON.stringify(windows));
  return dataDir;
}
