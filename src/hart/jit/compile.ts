// The JIT's code generator (docs/hart.md, "JIT"): one physical page of guest code,
// from the entry points the run loop reached, into one WebAssembly module.
//
// The module exports
// f(entry: i32, left: i32, vbase: i64, tlbLoad: i32, tlbStore: i32, tlbFetch: i32): i32.
// `entry` is the halfword offset of the pc in the page, `left` the instruction budget,
// `vbase` the virtual address of the page (the same code may be mapped at several),
// and the three TLB tables the ones the run loop would use. It returns the budget
// left, and leaves the next pc, the last retired instruction and the exit kind in the
// exchange area: 0, the interpreter must execute the instruction at pc; 1, arrived
// there by a jump, the run loop may enter compiled code there; 2, the instruction at
// pc traps, with the cause and tval it leaves beside; 3, no compiled code at pc
// (`entry` is not one of this function's block starts).
//
// Chaining: an exit by a jump (kind 1) to a pc whose page the fetch TLB maps and has
// compiled code tail-calls that page's function (return_call_indirect through the
// hart's table) instead of returning to the run loop; the budget goes along, so the
// chain ends where the interpreter's chunk would, and whatever the last function
// returns is the caller's answer too.
//
// Guest registers live in locals, loaded on entry and stored back at the exit: each
// group of blocks joined by local control flow is a function of its own (f picks it
// by `entry`), with only the registers the group uses.
// Each basic block first checks that the budget covers it whole, so the chunk ends on
// exactly the instruction where the interpreter's would. Loads and stores take the
// TLB fast path inline; anything else (TLB miss, page crossing, MMIO, a page with
// compiled code) leaves before the instruction, which the interpreter then executes.
// Instructions that are not compiled (system, CSR, atomics, FP, ...) end the block
// the same way, so CSR and device side effects happen in the interpreter. The
// instructions that always trap (EBREAK, an illegal encoding) end a block by leaving
// with kind 2 and the trap's cause and tval: the run loop raises it with the
// interpreter's raiseAt and runs its one trap epilogue (exec.ts), so a trap is taken by
// the same code either way. (Calling the hart from here instead, through an import,
// made V8's code for such a page slower: docs/hart.md, "JIT".)

import { Op } from '../core/ops.js';
import { Code, I32, I64, Opc, moduleBytes } from './wasm.js';

/** One decoded instruction (the interpreter's decoder: src/hart/core/decode.ts). */
export interface Insn {
  readonly op: Op;
  /** 32 (X_SINK) for x0. */
  readonly rd: number;
  readonly rs1: number;
  readonly rs2: number;
  readonly imm: number;
  readonly len: number;
  readonly raw: number;
}

export interface PageSource {
  /** The 16-bit parcel at byte offset `off` of the page (off < 4096). */
  half(off: number): number;
  decode(raw: number): Insn;
}

export interface CompiledPage {
  readonly bytes: Uint8Array<ArrayBuffer>;
  /** Block starts, as byte offsets. */
  readonly leaders: readonly number[];
  readonly insns: number;
}

const PAGE = 4096;
const X_SINK = 32;
/**
 * Bounds on one function, so modules stay small: besides its entries, a function has
 * at most `extra` block starts found by following jumps (the caller grows it as a
 * page proves hot; the rest of the page becomes code only when the run loop reaches
 * it often enough to make it an entry), and at most MAX_LEADERS in all. V8 compiles
 * every module twice (Liftoff at once, TurboFan in the background once it is hot),
 * at a cost that grows with its size.
 */
export const MAX_LEADERS = 256;

// Locals: parameters, then x1..x31, then scratch.
const P_ENTRY = 0, P_LEFT = 1, P_VBASE = 2, P_TLBL = 3, P_TLBS = 4, P_TLBF = 5;
const xl = (r: number): number => 5 + r; // x1 -> 6 ... x31 -> 36
const L_PC = 37, L_VA = 38, L_LP = 40; // 39: spare
const L_BB = 41, L_E = 42, L_LR = 44, L_KIND = 45; // 43: spare

