/**
 * A worker of {@linkcode evaluateNab}: receives one file's hours, runs {@linkcode sweepHours}
 * and answers with the flags (and progress messages on the way).
 * @module
 */
import { sweepHours } from "./detect_hours.ts";
import type { WorkerReply, WorkerTask } from "./_eval_protocol.ts";

const scope = globalThis as unknown as {
  onmessage: ((event: MessageEvent<WorkerTask>) => void) | null;
  postMessage(message: WorkerReply): void;
};

scope.onmessage = (event) => {
  const { id, hours, sensitivities, detect } = event.data;
  let reply: WorkerReply;
  try {
    const flags = sweepHours(hours, sensitivities, {
      ...detect,
      onProgress: (done, total) => scope.postMessage({ id, type: "progress", done, total }),
    });
    reply = { id, type: "done", flags };
  } catch (error) {
    reply = {
      id,
      type: "error",
      message: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    };
  }
  scope.postMessage(reply);
};
