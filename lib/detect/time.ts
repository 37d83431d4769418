/**
 * Timestamps → integer grid indices (spec §2): ISO 8601 parsing, instants, the engine's calendar
 * difference, and the index rule of each of the nine granularities (with customInterval).
 * @module
 */
import type { Granularity } from "./types.ts";

/** A parsed timestamp: its instant and its wall-clock calendar date. */
export interface ParsedTimestamp {
  /** Whole seconds since the Unix epoch (UTC; a naive timestamp counts as UTC). */
  epochSeconds: number;
  /** Microseconds within the second, 0..999999 (the instant is rounded to microseconds). */
  micros: number;
  /** Calendar year as written (in the string's own offset). */
  year: number;
  /** Calendar month 1..12 as written. */
  month: number;
  /** Day of month as written. */
  day: number;
}

const ISO =
  /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

const US =
  /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:\s*([AaPp][Mm]))?)?$/;

/**
 * US `M/D/YYYY[ h:mm[:ss[.fff]] [AM|PM]]` (as pandas reads it, month first), rewritten into the
 * capture layout of the ISO pattern (no offset: naive, i.e. UTC).
 */
function fromUsFormat(text: string): (string | undefined)[] | null {
  const u = US.exec(text);
  if (u === null) return null;
  let hour = u[4];
  if (hour !== undefined && u[8] !== undefined) {
    const h = Number(hour);
    if (h < 1 || h > 12) return null;
    const pm = u[8].toLowerCase() === "pm";
    hour = String((h % 12) + (pm ? 12 : 0));
  }
  return [text, u[3], u[1], u[2], hour, u[5], u[6], u[7], undefined];
}

const YEAR_MONTH = /^(\d{4})(?:-(\d{1,2}))?$/;

/** `YYYY` or `YYYY-MM` (pandas reads them as the first day), in the ISO capture layout. */
function fromYearMonth(text: string): (string | undefined)[] | null {
  const u = YEAR_MONTH.exec(text);
  if (u === null) return null;
  return [text, u[1], u[2] ?? "01", "01", undefined, undefined, undefined, undefined, undefined];
}

/** Days in a month of the proleptic Gregorian calendar (month 1..12). */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    return leap ? 29 : 28;
  }
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Parses an ISO 8601 / RFC 3339 timestamp (`YYYY-MM-DD` or `YYYY-MM-DD[T ]HH:MM[:SS[.fff]]` with
 * an optional `Z` or `±HH[:MM]` offset). Returns `undefined` when the text is not such a timestamp.
 */
export function parseTimestamp(text: string): ParsedTimestamp | undefined {
  const trimmed = text.trim();
  const m = ISO.exec(trimmed) ?? fromUsFormat(trimmed) ?? fromYearMonth(trimmed);
  if (m === null) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = m[4] === undefined ? 0 : Number(m[4]);
  const minute = m[5] === undefined ? 0 : Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetSeconds = 0;
  const off = m[8];
  if (off !== undefined && off !== "Z" && off !== "z") {
    const sign = off[0] === "-" ? -1 : 1;
    const digits = off.slice(1).replace(":", "");
    const oh = Number(digits.slice(0, 2));
    const om = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
    if (oh > 23 || om > 59) return undefined;
    offsetSeconds = sign * (oh * 3600 + om * 60);
  }
  let micros = 0;
  if (m[7] !== undefined) {
    const nanos = Number(m[7].padEnd(9, "0"));
    micros = Math.round(nanos / 1000);
  }
  let ms: number;
  if (year >= 100) {
    ms = Date.UTC(year, month - 1, day, hour, minute, second);
  } else {
    // Date.UTC maps years 0..99 to 1900..1999.
    const date = new Date(0);
    date.setUTCFullYear(year, month - 1, day);
    date.setUTCHours(hour, minute, second, 0);
    ms = date.getTime();
  }
  let epochSeconds = ms / 1000 - offsetSeconds;
  if (micros === 1_000_000) {
    micros = 0;
    epochSeconds += 1;
  }
  return { epochSeconds, micros, year, month, day };
}

/** The instant as a double number of seconds, rounded to microseconds like the engine. */
export function instantSeconds(t: ParsedTimestamp): number {
  if (t.micros === 0) return t.epochSeconds;
  if (t.epochSeconds >= 0) {
    return Number(`${t.epochSeconds}.${String(t.micros).padStart(6, "0")}`);
  }
  return t.epochSeconds + t.micros / 1e6;
}

