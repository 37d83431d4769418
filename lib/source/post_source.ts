/**
 * The one shape every post source has: an async iterable of {@linkcode Post}s.
 *
 * @module
 */

/** One social-media post, reduced to what the pipeline needs. */
export interface Post {
  /** The post id (X ids are decimal snowflake strings that grow with time). */
  id: string;
  /** Creation time, ISO 8601 UTC with milliseconds, e.g. `2019-12-31T19:26:16.000Z`. */
  createdAt: string;
  /** Number of likes (v1.1 `favorite_count`, v2 `public_metrics.like_count`), an integer ≥ 0. */
  likeCount: number;
  /** The post text, when the source has it. */
  text?: string;
}

/** Where posts come from: the X API, a replay file, or a generator. */
export type PostSource = AsyncIterable<Post>;

/**
 * Compares two decimal id strings numerically (X ids exceed `Number.MAX_SAFE_INTEGER`).
 * Non-numeric ids compare by length, then lexicographically.
 * Returns a negative number, zero or a positive number.
 */
export function compareIds(a: string, b: string): number {
  if (a.length !== b.length && /^\d+$/.test(a) && /^\d+$/.test(b)) {
    const ta = a.replace(/^0+(?=\d)/, "");
    const tb = b.replace(/^0+(?=\d)/, "");
    if (ta.length !== tb.length) return ta.length - tb.length;
    return ta < tb ? -1 : ta > tb ? 1 : 0;
  }
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Orders posts by creation time, then by id. */
export function comparePosts(a: Post, b: Post): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? -1 : 1;
  return compareIds(a.id, b.id);
}
