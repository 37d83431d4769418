/**
 * Small persistent state (e.g. the X search high-water mark) that survives restarts.
 *
 * @module
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

/** Loads and saves one JSON-serializable state value. */
export interface StateStore<T> {
  /** The saved state, or `undefined` when nothing was saved yet. */
  load(): Promise<T | undefined>;
  /** Replaces the saved state. */
  save(state: T): Promise<void>;
}

/** A state store in memory (tests, or when nothing should persist). */
export function memoryStateStore<T>(initial?: T): StateStore<T> & { state: T | undefined } {
  const store = {
    state: initial,
    load: () =>
      Promise.resolve(store.state === undefined ? undefined : structuredClone(store.state)),
    save: (state: T) => {
      store.state = structuredClone(state);
      return Promise.resolve();
    },
  };
  return store;
}

/**
 * A state store in a JSON file. Saving writes a temporary file next to it and renames it over the
 * old one, so a crash never leaves a half-written file. Missing parent folders are created.
 */
export function jsonFileStateStore<T>(path: string): StateStore<T> {
  return {
    async load(): Promise<T | undefined> {
      let text: string;
      try {
        text = await readFile(path, "utf8");
      } catch (error) {
        if ((error as { code?: string }).code === "ENOENT") return undefined;
        throw new Error(`Cannot load state from "${path}": ${(error as Error).message}`, {
          cause: error,
        });
      }
      try {
        return JSON.parse(text) as T;
      } catch (error) {
        throw new SyntaxError(`Cannot load state from "${path}" as it is not valid JSON`, {
          cause: error,
        });
      }
    },
    async save(state: T): Promise<void> {
      const temporary = `${path}.${crypto.randomUUID()}.tmp`;
      try {
        await mkdir(dirname(path), { recursive: true });
        await writeFile(temporary, JSON.stringify(state, null, 2) + "\n");
        await rename(temporary, path);
      } catch (error) {
        throw new Error(`Cannot save state to "${path}": ${(error as Error).message}`, {
          cause: error,
        });
      }
    },
  };
}