/** The instant in whole milliseconds (exact integer arithmetic, truncated toward zero). */
export function instantMillis(t: ParsedTimestamp): number {
  return Math.trunc((t.epochSeconds * 1_000_000 + t.micros) / 1000);
}

function compareInstants(a: ParsedTimestamp, b: ParsedTimestamp): number {
  return a.epochSeconds !== b.epochSeconds ? a.epochSeconds - b.epochSeconds : a.micros - b.micros;
}

/** Calendar difference (years, months, days) of `a` relative to `b` (§2.4). */
export interface CalendarDiff {
  years: number;
  months: number;
  days: number;
}

/** The engine's calendar difference of two timestamps (§2.4), on year/month/day fields only. */
export function calendarDiff(a: ParsedTimestamp, b: ParsedTimestamp): CalendarDiff {
  let sign = 1;
  if (compareInstants(a, b) < 0) {
    [a, b] = [b, a];
    sign = -1;
  }
  const da = daysInMonth(a.year, a.month);
  const db = daysInMonth(b.year, b.month);
  let dDay = 0;
  let dMonth = 0;
  if (a.year === b.year && a.month === b.month) {
    dDay = a.day - b.day;
  } else if (
    a.day === b.day ||
    (a.day === da && b.day === db) ||
    (da !== db && ((a.day === da && b.day > a.day) || (b.day === db && a.day > b.day)))
  ) {
    dMonth = a.month - b.month;
  } else if (a.day > b.day) {
    dDay = a.day - b.day;
    dMonth = a.month - b.month;
  } else {
    dDay = db - b.day + a.day;
    dMonth = a.month - b.month - 1;
  }
  let dYear = a.year - b.year;
  if (dMonth < 0) {
    dYear -= 1;
    dMonth += 12;
  }
  return { years: sign * dYear + 0, months: sign * dMonth + 0, days: sign * dDay + 0 };
}

/** Result of {@linkcode computeIndices}. */
export type IndicesResult =
  | { error: undefined; indices: number[] }
  | { error: "unsorted" | "duplicated"; indices?: undefined }
  | { error: "misaligned"; errorIndex: number; indices?: undefined };

const UNIT_SECONDS: Partial<Record<Granularity, number>> = {
  secondly: 1,
  minutely: 60,
  hourly: 3600,
  daily: 86400,
  weekly: 604800,
};

/**
 * Checks order and duplicates (§2.2) and computes the grid index of every timestamp (§2.3) for a
 * granularity other than `none`. The first point has index 0.
 */
export function computeIndices(
  stamps: readonly ParsedTimestamp[],
  granularity: Granularity,
  customInterval = 1,
): IndicesResult {
  const n = stamps.length;
  for (let i = 0; i + 1 < n; i++) {
    const c = compareInstants(stamps[i], stamps[i + 1]);
    if (c > 0) return { error: "unsorted" };
    if (c === 0) return { error: "duplicated" };
  }
  if (granularity === "none") {
    return { error: undefined, indices: Array.from({ length: n }, (_, i) => i) };
  }
  const indices = new Array<number>(n);
  const t0 = stamps[0];
  const unit = UNIT_SECONDS[granularity];
  if (unit !== undefined) {
    const s0 = instantSeconds(t0);
    const step = unit * customInterval;
    for (let i = 0; i < n; i++) {
      const idx = (instantSeconds(stamps[i]) - s0) / step;
      if (!Number.isInteger(idx)) return { error: "misaligned", errorIndex: i };
      indices[i] = idx;
    }
  } else if (granularity === "microsecond") {
    const m0 = instantMillis(t0);
    for (let i = 0; i < n; i++) {
      const idx = (instantMillis(stamps[i]) - m0) / customInterval;
      if (!Number.isInteger(idx)) return { error: "misaligned", errorIndex: i };
      indices[i] = idx;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const d = calendarDiff(stamps[i], t0);
      let idx: number;
      if (granularity === "monthly") {
        idx = d.days !== 0 ? Number.NaN : (d.months + 12 * d.years) / customInterval;
      } else {
        idx = d.days !== 0 || d.months !== 0 ? Number.NaN : d.years / customInterval;
      }
      if (!Number.isInteger(idx)) return { error: "misaligned", errorIndex: i };
      indices[i] = idx;
    }
  }
  return { error: undefined, indices };
}
