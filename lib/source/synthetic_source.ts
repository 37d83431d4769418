/**
 * A deterministic generator of posts with known incidents, for demos and evaluation.
 *
 * @module
 */
import { Prng } from "./_prng.ts";
import { snowflake } from "./_snowflake.ts";
import type { GroundTruth, GroundTruthIncident, IncidentDirection } from "./ground_truth.ts";
import type { Post, PostSource } from "./post_source.ts";

const HOUR_IN_MS = 3_600_000;
const DAY_IN_MS = 24 * HOUR_IN_MS;

/** The kinds of incident the generator can inject. */
export type SyntheticIncidentKind =
  | "viral-burst"
  | "engagement-dip"
  | "level-shift"
  | "bot-flood"
  | "volume-outage";

/** One incident to inject. */
export interface SyntheticIncident {
  /**
   * - `viral-burst`: likes × `magnitude` (default 8): the hourly average jumps up.
   * - `engagement-dip`: likes × `magnitude` (default 0.15): the hourly average drops.
   * - `level-shift`: likes × `magnitude` (default 3) for a long stretch: a plateau.
   * - `bot-flood`: `magnitude` (default 4) extra posts with 0 likes per normal post: volume up,
   *   hourly average down.
   * - `volume-outage`: volume × `magnitude` (default 0): hours without posts. The hourly average
   *   does not see it (no windows at all); listed with direction `none`.
   */
  kind: SyntheticIncidentKind;
  /** Start, ISO 8601. */
  start: string;
  /** Length. */
  durationInMs: number;
  /** Kind-specific factor (see `kind`). */
  magnitude?: number;
}

/** Options for {@linkcode SyntheticSource}. */
export interface SyntheticSourceOptions {
  /** Seed of the pseudo-random generator; the same seed gives the same posts. @default {42} */
  seed?: number;
  /** First instant, ISO 8601 (a Monday at midnight UTC by default). @default {"2026-01-05T00:00:00.000Z"} */
  start?: string;
  /** Length of the range in days. @default {30} */
  days?: number;
  /** Average number of posts per day, before incidents. @default {1667} */
  postsPerDay?: number;
  /** Average likes per post, before incidents. @default {12} */
  meanLikes?: number;
  /**
   * Spread of the log-normal like counts (σ of log likes); larger means a heavier tail but
   * noisier hourly averages (more false alarms at high sensitivity).
   * @default {0.3}
   */
  likeSpread?: number;
  /**
   * Relative amplitude of the daily pattern of post volume (peak 15:00 UTC, trough 03:00).
   * Fewer posts per hour make that hour's average noisier, so a strong pattern makes night
   * hours noisy.
   * @default {0.3}
   */
  volumeDailyAmplitude?: number;
  /**
   * Relative amplitude of a daily pattern of likes per post (peak 20:00 UTC). Off by default:
   * a pattern makes the detector pick a period, and its seasonal path flags many more noise
   * points than its non-seasonal one at high sensitivity.
   * @default {0}
   */
  likeDailyAmplitude?: number;
  /** Incidents to inject. @default {defaultIncidents(start, days)} (5 incidents) */
  incidents?: SyntheticIncident[];
  /** Give posts a text. @default {false} */
  includeText?: boolean;
}

const DEFAULT_MAGNITUDE: Record<SyntheticIncidentKind, number> = {
  "viral-burst": 8,
  "engagement-dip": 0.15,
  "level-shift": 3,
  "bot-flood": 4,
  "volume-outage": 0,
};

const DIRECTION: Record<SyntheticIncidentKind, IncidentDirection> = {
  "viral-burst": "up",
  "engagement-dip": "down",
  "level-shift": "up",
  "bot-flood": "down",
  "volume-outage": "none",
};

/**
 * The default demo incidents for a range: a 3-hour viral burst (likes ×8), a 4-hour engagement
 * dip (likes ×0.15), a 36-hour level shift (likes ×3), a 3-hour bot flood at night (4 zero-like
 * posts per normal post) and a 2-hour viral burst (likes ×5), at 25 %, 40 %, 55 %, 70 % and 85 %
 * of the range (whole days) and fixed hours of the day.
 */
export function defaultIncidents(start: string, days: number): SyntheticIncident[] {
  const startInMs = Date.parse(start);
  const at = (fraction: number, hourOfDay: number) =>
    new Date(startInMs + Math.round(fraction * days) * DAY_IN_MS + hourOfDay * HOUR_IN_MS)
      .toISOString();
  return [
    { kind: "viral-burst", start: at(0.25, 14), durationInMs: 3 * HOUR_IN_MS, magnitude: 8 },
    { kind: "engagement-dip", start: at(0.4, 10), durationInMs: 4 * HOUR_IN_MS, magnitude: 0.15 },
    { kind: "level-shift", start: at(0.55, 8), durationInMs: 36 * HOUR_IN_MS, magnitude: 3 },
    { kind: "bot-flood", start: at(0.7, 2), durationInMs: 3 * HOUR_IN_MS, magnitude: 4 },
    { kind: "viral-burst", start: at(0.85, 19), durationInMs: 2 * HOUR_IN_MS, magnitude: 5 },
  ];
}

