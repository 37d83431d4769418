/**
 * A small Parquet writer for nested records (optional groups, MAP<string,string>,
 * LIST<string>, int32/int64/boolean/UTF-8 leaves): one row group, one uncompressed PLAIN data
 * page (v1) per column, RLE definition/repetition levels, Thrift-compact footer. Written for
 * Delta checkpoints, whose map fields nodejs-polars cannot write with the MAP annotation.
 * @module
 */

/** Schema of a column or group. All nodes are optional (nullable) unless `required`. */
export type ParquetNode =
  | { kind: "int32" | "int64" | "boolean" | "string"; name: string; required?: boolean }
  | { kind: "group"; name: string; children: ParquetNode[]; required?: boolean }
  | { kind: "map"; name: string; required?: boolean }
  | { kind: "list"; name: string; required?: boolean };

type Leaf = {
  path: string[];
  kind: "int32" | "int64" | "boolean" | "string";
  maxDef: number;
  maxRep: number;
  reps: number[];
  defs: number[];
  values: unknown[];
};

type Physical = {
  kind: "int32" | "int64" | "boolean" | "string";
  name: string;
  required?: boolean;
};

const REQUIRED = 0;
const OPTIONAL = 1;
const REPEATED = 2;

/** Internal shape: maps and lists expanded into their standard three-level groups. */
type Expanded = {
  name: string;
  repetition: number;
  converted?: number;
  kind?: Physical["kind"];
  children?: Expanded[];
  mode?: "map" | "list";
};

function expand(node: ParquetNode): Expanded {
  const repetition = node.required ? REQUIRED : OPTIONAL;
  switch (node.kind) {
    case "group":
      return { name: node.name, repetition, children: node.children.map(expand) };
    case "map":
      return {
        name: node.name,
        repetition,
        converted: 1, // MAP
        mode: "map",
        children: [{
          name: "key_value",
          repetition: REPEATED,
          children: [
            { name: "key", repetition: REQUIRED, kind: "string" },
            { name: "value", repetition: OPTIONAL, kind: "string" },
          ],
        }],
      };
    case "list":
      return {
        name: node.name,
        repetition,
        converted: 3, // LIST
        mode: "list",
        children: [{
          name: "list",
          repetition: REPEATED,
          children: [{ name: "element", repetition: OPTIONAL, kind: "string" }],
        }],
      };
    default:
      return { name: node.name, repetition, kind: node.kind };
  }
}

/** Shreds one value of `node` into its leaves (Dremel record shredding). */
function shred(
  node: Expanded,
  value: unknown,
  r: number,
  d: number,
  repDepth: number,
  leaves: Map<Expanded, Leaf>,
): void {
  if (value === null || value === undefined) {
    if (node.repetition === REQUIRED) {
      throw new TypeError(
        `Cannot write Parquet as field "${node.name}" is required: current value is ${value}`,
      );
    }
    emitNull(node, r, d, leaves);
    return;
  }
  if (node.repetition === OPTIONAL) d++;
  if (node.kind) {
    const leaf = leaves.get(node)!;
    leaf.reps.push(r);
    leaf.defs.push(d);
    leaf.values.push(value);
    return;
  }
  if (node.mode === "map" || node.mode === "list") {
    const repeated = node.children![0];
    const entries: unknown[][] = node.mode === "map"
      ? Object.entries(value as Record<string, unknown>)
      : (value as unknown[]).map((v) => [v]);
    if (entries.length === 0) {
      emitNull(repeated, r, d, leaves);
      return;
    }
    entries.forEach((entry, i) => {
      const rr = i === 0 ? r : repDepth + 1;
      repeated.children!.forEach((child, j) =>
        shred(child, entry[j], rr, d + 1, repDepth + 1, leaves)
      );
    });
    return;
  }
  for (const child of node.children!) {
    shred(child, (value as Record<string, unknown>)[child.name], r, d, repDepth, leaves);
  }
}

function emitNull(node: Expanded, r: number, d: number, leaves: Map<Expanded, Leaf>) {
  if (node.kind) {
    const leaf = leaves.get(node)!;
    leaf.reps.push(r);
    leaf.defs.push(d);
    return;
  }
  for (const child of node.children!) emitNull(child, r, d, leaves);
}

