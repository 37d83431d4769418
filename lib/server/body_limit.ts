import { DetectorHttpError } from "./error_mapping.ts";
import type { Middleware } from "./middleware.ts";

/** Default body limit of the detector app: 10 MB. */
export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;

/** Options of {@linkcode bodyLimit}. */
export interface BodyLimitOptions {
  /**
   * Largest accepted request body in bytes; a larger one gets 413.
   * @default {10485760}
   */
  maxBytes?: number;
}

/**
 * Middleware that reads the whole request body into `context.body`, answering 413 as soon as
 * the declared `Content-Length` or the bytes actually received exceed `maxBytes`, and 400
 * `InvalidRequestBody` when the body breaks off.
 */
export function bodyLimit(options: BodyLimitOptions = {}): Middleware {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) {
    throw new RangeError(
      `Cannot create body limit as maxBytes must be a non-negative integer: current value is ${maxBytes}`,
    );
  }
  return async (request, context, next) => {
    try {
      context.body = await readBodyWithin(request, maxBytes);
    } catch (error) {
      if (error instanceof DetectorHttpError) throw error;
      // The client went away or broke the stream: its fault, not a server failure.
      throw new DetectorHttpError(
        400,
        "InvalidRequestBody",
        "The request body could not be read to its end.",
        { cause: error },
      );
    }
    return next();
  };
}

function tooLarge(maxBytes: number, size: string): DetectorHttpError {
  return new DetectorHttpError(
    413,
    "RequestEntityTooLarge",
    `The request body is too large: the limit is ${maxBytes} bytes, received ${size}.`,
  );
}

async function readBodyWithin(request: Request, maxBytes: number): Promise<Uint8Array> {
  const declared = request.headers.get("content-length");
  if (declared !== null && /^\d+$/.test(declared.trim())) {
    const length = Number(declared.trim());
    if (length > maxBytes) throw tooLarge(maxBytes, `${length} bytes`);
    // The runtime enforces the declared length, so the body cannot outgrow it.
    return new Uint8Array(await request.arrayBuffer());
  }
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  while (true) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge(maxBytes, `more than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0];
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}