const LOADS: ReadonlyMap<Op, [Opc, number]> = new Map([
  [Op.LB, [Opc.i64Load8S, 1]], [Op.LH, [Opc.i64Load16S, 2]], [Op.LW, [Opc.i64Load32S, 4]], [Op.LD, [Opc.i64Load, 8]],
  [Op.LBU, [Opc.i64Load8U, 1]], [Op.LHU, [Opc.i64Load16U, 2]], [Op.LWU, [Opc.i64Load32U, 4]],
]);
const STORES: ReadonlyMap<Op, [Opc, number]> = new Map([
  [Op.SB, [Opc.i64Store8, 1]], [Op.SH, [Opc.i64Store16, 2]], [Op.SW, [Opc.i64Store32, 4]], [Op.SD, [Opc.i64Store, 8]],
]);
const BRANCHES: ReadonlyMap<Op, Opc> = new Map([
  [Op.BEQ, Opc.i64Eq], [Op.BNE, Opc.i64Ne], [Op.BLT, Opc.i64LtS], [Op.BGE, Opc.i64GeS], [Op.BLTU, Opc.i64LtU], [Op.BGEU, Opc.i64GeU],
]);
/** rd = rs1 OP rs2. */
const REG_ALU: ReadonlyMap<Op, Opc> = new Map([
  [Op.ADD, Opc.i64Add], [Op.SUB, Opc.i64Sub], [Op.XOR, Opc.i64Xor], [Op.OR, Opc.i64Or], [Op.AND, Opc.i64And],
  [Op.SLL, Opc.i64Shl], [Op.SRL, Opc.i64ShrU], [Op.SRA, Opc.i64ShrS], [Op.MUL, Opc.i64Mul],
  [Op.ROL, Opc.i64Rotl], [Op.ROR, Opc.i64Rotr],
]);
/** rd = rs1 OP imm. */
const IMM_ALU: ReadonlyMap<Op, Opc> = new Map([
  [Op.ADDI, Opc.i64Add], [Op.XORI, Opc.i64Xor], [Op.ORI, Opc.i64Or], [Op.ANDI, Opc.i64And],
  [Op.SLLI, Opc.i64Shl], [Op.SRLI, Opc.i64ShrU], [Op.SRAI, Opc.i64ShrS], [Op.RORI, Opc.i64Rotr],
]);
/** rd = sext32(rs1 OP rs2) / sext32(rs1 OP imm), computed in 64 bits. */
const W64: ReadonlyMap<Op, Opc> = new Map([[Op.ADDW, Opc.i64Add], [Op.SUBW, Opc.i64Sub], [Op.MULW, Opc.i64Mul]]);

const OTHER_ALU = new Set<Op>([
  Op.LUI, Op.AUIPC, Op.SLTI, Op.SLTIU, Op.SLT, Op.SLTU, Op.ADDIW, Op.SLLIW, Op.SRLIW, Op.SRAIW, Op.SLLW, Op.SRLW, Op.SRAW,
  Op.DIV, Op.DIVU, Op.REM, Op.REMU, Op.DIVW, Op.DIVUW, Op.REMW, Op.REMUW,
  Op.SH1ADD, Op.SH2ADD, Op.SH3ADD, Op.ADD_UW, Op.ANDN, Op.ORN, Op.XNOR, Op.MAX, Op.MAXU, Op.MIN, Op.MINU,
  Op.SEXT_B, Op.SEXT_H, Op.ZEXT_H, Op.CLZ, Op.CTZ, Op.CPOP, Op.CZERO_EQZ, Op.CZERO_NEZ, Op.FENCE,
]);

// Per op, what the compiler does with it (arrays indexed by op: the maps' lookups
// showed in the profile of a Linux boot's compilations, which run mostly in V8's
// interpreter, their JavaScript not yet hot).
const CLASS_LOAD = 1, CLASS_STORE = 2, CLASS_BRANCH = 3, CLASS_REG = 4, CLASS_IMM = 5, CLASS_W64 = 6, CLASS_OTHER = 7;
const CLASS_JAL = 8, CLASS_JALR = 9, CLASS_TRAP = 10;
const CLASS = new Uint8Array(Op.COUNT);
/** The wasm opcode of a load, store, branch or ALU op; the access size of a load or store. */
const OPC = new Uint8Array(Op.COUNT);
const SIZE = new Uint8Array(Op.COUNT);
for (const [cls, table] of [
  [CLASS_LOAD, LOADS], [CLASS_STORE, STORES], [CLASS_BRANCH, BRANCHES], [CLASS_REG, REG_ALU], [CLASS_IMM, IMM_ALU], [CLASS_W64, W64],
] as const) {
  for (const [op, v] of table as ReadonlyMap<Op, Opc | [Opc, number]>) {
    CLASS[op] = cls;
    if (Array.isArray(v)) { OPC[op] = v[0]; SIZE[op] = v[1]; } else OPC[op] = v as Opc;
  }
}
for (const op of OTHER_ALU) CLASS[op] = CLASS_OTHER;
CLASS[Op.JAL] = CLASS_JAL;
CLASS[Op.JALR] = CLASS_JALR;

