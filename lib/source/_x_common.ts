/** Shared helpers of the X sources (private). */
import type { Post } from "./post_source.ts";

/** The fields a post needs: creation time and public metrics (likes). */
export const POST_FIELDS = ["created_at", "public_metrics"];

/** The shape of a v2 post as the API returns it (only what we read). */
export interface ApiPost {
  id: string;
  text?: string;
  created_at?: string;
  public_metrics?: { like_count?: number };
}

/** Converts an API post, or returns the reason it cannot be used. */
export function fromApiPost(item: ApiPost, includeText: boolean): Post | string {
  if (typeof item.id !== "string" || item.id === "") return "it has no id";
  const time = typeof item.created_at === "string" ? Date.parse(item.created_at) : NaN;
  if (!Number.isFinite(time)) {
    return `created_at must be an ISO 8601 time: current value is ${
      JSON.stringify(item.created_at)
    }`;
  }
  const likes = item.public_metrics?.like_count;
  if (typeof likes !== "number" || !Number.isInteger(likes) || likes < 0) {
    return `public_metrics.like_count must be an integer >= 0: current value is ${
      JSON.stringify(likes)
    }`;
  }
  const post: Post = { id: item.id, createdAt: new Date(time).toISOString(), likeCount: likes };
  if (includeText && typeof item.text === "string") post.text = item.text;
  return post;
}

/** Remembers the most recent `capacity` ids. */
export class RecentIds {
  #ids = new Set<string>();
  #capacity: number;
  constructor(capacity: number) {
    this.#capacity = capacity;
  }
  has(id: string): boolean {
    return this.#ids.has(id);
  }
  add(id: string): void {
    this.#ids.add(id);
    if (this.#ids.size > this.#capacity) {
      const oldest = this.#ids.values().next().value as string;
      this.#ids.delete(oldest);
    }
  }
}

/** Exponential back-off delay for the `failures`-th consecutive failure (1-based). */
export function backoffDelay(failures: number, initialInMs: number, maxInMs: number): number {
  return Math.min(maxInMs, initialInMs * 2 ** Math.max(0, failures - 1));
}

/** True when `error` is the abort of `signal`. */
export function isAbort(error: unknown, signal?: AbortSignal): boolean {
  return signal?.aborted === true &&
    (error === signal.reason || (error instanceof DOMException && error.name === "AbortError"));
}
