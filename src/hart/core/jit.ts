// The hart's side of the JIT (docs/hart.md, "JIT"): per physical RAM page a slot in the
// function table (0: no compiled code) and a heat counter, the entry into compiled
// code from the run loop, and invalidation when a page holding compiled code is
// written. The compiler itself is TypeScript (src/hart/jit/), reached through the
// `host.jitCompile` import; compiled functions sit in the shared table and are called
// with call_indirect, so running them is a wasm-to-wasm call.
import { JIT_KIND, RAM_OFFSET, TLB_OFFSET, TLB_BYTES, TLB_ENTRIES, TLB_INVALID, TLB_SLOTS_OFFSET, TLB_SLOTS, TLB_SHARED_TABLES, TLB_SET_TABLES, JIT_DECODE } from './layout';
import { tlbLoad, tlbStore, tlbFetch } from './tlb';
import { decode } from './decode';

@external("host", "jitCompile") declare function hostJitCompile(page: u32, entry: u32): i32;
@external("host", "jitDropped") declare function hostJitDropped(page: u32, slot: i32): void;
@external("host", "jitNote") declare function hostJitNote(page: u32, entry: u32): void;

export let jitOn: bool = false;
// Per RAM page, 8 bytes: i32 table slot of its compiled code (0: none; -1: a
// compilation is under way off the main thread, jitInstall ends it), u32 heat. A page
// with a non-zero slot is kept out of the store TLBs either way, so a write to it
// drops its code or cancels the compilation under way.
let jitMap: usize = 0;
let jitPages: u32 = 0;
// Jumps into a page before its first compilation (doubling for each next one): high
// enough that only code that stays hot pays for a module (docs/hart.md, "JIT").
let threshold: u32 = 65536;
const HEAT_MASK: u32 = 0x0fff_ffff;
// One jump in about 64 to code not compiled is told to the host (jitNote), which adds
// its entry to the page's next compilation: a page's hot entries are all compiled at
// once instead of one per compilation. The stride varies (xorshift), so that a loop
// with a few such jumps per iteration does not show the host only one of them.
let noteRng: u32 = 0x9e37_79b9;
let noteIn: u32 = 64;

// How compiled code left (the exchange area's JIT_KIND): 0, the interpreter executes
// the instruction at JIT_PC; 1, it arrived there by a jump (compiled code may be
// entered again at once); JIT_TRAPPED, the instruction at JIT_PC traps with
// JIT_CAUSE and JIT_TVAL: the run loop raises it with raiseAt and runs its trap
// epilogue (exec.ts), as for a trap the interpreter took. A compiled slow path (a
// TLB miss handled without leaving compiled code) would leave the same way after the
// hart's slow path, called through an import, raised its fault.
export const JIT_TRAPPED: u32 = 2;
// JIT_NO_CODE: nothing ran, the page's function has no block starting at JIT_PC
// (jitEnter then counts the jump towards compiling it).
export const JIT_NO_CODE: u32 = 3;

// Called by init: the map lies past RAM.
export function jitSetup(map: usize, pages: u32): void {
  jitMap = map;
  jitPages = pages;
  memory.fill(map, 0, <usize>pages << 3);
}

// Instructions retired by compiled code since the hart was created (statistics).
export let compiledRetired: u64 = 0;

export function setJit(on: bool, heat: u32): void {
  jitOn = on;
  if (heat > 0) threshold = heat;
  if (!on) jitDropAll();
}

export function jitDropAll(): void {
  for (let p: u32 = 0; p < jitPages; p++) {
    let e = jitMap + (<usize>p << 3);
    let slot = load<i32>(e);
    store<u64>(e, 0);
    if (slot != 0) hostJitDropped(p, slot);
  }
}

// The compiler's decoder: the interpreter's own, into a scratch entry.
// The page map, for compiled code that chains to another page's (compile.ts).
export function jitMapOffset(): usize { return jitMap; }

export function jitDecode(raw: u32): usize {
  decode(raw, JIT_DECODE);
  return JIT_DECODE;
}

@inline export function pageHasCode(host: usize): bool {
  if (!jitOn) return false;
  let p = <u32>((host - RAM_OFFSET) >> 12);
  return p < jitPages && load<i32>(jitMap + (<usize>p << 3)) != 0;
}

// [host, host+size) of linear memory (RAM) was written other than through the store
// TLB: drop the compiled code of every page it touches before it can run again.
@inline export function codeWritten(host: usize, size: usize): void {
  if (jitOn && size > 0) codeWrittenSlow(host, size);
}

