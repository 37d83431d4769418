import { fileURLToPath } from "node:url";
import { type Command, integerFlag, parseFlags } from "../command.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

const help = `Usage: ./run jupyter [--port 8888] [--host 127.0.0.1] [--notebook-dir notebooks]

Starts the classic Jupyter Notebook server with the project's Deno kernel (jupyter/kernels/deno)
and prints the URL with its access token. Stop it with Ctrl-C.

Options:
  --port N            port to listen on; 0 picks a free one (default 8888)
  --host ADDR         address to bind (default 127.0.0.1)
  --notebook-dir DIR  folder the UI opens (default notebooks)`;

function freePort(host: string): number {
  const listener = Deno.listen({ hostname: host, port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

async function waitForServer(
  url: string,
  token: string,
  child: Deno.ChildProcess,
  timeoutInMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutInMs;
  let exited = false;
  child.status.then(() => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error("the Jupyter server exited before it answered (see its log above)");
    try {
      const res = await fetch(`${url}api/status`, { headers: { Authorization: `token ${token}` } });
      await res.body?.cancel();
      if (res.ok) return;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the Jupyter server did not answer within ${timeoutInMs / 1000} s`);
}

export const jupyterCommand: Command = {
  name: "jupyter",
  summary: "start the Jupyter Notebook server with the project's Deno kernel",
  help,
  async run(args) {
    const { values } = parseFlags({
      args,
      options: {
        port: { type: "string", default: "8888" },
        host: { type: "string", default: "127.0.0.1" },
        "notebook-dir": { type: "string", default: "notebooks" },
      },
    });
    const requested = integerFlag("--port", values.port, 0, 65535)!;
    const host = values.host;
    const port = requested === 0 ? freePort(host) : requested;
    const token = crypto.randomUUID().replaceAll("-", "");
    const child = new Deno.Command("jupyter", {
      args: [
        "notebook",
        "--no-browser",
        "--allow-root",
        `--ip=${host}`,
        `--port=${port}`,
        "--port-retries=0",
        `--notebook-dir=${values["notebook-dir"]}`,
        `--NotebookApp.token=${token}`,
      ],
      cwd: ROOT,
      env: { JUPYTER_PATH: `${ROOT}jupyter`, PYDEVD_DISABLE_FILE_VALIDATION: "1" },
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    // Keep the server's log available for failures, without flooding the terminal.
    const log: string[] = [];
    (async () => {
      for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) {
        log.push(chunk);
        if (log.length > 200) log.shift();
      }
    })();
    const stop = () => {
      try {
        child.kill("SIGTERM");
      } catch { /* already gone */ }
    };
    Deno.addSignalListener("SIGINT", stop);
    Deno.addSignalListener("SIGTERM", stop);
    const url = `http://${host}:${port}/`;
    try {
      await waitForServer(url, token, child, 60_000);
    } catch (error) {
      stop();
      await child.status;
      console.error(log.join(""));
      console.error(`hubwatch jupyter: ${(error as Error).message}`);
      return 1;
    }
    console.log(`Jupyter Notebook with the hubwatch Deno kernel is running (Ctrl-C stops it):`);
    console.log(`${url}tree?token=${token}`);
    const status = await child.status;
    Deno.removeSignalListener("SIGINT", stop);
    Deno.removeSignalListener("SIGTERM", stop);
    return status.signal === "SIGTERM" || status.code === 0 ? 0 : status.code;
  },
};
