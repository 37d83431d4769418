/** A recording stand-in for `Deno.jupyter.broadcast`. */
export interface Message {
  msgType: string;
  content: Record<string, unknown>;
}

export function recorder(): {
  messages: Message[];
  broadcast: (msgType: string, content: Record<string, unknown>) => Promise<void>;
} {
  const messages: Message[] = [];
  return {
    messages,
    broadcast: (msgType, content) => {
      messages.push({ msgType, content });
      return Promise.resolve();
    },
  };
}

/** A clock the test moves by hand. */
export function manualClock(start = 0): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

/** The `text/plain` of a message's data. */
export function plain(message: Message): string {
  return String((message.content.data as Record<string, unknown>)["text/plain"]);
}