interface ResolvedIncident {
  kind: SyntheticIncidentKind;
  startInMs: number;
  endInMs: number;
  magnitude: number;
}

function describe(kind: SyntheticIncidentKind, magnitude: number): string {
  switch (kind) {
    case "viral-burst":
      return `viral burst: likes x${magnitude}`;
    case "engagement-dip":
      return `engagement dip: likes x${magnitude}`;
    case "level-shift":
      return `level shift: likes x${magnitude}`;
    case "bot-flood":
      return `bot flood: ${magnitude} extra posts with 0 likes per normal post`;
    case "volume-outage":
      return `volume outage: posts x${magnitude} (missing hours, invisible to average likes)`;
  }
}

function requirePositive(name: string, value: number): void {
  if (!(Number.isFinite(value) && value > 0)) {
    throw new RangeError(
      `Cannot create synthetic source as ${name} must be a positive number: current value is ${value}`,
    );
  }
}

/**
 * Generates posts over a time range: hourly volume with daily (peak 15:00 UTC) and weekly
 * (weekends ×0.7) seasonality and noise, log-normal (right-skewed) like counts, and injected
 * incidents. The defaults keep the hourly average of likes quiet enough that the incidents
 * stand out at sensitivity 95 (with the seed 42 data the local engine's entire detection finds
 * all 5 with 1 false alarm). Ids are X-style snowflakes that grow with time; posts come out
 * in time order. The same options and seed give the same posts, byte for byte.
 *
 * @example
 * ```ts
 * import { SyntheticSource } from "./synthetic_source.ts";
 * import assert from "node:assert/strict";
 * const source = new SyntheticSource({ days: 1, seed: 7 });
 * assert.equal(source.posts().length, 1707);
 * assert.equal(source.groundTruth.incidents.length, 5);
 * ```
 */
export class SyntheticSource implements PostSource {
  readonly #seed: number;
  readonly #startInMs: number;
  readonly #endInMs: number;
  readonly #postsPerDay: number;
  readonly #meanLikes: number;
  readonly #likeSpread: number;
  readonly #likeDailyAmplitude: number;
  readonly #volumeDailyAmplitude: number;
  readonly #incidents: ResolvedIncident[];
  readonly #includeText: boolean;
  #count?: number;

