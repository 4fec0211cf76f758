// Linear-memory layout of the hart module (docs/hart-seam.md). Everything below
// MEMORY_BASE (asconfig.json "memoryBase") is ours; AssemblyScript's static data
// starts there, and guest RAM starts at RAM_OFFSET.

// x0..x31, plus slot 32: instructions with rd = x0 are decoded to write slot 32,
// so x0 stays zero without a check on every write.
export const X_OFFSET: usize = 0x0;
export const X_SINK: u32 = 32;
export const F_OFFSET: usize = 0x200;
export const MMIO_DATA_OFFSET: usize = 0x300;
// The exit record: cause, tval and epc of the trap behind the last EXIT_MTRAP or
// EXIT_TRAP_LOOP, so the host reads them without a call into the module.
export const EXIT_RECORD_OFFSET: usize = 0x308;
// execBlock's fetch page: its virtual base (or a mark) and the addend that turns a pc
// in it into a linear-memory offset. In memory rather than in locals: V8 would spill
// the locals on every instruction.
export const FETCH_BASE: usize = 0x320;
export const FETCH_ADD: usize = 0x328;

// Software TLBs: 4 levels (U, S, S with mstatus.SUM set, M) x 3 access kinds (load,
// store, fetch; the SUM level's fetch table is unused: SUM does not apply to fetches).
// Each entry is 16 bytes: tag (virtual page number, or TLB_INVALID) and the addend
// that turns a virtual address in that page into a linear-memory offset.
export const TLB_OFFSET: usize = 0x1000;
export const TLB_ENTRIES: u32 = 1024;
export const TLB_MASK: u64 = 1023;
export const TLB_BYTES: usize = 1024 * 16;
export const TLB_INVALID: u64 = 0xffff_ffff_ffff_ffff;
// ASID-tagged translation: further sets of the U, S and S-with-SUM tables (9 tables each), one per
// recently used address space with a non-zero ASID (tlb.ts). The U and S tables at
// TLB_OFFSET (the first 9, then M's 3) serve ASID 0 and bare mode.
export const TLB_SLOTS_OFFSET: usize = 0x180000;
export const TLB_SLOTS: i32 = 8;
export const TLB_SET_TABLES: usize = 9;
export const TLB_SLOT_BYTES: usize = TLB_SET_TABLES * TLB_BYTES;
// The slots end at 0x2a0000, below asconfig.json's memoryBase (0x300000), where
// AssemblyScript's static data and heap start.
// Tables at TLB_OFFSET: a slot's worth for ASID 0, then M-mode's 3.
export const TLB_SHARED_TABLES: usize = TLB_SET_TABLES + 3;

// Decoded-instruction cache, direct mapped by linear-memory address of the
// instruction. An entry is valid when its raw word equals the word in memory, so
// self-modifying code and FENCE.I need no invalidation.
export const DC_OFFSET: usize = 0x40000;
export const DC_ENTRIES: u32 = 65536;
export const DC_MASK: u32 = 65535;
export const DC_SCRATCH: usize = DC_OFFSET + (<usize>DC_ENTRIES << 4);

export const RAM_OFFSET: usize = 0x400000;
// Bytes past the end of RAM that stay allocated, so a 4-byte fetch of a
// compressed instruction at the very end of RAM reads inside linear memory.
export const RAM_PAD: usize = 0x10000;
// A decode entry for trap entry's look at the trapping instruction (tinst.ts).
export const TINST_SCRATCH: usize = DC_SCRATCH + 16;
// The JIT's exchange area (jit.ts): compiled code leaves the next pc, the last retired
// instruction and how it exited here; the compiler decodes through a scratch entry.
export const JIT_EXCHANGE: usize = DC_SCRATCH + 0x100;
export const JIT_PC: usize = JIT_EXCHANGE;
export const JIT_LAST_PC: usize = JIT_EXCHANGE + 8;
export const JIT_LAST_RAW: usize = JIT_EXCHANGE + 16;
export const JIT_KIND: usize = JIT_EXCHANGE + 20;
export const JIT_DECODE: usize = JIT_EXCHANGE + 32;
// With JIT_KIND = JIT_TRAPPED (jit.ts): the trap's cause and tval (src/hart/jit/compile.ts writes them).
export const JIT_CAUSE: usize = JIT_EXCHANGE + 48;
export const JIT_TVAL: usize = JIT_EXCHANGE + 56;
// The kernel fast path's descriptor (kfast.ts): 32 f64 words the host writes and reads.
export const KFAST_OFFSET: usize = 0x400;
export const KFAST_WORDS: i32 = 32;
