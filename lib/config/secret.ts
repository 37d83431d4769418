/**
 * A configuration value that must never be printed: connection strings, keys, tokens.
 * Every way of turning it into text (`String()`, template literals, `JSON.stringify`,
 * `console.log`/`Deno.inspect`) gives the masked form; only {@linkcode Secret.reveal} gives the value.
 */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  /** The secret value itself, for handing to an SDK. */
  reveal(): string {
    return this.#value;
  }
  /** The masked form, e.g. `abc…(41 chars)`. */
  toString(): string {
    return maskSecret(this.#value);
  }
  toJSON(): string {
    return maskSecret(this.#value);
  }
  [Symbol.for("Deno.customInspect")](): string {
    return `Secret(${maskSecret(this.#value)})`;
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `Secret(${maskSecret(this.#value)})`;
  }
}

/**
 * Masks a secret for display: the first three characters stay when the value is long enough to
 * keep the rest unguessable (≥ 16 characters), followed by the length.
 *
 * @example
 * ```ts
 * import { maskSecret } from "./secret.ts";
 * import assert from "node:assert/strict";
 * assert.equal(maskSecret("0123456789abcdefXYZ"), "012…(19 chars)");
 * assert.equal(maskSecret("short"), "…(5 chars)");
 * ```
 */
export function maskSecret(value: string): string {
  return value.length >= 16
    ? `${value.slice(0, 3)}…(${value.length} chars)`
    : `…(${value.length} chars)`;
}

/**
 * Masks the secret parts of an Event Hubs / Service Bus connection string
 * (`SharedAccessKey=` and `SharedAccessSignature=`), keeping endpoint, key name and entity path.
 *
 * @example
 * ```ts
 * import { maskConnectionString } from "./secret.ts";
 * import assert from "node:assert/strict";
 * assert.equal(
 *   maskConnectionString("Endpoint=sb://h/;SharedAccessKeyName=k;SharedAccessKey=abcdefghijklmnopqrstuvwxyz"),
 *   "Endpoint=sb://h/;SharedAccessKeyName=k;SharedAccessKey=***",
 * );
 * ```
 */
export function maskConnectionString(text: string): string {
  return text.replace(/(SharedAccess(?:Key|Signature)=)[^;]*/gi, "$1***");
}
