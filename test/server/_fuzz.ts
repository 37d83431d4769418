import { seededRandom } from "../../lib/source/seeded_random.ts";
export { seededRandom };
/**
 * A seeded generator of invalid requests for the detector app: malformed JSON, wrong types,
 * NaN strings, 1e308, deep nesting, empty bodies, wrong paths, methods and content types.
 * Every request it makes must be refused with a 4xx; none is valid by construction.
 */

/** One generated request, before it becomes a `Request`. */
export interface FuzzCase {
  kind: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Uint8Array<ArrayBuffer>;
}

const VERSIONS = ["v1.0", "v1.1-preview", "v1.1-preview.1", "v1.1"];
const OPERATIONS = ["entire", "last", "changepoint"];
const DETECT_PATH =
  /^\/anomalydetector\/(v1\.0|v1\.1-preview|v1\.1-preview\.1|v1\.1)\/timeseries\/(entire|last|changepoint)\/detect$/;

const encoder = new TextEncoder();

export class FuzzGenerator {
  readonly #random: () => number;
  constructor(seed: number) {
    this.#random = seededRandom(seed);
  }

  #int(min: number, max: number): number {
    return min + Math.floor(this.#random() * (max - min + 1));
  }

  #pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.#random() * items.length)];
  }

  /** A valid request body (13 to 40 hourly points); the generators then break it. */
  validBody(): Record<string, unknown> {
    const count = this.#int(13, 40);
    const start = Date.UTC(2019, 3, 8, 1);
    return {
      series: Array.from({ length: count }, (_, i) => ({
        timestamp: new Date(start + i * 3_600_000).toISOString(),
        value: Math.round(this.#random() * 1000) / 10,
      })),
      granularity: "hourly",
      maxAnomalyRatio: 0.25,
      sensitivity: 95,
    };
  }

  #route(): string {
    return `/anomalydetector/${this.#pick(VERSIONS)}/timeseries/${this.#pick(OPERATIONS)}/detect`;
  }

  #json(kind: string, body: unknown, path = this.#route()): FuzzCase {
    return {
      kind,
      method: "POST",
      path,
      headers: { "content-type": this.#pick(["application/json", "text/json"]) },
      body: encoder.encode(JSON.stringify(body)),
    };
  }

  #text(kind: string, text: string | Uint8Array<ArrayBuffer>): FuzzCase {
    return {
      kind,
      method: "POST",
      path: this.#route(),
      headers: { "content-type": "application/json" },
      body: typeof text === "string" ? encoder.encode(text) : text,
    };
  }

  /** The next invalid request. */
  next(): FuzzCase {
    const generators = [
      () => this.#truncatedJson(),
      () => this.#brokenJson(),
      () => this.#randomBytes(),
      () => this.#wrongFieldType(),
      () => this.#badPoint(),
      () => this.#badSeriesShape(),
      () => this.#deepNesting(),
      () => this.#text("empty body", ""),
      () => this.#wrongPath(),
      () => this.#wrongMethod(),
      () => this.#wrongContentType(),
    ];
    return this.#pick(generators)();
  }

  #truncatedJson(): FuzzCase {
    const text = JSON.stringify(this.validBody());
    return this.#text("truncated JSON", text.slice(0, this.#int(0, text.length - 1)));
  }

  #brokenJson(): FuzzCase {
    const text = JSON.stringify(this.validBody(), null, this.#pick([0, 2]));
    const structural = [...text.matchAll(/[{}[\]:,]/g)].map((m) => m.index!);
    const at = this.#pick(structural);
    const junk = this.#pick(["#", ";", "'", "\\", "\u0000", "@", "NaN", "undefined", "}}"]);
    return this.#text("broken JSON", text.slice(0, at) + junk + text.slice(at + 1));
  }

  #randomBytes(): FuzzCase {
    const bytes = new Uint8Array(this.#int(1, 64));
    for (let i = 0; i < bytes.length; i++) bytes[i] = this.#int(0, 255);
    // A random byte string could be a bare JSON value; the engine must refuse those too.
    return this.#text("random bytes", bytes);
  }

  #wrongFieldType(): FuzzCase {
    const body = this.validBody();
    const bad: Record<string, unknown[]> = {
      granularity: [5, "Hourly", "fortnightly", [], {}, null, ""],
      customInterval: [0, -1, 1.5, "7", 1e308, [], {}, null, "NaN"],
      period: [-1, 1.5, "7", -1e308, [], {}, null, "NaN", 1e308],
      maxAnomalyRatio: [0, 0.5, -1, "0.2", null, 1e308, "NaN", [], {}],
      sensitivity: [101, -1, 95.5, "95", 1e308, null, "NaN", [], {}],
      imputeMode: ["sometimes", 1, [], {}, ""],
    };
    const field = this.#pick(Object.keys(bad));
    body[field] = this.#pick(bad[field]);
    return this.#json(`wrong type of ${field}`, body);
  }

  #badPoint(): FuzzCase {
    const body = this.validBody();
    const series = body.series as Record<string, unknown>[];
    const point = this.#pick(series);
    const breakers: (() => void)[] = [
      () => (point.value = this.#pick(["NaN", "nan", "abc", "", "1e308", "Infinity", "-inf"])),
      () => (point.value = this.#pick([1e308, -1e308, 1e101])),
      () => (point.value = this.#pick([null, {}, [], [1], { value: 1 }])),
      () => delete point.value,
      () => (point.timestamp = this.#pick(["not a date", "2019-13-45T00:00:00Z", "", "NaN"])),
      () => (point.timestamp = this.#pick([12345, null, {}, [], 1e308])),
      () => delete point.timestamp,
      () => (point.timestamp = new Date(Date.parse(point.timestamp as string) + 60_000)
        .toISOString()),
    ];
    this.#pick(breakers)();
    return this.#json("bad point", body);
  }

  #badSeriesShape(): FuzzCase {
    const body = this.validBody();
    const series = body.series as Record<string, unknown>[];
    const shapes: (() => void)[] = [
      () => (body.series = series.slice(0, this.#int(0, 11))),
      () => (body.series = series.toReversed()),
      () => (series[this.#int(1, series.length - 1)] = { ...series[0] }),
      () => (body.series = this.#pick(["abc", 5, {}, null, true, ""])),
      () => delete body.series,
      () => (body.series = series.map((p) => [p.timestamp, p.value])),
      () => (body.series = series.map((p) => p.value)),
    ];
    this.#pick(shapes)();
    return this.#json("bad series", body);
  }

  #deepNesting(): FuzzCase {
    // Mostly moderate depths; one in twenty goes to 100,000 levels.
    const depth = this.#random() < 0.05 ? 100_000 : this.#int(10, 2_000);
    const open = this.#pick(["[", '{"a":']);
    const close = open === "[" ? "]" : "}";
    const nested = open.repeat(depth) + "1" + close.repeat(depth);
    const field = this.#pick(["series", "granularity", "sensitivity"]);
    return this.#text(`deep nesting in ${field}`, `{"${field}": ${nested}}`);
  }

  #wrongPath(): FuzzCase {
    const mutations = [
      () =>
        `/anomalydetector/${
          this.#pick(["v2.0", "v1", "V1.0", "v1.1-preview.2", ""])
        }/timeseries/last/detect`,
      () => `/anomalydetector/v1.1/timeseries/${this.#pick(["all", "Last", "", "first"])}/detect`,
      () => `${this.#route()}/`,
      () => this.#route().replace("/detect", ""),
      () => this.#route().toUpperCase(),
      () =>
        `/${this.#pick(["", "x", "anomalydetector", "timeseries/last/detect", "%00", "a/b/c"])}`,
      () => `/anomalydetector/v1.1/multivariate/models`,
    ];
    let path: string;
    do path = this.#pick(mutations)(); while (
      DETECT_PATH.test(new URL(path, "http://x").pathname.replace(/\/{2,}/g, "/"))
    );
    const body = this.#random() < 0.5 ? this.validBody() : {};
    return this.#json("wrong path", body, path);
  }

  #wrongMethod(): FuzzCase {
    return {
      kind: "wrong method",
      method: this.#pick(["GET", "PUT", "DELETE", "PATCH", "OPTIONS"]),
      path: this.#route(),
      headers: {},
    };
  }

  #wrongContentType(): FuzzCase {
    const c = this.#json("wrong content type", this.validBody());
    c.headers["content-type"] = this.#pick([
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
      "application/xml",
      "image/png",
      "text/html",
    ]);
    return c;
  }
}

/** The `Request` for a case, against `base` (e.g. `http://127.0.0.1:1234`). */
export function toRequest(c: FuzzCase, base: string): Request {
  return new Request(new URL(c.path, base), { method: c.method, headers: c.headers, body: c.body });
}
