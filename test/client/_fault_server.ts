/** One scripted answer of the fault-injecting server. */
export type Fault =
  | { kind: "ok"; body?: unknown }
  | { kind: "status"; status: number; body?: unknown; headers?: Record<string, string> }
  | { kind: "drop" }
  | { kind: "hang" };

/** What the server saw of one request. */
export interface SeenRequest {
  method: string;
  path: string;
  headers: Headers;
  body: string;
}

/** A Deno.serve server on 127.0.0.1:0 answering with `script`, one fault per request. */
export interface FaultServer extends AsyncDisposable {
  url: string;
  seen: SeenRequest[];
}

export const OK_BODY = {
  period: 0,
  suggestedWindow: 29,
  expectedValue: 10,
  upperMargin: 1,
  lowerMargin: 1,
  isAnomaly: false,
  isNegativeAnomaly: false,
  isPositiveAnomaly: false,
};

export function startFaultServer(script: Fault[]): FaultServer {
  const seen: SeenRequest[] = [];
  const hanging: (() => void)[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    async (request) => {
      const url = new URL(request.url);
      seen.push({
        method: request.method,
        path: url.pathname,
        headers: request.headers,
        body: await request.text(),
      });
      const fault = script.shift() ?? { kind: "ok" };
      switch (fault.kind) {
        case "ok":
          return Response.json(fault.body ?? OK_BODY);
        case "status":
          return Response.json(fault.body ?? { code: "Busy", message: "try later" }, {
            status: fault.status,
            headers: fault.headers,
          });
        case "drop":
          // Headers promise 100 bytes, the connection closes after 10.
          return new Response(
            new ReadableStream({
              start(controller) {
                controller.enqueue(new TextEncoder().encode('{"period":'));
                controller.close();
              },
            }),
            { headers: { "content-type": "application/json", "content-length": "100" } },
          );
        case "hang":
          // Answers only when the server is disposed.
          await new Promise<void>((resolve) => hanging.push(resolve));
          return new Response(null, { status: 504 });
      }
    },
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    seen,
    async [Symbol.asyncDispose]() {
      for (const release of hanging) release();
      await server.shutdown();
    },
  };
}