  constructor(options: SyntheticSourceOptions = {}) {
    this.#seed = options.seed ?? 42;
    if (!Number.isInteger(this.#seed)) {
      throw new RangeError(
        `Cannot create synthetic source as seed must be an integer: current value is ${this.#seed}`,
      );
    }
    const start = options.start ?? "2026-01-05T00:00:00.000Z";
    this.#startInMs = Date.parse(start);
    if (!Number.isFinite(this.#startInMs)) {
      throw new RangeError(
        `Cannot create synthetic source as start must be an ISO 8601 time: current value is "${start}"`,
      );
    }
    const days = options.days ?? 30;
    requirePositive("days", days);
    this.#endInMs = this.#startInMs + Math.round(days * DAY_IN_MS);
    this.#postsPerDay = options.postsPerDay ?? 1667;
    requirePositive("postsPerDay", this.#postsPerDay);
    this.#meanLikes = options.meanLikes ?? 12;
    requirePositive("meanLikes", this.#meanLikes);
    this.#likeSpread = options.likeSpread ?? 0.3;
    this.#likeDailyAmplitude = options.likeDailyAmplitude ?? 0;
    if (!(this.#likeDailyAmplitude >= 0 && this.#likeDailyAmplitude < 1)) {
      throw new RangeError(
        "Cannot create synthetic source as likeDailyAmplitude must be >= 0 and < 1: " +
          `current value is ${this.#likeDailyAmplitude}`,
      );
    }
    if (!(Number.isFinite(this.#likeSpread) && this.#likeSpread >= 0)) {
      throw new RangeError(
        `Cannot create synthetic source as likeSpread must be >= 0: current value is ${this.#likeSpread}`,
      );
    }
    this.#volumeDailyAmplitude = options.volumeDailyAmplitude ?? 0.3;
    if (!(this.#volumeDailyAmplitude >= 0 && this.#volumeDailyAmplitude < 1)) {
      throw new RangeError(
        "Cannot create synthetic source as volumeDailyAmplitude must be >= 0 and < 1: " +
          `current value is ${this.#volumeDailyAmplitude}`,
      );
    }
    this.#includeText = options.includeText ?? false;
    const specs = options.incidents ??
      defaultIncidents(new Date(this.#startInMs).toISOString(), days);
    this.#incidents = specs.map((spec, index) => {
      const startInMs = Date.parse(spec.start);
      if (!Number.isFinite(startInMs)) {
        throw new RangeError(
          `Cannot create synthetic source as incidents[${index}].start must be an ISO 8601 time: ` +
            `current value is "${spec.start}"`,
        );
      }
      if (!(spec.kind in DEFAULT_MAGNITUDE)) {
        throw new RangeError(
          `Cannot create synthetic source as incidents[${index}].kind must be one of ` +
            `${Object.keys(DEFAULT_MAGNITUDE).join(", ")}: current value is "${spec.kind}"`,
        );
      }
      if (!(spec.durationInMs > 0)) {
        throw new RangeError(
          `Cannot create synthetic source as incidents[${index}].durationInMs must be positive: ` +
            `current value is ${spec.durationInMs}`,
        );
      }
      const magnitude = spec.magnitude ?? DEFAULT_MAGNITUDE[spec.kind];
      if (!(Number.isFinite(magnitude) && magnitude >= 0)) {
        throw new RangeError(
          `Cannot create synthetic source as incidents[${index}].magnitude must be >= 0: ` +
            `current value is ${magnitude}`,
        );
      }
      return { kind: spec.kind, startInMs, endInMs: startInMs + spec.durationInMs, magnitude };
    }).sort((a, b) => a.startInMs - b.startInMs);
  }

  /** The injected incidents (and the range), to write next to the data. */
  get groundTruth(): GroundTruth {
    const incidents: GroundTruthIncident[] = this.#incidents.map((i) => ({
      kind: i.kind,
      start: new Date(i.startInMs).toISOString(),
      end: new Date(i.endInMs).toISOString(),
      direction: DIRECTION[i.kind],
      description: describe(i.kind, i.magnitude),
    }));
    const truth: GroundTruth = {
      source: "synthetic",
      start: new Date(this.#startInMs).toISOString(),
      end: new Date(this.#endInMs).toISOString(),
      seed: this.#seed,
      incidents,
    };
    truth.posts = this.#count ??= this.#countPosts();
    return truth;
  }

  /** All posts, in time order. */
  posts(): Post[] {
    return [...this.generate()];
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Post> {
    yield* this.generate();
  }

  #countPosts(): number {
    let n = 0;
    for (const _ of this.generate()) n += 1;
    return n;
  }

  /** The posts, synchronously, in time order. */
  *generate(): Generator<Post> {
    const random = new Prng(this.#seed);
    const sigma = this.#likeSpread;
    const mu = Math.log(this.#meanLikes) - (sigma * sigma) / 2;
    // Mean of daily × weekly volume shape over a week, so the average volume is postsPerDay.
    const shapeMean = (5 * 1 + 2 * 0.7) / 7;
    const hourlyBase = this.#postsPerDay / 24 / shapeMean;
    let lastMs = -1;
    let sequence = 0;
    let number = 0;
    const firstHour = Math.floor(this.#startInMs / HOUR_IN_MS) * HOUR_IN_MS;
    for (let hour = firstHour; hour < this.#endInMs; hour += HOUR_IN_MS) {
      const date = new Date(hour);
      const hourOfDay = date.getUTCHours();
      const weekday = date.getUTCDay();
      const daily = 1 + this.#volumeDailyAmplitude * Math.sin((2 * Math.PI * (hourOfDay - 9)) / 24);
      const weekly = weekday === 0 || weekday === 6 ? 0.7 : 1;
      const meanVolume = hourlyBase * daily * weekly * Math.exp(0.1 * random.normal());
      const likeLevel = 1 +
        this.#likeDailyAmplitude * Math.sin((2 * Math.PI * (hourOfDay - 14)) / 24);
      const hourEnd = hour + HOUR_IN_MS;
      const times: number[] = [];
      const likes: number[] = [];
      const count = random.poisson(meanVolume);
      for (let k = 0; k < count; k++) {
        const ms = hour + random.int(3600) * 1000;
        const base = Math.exp(mu + sigma * random.normal()) * likeLevel;
        times.push(ms);
        likes.push(base);
      }
      for (const incident of this.#incidents) {
        if (incident.kind !== "bot-flood") continue;
        const from = Math.max(hour, incident.startInMs);
        const to = Math.min(hourEnd, incident.endInMs);
        if (to <= from) continue;
        const extra = random.poisson(meanVolume * incident.magnitude * (to - from) / HOUR_IN_MS);
        for (let k = 0; k < extra; k++) {
          times.push(from + Math.floor(random.next() * (to - from) / 1000) * 1000);
          likes.push(-1); // marks a bot post: always 0 likes
        }
      }
      const order = times.map((_, i) => i).sort((a, b) => times[a] - times[b] || a - b);
      for (const i of order) {
        const ms = times[i];
        if (ms < this.#startInMs || ms >= this.#endInMs) continue;
        let factor = 1;
        let dropped = false;
        for (const incident of this.#incidents) {
          if (ms < incident.startInMs || ms >= incident.endInMs) continue;
          if (incident.kind === "volume-outage") {
            if (random.next() >= incident.magnitude) dropped = true;
          } else if (incident.kind !== "bot-flood") {
            factor *= incident.magnitude;
          }
        }
        if (dropped) continue;
        const likeCount = likes[i] < 0 ? 0 : Math.floor(likes[i] * factor);
        sequence = ms === lastMs ? sequence + 1 : 0;
        lastMs = ms;
        const id = snowflake(ms, sequence);
        const post: Post = { id, createdAt: new Date(ms).toISOString(), likeCount };
        if (this.#includeText) post.text = `#Azure synthetic post ${number}`;
        number += 1;
        yield post;
      }
    }
  }
}
