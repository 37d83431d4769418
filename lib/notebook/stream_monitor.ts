/**
 * Live notebook views of the two jobs: a progress bar plus bounded previews of the latest
 * events and of the current windows (the tutorial's `display(msgStream)` and
 * `display(groupStream)`), all updated in place while the job runs.
 * @module
 */
import type { TweetEvent } from "../hub/codec.ts";
import type {
  AnalyzeProgress,
  AnalyzeSource,
  AnalyzeSummary,
  SourceEvent,
  SourceSignal,
} from "../pipeline/analyze.ts";
import type { SendProgress, SendSummary } from "../pipeline/send.ts";
import type { Post } from "../source/post_source.ts";
import type { EmittedWindow } from "../window/types.ts";
import { WindowAggregator } from "../window/window_aggregator.ts";
import type { LiveDisplayOptions } from "./live_display.ts";
import { LivePreview, type PreviewRow } from "./live_preview.ts";
import { ProgressDisplay } from "./progress_display.ts";

/** Options of {@linkcode SendMonitor.create}. */
export interface SendMonitorOptions extends LiveDisplayOptions {
  /** Events expected in total (draws a bar with a percentage). @default {undefined} */
  total?: number;
  /** Rows of the latest-events preview. @default {8} */
  maxRows?: number;
}

/**
 * The send job's live view: a progress bar and the latest events sent (instead of the
 * tutorial's one `Sent event: ...` line per event). Pass `onProgress` and `onSent` to `send()`.
 */
export class SendMonitor {
  readonly progress: ProgressDisplay;
  readonly events: LivePreview;
  readonly #total: number | undefined;

  private constructor(progress: ProgressDisplay, events: LivePreview, total: number | undefined) {
    this.progress = progress;
    this.events = events;
    this.#total = total;
  }

  /** A new monitor (loads danfojs for the preview). */
  static async create(options: SendMonitorOptions = {}): Promise<SendMonitor> {
    const { total, maxRows, displayId: _displayId, ...live } = options;
    const events = await LivePreview.create({
      ...live,
      title: "latest events sent",
      maxRows: maxRows ?? 8,
      columns: ["timestamp", "favorite", "postId"],
    });
    return new SendMonitor(new ProgressDisplay("send", { ...live, unit: "events" }), events, total);
  }

  /** Shows the progress bar and the (empty) preview. */
  async show(): Promise<void> {
    await this.progress.show();
    await this.events.show();
  }

  /** For `send({ onProgress })`. */
  readonly onProgress = (p: SendProgress): void => {
    void this.progress.update({
      value: p.sent,
      total: this.#total,
      details: { "events/s": Math.round(p.eventsPerSecond), skipped: p.skipped, errors: p.errors },
    });
  };

  /** For `send({ onSent })`. */
  readonly onSent = (event: TweetEvent, post: Post): void => {
    void this.events.push([{
      timestamp: event.timestamp,
      favorite: event.favorite,
      postId: post.id,
    }]);
  };

  /** Renders the final state of the job. */
  async finish(summary: SendSummary): Promise<void> {
    this.onProgress(summary);
    await this.events.flush();
    if (summary.error) await this.progress.fail(summary.error);
    else await this.progress.done(`stopped by ${summary.stoppedBy}`);
  }
}

/** Options of {@linkcode AnalyzeMonitor.create}. */
export interface AnalyzeMonitorOptions extends LiveDisplayOptions {
  /** Rows of the latest-events preview. @default {8} */
  maxEvents?: number;
  /** Rows of the current-windows preview. @default {6} */
  maxWindows?: number;
  /** Window size of the windows preview (use the job's). @default {3600000} */
  sizeInMs?: number;
  /** Grace of the windows preview (use the job's). @default {3600000} */
  graceInMs?: number;
}

/** The decoded event as a preview row (an undecodable one with empty time and likes). */
export function sourceEventRow(e: SourceEvent): PreviewRow {
  return {
    partition: e.partitionId,
    sequenceNumber: e.sequenceNumber,
    timestamp: e.event === undefined ? null : new Date(e.event.timestamp),
    favorite: e.event === undefined ? null : e.event.favorite,
  };
}

/**
 * An {@linkcode AnalyzeSource} that calls `onBatch` with every batch of events the job reads
 * (and `onSignal` with every source signal), then hands it on unchanged. An error thrown by
 * either is ignored (a view must not stop the job).
 */
