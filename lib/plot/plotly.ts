/**
 * Plotly figures for notebooks and offline HTML.
 *
 * plotly.js (4.8 MB) is put into a page once: {@linkcode plotlyLoader} returns a display object
 * whose HTML inlines it, and every {@linkcode PlotlyFigure} is a small HTML snippet that waits
 * for `window.Plotly` and draws itself. Small per-figure outputs keep Jupyter messages small
 * (multi-MB messages can be corrupted in transit with the Deno kernel).
 */
import { createRequire } from "node:module";

/** A Jupyter MIME bundle. */
export type MimeBundle = Record<string, unknown>;

/** A piece of HTML that displays itself in Jupyter (with a plain-text fallback). */
export class HtmlView {
  readonly html: string;
  readonly text: string;
  constructor(html: string, text: string) {
    this.html = html;
    this.text = text;
  }
  toString(): string {
    return this.text;
  }
  /** The HTML (for reports). */
  toHTML(): string {
    return this.html;
  }
  [Symbol.for("Jupyter.display")](): MimeBundle {
    return { "text/html": this.html, "text/plain": this.text };
  }
}

/** A Plotly trace or layout: plain JSON objects as plotly.js takes them. */
export type PlotlyData = Record<string, unknown>;

/** Options of {@linkcode PlotlyFigure}. */
export interface PlotlyFigureOptions {
  /** Height in pixels. @default {420} */
  height?: number;
  /** plotly.js config (`displaylogo`, `responsive`, ...). @default {{ responsive: true, displaylogo: false }} */
  config?: PlotlyData;
}

let figureCounter = 0;

/** A figure that renders itself in Jupyter (`text/html` plus the Plotly MIME type) and in HTML reports. */
export class PlotlyFigure {
  readonly data: PlotlyData[];
  readonly layout: PlotlyData;
  readonly config: PlotlyData;
  readonly height: number;
  readonly id: string;

  constructor(data: PlotlyData[], layout: PlotlyData = {}, options: PlotlyFigureOptions = {}) {
    this.data = data;
    this.height = options.height ?? 420;
    this.layout = { height: this.height, ...layout };
    this.config = options.config ?? { responsive: true, displaylogo: false };
    figureCounter += 1;
    this.id = `hubwatch-plot-${Date.now().toString(36)}-${figureCounter}`;
  }

  /** The figure as `{ data, layout }` JSON. */
  toJSON(): { data: PlotlyData[]; layout: PlotlyData } {
    return { data: this.data, layout: this.layout };
  }

  /**
   * A self-drawing HTML snippet: a `div` and a script that waits for `window.Plotly`
   * (loaded once per page by {@linkcode plotlyLoader} or {@linkcode plotlyScriptTag}).
   */
  toHTML(): string {
    const spec = safeJson({ data: this.data, layout: this.layout, config: this.config });
    return `<div id="${this.id}" class="hubwatch-plot" style="width:100%;height:${this.height}px;"></div>
<script type="text/javascript">(function () {
  var spec = ${spec};
  var tries = 0;
  function draw() {
    var el = document.getElementById(${JSON.stringify(this.id)});
    if (el && window.Plotly) { window.Plotly.newPlot(el, spec.data, spec.layout, spec.config); return; }
    if (tries++ < 400) { setTimeout(draw, 50); }
    else if (el) { el.textContent = "plotly.js is not loaded: run the cell that displays plotlyLoader() first."; }
  }
  draw();
})();</script>`;
  }

  [Symbol.for("Jupyter.display")](): MimeBundle {
    return {
      "text/html": this.toHTML(),
      "application/vnd.plotly.v1+json": this.toJSON(),
    };
  }
}

/** JSON that is safe to embed inside a `<script>` element. */
export function safeJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

let plotlySource: string | undefined;

/** The plotly.js bundle from the pinned `plotly.js-dist-min` package (read once, then cached). */
export async function readPlotlySource(): Promise<string> {
  if (plotlySource === undefined) {
    const path = createRequire(import.meta.url).resolve("plotly.js-dist-min");
    try {
      plotlySource = await Deno.readTextFile(path);
    } catch (error) {
      throw new Error(`Cannot read plotly.js from ${path}`, { cause: error });
    }
  }
  return plotlySource;
}

/** The version of the bundled plotly.js. */
export async function plotlyVersion(): Promise<string> {
  const match = /plotly\.js v(\d+\.\d+\.\d+)/.exec((await readPlotlySource()).slice(0, 400));
  return match?.[1] ?? "unknown";
}

/**
 * A `<script>` element that defines `window.Plotly` from the inlined bundle. The bundle is
 * wrapped so that an AMD loader on the page (RequireJS in the classic Notebook and in
 * nbconvert's HTML) does not capture it.
 */
export async function plotlyScriptTag(): Promise<string> {
  const source = (await readPlotlySource()).replace(/<\/script/gi, "<\\/script");
  return `<script type="text/javascript">if (!window.Plotly) { (function (define, module, exports) {
${source}
}).call(window); }</script>`;
}

/**
 * A display object that loads plotly.js into the notebook page, offline. Display it once, in an
 * early cell, before any figure.
 */
export async function plotlyLoader(): Promise<HtmlView> {
  const html = await plotlyScriptTag();
  const version = await plotlyVersion();
  return new HtmlView(
    `${html}<span class="hubwatch-plotly-loaded" style="font-size:smaller;color:#666">plotly.js ${version} loaded (offline)</span>`,
    `plotly.js ${version} loaded`,
  );
}