const isStraight = (op: Op): boolean => CLASS[op]! >= CLASS_LOAD && CLASS[op]! <= CLASS_OTHER;
const isJump = (op: Op): boolean => CLASS[op] === CLASS_BRANCH || CLASS[op] === CLASS_JAL || CLASS[op] === CLASS_JALR;

/** Exit kinds (core/jit.ts): 2 is JIT_TRAPPED, with the cause and tval at these offsets of the exchange area (layout.ts); 3, JIT_NO_CODE. */
const KIND_TRAPPED = 2;
const KIND_NO_CODE = 3;
const EXCHANGE_CAUSE = 48, EXCHANGE_TVAL = 56;
/** Instructions that always trap, with their cause (privileged spec, "mcause"); tval is the pc for EBREAK, the encoding for an illegal one. */
const TRAPS: ReadonlyMap<Op, number> = new Map([[Op.EBREAK, 3], [Op.ILLEGAL, 2]]);
for (const op of TRAPS.keys()) CLASS[op] = CLASS_TRAP;

interface At { readonly off: number; readonly insn: Insn }

/** The instruction at `off`, or undefined where it straddles the page end. */
function fetch(src: PageSource, off: number): Insn | undefined {
  const lo = src.half(off);
  if ((lo & 3) !== 3) return src.decode(lo);
  if (off + 4 > PAGE) return undefined;
  return src.decode((lo | (src.half(off + 2) << 16)) >>> 0);
}

/** Where compiled code finds the hart's state (linear addresses). */
export interface CompileTarget {
  /** The exchange area (layout.ts JIT_EXCHANGE). */
  readonly exchange: number;
  /**
   * The per-page map of table slots (jit.ts: 8 bytes a RAM page, the slot first), RAM's
   * offset in linear memory and its pages: a jump out of the page chains to the
   * target page's function. Without it (an engine without tail calls) every exit
   * returns to the run loop.
   */
  readonly chain?: { readonly map: number; readonly ramOffset: number; readonly pages: number };
}

/**
 * Compiles the code of one page reachable from `entries` (byte offsets) without
 * leaving the page (with at most `extra` block starts besides the entries);
 * undefined when there is nothing to compile there.
 */