export function codeWrittenSlow(host: usize, size: usize): void {
  if (host < RAM_OFFSET) return;
  let first = <u32>((host - RAM_OFFSET) >> 12);
  let last = <u32>((host + size - 1 - RAM_OFFSET) >> 12);
  for (let p = first; p <= last && p < jitPages; p++) {
    let e = jitMap + (<usize>p << 3);
    let slot = load<i32>(e);
    if (slot != 0) {
      store<u64>(e, 0);
      hostJitDropped(p, slot);
    }
  }
}

// Drops every store translation that points at linear page `host`, in every table:
// a page with compiled code is written only through storeSlow, which invalidates it.
function dropStoreEntries(host: usize): void {
  dropIn(TLB_OFFSET, <u32>TLB_SHARED_TABLES, host);
  dropIn(TLB_SLOTS_OFFSET, <u32>TLB_SLOTS * <u32>TLB_SET_TABLES, host);
}

function dropIn(base: usize, tables: u32, host: usize): void {
  // Store tables are every third one (U, S, S with SUM, M x load, store, fetch).
  for (let t: u32 = 1; t < tables; t += 3) {
    let table = base + <usize>t * TLB_BYTES;
    for (let i: u32 = 0; i < TLB_ENTRIES; i++) {
      let e = table + (<usize>i << 4);
      let vpn = load<u64>(e);
      if (vpn != TLB_INVALID && <usize>((vpn << 12) + load<u64>(e, 8)) == host) store<u64>(e, TLB_INVALID);
    }
  }
}

// From the run loop, when execution arrives at p (linear address host) by a jump
// (`jumped`) or at the start of a chunk: runs compiled code if the page has some for
// p and returns the instructions it retired (JIT_PC and friends tell where it
// stopped); -1 when nothing ran. Only jumps heat a page: a chunk may start anywhere
// in a block, and such a pc must not become an entry point.
export function jitEnter(host: usize, p: u64, left: i32, jumped: bool): i32 {
  let pg = <u32>((host - RAM_OFFSET) >> 12);
  if (host < RAM_OFFSET || pg >= jitPages) return -1;
  let e = jitMap + (<usize>pg << 3);
  let slot = load<i32>(e);
  let entry = (<u32>p & 0xfff) >> 1;
  if (slot > 0) {
    // Compiled code returns the budget left; JIT_NO_CODE with nothing retired: no code at p.
    let r = left - call_indirect<i32>(<u32>slot, <i32>entry, left, p & ~(<u64>0xfff), <i32>tlbLoad, <i32>tlbStore, <i32>tlbFetch);
    compiledRetired += <u64>r;
    if (r > 0 || load<u32>(JIT_KIND) != JIT_NO_CODE) return r;
  }
  if (!jumped) return -1;
  // The heat word: compilations of the page so far in bits 31:28, jumps since the
  // last one below. Each compilation doubles the jumps the next one needs, so a page
  // that keeps gaining entries (kernel code with many) is compiled a few times, not
  // once per entry.
  if (--noteIn == 0) {
    noteRng ^= noteRng << 13; noteRng ^= noteRng >> 17; noteRng ^= noteRng << 5;
    noteIn = 32 + (noteRng & 63);
    hostJitNote(pg, entry);
  }
  let w = load<u32>(e, 4);
  let n = w >> 28;
  let heat = (w & HEAT_MASK) + 1;
  if (<u64>heat >= (<u64>threshold << n)) {
    heat = 0;
    if (n < 15) n++;
    // A slot, or -1: compiling off the main thread, installed later (jitInstall).
    let s = hostJitCompile(pg, entry);
    if (s != 0 && s != slot) {
      dropStoreEntries(host & ~(<usize>0xfff));
      store<i32>(e, s);
    }
  } else if (heat > HEAT_MASK) {
    heat = HEAT_MASK;
  }
  store<u32>(e, (n << 28) | heat, 4);
  return -1;
}

// The host compiled page `pg`'s code off the main thread into table slot `slot`: it
// takes effect if the compilation is still wanted (the page's slot is still -1: not
// written, dropped or reset since). False: discarded.
export function jitInstall(pg: u32, slot: i32): bool {
  if (!jitOn || pg >= jitPages || slot <= 0) return false;
  let e = jitMap + (<usize>pg << 3);
  if (load<i32>(e) != -1) return false;
  store<i32>(e, slot);
  return true;
}
