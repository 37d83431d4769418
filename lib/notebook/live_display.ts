/**
 * A notebook output that re-renders in place: the first render is a Jupyter `display_data`
 * message carrying a `transient.display_id`, later renders are `update_display_data` messages
 * with the same id (the Deno kernel's `Deno.jupyter.broadcast`). Outside a Jupyter kernel
 * nothing is sent, so library code and tests can use it anywhere.
 * @module
 */
import type { MimeBundle } from "../plot/plotly.ts";

/** Publishes one Jupyter IOPub message, like `Deno.jupyter.broadcast`. */
export type Broadcast = (msgType: string, content: Record<string, unknown>) => Promise<void>;

/**
 * What a live display can show: a MIME bundle, an object with
 * `[Symbol.for("Jupyter.display")]()` (checked when rendered), or text.
 */
export type Displayable = MimeBundle | object | string;

/** Content of a live display, or a function that renders it (called only when sent). */
export type LiveContent = Displayable | (() => Displayable);

/** Options of {@linkcode LiveDisplay}. */
export interface LiveDisplayOptions {
  /**
   * Sends the IOPub messages.
   * @default {Deno.jupyter.broadcast inside the Deno kernel, else nothing is sent}
   */
  broadcast?: Broadcast;
  /** The display id shared by the first render and its updates. @default {a random id} */
  displayId?: string;
  /**
   * Least time between two sent updates; updates in between only replace the pending content,
   * which the next update after the interval, or {@linkcode LiveDisplay.flush}, sends.
   * @default {200}
   */
  minIntervalInMs?: number;
  /** Clock. @default {performance.now} */
  now?: () => number;
}

const DISPLAY = Symbol.for("Jupyter.display");

/**
 * The MIME bundle of a value: what its `[Symbol.for("Jupyter.display")]()` returns, a string as
 * `text/plain`, or a plain object of MIME types as is.
 */
export async function toMimeBundle(value: Displayable): Promise<MimeBundle> {
  if (typeof value === "string") return { "text/plain": value };
  if (value !== null && typeof value === "object") {
    const display = (value as Record<symbol, unknown>)[DISPLAY];
    if (typeof display === "function") {
      return await (display as () => MimeBundle | Promise<MimeBundle>).call(value);
    }
    const keys = Object.keys(value);
    if (keys.length > 0 && keys.every((k) => k.includes("/"))) return value as MimeBundle;
  }
  throw new TypeError(
    `Cannot display value as it must be a string, a MIME bundle or have [Symbol.for("Jupyter.display")]: current value is ${
      String(value)
    }`,
  );
}

/** `Deno.jupyter.broadcast` when this code runs inside the Deno Jupyter kernel. */
export function kernelBroadcast(): Broadcast | undefined {
  try {
    const jupyter = (Deno as unknown as { jupyter?: { broadcast?: Broadcast } }).jupyter;
    const broadcast = jupyter?.broadcast;
    return typeof broadcast === "function" ? broadcast.bind(jupyter) : undefined;
  } catch {
    return undefined;
  }
}

/** One output cell area that is rendered once and then updated in place. */
export class LiveDisplay {
  /** The Jupyter display id. */
  readonly displayId: string;
  readonly #broadcast: Broadcast | undefined;
  readonly #minIntervalInMs: number;
  readonly #now: () => number;
  #shown = false;
  #lastSentAt = -Infinity;
  #pending: LiveContent | undefined;
  #chain: Promise<void> = Promise.resolve();
  #sent = 0;
  #lastError: Error | undefined;

  constructor(options: LiveDisplayOptions = {}) {
    const interval = options.minIntervalInMs ?? 200;
    if (!Number.isFinite(interval) || interval < 0) {
      throw new RangeError(
        `Cannot create live display as minIntervalInMs must be a non-negative number: current value is ${interval}`,
      );
    }
    this.displayId = options.displayId ?? `hubwatch-${crypto.randomUUID()}`;
    this.#broadcast = options.broadcast ?? kernelBroadcast();
    this.#minIntervalInMs = interval;
    this.#now = options.now ?? (() => performance.now());
  }

  /** Messages sent so far (the first `display_data` and every `update_display_data`). */
  get sent(): number {
    return this.#sent;
  }

  /** The last error a render or a send failed with (a failed render never throws). */
  get lastError(): Error | undefined {
    return this.#lastError;
  }

  /** Whether the first render was sent. */
  get shown(): boolean {
    return this.#shown;
  }

  /**
   * Renders `content` now: the first time as a new output, afterwards in place. A function is
   * called when the message is sent, so skipped updates cost nothing.
   */
  show(content: LiveContent): Promise<void> {
    this.#pending = undefined;
    return this.#enqueue(content);
  }

  /**
   * Replaces the content. Sent at once unless the last send was less than `minIntervalInMs`
   * ago; then it waits for the next update or {@linkcode LiveDisplay.flush}.
   */
  update(content: LiveContent): Promise<void> {
    if (this.#shown && this.#now() - this.#lastSentAt < this.#minIntervalInMs) {
      this.#pending = content;
      return this.#chain;
    }
    this.#pending = undefined;
    return this.#enqueue(content);
  }

  /** Sends the pending content, if any, and waits until every send has finished. */
  flush(): Promise<void> {
    if (this.#pending !== undefined) {
      const content = this.#pending;
      this.#pending = undefined;
      return this.#enqueue(content);
    }
    return this.#chain;
  }

  #enqueue(content: LiveContent): Promise<void> {
    this.#lastSentAt = this.#now();
    this.#chain = this.#chain.then(async () => {
      try {
        const data = await toMimeBundle(typeof content === "function" ? content() : content);
        if (this.#broadcast === undefined) {
          this.#shown = true;
          return;
        }
        await this.#broadcast(this.#shown ? "update_display_data" : "display_data", {
          data,
          metadata: {},
          transient: { display_id: this.displayId },
        });
        this.#shown = true;
        this.#sent += 1;
      } catch (error) {
        this.#lastError = error instanceof Error
          ? error
          : new Error(String(error), { cause: error });
      }
    });
    return this.#chain;
  }
}
