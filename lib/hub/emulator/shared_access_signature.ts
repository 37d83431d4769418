/**
 * Shared access signatures: `SharedAccessSignature sr=<resource>&sig=<signature>&se=<expiry>&skn=<key name>`
 * where the signature is base64(HMAC-SHA256(key, `<url-encoded resource>\n<expiry>`)) and the key is
 * used as its UTF-8 text.
 * @module
 */
import { createHmac, timingSafeEqual } from "node:crypto";

/** Options of {@linkcode createSharedAccessSignature}. */
export interface SharedAccessSignatureOptions {
  /** Expiry as seconds since the Unix epoch. */
  expiresOnInSeconds: number;
}

function sign(key: string, encodedResource: string, expiry: string): string {
  return createHmac("sha256", key).update(`${encodedResource}\n${expiry}`).digest("base64");
}

/** Creates a SAS token for `resource` (e.g. `sb://127.0.0.1:5672/hubwatch`), signed with `key`. */
export function createSharedAccessSignature(
  resource: string,
  keyName: string,
  key: string,
  options: SharedAccessSignatureOptions,
): string {
  const encoded = encodeURIComponent(resource);
  const expiry = String(Math.floor(options.expiresOnInSeconds));
  return `SharedAccessSignature sr=${encoded}&sig=${
    encodeURIComponent(sign(key, encoded, expiry))
  }&se=${expiry}&skn=${encodeURIComponent(keyName)}`;
}

/** Result of {@linkcode verifySharedAccessSignature}. */
export type SasVerdict =
  | { ok: true; resource: string; expiresOnMs: number }
  | { ok: false; reason: string };

/** The path part of an audience or resource URI, lower-cased, without trailing slash. */
export function audiencePath(uri: string): string {
  const withoutScheme = uri.replace(/^[a-z]+:\/\//i, "");
  const slash = withoutScheme.indexOf("/");
  const p = slash < 0 ? "" : withoutScheme.slice(slash);
  return p.replace(/\/+$/, "").toLowerCase();
}

/** True when the token's resource path covers `audience` (equal or a parent path). */
export function resourceCovers(resource: string, audience: string): boolean {
  return pathCovers(audiencePath(resource), audiencePath(audience));
}

/** {@linkcode resourceCovers} for paths already reduced by {@linkcode audiencePath}. */
export function pathCovers(resourcePath: string, targetPath: string): boolean {
  return resourcePath === "" || targetPath === resourcePath ||
    targetPath.startsWith(`${resourcePath}/`);
}

/** Checks a token's form, key name, signature and expiry against one configured key. */
export function verifySharedAccessSignature(
  token: unknown,
  keyName: string,
  key: string,
  nowMs: number,
): SasVerdict {
  if (typeof token !== "string" || !token.startsWith("SharedAccessSignature ")) {
    return { ok: false, reason: "the token is not a SharedAccessSignature" };
  }
  const fields = new Map<string, string>();
  for (const part of token.slice("SharedAccessSignature ".length).split("&")) {
    const eq = part.indexOf("=");
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1));
  }
  const sr = fields.get("sr");
  const sig = fields.get("sig");
  const se = fields.get("se");
  const skn = fields.get("skn");
  if (sr === undefined || sig === undefined || se === undefined || skn === undefined) {
    return { ok: false, reason: "the token must have sr, sig, se and skn" };
  }
  if (decodeURIComponent(skn) !== keyName) {
    return { ok: false, reason: `the key name ${decodeURIComponent(skn)} is not configured` };
  }
  const expected = Buffer.from(sign(key, sr, se));
  const given = Buffer.from(decodeURIComponent(sig));
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return { ok: false, reason: "the signature does not match the key" };
  }
  const expiresOnMs = Number(se) * 1000;
  if (!Number.isFinite(expiresOnMs) || expiresOnMs <= nowMs) {
    return { ok: false, reason: `the token expired at ${se}` };
  }
  return { ok: true, resource: decodeURIComponent(sr), expiresOnMs };
}