export function tapSource(
  source: AnalyzeSource,
  onBatch: (events: readonly SourceEvent[]) => void,
  onSignal?: (signal: SourceSignal) => void,
): AnalyzeSource {
  return (start) => ({
    async *[Symbol.asyncIterator]() {
      for await (const item of source(start)) {
        try {
          if (Array.isArray(item)) onBatch(item);
          else onSignal?.(item as SourceSignal);
        } catch {
          // The view failed; the job goes on.
        }
        yield item;
      }
    },
  });
}

/**
 * The analyze job's live view: a progress bar (events, micro-batches, watermark), the latest
 * decoded events and the current windows (`groupTime`, `count`, `average`, `status`) of the
 * events read in this run. Wrap the job's source with `watch()` and pass `onProgress`.
 */
export class AnalyzeMonitor {
  readonly progress: ProgressDisplay;
  readonly events: LivePreview;
  readonly windows: LivePreview;
  readonly #aggregator: WindowAggregator;

  private constructor(
    progress: ProgressDisplay,
    events: LivePreview,
    windows: LivePreview,
    aggregator: WindowAggregator,
  ) {
    this.progress = progress;
    this.events = events;
    this.windows = windows;
    this.#aggregator = aggregator;
  }

  /** A new monitor (loads danfojs for the previews). */
  static async create(options: AnalyzeMonitorOptions = {}): Promise<AnalyzeMonitor> {
    const { maxEvents, maxWindows, sizeInMs, graceInMs, displayId: _displayId, ...live } = options;
    const aggregator = new WindowAggregator({ sizeInMs, graceInMs });
    const events = await LivePreview.create({
      ...live,
      title: "latest events read",
      maxRows: maxEvents ?? 8,
      columns: ["partition", "sequenceNumber", "timestamp", "favorite"],
    });
    const windows = await LivePreview.create({
      ...live,
      title: "current windows",
      maxRows: maxWindows ?? 6,
      columns: ["groupTime", "windowEnd", "count", "average", "status"],
      key: "groupTime",
    });
    return new AnalyzeMonitor(
      new ProgressDisplay("analyze", { ...live, unit: "events" }),
      events,
      windows,
      aggregator,
    );
  }

  /** Shows the progress bar and the two (empty) previews. */
  async show(): Promise<void> {
    await this.progress.show();
    await this.events.show();
    await this.windows.show();
  }

  /** The job's source, with every batch also shown in the previews. */
  watch(source: AnalyzeSource): AnalyzeSource {
    return tapSource(source, (batch) => {
      if (batch.length === 0) return;
      void this.events.push(batch.map(sourceEventRow));
      this.#showWindows(
        this.#aggregator.add(
          batch.flatMap((e) =>
            e.event === undefined ? [] : [{ ...e.event, partitionId: e.partitionId }]
          ),
        ).windows,
      );
    }, (signal) => {
      if (signal.type === "partitions") {
        this.#aggregator.expectPartitions(signal.partitionIds);
      } else if (signal.type === "caughtUp") {
        this.#showWindows(this.#aggregator.add([], { caughtUp: [signal.partitionId] }).windows);
      }
    });
  }

  #showWindows(windows: readonly EmittedWindow[]): void {
    if (windows.length === 0) return;
    void this.windows.push(windows.map((w) => ({
      groupTime: w.groupTime,
      windowEnd: w.windowEnd,
      count: w.count,
      average: w.average,
      status: w.status,
    })));
  }

  /** For `analyze({ onProgress })`. */
  readonly onProgress = (p: AnalyzeProgress): void => {
    void this.progress.update({
      value: p.totalEvents,
      details: {
        late: p.lateEvents,
        batch: `#${p.batchId}`,
        watermark: p.watermark ? p.watermark.toISOString().replace(".000Z", "Z") : "none",
      },
    });
  };

  /** Renders the final state of the job. */
  async finish(summary: AnalyzeSummary): Promise<void> {
    await this.events.flush();
    await this.windows.flush();
    await this.progress.update({
      value: summary.events,
      details: {
        batches: summary.batches,
        late: summary.lateEvents,
        "re-delivered skipped": summary.duplicatesSkipped,
      },
    });
    await this.progress.done(`stopped by ${summary.stoppedBy}`);
  }

  /** Renders a failure. */
  async fail(error: unknown): Promise<void> {
    await this.events.flush();
    await this.windows.flush();
    await this.progress.fail(error);
  }
}
