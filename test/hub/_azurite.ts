/**
 * Starts Azurite's blob service (the npm `azurite` package, run by Node from `tools/`) on a free
 * port with in-memory storage, for tests of `@azure/eventhubs-checkpointstore-blob`.
 */
import { fileURLToPath } from "node:url";

/** Azurite's documented development account (public, the same on every machine). */
const ACCOUNT = "devstoreaccount1";
const ACCOUNT_KEY =
  "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

export interface Azurite {
  /** Storage connection string for the blob endpoint. */
  connectionString: string;
  port: number;
  stop(): Promise<void>;
}

export async function startAzurite(): Promise<Azurite> {
  const main = fileURLToPath(
    new URL("../../tools/node_modules/azurite/dist/src/blob/main.js", import.meta.url),
  );
  try {
    await Deno.stat(main);
  } catch (error) {
    throw new Error(
      `Cannot start Azurite as ${main} is missing: run npm ci --prefix tools`,
      { cause: error },
    );
  }
  const cwd = await Deno.makeTempDir({ prefix: "hubwatch-azurite-" });
  const process = new Deno.Command("node", {
    args: [
      main,
      "--blobHost",
      "127.0.0.1",
      "--blobPort",
      "0",
      "--inMemoryPersistence",
      "--skipApiVersionCheck",
      "--disableTelemetry",
      "--silent",
    ],
    cwd,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(process.stderr).text();
  const reader = process.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let output = "";
  let port = 0;
  while (port === 0) {
    const { value, done } = await reader.read();
    if (done) {
      await process.status;
      await Deno.remove(cwd, { recursive: true });
      throw new Error(`Cannot start Azurite: ${output} ${await stderr}`);
    }
    output += value;
    const match = /listens on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
    if (match !== null) port = Number(match[1]);
  }
  // Keep draining stdout so Azurite never blocks on a full pipe.
  const drained = (async () => {
    while (!(await reader.read()).done) { /* discard */ }
  })();
  return {
    port,
    connectionString:
      `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${ACCOUNT_KEY};BlobEndpoint=http://127.0.0.1:${port}/${ACCOUNT};`,
    async stop() {
      process.kill("SIGTERM");
      await process.status;
      await drained;
      await stderr;
      await Deno.remove(cwd, { recursive: true });
    },
  };
}
