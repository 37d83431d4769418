/** What a notebook runs on: Deno, TypeScript, V8 and the pinned npm packages. */
import { TableView } from "../plot/table.ts";

/** npm packages whose pinned versions the environment report lists. */
export const REPORTED_PACKAGES = [
  "nodejs-polars",
  "danfojs",
  "plotly.js-dist-min",
  "@azure/event-hubs",
  "@azure/eventhubs-checkpointstore-blob",
  "twitter-api-v2",
  "rhea",
] as const;

/** One component and its version. */
export interface ComponentVersion {
  component: string;
  version: string;
}

/**
 * Versions of the runtime and of the npm packages as the import map pins them
 * (`import.meta.resolve` of a bare specifier gives its `npm:name@version` target, or the
 * versioned folder under `node_modules/.deno/`).
 */
export function componentVersions(): ComponentVersion[] {
  const rows: ComponentVersion[] = [
    { component: "deno", version: Deno.version.deno },
    { component: "typescript", version: Deno.version.typescript },
    { component: "v8", version: Deno.version.v8 },
  ];
  for (const name of REPORTED_PACKAGES) {
    let version = "not in the import map";
    try {
      const target = import.meta.resolve(name);
      // `npm:name@version` without a node_modules folder, `.../node_modules/.deno/name@version/...` with one.
      const match = /^npm:\/?(?:@[^/]+\/)?[^@/]+@([^/]+)/.exec(target) ??
        /\/node_modules\/\.deno\/[^/]*@([^/@]+)\//.exec(target);
      version = match ? match[1] : target;
    } catch (error) {
      version = `unresolved (${error instanceof Error ? error.message : String(error)})`;
    }
    rows.push({ component: name, version });
  }
  return rows;
}

/** The versions as a table that displays itself in Jupyter. */
export function environmentTable(): TableView {
  const rows = componentVersions();
  return new TableView(["component", "version"], rows.map((r) => ({ ...r })), {
    caption: "hubwatch environment",
  });
}
