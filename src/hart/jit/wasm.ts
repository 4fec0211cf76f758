// A small WebAssembly binary emitter: just what the JIT's code generator needs (one
// function per module, importing the hart's memory). Structured control flow is
// emitted with named labels, so branch depths are computed here, not by the caller.

export const I32 = 0x7f;
export const I64 = 0x7e;

/** Opcodes used by the code generator (WebAssembly core spec, "Instructions"). */
export enum Opc {
  block = 0x02, loop = 0x03, if_ = 0x04, else_ = 0x05, end = 0x0b, br = 0x0c, brIf = 0x0d, brTable = 0x0e, return_ = 0x0f,
  drop = 0x1a, select = 0x1b,
  localGet = 0x20, localSet = 0x21, localTee = 0x22,
  i32Load = 0x28, i64Load = 0x29, i64Load8S = 0x30, i64Load8U = 0x31, i64Load16S = 0x32, i64Load16U = 0x33,
  i64Load32S = 0x34, i64Load32U = 0x35, i32Store = 0x36, i64Store = 0x37, i64Store8 = 0x3c, i64Store16 = 0x3d, i64Store32 = 0x3e,
  i32Const = 0x41, i64Const = 0x42,
  call = 0x10, returnCall = 0x12, returnCallIndirect = 0x13,
  i32Eqz = 0x45, i32Ne = 0x47, i32LtS = 0x48, i32GtU = 0x4b, i32LeS = 0x4c, i32GeU = 0x4f,
  i64Eqz = 0x50, i64Eq = 0x51, i64Ne = 0x52, i64LtS = 0x53, i64LtU = 0x54, i64GtS = 0x55, i64GtU = 0x56, i64GeS = 0x59, i64GeU = 0x5a,
  i32Add = 0x6a, i32Sub = 0x6b, i32And = 0x71, i32Or = 0x72, i32Shl = 0x74, i32ShrS = 0x75, i32ShrU = 0x76,
  i64Clz = 0x79, i64Ctz = 0x7a, i64Popcnt = 0x7b,
  i64Add = 0x7c, i64Sub = 0x7d, i64Mul = 0x7e, i64DivS = 0x7f, i64DivU = 0x80, i64RemS = 0x81, i64RemU = 0x82,
  i64And = 0x83, i64Or = 0x84, i64Xor = 0x85, i64Shl = 0x86, i64ShrS = 0x87, i64ShrU = 0x88, i64Rotl = 0x89, i64Rotr = 0x8a,
  i32WrapI64 = 0xa7, i64ExtendI32S = 0xac, i64ExtendI32U = 0xad,
  i64Extend8S = 0xc2, i64Extend16S = 0xc3, i64Extend32S = 0xc4,
}

/** A growable byte buffer. */
export class Bytes {
  #buf = new Uint8Array(4096);
  length = 0;

  /** One byte (the shape uleb and sleb write through, as they do to an array). */
  push(b: number): void { this.byte(b); }

