/**
 * A progress bar for long notebook cells that updates in place instead of printing lines.
 * @module
 */
import type { MimeBundle } from "../plot/plotly.ts";
import { LiveDisplay, type LiveDisplayOptions } from "./live_display.ts";

/** What the progress display shows. */
export interface ProgressState {
  /** Work done so far (e.g. events sent). */
  value: number;
  /** Work in total, when known (draws a bar with a percentage). */
  total?: number;
  /** Extra figures shown after the count, in order (e.g. `{ "events/s": 8000 }`). */
  details?: Readonly<Record<string, string | number>>;
}

/** Options of {@linkcode ProgressDisplay}. */
export interface ProgressDisplayOptions extends LiveDisplayOptions {
  /** What is counted, after the number (e.g. `events`). @default {"items"} */
  unit?: string;
}

function format(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  return Number.isInteger(n)
    ? n.toLocaleString("en-US")
    : n.toLocaleString("en-US", { maximumFractionDigits: 1 });
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * A live progress display: a title, a bar (when the total is known), the count, the elapsed
 * time and extra figures; rendered once and updated in place (see {@linkcode LiveDisplay}).
 * Its methods never throw because of the notebook; a failed send is kept in `lastError`.
 *
 * @example
 * ```ts
 * import { ProgressDisplay } from "./progress_display.ts";
 * import assert from "node:assert/strict";
 * const progress = new ProgressDisplay("sending", { unit: "events", now: () => 1500 });
 * progress.start = 0;
 * assert.equal(progress.text({ value: 20, total: 80 }), "sending: 20 of 80 events (25%) · 1.5 s");
 * ```
 */
export class ProgressDisplay {
  /** The title shown before the count. */
  readonly title: string;
  /** When the work started (the clock's time at construction). */
  start: number;
  readonly #live: LiveDisplay;
  readonly #unit: string;
  readonly #now: () => number;
  #state: ProgressState = { value: 0 };
  #status: "running" | "done" | "failed" = "running";
  #message = "";

  constructor(title: string, options: ProgressDisplayOptions = {}) {
    this.title = title;
    this.#unit = options.unit ?? "items";
    this.#now = options.now ?? (() => performance.now());
    this.start = this.#now();
    this.#live = new LiveDisplay({ ...options, now: this.#now });
  }

  /** The underlying live display. */
  get display(): LiveDisplay {
    return this.#live;
  }

  /** Shows the display (at 0 unless an update came first). */
  show(): Promise<void> {
    return this.#live.show(() => this.bundle());
  }

  /** Records progress and re-renders (throttled). */
  update(state: ProgressState): Promise<void> {
    this.#state = state;
    return this.#live.update(() => this.bundle());
  }

  /** Marks the work as finished (with an optional closing message) and renders the final state. */
  async done(message = ""): Promise<void> {
    this.#status = "done";
    this.#message = message;
    await this.#live.update(() => this.bundle());
    await this.#live.flush();
  }

  /** Marks the work as failed with the error's message and renders the final state. */
  async fail(error: unknown): Promise<void> {
    this.#status = "failed";
    this.#message = error instanceof Error ? error.message : String(error);
    await this.#live.update(() => this.bundle());
    await this.#live.flush();
  }

  /** The one-line text form, e.g. `sending: 20 of 80 events (25%) · 1.5 s · 13 events/s`. */
  text(state: ProgressState = this.#state): string {
    const elapsed = `${((this.#now() - this.start) / 1000).toFixed(1)} s`;
    const count = state.total !== undefined && state.total > 0
      ? `${format(state.value)} of ${format(state.total)} ${this.#unit} (${
        Math.floor(Math.min(1, state.value / state.total) * 100)
      }%)`
      : `${format(state.value)} ${this.#unit}`;
    const details = Object.entries(state.details ?? {}).map(([k, v]) =>
      typeof v === "number" ? `${format(v)} ${k}` : `${k} ${v}`
    );
    const head = this.#status === "running"
      ? this.title
      : `${this.title} ${this.#status === "done" ? "done" : "FAILED"}`;
    const tail = this.#message ? [this.#message] : [];
    return [`${head}: ${count}`, elapsed, ...details, ...tail].join(" · ");
  }

  /** The MIME bundle of the current state (HTML bar plus the text form). */
  bundle(): MimeBundle {
    const state = this.#state;
    const text = this.text(state);
    const known = state.total !== undefined && state.total > 0;
    const color = this.#status === "failed"
      ? "#d62728"
      : this.#status === "done"
      ? "#2ca02c"
      : "#636efa";
    const bar = known || this.#status !== "running"
      ? `<progress value="${known ? Math.min(state.value, state.total!) : 1}" max="${
        known ? state.total : 1
      }" style="width:240px;accent-color:${color}"></progress>`
      : `<progress style="width:240px"></progress>`;
    return {
      "text/html": `<div class="hubwatch-progress" style="font-family:monospace">${bar} ${
        escapeHtml(text)
      }</div>`,
      "text/plain": text,
    };
  }

  [Symbol.for("Jupyter.display")](): MimeBundle {
    return this.bundle();
  }
}