export function compilePage(
  src: PageSource, entries: Iterable<number>, target: CompileTarget, extra = MAX_LEADERS,
): CompiledPage | undefined {
  const { exchange, chain } = target;
  // 1. Block starts: the entries, and every in-page target and fall-through of a jump.
  const leaders = new Set<number>();
  const work: number[] = [];
  let bound = MAX_LEADERS;
  const lead = (off: number): void => {
    if (off >= 0 && off < PAGE && !leaders.has(off) && leaders.size < bound) { leaders.add(off); work.push(off); }
  };
  for (const e of entries) lead(e);
  bound = Math.min(MAX_LEADERS, leaders.size + extra);
  // Breadth first, so that the code nearest the entries is compiled first.
  work.reverse();
  // Decoded instructions by halfword offset (null: straddles the page end).
  const cache: (Insn | null | undefined)[] = new Array(PAGE >> 1);
  const at = (off: number): Insn | undefined => {
    let insn = cache[off >> 1];
    if (insn === undefined) insn = cache[off >> 1] = fetch(src, off) ?? null;
    return insn ?? undefined;
  };
  while (work.length > 0) {
    let off = work.shift()!;
    while (off < PAGE) {
      const insn = at(off);
      if (insn === undefined) break;
      if (isJump(insn.op)) {
        if (insn.op !== Op.JALR) lead(off + insn.imm);
        lead(off + insn.len);
        break;
      }
      // After an instruction left to the interpreter, the run loop tries compiled
      // code again (exec.ts): its successor is a block start.
      if (!isStraight(insn.op)) { lead(off + insn.len); break; }
      off += insn.len;
    }
  }
  // 2. The blocks: from each start to a jump, an instruction not compiled, the page
  // end or the next start.
  const order = [...leaders].sort((a, b) => a - b);
  const blocks = order.map((start) => {
    const body: At[] = [];
    let off = start;
    let end: 'jump' | 'trap' | 'stop' | 'fall' = 'stop';
    while (off < PAGE) {
      if (off !== start && leaders.has(off)) { end = 'fall'; break; }
      const insn = at(off);
      if (insn === undefined) break;
      if (isJump(insn.op)) { body.push({ off, insn }); end = 'jump'; break; }
      if (CLASS[insn.op] === CLASS_TRAP) { body.push({ off, insn }); end = 'trap'; break; }
      if (!isStraight(insn.op)) break;
      body.push({ off, insn });
      off += insn.len;
    }
    if (off >= PAGE && end === 'stop') end = 'fall';
    return { start, body, end, next: off };
  });
  const insns = blocks.reduce((n, b) => n + b.body.length, 0);
  if (insns === 0) return undefined;

  // Block index by halfword offset (-1: not a block start).
  const index = new Int16Array(PAGE >> 1).fill(-1);
  order.forEach((off, i) => { index[off >> 1] = i; });
  const blockAt = (off: number): number => (off >= 0 && off < PAGE ? index[off >> 1]! : -1);

  // 3. Groups: blocks joined by local control flow (falling through, a branch or a JAL
  // to another block start). Code entered in one group never reaches another, so each
  // group loads only the registers its own blocks read or write, and stores back only
  // those they write.
  const parent = blocks.map((_, i) => i);
  const root = (i: number): number => { while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!; return i; };
  const join = (i: number, off: number): void => {
    const j = blockAt(off);
    if (j >= 0) parent[root(i)] = root(j);
  };
  blocks.forEach((b, i) => {
    if (b.end === 'fall') join(i, b.next);
    const tail = b.body[b.body.length - 1];
    if (b.end === 'jump' && tail !== undefined) {
      if (CLASS[tail.insn.op] === CLASS_BRANCH) { join(i, tail.off + tail.insn.imm); join(i, tail.off + tail.insn.len); }
      if (tail.insn.op === Op.JAL) join(i, tail.off + tail.insn.imm);
    }
  });
  const groupOf = new Map<number, number>();
  const group = blocks.map((_, i) => {
    const r = root(i);
    if (!groupOf.has(r)) groupOf.set(r, groupOf.size);
    return groupOf.get(r)!;
  });
  const groups = groupOf.size;
  const used = Array.from({ length: groups }, () => new Set<number>());
  const written = Array.from({ length: groups }, () => new Set<number>());
  blocks.forEach((b, i) => {
    for (const { insn } of b.body) {
      if (CLASS[insn.op] === CLASS_TRAP) continue; // reads and writes no register
      for (const r of [insn.rd, insn.rs1, insn.rs2]) if (r > 0 && r < X_SINK) used[group[i]!]!.add(r);
      if (insn.rd > 0 && insn.rd < X_SINK && CLASS[insn.op] !== CLASS_STORE && CLASS[insn.op] !== CLASS_BRANCH) written[group[i]!]!.add(insn.rd);
    }
  });

  // 4. Code: a function per group (function 1 + g), and function 0, exported, that
  // picks the group by `entry` and tail-calls its function. Each group's registers
  // are locals of its own function: with all of a page's groups in one function around
  // one dispatch loop, every register any group used was live around the whole loop
  // and V8's TurboFan spilled them (docs/hart.md, "JIT").
  let c = new Code();
  /** `entry` is not a block start: KIND_NO_CODE at its pc, the budget untouched. */
  const none = (): void => {
    c.i32(exchange).get(P_VBASE).get(P_ENTRY).op(Opc.i64ExtendI32U).i64(1n).op(Opc.i64Shl, Opc.i64Add).mem(Opc.i64Store, 3, 0);
    c.i32(exchange).i32(KIND_NO_CODE).mem(Opc.i32Store, 2, 20);
    c.get(P_LEFT).op(Opc.return_);
  };
  /**
   * A br_table on the halfword offset in L_BB (or `entry`), over the range the block
   * starts `starts` span only: `hit(i)` is the depth for starts[i], `miss` for any other
   * offset (below the range wraps to a large unsigned index: a miss too).
   */
  const dispatch = (local: number, starts: readonly number[], hit: (i: number) => number, miss: number): void => {
    const lo = starts[0]! >> 1;
    const hi = starts[starts.length - 1]! >> 1;
    const table: number[] = new Array(hi - lo + 1).fill(miss);
    starts.forEach((off, i) => { table[(off >> 1) - lo] = hit(i); });
    c.get(local);
    if (lo > 0) c.i32(lo).op(Opc.i32Sub);
    c.brTableDepths(table, miss);
  };

  const reg = (r: number): void => { if (r === 0 || r === X_SINK) c.i64(0n); else c.get(xl(r)); };
  const vpc = (off: number): void => { c.get(P_VBASE).i64n(off).op(Opc.i64Add); };
  const last = (a: At): void => { vpc(a.off); c.set(L_LP).i32(a.insn.raw | 0).set(L_LR); };
  /** Leaves with pc = vbase + off (an expression already set when off is undefined). */
  const exit = (off: number | undefined, kind: number): void => {
    if (off !== undefined) { vpc(off); c.set(L_PC); }
    c.i32(kind).set(L_KIND).br('done');
  };
  let current = -1; // start of the block being emitted
  // A jump to another block goes through the dispatch even forward, where a plain br
  // to its label would do: with direct branches TurboFan's code for bench-sv39 ran 17%
  // slower (more merge points, each with every live register), though cachegrind
  // counted 6% fewer host instructions.
  const goTo = (off: number): void => {
    if (off === current) c.br('self'); // a loop on itself: straight back, no dispatch
    else if (blockAt(off) >= 0) c.i32(off >> 1).set(L_BB).br('L');
    else exit(off, 1);
  };

  const members = Array.from({ length: groups }, () => [] as number[]);
  blocks.forEach((_, i) => members[group[i]!]!.push(i));
  const bodies: Code[] = [];

  // Function 0: to the group of `entry`'s block, or KIND_NO_CODE.
  c.block('none');
  for (let g = groups - 1; g >= 0; g--) c.block(`g${g}`);
  // g{g} are nested with g0 innermost.
  dispatch(P_ENTRY, order, (i) => group[i]!, groups);
  for (let g = 0; g < groups; g++) {
    c.end(); // g{g}
    for (let p = P_ENTRY; p <= P_TLBF; p++) c.get(p);
    if (chain !== undefined) c.op(Opc.returnCall).u32(1 + g);
    else c.op(Opc.call).u32(1 + g).op(Opc.return_);
  }
  c.end(); // none
  none();
  c.get(P_LEFT);
  bodies.push(c);

  for (let g = 0; g < groups; g++) {
    c = new Code();
    const mine = members[g]!;
    c.get(P_ENTRY).set(L_BB);
    // The last retired instruction stays the caller's until a block here retires one
    // (a chained call may leave at once, by its budget or a side exit).
    c.i32(exchange).mem(Opc.i64Load, 3, 8).set(L_LP);
    c.i32(exchange).mem(Opc.i32Load, 2, 16).set(L_LR);
    for (const r of used[g]!) c.i32(0).mem(Opc.i64Load, 3, r * 8).set(xl(r));
    c.block('done');
    c.loop('L').block('miss');
    for (let k = mine.length - 1; k >= 0; k--) c.block(`b${k}`);
    // b{k} are nested with b0 innermost.
    dispatch(L_BB, mine.map((i) => blocks[i]!.start), (k) => k, c.depth('miss'));

    for (const i of mine) {
      const b = blocks[i]!;
      c.end(); // closes the block's label: its code follows
      current = b.start;
      c.loop('self');
      const k = b.body.length;
      if (k > 0) {
        // The whole block must fit in the budget.
        c.get(P_LEFT).i32(k).op(Opc.i32LtS).if_();
        exit(b.start, 0);
        c.end();
        c.get(P_LEFT).i32(k).op(Opc.i32Sub).set(P_LEFT);
      }
      b.body.forEach((a, j) => {
        // Leaves before instruction j, which the interpreter then executes (kind 0) or
        // which has trapped (KIND_TRAPPED): neither retired it.
        const sideExit = (kind = 0): void => {
          if (j > 0) last(b.body[j - 1]!);
          c.get(P_LEFT).i32(k - j).op(Opc.i32Add).set(P_LEFT);
          exit(a.off, kind);
        };
        emit(a, sideExit);
      });
      if (b.end !== 'jump' && b.end !== 'trap') { // (a jump or a trap has left already)
        if (k > 0) last(b.body[k - 1]!);
        if (b.end === 'fall') goTo(b.next);
        else exit(b.next, 0);
      }
      c.end(); // self
    }
    c.end(); // closes miss (function 0 sends only this group's block starts here)
    none();
    c.end(); // loop
    c.end(); // done: every exit arrives here
    for (const r of written[g]!) c.i32(0).get(xl(r)).mem(Opc.i64Store, 3, r * 8);
    c.i32(exchange).get(L_PC).mem(Opc.i64Store, 3, 0);
    c.i32(exchange).get(L_LP).mem(Opc.i64Store, 3, 8);
    c.i32(exchange).get(L_LR).mem(Opc.i32Store, 2, 16);
    c.i32(exchange).get(L_KIND).mem(Opc.i32Store, 2, 20);
    if (chain !== undefined) {
      // By a jump to a page the fetch TLB maps (the run loop's own test) with compiled code.
      c.block('back');
      c.get(L_KIND).i32(1).op(Opc.i32Ne).brIf('back');
      c.get(P_TLBF).get(L_PC).i64n(12).op(Opc.i64ShrU, Opc.i32WrapI64).i32(1023).op(Opc.i32And)
        .i32(4).op(Opc.i32Shl, Opc.i32Add).set(L_E);
      c.get(L_E).mem(Opc.i64Load, 3, 0).get(L_PC).i64n(12).op(Opc.i64ShrU, Opc.i64Ne).brIf('back');
      c.get(L_PC).get(L_E).mem(Opc.i64Load, 3, 8).op(Opc.i64Add, Opc.i32WrapI64).i32(chain.ramOffset)
        .op(Opc.i32Sub).i32(12).op(Opc.i32ShrU).set(L_E); // the RAM page (below RAM wraps: too large)
      c.get(L_E).i32(chain.pages).op(Opc.i32GeU).brIf('back');
      c.get(L_E).i32(3).op(Opc.i32Shl).mem(Opc.i32Load, 2, chain.map).set(L_BB);
      c.get(L_BB).i32(0).op(Opc.i32LeS).brIf('back'); // 0: none; -1: being compiled
      c.get(L_PC).op(Opc.i32WrapI64).i32(0xfff).op(Opc.i32And).i32(1).op(Opc.i32ShrU);
      c.get(P_LEFT).get(L_PC).i64(-4096n).op(Opc.i64And).get(P_TLBL).get(P_TLBS).get(P_TLBF).get(L_BB);
      c.op(Opc.returnCallIndirect).u32(0).u32(0);
      c.end();
    }
    c.get(P_LEFT);
    bodies.push(c);
  }

  function emit(a: At, sideExit: (kind?: number) => void): void {
    const { op, rd, rs1, rs2, imm } = a.insn;
    const cls = CLASS[op]!;
    if (cls === CLASS_TRAP) {
      const cause = TRAPS.get(op)!;
      c.i32(exchange).i64n(cause).mem(Opc.i64Store, 3, EXCHANGE_CAUSE);
      c.i32(exchange);
      if (op === Op.EBREAK) vpc(a.off); else c.i64(BigInt(a.insn.raw >>> 0));
      c.mem(Opc.i64Store, 3, EXCHANGE_TVAL);
      sideExit(KIND_TRAPPED);
      return;
    }
    const sink = rd === X_SINK || rd === 0;
    const setRd = (): void => { c.set(xl(rd)); };
    if (cls === CLASS_LOAD || cls === CLASS_STORE) {
      const opc = OPC[op]!, size = SIZE[op]!;
      const isLoad = cls === CLASS_LOAD;
      reg(rs1); c.i64n(imm).op(Opc.i64Add).set(L_VA);
      c.get(isLoad ? P_TLBL : P_TLBS).get(L_VA).i64n(12).op(Opc.i64ShrU, Opc.i32WrapI64).i32(1023).op(Opc.i32And)
        .i32(4).op(Opc.i32Shl, Opc.i32Add).set(L_E);
      // The tag against the page of the access's last byte: one compare for the page and
      // for an access crossing out of it (an entry holds only pages of its own index).
      c.get(L_E).mem(Opc.i64Load, 3, 0).get(L_VA);
      if (size > 1) c.i64n(size - 1).op(Opc.i64Add);
      c.i64n(12).op(Opc.i64ShrU, Opc.i64Ne);
      c.if_(); sideExit(); c.end();
      c.get(L_VA).get(L_E).mem(Opc.i64Load, 3, 8).op(Opc.i64Add, Opc.i32WrapI64);
      if (isLoad) {
        c.mem(opc, 0, 0);
        if (sink) c.op(Opc.drop); else setRd();
      } else {
        reg(rs2);
        c.mem(opc, 0, 0);
      }
      return;
    }
    if (cls === CLASS_BRANCH) {
      const cond = OPC[op]!;
      reg(rs1); reg(rs2); c.op(cond).if_();
      last(a); goTo(a.off + imm);
      c.end();
      last(a); goTo(a.off + a.insn.len);
      return;
    }
    if (op === Op.JAL) {
      if (!sink) { vpc(a.off + a.insn.len); setRd(); }
      last(a); goTo(a.off + imm);
      return;
    }
    if (op === Op.JALR) {
      reg(rs1); c.i64n(imm).op(Opc.i64Add).i64(-2n).op(Opc.i64And).set(L_PC);
      if (!sink) { vpc(a.off + a.insn.len); setRd(); }
      last(a); exit(undefined, 1);
      return;
    }
    if (sink || op === Op.FENCE) return; // no effect but retiring
    if (cls === CLASS_REG) {
      reg(rs1); reg(rs2);
      c.op(OPC[op]!); setRd(); return; // wasm masks shift amounts by 63, as RISC-V does
    }
    if (cls === CLASS_IMM) { reg(rs1); c.i64n(imm).op(OPC[op]!); setRd(); return; }
    if (cls === CLASS_W64) { reg(rs1); reg(rs2); c.op(OPC[op]!, Opc.i64Extend32S); setRd(); return; }
    const lo32 = (r: number): void => { reg(r); c.op(Opc.i32WrapI64); };
    const sx = (r: number): void => { reg(r); c.op(Opc.i64Extend32S); };
    const zx = (r: number): void => { reg(r); c.i64(0xffff_ffffn).op(Opc.i64And); };
    switch (op) {
      case Op.LUI: c.i64n(imm); break;
      case Op.AUIPC: vpc(a.off + imm); break;
      case Op.SLTI: reg(rs1); c.i64n(imm).op(Opc.i64LtS, Opc.i64ExtendI32U); break;
      case Op.SLTIU: reg(rs1); c.i64n(imm).op(Opc.i64LtU, Opc.i64ExtendI32U); break;
      case Op.SLT: reg(rs1); reg(rs2); c.op(Opc.i64LtS, Opc.i64ExtendI32U); break;
      case Op.SLTU: reg(rs1); reg(rs2); c.op(Opc.i64LtU, Opc.i64ExtendI32U); break;
      case Op.ADDIW: reg(rs1); c.i64n(imm).op(Opc.i64Add, Opc.i64Extend32S); break;
      case Op.SLLIW: reg(rs1); c.i64(BigInt(imm & 31)).op(Opc.i64Shl, Opc.i64Extend32S); break;
      case Op.SRLIW: lo32(rs1); c.i32(imm & 31).op(Opc.i32ShrU, Opc.i64ExtendI32S); break;
      case Op.SRAIW: lo32(rs1); c.i32(imm & 31).op(Opc.i32ShrS, Opc.i64ExtendI32S); break;
      case Op.SLLW: reg(rs1); reg(rs2); c.i64(31n).op(Opc.i64And, Opc.i64Shl, Opc.i64Extend32S); break;
      case Op.SRLW: lo32(rs1); lo32(rs2); c.op(Opc.i32ShrU, Opc.i64ExtendI32S); break;
      case Op.SRAW: lo32(rs1); lo32(rs2); c.op(Opc.i32ShrS, Opc.i64ExtendI32S); break;
      case Op.DIV: // b == 0: -1; b == -1: -a (which wraps for the most negative a); else a / b
        reg(rs2); c.op(Opc.i64Eqz).ifI64().i64(-1n).else_();
        reg(rs2); c.i64(-1n).op(Opc.i64Eq).ifI64().i64(0n); reg(rs1); c.op(Opc.i64Sub).else_();
        reg(rs1); reg(rs2); c.op(Opc.i64DivS).end().end();
        break;
      case Op.DIVU:
        reg(rs2); c.op(Opc.i64Eqz).ifI64().i64(-1n).else_(); reg(rs1); reg(rs2); c.op(Opc.i64DivU).end();
        break;
      case Op.REM: // wasm's rem_s gives 0 for the most negative a by -1, as RISC-V does
        reg(rs2); c.op(Opc.i64Eqz).ifI64(); reg(rs1); c.else_(); reg(rs1); reg(rs2); c.op(Opc.i64RemS).end();
        break;
      case Op.REMU:
        reg(rs2); c.op(Opc.i64Eqz).ifI64(); reg(rs1); c.else_(); reg(rs1); reg(rs2); c.op(Opc.i64RemU).end();
        break;
      case Op.DIVW: // in 64 bits: -2^31 / -1 = 2^31, which sign-extends back to -2^31
        sx(rs2); c.op(Opc.i64Eqz).ifI64().i64(-1n).else_(); sx(rs1); sx(rs2); c.op(Opc.i64DivS, Opc.i64Extend32S).end();
        break;
      case Op.DIVUW:
        zx(rs2); c.op(Opc.i64Eqz).ifI64().i64(-1n).else_(); zx(rs1); zx(rs2); c.op(Opc.i64DivU, Opc.i64Extend32S).end();
        break;
      case Op.REMW:
        sx(rs2); c.op(Opc.i64Eqz).ifI64(); sx(rs1); c.else_(); sx(rs1); sx(rs2); c.op(Opc.i64RemS, Opc.i64Extend32S).end();
        break;
      case Op.REMUW:
        zx(rs2); c.op(Opc.i64Eqz).ifI64(); sx(rs1); c.else_(); zx(rs1); zx(rs2); c.op(Opc.i64RemU, Opc.i64Extend32S).end();
        break;
      case Op.SH1ADD: case Op.SH2ADD: case Op.SH3ADD:
        reg(rs1); c.i64(BigInt(op - Op.SH1ADD + 1)).op(Opc.i64Shl); reg(rs2); c.op(Opc.i64Add);
        break;
      case Op.ADD_UW: zx(rs1); reg(rs2); c.op(Opc.i64Add); break;
      case Op.ANDN: reg(rs1); reg(rs2); c.i64(-1n).op(Opc.i64Xor, Opc.i64And); break;
      case Op.ORN: reg(rs1); reg(rs2); c.i64(-1n).op(Opc.i64Xor, Opc.i64Or); break;
      case Op.XNOR: reg(rs1); reg(rs2); c.op(Opc.i64Xor).i64(-1n).op(Opc.i64Xor); break;
      case Op.MAX: reg(rs1); reg(rs2); reg(rs1); reg(rs2); c.op(Opc.i64GtS, Opc.select); break;
      case Op.MAXU: reg(rs1); reg(rs2); reg(rs1); reg(rs2); c.op(Opc.i64GtU, Opc.select); break;
      case Op.MIN: reg(rs1); reg(rs2); reg(rs1); reg(rs2); c.op(Opc.i64LtS, Opc.select); break;
      case Op.MINU: reg(rs1); reg(rs2); reg(rs1); reg(rs2); c.op(Opc.i64LtU, Opc.select); break;
      case Op.SEXT_B: reg(rs1); c.op(Opc.i64Extend8S); break;
      case Op.SEXT_H: reg(rs1); c.op(Opc.i64Extend16S); break;
      case Op.ZEXT_H: reg(rs1); c.i64(0xffffn).op(Opc.i64And); break;
      case Op.CLZ: reg(rs1); c.op(Opc.i64Clz); break;
      case Op.CTZ: reg(rs1); c.op(Opc.i64Ctz); break;
      case Op.CPOP: reg(rs1); c.op(Opc.i64Popcnt); break;
      case Op.CZERO_EQZ: reg(rs1); c.i64(0n); reg(rs2); c.op(Opc.i64Eqz, Opc.i32Eqz, Opc.select); break;
      case Op.CZERO_NEZ: reg(rs1); c.i64(0n); reg(rs2); c.op(Opc.i64Eqz, Opc.select); break;
      default: throw new Error(`JIT: no code for op ${Op[op]}`);
    }
    setRd();
  }

  const bytes = moduleBytes({
    params: [I32, I32, I64, I32, I32, I32],
    results: [I32],
    locals: [[35, I64], [5, I32]],
    bodies,
    table: chain !== undefined,
  });
  return { bytes, leaders: order, insns };
}
