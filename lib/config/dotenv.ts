/**
 * Parses `.env` text: `KEY=value` lines, `#` comments, optional `export ` prefix, single- or
 * double-quoted values (double quotes understand `\n`, `\"` and `\\`). A line that is not one of
 * these is a `SyntaxError` naming the file and line.
 *
 * @example
 * ```ts
 * import { parseDotEnv } from "./dotenv.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(parseDotEnv('# c\nA=1\nexport B="x y"\n'), { A: "1", B: "x y" });
 * ```
 */
export function parseDotEnv(text: string, fileName = ".env"): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === "" || line.startsWith("#")) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m) {
      throw new SyntaxError(
        `Cannot parse ${fileName} line ${i + 1} as the line must be KEY=value: current line is ${
          JSON.stringify(line.slice(0, 40))
        }`,
      );
    }
    let value = m[2];
    if (value.startsWith('"')) {
      const end = value.lastIndexOf('"');
      if (end <= 0) {
        throw new SyntaxError(
          `Cannot parse ${fileName} line ${i + 1} as the double quote is not closed`,
        );
      }
      value = value.slice(1, end).replace(/\\(["\\n])/g, (_, c) => (c === "n" ? "\n" : c));
    } else if (value.startsWith("'")) {
      const end = value.lastIndexOf("'");
      if (end <= 0) {
        throw new SyntaxError(
          `Cannot parse ${fileName} line ${i + 1} as the single quote is not closed`,
        );
      }
      value = value.slice(1, end);
    } else {
      value = value.replace(/\s+#.*$/, "");
    }
    out[m[1]] = value;
  }
  return out;
}
