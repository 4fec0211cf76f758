// A flattened devicetree builder: a tree of nodes and properties, serialised as a
// version 17 FDT blob (Devicetree Specification v0.4, chapter 5 "Flattened Devicetree
// (DTB) Format"): a 40-byte header, the memory reservation block, the structure block
// and the strings block (property names, each stored once). All values are big-endian.
//
// Names are checked against the specification's character sets (§2.2.1, §2.2.4): a
// bad name is a bug in the board code, so it throws at once rather than producing a
// tree that Linux rejects.

const FDT_MAGIC = 0xd00d_feed;
const FDT_VERSION = 17;
const FDT_LAST_COMP_VERSION = 16;
const FDT_BEGIN_NODE = 0x1;
const FDT_END_NODE = 0x2;
const FDT_PROP = 0x3;
const FDT_END = 0x9;
const HEADER_SIZE = 40;

/** §2.2.1: node-name[@unit-address], the name 1..31 characters. */
const NODE_NAME = /^[0-9A-Za-z,._+-]{1,31}(@[0-9A-Za-z,._+-]+)?$/;
/** §2.2.4: property names, 1..31 characters. */
const PROPERTY_NAME = /^[0-9A-Za-z,._+?#-]{1,31}$/;

export interface FdtProperty {
  readonly name: string;
  readonly value: Uint8Array;
}

export class FdtNode {
  readonly #props: FdtProperty[] = [];
  readonly #children: FdtNode[] = [];

  constructor(readonly name: string) {
    if (name !== '' && !NODE_NAME.test(name)) throw new RangeError(`devicetree: bad node name "${name}"`);
  }

  get properties(): readonly FdtProperty[] {
    return this.#props;
  }

  get children(): readonly FdtNode[] {
    return this.#children;
  }

  /** Adds a child node; names are unique among siblings. */
  addChild(name: string): FdtNode {
    if (this.#children.some((c) => c.name === name)) throw new RangeError(`devicetree: duplicate node "${name}"`);
    const child = new FdtNode(name);
    this.#children.push(child);
    return child;
  }

  child(name: string): FdtNode | undefined {
    return this.#children.find((c) => c.name === name);
  }

  property(name: string): Uint8Array | undefined {
    return this.#props.find((p) => p.name === name)?.value;
  }

  /** Sets a property to raw bytes, replacing an earlier value of the same name. */
  bytes(name: string, value: Uint8Array): this {
    if (!PROPERTY_NAME.test(name)) throw new RangeError(`devicetree: bad property name "${name}"`);
    const i = this.#props.findIndex((p) => p.name === name);
    const prop = { name, value: value.slice() };
    if (i >= 0) this.#props[i] = prop;
    else this.#props.push(prop);
    return this;
  }

  /** A property with no value (a boolean such as `interrupt-controller`). */
  empty(name: string): this {
    return this.bytes(name, new Uint8Array(0));
  }

  /** One or more 32-bit cells (<u32>, <prop-encoded-array>, phandles). */
  u32(name: string, ...cells: number[]): this {
    const out = new Uint8Array(4 * cells.length);
    const view = new DataView(out.buffer);
    cells.forEach((c, i) => {
      if (!Number.isInteger(c) || c < 0 || c > 0xffff_ffff) throw new RangeError(`devicetree: ${name}: ${c} is not a u32`);
      view.setUint32(4 * i, c);
    });
    return this.bytes(name, out);
  }

  /** One or more 64-bit values, each as two cells, high first (<u64>). */
  u64(name: string, ...values: (number | bigint)[]): this {
    const out = new Uint8Array(8 * values.length);
    const view = new DataView(out.buffer);
    values.forEach((v, i) => {
      const big = BigInt(v);
      if (big < 0n || big >= 1n << 64n) throw new RangeError(`devicetree: ${name}: ${v} is not a u64`);
      view.setBigUint64(8 * i, big);
    });
    return this.bytes(name, out);
  }

  /** A NUL-terminated string. */
  string(name: string, value: string): this {
    return this.strings(name, value);
  }

  /** A <stringlist>: NUL-terminated strings one after the other. */
  strings(name: string, ...values: string[]): this {
    if (values.some((v) => v.includes('\0'))) throw new RangeError(`devicetree: ${name}: a string holds NUL`);
    return this.bytes(name, new TextEncoder().encode(values.map((v) => `${v}\0`).join('')));
  }
}

export class Fdt {
  readonly root = new FdtNode('');
  /** The boot CPU's `reg` (header field boot_cpuid_phys). */
  bootCpuId = 0;
  readonly #reserved: [bigint, bigint][] = [];
  readonly #phandles = new Map<FdtNode, number>();

  /** Adds a memory reservation entry (§5.3): the OS must not use [address, address+size). */
  reserve(address: number | bigint, size: number | bigint): void {
    this.#reserved.push([BigInt(address), BigInt(size)]);
  }

  /** The node's phandle, giving it a new one (and its `phandle` property) the first time. */
  phandle(node: FdtNode): number {
    let handle = this.#phandles.get(node);
    if (handle === undefined) {
      handle = this.#phandles.size + 1;
      this.#phandles.set(node, handle);
      node.u32('phandle', handle);
    }
    return handle;
  }

  /** The tree as an FDT v17 blob. */
  build(): Uint8Array {
    const strings = new ByteWriter();
    const names = new Map<string, number>();
    const nameOffset = (name: string): number => {
      let off = names.get(name);
      if (off === undefined) {
        off = strings.length;
        names.set(name, off);
        strings.bytes(new TextEncoder().encode(`${name}\0`));
      }
      return off;
    };

    const struct = new ByteWriter();
    const emit = (node: FdtNode): void => {
      struct.u32(FDT_BEGIN_NODE);
      struct.bytes(new TextEncoder().encode(`${node.name}\0`));
      struct.align(4);
      for (const p of node.properties) {
        struct.u32(FDT_PROP);
        struct.u32(p.value.length);
        struct.u32(nameOffset(p.name));
        struct.bytes(p.value);
        struct.align(4);
      }
      for (const c of node.children) emit(c);
      struct.u32(FDT_END_NODE);
    };
    emit(this.root);
    struct.u32(FDT_END);

    const rsvmap = new ByteWriter();
    for (const [address, size] of [...this.#reserved, [0n, 0n] as [bigint, bigint]]) {
      rsvmap.u64(address);
      rsvmap.u64(size);
    }

    // Layout: header, reservation block (8-aligned), structure block (4-aligned), strings.
    const offRsvmap = HEADER_SIZE;
    const offStruct = offRsvmap + rsvmap.length;
    const offStrings = offStruct + struct.length;
    const total = offStrings + strings.length;
    const blob = new Uint8Array(total);
    const view = new DataView(blob.buffer);
    const header = [FDT_MAGIC, total, offStruct, offStrings, offRsvmap, FDT_VERSION, FDT_LAST_COMP_VERSION,
      this.bootCpuId, strings.length, struct.length];
    header.forEach((v, i) => view.setUint32(4 * i, v));
    blob.set(rsvmap.result(), offRsvmap);
    blob.set(struct.result(), offStruct);
    blob.set(strings.result(), offStrings);
    return blob;
  }
}

/** A growable big-endian byte buffer. */
class ByteWriter {
  #buf = new Uint8Array(256);
  #len = 0;

  get length(): number {
    return this.#len;
  }

  u32(v: number): void {
    this.#reserve(4);
    new DataView(this.#buf.buffer).setUint32(this.#len, v);
    this.#len += 4;
  }

  u64(v: bigint): void {
    this.#reserve(8);
    new DataView(this.#buf.buffer).setBigUint64(this.#len, BigInt.asUintN(64, v));
    this.#len += 8;
  }

  bytes(b: Uint8Array): void {
    this.#reserve(b.length);
    this.#buf.set(b, this.#len);
    this.#len += b.length;
  }

  align(n: number): void {
    const pad = (n - (this.#len % n)) % n;
    this.#reserve(pad);
    this.#len += pad; // the buffer is zero-filled
  }

  result(): Uint8Array {
    return this.#buf.subarray(0, this.#len);
  }

  #reserve(n: number): void {
    if (this.#len + n <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < this.#len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.#buf.subarray(0, this.#len));
    this.#buf = next;
  }
}