class Bytes {
  #chunks: number[] = [];
  byte(b: number) {
    this.#chunks.push(b & 0xff);
  }
  bytes(data: Uint8Array | number[]) {
    for (const b of data) this.#chunks.push(b);
  }
  varint(n: bigint | number) {
    let v = BigInt(n);
    while (v >= 0x80n) {
      this.byte(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.byte(Number(v));
  }
  zigzag(n: bigint | number) {
    const v = BigInt(n);
    this.varint(v >= 0n ? v << 1n : ((-v) << 1n) - 1n);
  }
  u32le(n: number) {
    this.bytes([n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff]);
  }
  i64le(n: number | bigint) {
    let v = BigInt.asUintN(64, BigInt(n));
    for (let i = 0; i < 8; i++) {
      this.byte(Number(v & 0xffn));
      v >>= 8n;
    }
  }
  get length() {
    return this.#chunks.length;
  }
  toUint8Array() {
    return Uint8Array.from(this.#chunks);
  }
}

/** Thrift compact-protocol struct writer. */
class Thrift {
  readonly out = new Bytes();
  #last: number[] = [0];
  #field(id: number, type: number) {
    const delta = id - this.#last[this.#last.length - 1];
    if (delta > 0 && delta <= 15) this.out.byte((delta << 4) | type);
    else {
      this.out.byte(type);
      this.out.zigzag(id);
    }
    this.#last[this.#last.length - 1] = id;
  }
  i32(id: number, v: number) {
    this.#field(id, 5);
    this.out.zigzag(v);
  }
  i64(id: number, v: number | bigint) {
    this.#field(id, 6);
    this.out.zigzag(v);
  }
  string(id: number, v: string) {
    this.#field(id, 8);
    const b = new TextEncoder().encode(v);
    this.out.varint(b.length);
    this.out.bytes(b);
  }
  begin(id: number) {
    this.#field(id, 12);
    this.#last.push(0);
  }
  end() {
    this.out.byte(0);
    this.#last.pop();
  }
  #listHeader(size: number, type: number) {
    if (size < 15) this.out.byte((size << 4) | type);
    else {
      this.out.byte(0xf0 | type);
      this.out.varint(size);
    }
  }
  listI32(id: number, values: number[]) {
    this.#field(id, 9);
    this.#listHeader(values.length, 5);
    for (const v of values) this.out.zigzag(v);
  }
  listString(id: number, values: string[]) {
    this.#field(id, 9);
    this.#listHeader(values.length, 8);
    for (const v of values) {
      const b = new TextEncoder().encode(v);
      this.out.varint(b.length);
      this.out.bytes(b);
    }
  }
  listStructs<T>(id: number, items: T[], write: (item: T) => void) {
    this.#field(id, 9);
    this.#listHeader(items.length, 12);
    for (const item of items) {
      this.#last.push(0);
      write(item);
      this.out.byte(0);
      this.#last.pop();
    }
  }
}

function bitWidth(max: number): number {
  return max === 0 ? 0 : Math.ceil(Math.log2(max + 1));
}

/** RLE runs only (valid RLE/bit-packing hybrid), prefixed by the 4-byte length. */
function encodeLevels(levels: number[], max: number, out: Bytes) {
  const width = bitWidth(max);
  const body = new Bytes();
  const valueBytes = Math.ceil(width / 8);
  for (let i = 0; i < levels.length;) {
    let j = i;
    while (j < levels.length && levels[j] === levels[i]) j++;
    body.varint((j - i) << 1);
    for (let k = 0; k < valueBytes; k++) body.byte((levels[i] >> (8 * k)) & 0xff);
    i = j;
  }
  out.u32le(body.length);
  out.bytes(body.toUint8Array());
}

function encodeValues(leaf: Leaf, out: Bytes) {
  if (leaf.kind === "boolean") {
    let byte = 0;
    let bit = 0;
    for (const v of leaf.values) {
      if (v) byte |= 1 << bit;
      if (++bit === 8) {
        out.byte(byte);
        byte = 0;
        bit = 0;
      }
    }
    if (bit > 0) out.byte(byte);
    return;
  }
  for (const v of leaf.values) {
    if (leaf.kind === "int32") out.u32le(Number(v) | 0);
    else if (leaf.kind === "int64") {
      out.i64le(typeof v === "bigint" ? v : BigInt(Math.trunc(Number(v))));
    } else {
      const b = new TextEncoder().encode(String(v));
      out.u32le(b.length);
      out.bytes(b);
    }
  }
}

const PHYSICAL = { boolean: 0, int32: 1, int64: 2, string: 6 } as const;

/** Encodes rows (plain objects) with `schema` as a Parquet file. */
export function encodeParquet(schema: ParquetNode[], rows: Record<string, unknown>[]): Uint8Array {
  const roots = schema.map(expand);
  const leavesByNode = new Map<Expanded, Leaf>();
  const leaves: Leaf[] = [];
  const walk = (node: Expanded, path: string[], def: number, rep: number) => {
    const d = def + (node.repetition === REQUIRED ? 0 : 1);
    const r = rep + (node.repetition === REPEATED ? 1 : 0);
    if (node.kind) {
      const leaf: Leaf = {
        path: [...path, node.name],
        kind: node.kind,
        maxDef: d,
        maxRep: r,
        reps: [],
        defs: [],
        values: [],
      };
      leaves.push(leaf);
      leavesByNode.set(node, leaf);
    } else {
      for (const child of node.children!) walk(child, [...path, node.name], d, r);
    }
  };
  for (const root of roots) walk(root, [], 0, 0);
  for (const row of rows) {
    for (const root of roots) shred(root, row[root.name], 0, 0, 0, leavesByNode);
  }

  const file = new Bytes();
  file.bytes(new TextEncoder().encode("PAR1"));
  const chunks: { leaf: Leaf; offset: number; size: number }[] = [];
  for (const leaf of leaves) {
    const page = new Bytes();
    if (leaf.maxRep > 0) encodeLevels(leaf.reps, leaf.maxRep, page);
    if (leaf.maxDef > 0) encodeLevels(leaf.defs, leaf.maxDef, page);
    encodeValues(leaf, page);
    const header = new Thrift();
    header.i32(1, 0); // DATA_PAGE
    header.i32(2, page.length);
    header.i32(3, page.length);
    header.begin(5);
    header.i32(1, leaf.defs.length);
    header.i32(2, 0); // PLAIN
    header.i32(3, 3); // RLE
    header.i32(4, 3); // RLE
    header.end();
    header.out.byte(0);
    const offset = file.length;
    file.bytes(header.out.toUint8Array());
    file.bytes(page.toUint8Array());
    chunks.push({ leaf, offset, size: file.length - offset });
  }

  const meta = new Thrift();
  meta.i32(1, 1);
  const elements: Expanded[] = [];
  const flatten = (node: Expanded) => {
    elements.push(node);
    for (const child of node.children ?? []) flatten(child);
  };
  for (const root of roots) flatten(root);
  meta.listStructs(2, [undefined, ...elements], (node) => {
    if (node === undefined) {
      meta.string(4, "schema");
      meta.i32(5, roots.length);
      return;
    }
    if (node.kind) meta.i32(1, PHYSICAL[node.kind]);
    meta.i32(3, node.repetition);
    meta.string(4, node.name);
    if (node.children) meta.i32(5, node.children.length);
    if (node.converted !== undefined) meta.i32(6, node.converted);
    else if (node.kind === "string") meta.i32(6, 0); // UTF8
  });
  meta.i64(3, rows.length);
  const totalSize = chunks.reduce((n, c) => n + c.size, 0);
  meta.listStructs(4, [0], () => {
    meta.listStructs(1, chunks, (chunk) => {
      meta.i64(2, chunk.offset);
      meta.begin(3);
      meta.i32(1, PHYSICAL[chunk.leaf.kind]);
      meta.listI32(2, [0, 3]);
      meta.listString(3, chunk.leaf.path);
      meta.i32(4, 0); // UNCOMPRESSED
      meta.i64(5, chunk.leaf.defs.length);
      meta.i64(6, chunk.size);
      meta.i64(7, chunk.size);
      meta.i64(9, chunk.offset);
      meta.end();
    });
    meta.i64(2, totalSize);
    meta.i64(3, rows.length);
  });
  meta.string(6, "hubwatch");
  meta.out.byte(0);
  const footer = meta.out.toUint8Array();
  file.bytes(footer);
  file.u32le(footer.length);
  file.bytes(new TextEncoder().encode("PAR1"));
  return file.toUint8Array();
}
