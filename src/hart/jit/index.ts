// The JIT's host side (docs/hart.md, "JIT"): compiles a page when the hart asks
// (host.jitCompile), places the function in the table the hart calls through, and
// keeps the number of live modules bounded.

import { Op } from '../core/ops.js';
import { compilePage, type CompileTarget, type Insn, type PageSource } from './compile.js';
import { hasTailCalls } from './wasm.js';

export interface JitStats {
  /** Pages with compiled code now. */
  readonly livePages: number;
  /** Compilations so far (a page is compiled again when a new entry point gets hot). */
  readonly compiles: number;
  /** Guest instructions compiled, summed over compilations. */
  readonly compiledInsns: number;
  /** Milliseconds spent compiling (code generation and WebAssembly compilation). */
  readonly compileMs: number;
  /** Compiled pages dropped because they were written (or evicted, or reset). */
  readonly dropped: number;
  readonly evicted: number;
  /** Compilations under way off the main thread (`jitAsync`). */
  readonly pending: number;
  /** Guest instructions retired by compiled code since the hart was created (the rest ran in the interpreter). */
  readonly compiledRetired: number;
}

/** What the JIT needs from the hart module. */
export interface JitHost {
  readonly memory: WebAssembly.Memory;
  readonly table: WebAssembly.Table;
  readonly ramOffset: number;
  readonly exchange: number;
  /** The hart's page map (jitMapOffset) and the RAM pages it covers. */
  readonly map: number;
  readonly pages: number;
  decode(raw: number): number;
  /** Drops a page's code from the hart's map (it calls back `dropped`). */
  dropPage(page: number): void;
  /** Puts a page's code compiled off the main thread in the hart's map; false if no longer wanted. */
  install(page: number, slot: number): boolean;
  /** Instructions retired by compiled code so far. */
  retired(): number;
}

/** At most this many compiled pages live at once (v86 keeps ≤ 900 modules). */
export const MAX_LIVE_PAGES = 900;
/** A page whose code was dropped this often for writes is not compiled again. */
const MAX_DROPS = 8;
/** Recompilations of one page for new entry points. */
const MAX_COMPILES = 8;
/**
 * Block starts a page's first compilation follows jumps to, besides its entries; each
 * compilation of the page doubles it (the hart doubles the heat it needs too), so
 * code that stays hot is soon compiled whole while the many lukewarm pages of a
 * kernel cost small modules. (Compiling a page whole at its second compilation saved
 * bench-sv39 6% of host instructions but made a Linux boot compile 3 times the code:
 * V8 compiles each module twice, the second time in the background.)
 */
const FIRST_EXTRA = 16;
/** Noted entries kept per page between compilations (a function has at most MAX_LEADERS block starts). */
const MAX_NOTED = 64;
/**
 * Samples an entry needs (each about one in 64 jumps there) to join the next
 * compilation: a page's hot entries have many, the lukewarm ones of a kernel page few
 * (with 1, a Linux boot compiled 3.7 times the code; with 16, 1.6 times).
 */
const NOTES_TO_ENTER = 16;

interface PageState {
  entries: Set<number>;
  /** A compilation under way off the main thread (`async`): its token. */
  pending?: object;
  /** Entries the hart's samples showed since the last compilation (jitNote), as byte offsets. */
  noted: Map<number, number>;
  slot: number;
  compiles: number;
  drops: number;
}

export class Jit {
  readonly #host: JitHost;
  readonly #pages = new Map<number, PageState>();
  /** Live pages, oldest compilation first (the eviction order). */
  readonly #live = new Set<number>();
  readonly #freeSlots: number[] = [];
  #compiles = 0;
  #compiledInsns = 0;
  #compileMs = 0;
  #dropped = 0;
  #evicted = 0;

  readonly #target: CompileTarget;

  /** Compile with WebAssembly.compile, off the main thread, and install the code when it is ready. */
  readonly #async: boolean;
  #pending = 0;

