/**
 * `./run detect`: runs the detection engine on request JSON from stdin.
 *
 * Single mode reads one request body and prints the response JSON (exit 0), or the error body
 * `{"code","message"}` (exit 2 for an invalid request, 1 for an internal failure).
 * `--jsonl` streams lines `{"id","apiVersion","endpoint","request"}` and writes lines
 * `{"id","status","response"}` in input order.
 */
import { type Command, parseFlags, UsageError } from "../command.ts";
import {
  AnomalyDetectorError,
  API_VERSIONS,
  type ApiVersion,
  detectChangePoint,
  detectEntireSeries,
  detectLastPoint,
  parseRequestText,
} from "../../lib/detect/mod.ts";

const ENDPOINTS = ["entire", "last", "changepoint"];
type Endpoint = "entire" | "last" | "changepoint";

const HELP =
  `Usage: ./run detect [--api-version v1.0|v1.1] [--endpoint entire|last|changepoint] [--jsonl]

Reads a detect request JSON body on stdin and prints the response JSON.

Options:
  --api-version V   API version whose behaviour to reproduce (default v1.1; also
                    v1.1-preview, v1.1-preview.1)
  --endpoint E      entire | last | changepoint (default entire; changepoint is approximate)
  --jsonl           stream mode: each input line {"id","apiVersion","endpoint","request"}
                    gives one output line {"id","status","response"}, in order; a line's
                    apiVersion/endpoint default to the flags

Exit codes: 0 ok; 2 invalid request (single mode) or bad flags; 1 internal failure.

Examples:
  ./run detect --endpoint last < request.json
  ./run detect --jsonl < cases.jsonl > answers.jsonl`;

/** Outcome of one request: HTTP-like status and JSON body. */
export interface DetectAnswer {
  status: number;
  response: unknown;
}

/** Answers one request body (never throws). */
export function answer(body: unknown, endpoint: Endpoint, apiVersion: ApiVersion): DetectAnswer {
  try {
    const options = { apiVersion };
    const response = endpoint === "last"
      ? detectLastPoint(body, options)
      : endpoint === "changepoint"
      ? detectChangePoint(body, options)
      : detectEntireSeries(body, options);
    return { status: 200, response };
  } catch (error) {
    if (error instanceof AnomalyDetectorError) {
      return { status: error.status, response: error.toJSON() };
    }
    return {
      status: 500,
      response: { code: "InternalServerError", message: String(error) },
    };
  }
}

function jsonlLine(line: string, endpoint: Endpoint, apiVersion: ApiVersion): string {
  let id: unknown = null;
  let result: DetectAnswer;
  try {
    const item = parseRequestText(line) as Record<string, unknown> | null;
    if (typeof item !== "object" || item === null || Array.isArray(item)) {
      throw new TypeError("line is not a JSON object");
    }
    id = item.id ?? null;
    const ep = String(item.endpoint ?? endpoint);
    const av = String(item.apiVersion ?? apiVersion);
    if (!ENDPOINTS.includes(ep)) {
      result = {
        status: 400,
        response: { code: "BadArgument", message: `Unknown endpoint '${ep}'.` },
      };
    } else if (!API_VERSIONS.includes(av as ApiVersion)) {
      result = {
        status: 400,
        response: { code: "BadArgument", message: `Unknown apiVersion '${av}'.` },
      };
    } else {
      result = answer(item.request, ep as Endpoint, av as ApiVersion);
    }
  } catch {
    result = {
      status: 400,
      response: { code: "BadArgument", message: "Invalid Input Format, input data is Empty." },
    };
  }
  return JSON.stringify({ id, status: result.status, response: result.response }) + "\n";
}

/** Streams JSONL requests from `input` to `output`, one answer line per non-empty input line. */
export async function streamJsonl(
  input: ReadableStream<Uint8Array>,
  output: WritableStream<Uint8Array>,
  endpoint: Endpoint,
  apiVersion: ApiVersion,
): Promise<number> {
  const writer = output.getWriter();
  const encoder = new TextEncoder();
  let count = 0;
  let rest = "";
  let pending = "";
  const flush = async () => {
    if (pending !== "") {
      await writer.write(encoder.encode(pending));
      pending = "";
    }
  };
  for await (const chunk of input.pipeThrough(new TextDecoderStream())) {
    rest += chunk;
    let nl: number;
    while ((nl = rest.indexOf("\n")) >= 0) {
      const line = rest.slice(0, nl).trim();
      rest = rest.slice(nl + 1);
      if (line === "") continue;
      pending += jsonlLine(line, endpoint, apiVersion);
      count++;
      if (pending.length > 1 << 16) await flush();
    }
    await flush();
  }
  if (rest.trim() !== "") {
    pending += jsonlLine(rest.trim(), endpoint, apiVersion);
    count++;
  }
  await flush();
  await writer.close();
  return count;
}

/** The `detect` subcommand. */
export const detectCommand: Command = {
  name: "detect",
  summary: "run the anomaly detector on a request JSON from stdin (or JSONL with --jsonl)",
  help: HELP,
  async run(args: string[]): Promise<number> {
    const { values } = parseFlags({
      args,
      options: {
        "api-version": { type: "string", default: "v1.1" },
        endpoint: { type: "string", default: "entire" },
        jsonl: { type: "boolean", default: false },
      },
    });
    const apiVersion = values["api-version"];
    const endpoint = values.endpoint;
    if (!API_VERSIONS.includes(apiVersion as ApiVersion)) {
      throw new UsageError(
        `--api-version must be one of ${API_VERSIONS.join(", ")}: current value is ${apiVersion}`,
      );
    }
    if (!ENDPOINTS.includes(endpoint)) {
      throw new UsageError(
        `--endpoint must be one of ${ENDPOINTS.join(", ")}: current value is ${endpoint}`,
      );
    }
    if (values.jsonl) {
      await streamJsonl(
        Deno.stdin.readable,
        Deno.stdout.writable,
        endpoint as Endpoint,
        apiVersion as ApiVersion,
      );
      return 0;
    }
    const text = await new Response(Deno.stdin.readable).text();
    let body: unknown;
    try {
      body = parseRequestText(text);
    } catch {
      console.log(
        JSON.stringify({
          code: "BadArgument",
          message: "Invalid Input Format, input data is Empty.",
        }),
      );
      return 2;
    }
    const result = answer(body, endpoint as Endpoint, apiVersion as ApiVersion);
    console.log(JSON.stringify(result.response));
    return result.status === 200 ? 0 : result.status >= 500 ? 1 : 2;
  },
};