  byte(b: number): void {
    if (this.length === this.#buf.length) {
      const bigger = new Uint8Array(this.#buf.length * 2);
      bigger.set(this.#buf);
      this.#buf = bigger;
    }
    this.#buf[this.length++] = b;
  }

  get view(): Uint8Array { return this.#buf.subarray(0, this.length); }
}

export class Code {
  readonly bytes = new Bytes();
  readonly #labels: (string | undefined)[] = [];
  /** Where each open label is in #labels (labels are unique while open). */
  readonly #pos = new Map<string, number>();

  // (Fixed parameters rather than a rest array: the code generator emits a few bytes
  // per call, and an array per call made it several times slower.)
  op(a: Opc, b?: Opc, c?: Opc): this {
    this.bytes.byte(a);
    if (b !== undefined) this.bytes.byte(b);
    if (c !== undefined) this.bytes.byte(c);
    return this;
  }
  u32(v: number): this { uleb(this.bytes, v); return this; }

  i32(v: number): this { this.bytes.push(Opc.i32Const); slebSmall(this.bytes, v | 0); return this; }
  i64(v: bigint): this {
    this.bytes.push(Opc.i64Const);
    const n = BigInt.asIntN(64, v);
    if (n >= -0x8000_0000n && n < 0x8000_0000n) slebSmall(this.bytes, Number(n));
    else sleb(this.bytes, n);
    return this;
  }
  /** i64.const of a small integer (|v| < 2^31). */
  i64n(v: number): this { this.bytes.push(Opc.i64Const); slebSmall(this.bytes, v | 0); return this; }
  get(l: number): this { this.bytes.push(Opc.localGet); uleb(this.bytes, l); return this; }
  set(l: number): this { this.bytes.push(Opc.localSet); uleb(this.bytes, l); return this; }
  tee(l: number): this { this.bytes.push(Opc.localTee); uleb(this.bytes, l); return this; }
  /** A load or store with natural alignment hint `align` (log2) and a constant offset. */
  mem(o: Opc, align: number, offset = 0): this { this.bytes.push(o); uleb(this.bytes, align); uleb(this.bytes, offset); return this; }

  block(label?: string): this { this.bytes.byte(Opc.block); this.bytes.byte(0x40); this.#open(label); return this; }
  loop(label?: string): this { this.bytes.byte(Opc.loop); this.bytes.byte(0x40); this.#open(label); return this; }
  #open(label: string | undefined): void {
    if (label !== undefined) {
      if (this.#pos.has(label)) throw new Error(`wasm emitter: label ${label} is already open`);
      this.#pos.set(label, this.#labels.length);
    }
    this.#labels.push(label);
  }
  if_(): this { this.bytes.byte(Opc.if_); this.bytes.byte(0x40); this.#labels.push(undefined); return this; }
  /** `if` with an i64 result. */
  ifI64(): this { this.bytes.byte(Opc.if_); this.bytes.byte(I64); this.#labels.push(undefined); return this; }
  else_(): this { this.bytes.push(Opc.else_); return this; }
  end(): this {
    if (this.#labels.length === 0) throw new Error('wasm emitter: end without an open block');
    const label = this.#labels.pop();
    if (label !== undefined) this.#pos.delete(label);
    this.bytes.push(Opc.end);
    return this;
  }
  depth(label: string): number {
    const i = this.#pos.get(label) ?? -1;
    if (i < 0) throw new Error(`wasm emitter: no open label ${label}`);
    return this.#labels.length - 1 - i;
  }
  br(label: string): this { this.bytes.push(Opc.br); uleb(this.bytes, this.depth(label)); return this; }
  brIf(label: string): this { this.bytes.push(Opc.brIf); uleb(this.bytes, this.depth(label)); return this; }
  /** br_table with the label depths already computed (the code generator's tables span up to 2048 entries). */
  brTableDepths(depths: readonly number[], dflt: number): this {
    this.bytes.byte(Opc.brTable);
    uleb(this.bytes, depths.length);
    for (let i = 0; i < depths.length; i++) uleb(this.bytes, depths[i]!);
    uleb(this.bytes, dflt);
    return this;
  }
}

export interface FunctionSpec {
  params: readonly number[];
  results: readonly number[];
  /** Local declarations after the parameters: [count, type]. */
  locals: readonly (readonly [number, number])[];
  /** The functions' code, all of this type and with these locals; the first is exported as `f`. */
  bodies: readonly Code[];
  /** Whether the module imports `env.table` (the hart's function table, for return_call_indirect). */
  table?: boolean;
}

/** A module importing `env.memory` (and `env.table` if asked) with functions of one type, exporting the first as `f`. */
export function moduleBytes(fn: FunctionSpec): Uint8Array<ArrayBuffer> {
  const head: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const type: number[] = [1, 0x60];
  vec(type, fn.params);
  vec(type, fn.results);
  section(head, 1, type);
  const imp: number[] = [fn.table === true ? 2 : 1];
  name(imp, 'env'); name(imp, 'memory');
  imp.push(0x02, 0x00, 0x00); // memory, limits: min 0, no max
  if (fn.table === true) {
    name(imp, 'env'); name(imp, 'table');
    imp.push(0x01, 0x70, 0x00, 0x00); // table of funcref, limits: min 0, no max
  }
  section(head, 2, imp);
  const funcs: number[] = [];
  uleb(funcs, fn.bodies.length);
  for (let i = 0; i < fn.bodies.length; i++) funcs.push(0);
  section(head, 3, funcs);
  const exp: number[] = [1];
  name(exp, 'f'); exp.push(0x00, 0);
  section(head, 7, exp);
  const locals: number[] = [];
  uleb(locals, fn.locals.length);
  for (const [n, t] of fn.locals) { uleb(locals, n); locals.push(t); }
  // The code section: per function its size, the locals, the code and `end`.
  const sizes = fn.bodies.map((b) => {
    const size: number[] = [];
    uleb(size, locals.length + b.bytes.length + 1);
    return size;
  });
  const count: number[] = [];
  uleb(count, fn.bodies.length);
  const sectionSize = count.length + fn.bodies.reduce((n, b, i) => n + sizes[i]!.length + locals.length + b.bytes.length + 1, 0);
  const sec: number[] = [10];
  uleb(sec, sectionSize);
  const out = new Uint8Array(head.length + sec.length + sectionSize);
  let at = 0;
  for (const part of [head, sec, count]) { out.set(part, at); at += part.length; }
  fn.bodies.forEach((b, i) => {
    out.set(sizes[i]!, at); at += sizes[i]!.length;
    out.set(locals, at); at += locals.length;
    out.set(b.bytes.view, at); at += b.bytes.length;
    out[at++] = Opc.end;
  });
  return out;
}

function section(out: number[], id: number, content: number[]): void {
  out.push(id);
  uleb(out, content.length);
  for (const b of content) out.push(b);
}

function vec(out: number[], items: readonly number[]): void {
  uleb(out, items.length);
  for (const i of items) out.push(i);
}

function name(out: number[], s: string): void {
  const b = new TextEncoder().encode(s);
  uleb(out, b.length);
  for (const x of b) out.push(x);
}

/**
 * Whether this engine has tail calls (WebAssembly 3.0; V8 11.2, Firefox 121, Safari
 * 18.2): a module with a return_call_indirect validates.
 */
export function hasTailCalls(): boolean {
  return WebAssembly.validate(new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f, 0x03, 0x02, 0x01, 0x00,
    0x04, 0x04, 0x01, 0x70, 0x00, 0x01, 0x0a, 0x09, 0x01, 0x07, 0x00, 0x41, 0x00, 0x13, 0x00, 0x00, 0x0b,
  ]));
}

export function uleb(out: { push(b: number): void }, v: number): void {
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
}

/** Signed LEB128 of an int32. */
export function slebSmall(out: { push(b: number): void }, v: number): void {
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) { out.push(b); return; }
    out.push(b | 0x80);
  }
}

export function sleb(out: { push(b: number): void }, v: bigint): void {
  for (;;) {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    if ((v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0)) { out.push(b); return; }
    out.push(b | 0x80);
  }
}
