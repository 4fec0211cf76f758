// A small flattened-devicetree reader for tests (devicetree specification v0.4 §5):
// every node in blob order with its full path and its properties, so two trees can be
// compared node by node without going through dtc's text.

export interface FdtReadNode {
  /** "/", "/soc", "/soc/serial@10000000". */
  readonly path: string;
  /** Properties in blob order. */
  readonly props: ReadonlyMap<string, Uint8Array>;
}

const FDT_MAGIC = 0xd00dfeed;
const FDT_BEGIN_NODE = 1;
const FDT_END_NODE = 2;
const FDT_PROP = 3;
const FDT_NOP = 4;
const FDT_END = 9;

/** The nodes of `blob` in order; throws on a malformed blob. */
export function readFdt(blob: Uint8Array): FdtReadNode[] {
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  if (view.getUint32(0) !== FDT_MAGIC) throw new Error('not a flattened devicetree (bad magic)');
  const structOff = view.getUint32(8);
  const stringsOff = view.getUint32(12);
  const cString = (at: number): [string, number] => {
    let end = at;
    while (blob[end] !== 0) end++;
    return [new TextDecoder().decode(blob.subarray(at, end)), end + 1];
  };
  const nodes: { path: string; props: Map<string, Uint8Array> }[] = [];
  const stack: { path: string; props: Map<string, Uint8Array> }[] = [];
  let at = structOff;
  for (;;) {
    const token = view.getUint32(at);
    at += 4;
    if (token === FDT_BEGIN_NODE) {
      const [name, next] = cString(at);
      at = (next + 3) & ~3;
      const parent = stack.at(-1);
      const path = parent === undefined ? '/' : parent.path === '/' ? `/${name}` : `${parent.path}/${name}`;
      const node = { path, props: new Map<string, Uint8Array>() };
      nodes.push(node);
      stack.push(node);
    } else if (token === FDT_END_NODE) {
      stack.pop();
    } else if (token === FDT_PROP) {
      const len = view.getUint32(at);
      const nameOff = view.getUint32(at + 4);
      at += 8;
      const node = stack.at(-1);
      if (node === undefined) throw new Error('property outside a node');
      node.props.set(cString(stringsOff + nameOff)[0], blob.slice(at, at + len));
      at = (at + len + 3) & ~3;
    } else if (token === FDT_NOP) {
      continue;
    } else if (token === FDT_END) {
      return nodes;
    } else {
      throw new Error(`bad structure token ${token} at ${at - 4}`);
    }
  }
}

/** A property value as dtc would print it, roughly: strings when printable, else cells. */
export function showProp(value: Uint8Array): string {
  if (value.length === 0) return '(empty)';
  const text = new TextDecoder().decode(value);
  if (value[value.length - 1] === 0 && /^[\x20-\x7e]+(\0[\x20-\x7e]+)*\0$/.test(text)) {
    return JSON.stringify(text.slice(0, -1).split('\0'));
  }
  if (value.length % 4 === 0) {
    const v = new DataView(value.buffer, value.byteOffset, value.byteLength);
    return `<${Array.from({ length: value.length / 4 }, (_, i) => `0x${v.getUint32(4 * i).toString(16)}`).join(' ')}>`;
  }
  return `[${Array.from(value, (b) => b.toString(16).padStart(2, '0')).join(' ')}]`;
}