  constructor(host: JitHost, async = false) {
    this.#host = host;
    this.#async = async;
    this.#target = {
      exchange: host.exchange,
      chain: hasTailCalls() ? { map: host.map, ramOffset: host.ramOffset, pages: host.pages } : undefined,
    };
  }

  get stats(): JitStats {
    return {
      livePages: this.#live.size, compiles: this.#compiles, compiledInsns: this.#compiledInsns,
      compileMs: this.#compileMs, dropped: this.#dropped, evicted: this.#evicted, pending: this.#pending,
      compiledRetired: this.#host.retired(),
    };
  }

  /** host.jitCompile: the table slot of page `page`'s code including entry `entry` (a halfword offset), or 0. */
  compile(page: number, entry: number): number {
    let st = this.#pages.get(page);
    if (st === undefined) {
      st = { entries: new Set(), noted: new Map(), slot: 0, compiles: 0, drops: 0 };
      this.#pages.set(page, st);
    }
    if (st.pending !== undefined) return st.slot !== 0 ? st.slot : -1;
    if (st.drops >= MAX_DROPS || st.compiles >= MAX_COMPILES) return 0;
    const t0 = performance.now();
    st.entries.add(entry * 2);
    for (const [off, n] of st.noted) if (n >= NOTES_TO_ENTER) st.entries.add(off);
    st.noted.clear();
    const bytes = new Uint8Array(this.#host.memory.buffer, this.#host.ramOffset + page * 4096, 4096);
    const view = new DataView(this.#host.memory.buffer);
    const src: PageSource = {
      half: (off) => bytes[off]! | (bytes[off + 1]! << 8),
      decode: (raw): Insn => {
        const di = this.#host.decode(raw);
        return {
          op: view.getUint8(di + 4) as Op, rd: view.getUint8(di + 5), rs1: view.getUint8(di + 6), rs2: view.getUint8(di + 7),
          imm: view.getInt32(di + 8, true), len: view.getUint8(di + 13), raw,
        };
      },
    };
    const compiled = compilePage(src, st.entries, this.#target, FIRST_EXTRA << st.compiles);
    st.compiles++;
    this.#compiles++;
    if (compiled === undefined) {
      this.#compileMs += performance.now() - t0;
      return st.slot;
    }
    if (this.#async) return this.#compileAsync(page, st, compiled.bytes, compiled.insns, t0);
    const fn = this.#instantiate(new WebAssembly.Module(compiled.bytes));
    if (st.slot === 0) {
      if (this.#live.size >= MAX_LIVE_PAGES) this.#evictOldest();
      st.slot = this.#freeSlots.pop() ?? this.#host.table.grow(1);
    }
    this.#host.table.set(st.slot, fn);
    this.#live.delete(page);
    this.#live.add(page);
    this.#compiledInsns += compiled.insns;
    this.#compileMs += performance.now() - t0;
    return st.slot;
  }

  #instantiate(module: WebAssembly.Module): WebAssembly.ExportValue {
    const env: WebAssembly.ModuleImports = { memory: this.#host.memory };
    if (this.#target.chain !== undefined) env.table = this.#host.table;
    return new WebAssembly.Instance(module, { env }).exports.f as WebAssembly.ExportValue;
  }

  /**
   * Compiles off the main thread (WebAssembly.compile) while the interpreter (or the
   * page's older code) keeps running the page; the result is installed when the
   * promise settles, between two `run` calls, if the page was not written meanwhile.
   * Returns what jitCompile answers now: the page's current slot, or -1 (under way).
   */
  #compileAsync(page: number, st: PageState, bytes: Uint8Array<ArrayBuffer>, insns: number, t0: number): number {
    const token = {};
    const slotAtStart = st.slot;
    st.pending = token;
    this.#pending++;
    const settle = (): boolean => {
      if (st.pending !== token) return false;
      st.pending = undefined;
      this.#pending--;
      return true;
    };
    void WebAssembly.compile(bytes).then((module) => {
      if (!settle()) return;
      const fn = this.#instantiate(module);
      if (slotAtStart !== 0) {
        // A recompilation: replaces the page's code if that is still in place.
        if (st.slot !== slotAtStart) return;
        this.#host.table.set(st.slot, fn);
      } else {
        if (this.#live.size >= MAX_LIVE_PAGES) this.#evictOldest();
        const slot = this.#freeSlots.pop() ?? this.#host.table.grow(1);
        this.#host.table.set(slot, fn);
        if (!this.#host.install(page, slot)) {
          this.#host.table.set(slot, null);
          this.#freeSlots.push(slot);
          return;
        }
        st.slot = slot;
      }
      this.#live.delete(page);
      this.#live.add(page);
      this.#compiledInsns += insns;
    }, () => { settle(); });
    this.#compileMs += performance.now() - t0;
    return slotAtStart !== 0 ? slotAtStart : -1;
  }

  /** host.jitNote: a sampled jump into page `page` at halfword `entry` found no compiled code. */
  note(page: number, entry: number): void {
    let st = this.#pages.get(page);
    if (st === undefined) {
      st = { entries: new Set(), noted: new Map(), slot: 0, compiles: 0, drops: 0 };
      this.#pages.set(page, st);
    }
    const n = st.noted.get(entry * 2);
    if (n !== undefined) st.noted.set(entry * 2, n + 1);
    else if (st.noted.size < MAX_NOTED) st.noted.set(entry * 2, 1);
  }

  /** host.jitDropped: the hart dropped the page's code (written, reset, turned off). */
  dropped(page: number, slot: number): void {
    const st = this.#pages.get(page);
    if (slot < 0) {
      // A compilation under way is no longer wanted: the page was written (or reset).
      if (st?.pending !== undefined) {
        st.pending = undefined;
        this.#pending--;
        st.drops++;
      }
      return;
    }
    if (st?.pending !== undefined) {
      // Its recompilation under way would bring back code for what was there.
      st.pending = undefined;
      this.#pending--;
    }
    this.#live.delete(page);
    this.#host.table.set(slot, null);
    this.#freeSlots.push(slot);
    this.#dropped++;
    if (st !== undefined && st.slot === slot) {
      st.slot = 0;
      st.drops++;
    }
  }

  #evictOldest(): void {
    const oldest = this.#live.values().next();
    if (oldest.done === true) return;
    const st = this.#pages.get(oldest.value);
    this.#evicted++;
    this.#host.dropPage(oldest.value);
    // Evicted, not written: it may be compiled again later.
    if (st !== undefined) st.drops--;
  }

  /** After a reset or when turned off: every page starts cold again. */
  forget(): void {
    // Compilations under way are for what the pages held before.
    for (const st of this.#pages.values()) st.pending = undefined;
    this.#pending = 0;
    this.#pages.clear();
  }
}
