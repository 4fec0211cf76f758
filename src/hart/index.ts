// One RISC-V hart: the TypeScript face of build/hart.wasm (docs/hart-seam.md).
// Registers and RAM are views on the module's linear memory, so reading them copies
// nothing. Physical addresses on this side are plain numbers: RAM and MMIO lie far
// below 2^53, and the seam passes MMIO addresses as f64 for the same reason.

import { CSR, type CsrName } from './csr-names.js';
import { PRV_M, PRV_S, PRV_U } from './spec/csr.js';
import { HartModuleError, importObject, rawExports, type RawHartExports } from './seam.js';
import { Jit, type JitStats } from './jit/index.js';
export type { JitStats } from './jit/index.js';

export { HartModuleError } from './seam.js';
import { DEFAULT_PROFILE, PROFILES, type CpuProfile } from './profile.js';
export { DEFAULT_PROFILE, PROFILES, type CpuProfile } from './profile.js';

/** Why `run` returned (docs/hart-seam.md, "Exit reasons"). */
export enum HartExit {
  /** The instruction budget is spent. */
  Budget = 0,
  /** A device called requestStop(). */
  Stop = 1,
  /** WFI with nothing pending: the host may skip time or wait for input. */
  Wfi = 2,
  /** Hosted M-mode: a trap that would enter M; see exitInfo(). */
  MTrap = 3,
  /** A trap whose handler faulted on its first instruction; the original trap is in exitInfo(). */
  TrapLoop = 4,
}

export enum Priv {
  U = PRV_U,
  S = PRV_S,
  M = PRV_M,
}

export type AccessSize = 1 | 2 | 4 | 8;

/**
 * Where the hart sends physical accesses that are not RAM. `undefined` from a read
 * and `false` from a write mean "access fault": the hart raises it in the guest.
 */
export interface MmioHandler {
  mmioRead(addr: number, size: AccessSize): bigint | undefined;
  mmioWrite(addr: number, size: AccessSize, value: bigint): boolean;
}

export interface HartConfig {
  /** Physical address of RAM; QEMU virt's 0x80000000 unless given. */
  readonly ramBase?: number;
  /** RAM size in bytes, a multiple of 4 KiB. */
  readonly ramSize: number;
  /** Compile hot guest code to WebAssembly (docs/hart.md, "JIT"); off unless given. */
  readonly jit?: boolean;
  /**
   * Compile the JIT's modules off the main thread (WebAssembly.compile), as a browser
   * needs for modules over 4 KiB: the page runs interpreted (or its older code runs)
   * until the module is ready, and it is installed between two `run` calls. Results are
   * the same; what runs compiled, and so the host time, then depends on the host.
   */
  readonly jitAsync?: boolean;
}

/** The trap behind an EXIT_MTRAP or EXIT_TRAP_LOOP. */
export interface TrapInfo {
  readonly cause: bigint;
  readonly tval: bigint;
  readonly epc: bigint;
}

/** Where Hart.injectTrap puts a trap taken while V=1, and what HS-mode is told of it. */
export interface InjectOptions {
  /** 'VS' (the default) keeps the trap inside the guest; 'HS' takes it to the hypervisor. */
  readonly into?: 'VS' | 'HS';
  /** The guest physical address of a guest-page fault (htval gets it shifted right by 2). */
  readonly gpa?: bigint;
  /** htinst: the transformed instruction, or 0. */
  readonly tinst?: bigint;
}

export const DEFAULT_RAM_BASE = 0x8000_0000;

/**
 * A thread context block (saveContext/loadContext): byte offsets of x0..x31, f0..f31,
 * pc, fcsr, satp and flags (bit 0: the f registers were used), and its length.
 */
export const THREAD_CONTEXT = { x: 0x000, f: 0x100, pc: 0x200, fcsr: 0x208, satp: 0x210, flags: 0x218, bytes: 0x220 } as const;
const PAGE = 4096;
/** Hart.fill zeroes at least this many bytes by scanning for what is not zero yet. */
const ZERO_SCAN = 64 * 1024;
const SIZE_MASK: Readonly<Record<AccessSize, bigint>> = {
  1: 0xffn, 2: 0xffffn, 4: 0xffff_ffffn, 8: 0xffff_ffff_ffff_ffffn,
};

const u64 = (v: bigint): bigint => BigInt.asUintN(64, v);

export class Hart {
  /** x0..x31; writing x[0] has no effect on the hart (it reads as zero). */
  readonly x: BigUint64Array;
  /** f0..f31 as raw bits (single-precision values NaN-boxed). */
  readonly f: BigUint64Array;
  /** The kernel fast path's descriptor in linear memory (src/hart/core/kfast.ts, src/kernel/kfast.ts). */
  readonly kfast: Float64Array;
  /** Guest RAM: physical `ramBase + i` is `ram[i]`. */
  readonly ram: Uint8Array;
  readonly ramBase: number;
  readonly ramSize: number;

  readonly #raw: RawHartExports;
  /** cause, tval, epc of the last MTrap or TrapLoop exit, written by the module. */
  readonly #exitRecord: BigUint64Array;
  #profile: CpuProfile = DEFAULT_PROFILE;
  readonly #ramView: DataView;
  readonly #jit: Jit;
  #jitOn = false;

  private constructor(raw: RawHartExports, ramBase: number, ramSize: number, jit: Jit) {
    this.#raw = raw;
    this.#jit = jit;
    this.ramBase = ramBase;
    this.ramSize = ramSize;
    const buffer = raw.memory.buffer;
    this.x = new BigUint64Array(buffer, aligned8(raw.xRegsOffset(), 'x registers'), 32);
    this.f = new BigUint64Array(buffer, aligned8(raw.fRegsOffset(), 'f registers'), 32);
    this.kfast = new Float64Array(buffer, aligned8(raw.kfastOffset(), 'the kernel fast path descriptor'), 32);
    this.ram = new Uint8Array(buffer, raw.ramOffset(), ramSize);
    this.#exitRecord = new BigUint64Array(buffer, aligned8(raw.exitRecordOffset(), 'the exit record'), 3);
    this.#ramView = new DataView(buffer, raw.ramOffset(), ramSize);
  }

  /**
   * Instantiates the hart module with `mmio` behind its non-RAM physical space, then
   * allocates zeroed RAM and resets the hart to M-mode at the start of RAM.
   */
  static async create(wasm: WebAssembly.Module | BufferSource, mmio: MmioHandler, config: HartConfig): Promise<Hart> {
    const ramBase = config.ramBase ?? DEFAULT_RAM_BASE;
    const { ramSize } = config;
    if (!Number.isSafeInteger(ramSize) || ramSize <= 0 || ramSize % PAGE !== 0) {
      throw new RangeError(`RAM size ${ramSize} is not a positive multiple of 4 KiB`);
    }
    if (ramBase % PAGE !== 0 || !Number.isSafeInteger(ramBase + ramSize)) {
      throw new RangeError(`RAM base 0x${ramBase.toString(16)} is not page-aligned or RAM ends past 2^53`);
    }
    const module = wasm instanceof WebAssembly.Module ? wasm : await WebAssembly.compile(wasm);
    // The MMIO imports need the data slot, which exists only after instantiation.
    const late: { slot?: DataView; memory?: WebAssembly.Memory; jit?: Jit } = {};
    const table = new WebAssembly.Table({ element: 'anyfunc', initial: 1 });
    const imports = importObject(module, {
      mmioRead: (addr, size) => {
        const value = mmio.mmioRead(addr, size as AccessSize);
        if (value === undefined) return 1;
        late.slot!.setBigUint64(0, value & SIZE_MASK[size as AccessSize], true);
        return 0;
      },
      mmioWrite: (addr, size) => {
        const value = late.slot!.getBigUint64(0, true) & SIZE_MASK[size as AccessSize];
        return mmio.mmioWrite(addr, size as AccessSize, value) ? 0 : 1;
      },
      jitCompile: (page, entry) => late.jit?.compile(page, entry) ?? 0,
      jitDropped: (page, slot) => late.jit?.dropped(page, slot),
      jitNote: (page, entry) => late.jit?.note(page, entry),
    }, () => late.memory, table);
    const instance = await WebAssembly.instantiate(module, imports);
    if (instance.exports.memory instanceof WebAssembly.Memory) late.memory = instance.exports.memory;
    const raw = rawExports(instance);
    if (raw.init(BigInt(ramBase), BigInt(ramSize)) === 0) {
      throw new HartModuleError(`hart.wasm could not allocate ${ramSize} bytes of RAM`);
    }
    // init grows memory once; every view is made after it so none is detached later.
    late.slot = new DataView(raw.memory.buffer, raw.mmioDataOffset(), 8);
    if (raw.ramOffset() + ramSize > raw.memory.buffer.byteLength) {
      throw new HartModuleError('hart.wasm memory is smaller than the RAM it was asked to allocate');
    }
    const jit = new Jit({
      memory: raw.memory, table, ramOffset: raw.ramOffset(), exchange: raw.jitExchangeOffset(),
      map: raw.jitMapOffset(), pages: ramSize / PAGE,
      decode: (insn) => raw.jitDecode(insn),
      dropPage: (page) => raw.jitWritten(ramBase + page * PAGE, 1),
      install: (page, slot) => raw.jitInstall(page, slot) !== 0,
      retired: () => raw.jitRetired(),
    }, config.jitAsync === true);
    late.jit = jit;
    const hart = new Hart(raw, ramBase, ramSize, jit);
    // The module starts as the full profile without H; the table says what the default is.
    hart.setProfile(DEFAULT_PROFILE);
    hart.reset(BigInt(ramBase));
    if (config.jit === true) hart.setJit(true);
    return hart;
  }

  /**
   * Turns the JIT on or off (docs/hart.md, "JIT"). `heat`: how many jumps into a page
   * make it hot (the default unless given). Off drops every compiled page.
   */
  setJit(on: boolean, heat = 0): void {
    this.#raw.setJit(on ? 1 : 0, heat);
    this.#jitOn = on;
  }

  get jitEnabled(): boolean { return this.#jitOn; }

  /** What the JIT has done so far. */
  get jitStats(): JitStats { return this.#jit.stats; }

  /**
   * Something other than the Hart's own write methods wrote guest RAM [pa, pa+len)
   * (a device through a view of `ram`): compiled code of those pages is dropped.
   */
  codeWritten(pa: number, len: number): void {
    if (this.#jitOn && len > 0) this.#raw.jitWritten(pa, len);
  }

  /** M-mode, CSRs at reset values, x and f zero, pc set. RAM is left as it is. */
  reset(pc: bigint): void {
    this.#raw.reset(pc);
  }

  /** Runs up to `budget` instructions, or until an exit. */
  run(budget: bigint): HartExit {
    return this.#raw.run(budget) as HartExit;
  }

  /** run() with a number budget (no BigInt crosses; budgets are far below 2^53). */
  runFor(budget: number): HartExit {
    return this.#raw.runBudget(budget) as HartExit;
  }

  /** Instructions retired since reset, as a number (exact below 2^53). */
  get instretCount(): number { return this.#raw.instretCount(); }

  get pc(): bigint { return u64(this.#raw.getPc()); }
  set pc(v: bigint) { this.#raw.setPc(v); }

  get priv(): Priv { return this.#raw.getPriv() as Priv; }
  set priv(p: Priv) { this.#raw.setPriv(p); }

  /** Debugger access: no privilege check; WARL masks apply on write. */
  readCsr(csr: CsrName | number): bigint {
    return u64(this.#raw.csrRead(typeof csr === 'number' ? csr : CSR[csr]));
  }

  writeCsr(csr: CsrName | number, value: bigint): void {
    this.#raw.csrWrite(typeof csr === 'number' ? csr : CSR[csr], value);
  }

  /** Instructions retired since reset. */
  get instret(): bigint { return u64(this.#raw.instret()); }

  /** The virtual clock, in 10 MHz ticks. */
  get mtime(): bigint { return u64(this.#raw.getMtime()); }
  set mtime(v: bigint) { this.#raw.setMtime(v); }

  /** The CLINT compare register of this hart; MTIP = mtime >= mtimecmp. */
  get mtimecmp(): bigint { return u64(this.#raw.getMtimecmp()); }
  set mtimecmp(v: bigint) { this.#raw.setMtimecmp(v); }

  /** mtime as a number of ticks (exact below 2^53 ticks: 28 years of virtual time). */
  get mtimeTicks(): number { return this.#raw.getMtimeTicks(); }
  set mtimeTicks(v: number) { this.#raw.setMtimeTicks(v); }

  /** mtimecmp from a number of ticks; Infinity (or anything ≥ 2^64) is never. */
  set mtimecmpTicks(v: number) { this.#raw.setMtimecmpTicks(v); }

  /** One mtime tick per `n` retired instructions. */
  setInsnsPerTick(n: number): void {
    this.#raw.setInsnsPerTick(n);
  }

  /** Drives an interrupt line into mip: 3 = MSIP (CLINT), 9 = SEIP, 11 = MEIP (PLIC). */
  setIrqLine(bit: number, level: boolean): void {
    this.#raw.setIrqLine(bit, level ? 1 : 0);
  }

  /** For an idle hart: advance mtime to the earliest armed deadline. False if none is armed. */
  skipToNextTimer(): boolean {
    return this.#raw.skipToNextTimer() !== 0;
  }

  /** Routes the physical range [start, start+len) inside RAM to the MMIO handler (HTIF). */
  addMmioHole(start: number, len: number): void {
    if (this.#raw.addMmioHole(BigInt(start), BigInt(len)) === 0) {
      throw new HartModuleError(`hart refused an MMIO hole at 0x${start.toString(16)} (+${len})`);
    }
  }

  /** Asks `run` to return HartExit.Stop after the current instruction. */
  requestStop(): void {
    this.#raw.requestStop();
  }

  /** Which ISA the hart implements from now on (src/hart/profile.ts). */
  setProfile(profile: CpuProfile): void {
    const info = PROFILES[profile];
    this.#raw.setProfile((info.full ? 1 : 0) | (info.hypervisor === true ? 2 : 0));
    this.#profile = profile;
  }

  get profile(): CpuProfile { return this.#profile; }

  set hartId(id: bigint) { this.#raw.setHartId(id); }

  /** Whether CSR `csr` exists on this hart (at any privilege). */
  csrExists(csr: number): boolean { return this.#raw.csrExists(csr) !== 0; }

  /** Hosted M-mode: traps into M become HartExit.MTrap instead of entering M. */
  setHostedM(on: boolean): void {
    this.#raw.setHostedM(on ? 1 : 0);
  }

  /**
   * Saves x1..x31, pc and, if they were written since the last loadContext, the f
   * registers and fcsr into the thread context at physical address `pa`
   * (CONTEXT_BYTES long, layout in docs/hart-seam.md). For a kernel that hosts M-mode.
   */
  saveContext(pa: number): void {
    if (this.#raw.saveContext(pa) === 0) throw new RangeError(`thread context at 0x${pa.toString(16)} is not in RAM`);
  }

  /**
   * Puts the thread context at `pa` on the hart, in U-mode: registers, pc, its satp
   * (written only if it differs) and its FP state (moved only if the hart holds another's).
   */
  loadContext(pa: number): void {
    if (this.#raw.loadContext(pa) === 0) throw new RangeError(`thread context at 0x${pa.toString(16)} is not in RAM`);
  }

  /** After writing `f` or fcsr from the host while contexts are in use (loadContext). */
  fpRegistersChanged(): void {
    this.#raw.fpRegistersChanged();
  }

  /** The trap behind the last MTrap or TrapLoop exit (read from the exit record: no call). */
  exitInfo(): TrapInfo {
    const r = this.#exitRecord;
    return { cause: r[0]!, tval: r[1]!, epc: r[2]! };
  }

  /**
   * Hosted M-mode exits only for these causes (bit n = cause n); the other traps into M
   * enter M-mode natively through mtvec. All causes exit by default.
   */
  setHostedMCauses(exceptions: bigint, interrupts: bigint): void {
    this.#raw.setHostedMCauses(BigInt.asIntN(64, exceptions), BigInt.asIntN(64, interrupts));
  }

  /**
   * Takes an exception (or with `interrupt` an interrupt) into a supervisor as if it had
   * been delegated there, for a host that emulates something for it. With V=0 into
   * S-mode (HS-mode with H): scause, sepc (the current pc), stval, sstatus, pc = stvec's
   * vector; with H also hstatus.SPV/SPVP/GVA, htval and htinst as a trap from V=1 to HS
   * sets them (`gpa`, `tinst`). With V=1 (a guest runs) into the guest's VS-mode:
   * vscause, vsepc, vstval, vsstatus, pc = vstvec's vector, V stays 1; `cause` is the one
   * the guest sees (a VS-level interrupt by its supervisor number: 5 for a timer).
   * `into: 'HS'` takes it from V=1 into HS-mode instead (V := 0). Nothing happens in M-mode.
   */
  injectTrap(cause: bigint, tval: bigint, interrupt = false, options: InjectOptions = {}): void {
    const flags = (interrupt ? 1 : 0) | (options.into === 'HS' ? 2 : 0);
    this.#raw.injectTrap(cause, BigInt.asIntN(64, tval), flags, BigInt.asIntN(64, options.gpa ?? 0n),
      BigInt.asIntN(64, options.tinst ?? 0n));
  }

  /** The last retired instruction; `insn` holds 16 bits for a compressed one. */
  lastRetired(): { pc: bigint; insn: number } {
    return { pc: u64(this.#raw.lastPc()), insn: this.#raw.lastInsn() >>> 0 };
  }

  // RAM access by physical address. Out-of-RAM accesses throw a RangeError: callers
  // that handle guest-supplied addresses check with inRam() first.

  /** True if [pa, pa+len) lies inside RAM. */
  inRam(pa: number, len = 1): boolean {
    return pa >= this.ramBase && len >= 0 && pa + len <= this.ramBase + this.ramSize;
  }

  readU8(pa: number): number { return this.#ramView.getUint8(this.#offset(pa, 1)); }
  readU16(pa: number): number { return this.#ramView.getUint16(this.#offset(pa, 2), true); }
  readU32(pa: number): number { return this.#ramView.getUint32(this.#offset(pa, 4), true); }
  readU64(pa: number): bigint { return this.#ramView.getBigUint64(this.#offset(pa, 8), true); }

  writeU8(pa: number, v: number): void { this.#ramView.setUint8(this.#offset(pa, 1), v); this.codeWritten(pa, 1); }
  writeU16(pa: number, v: number): void { this.#ramView.setUint16(this.#offset(pa, 2), v, true); this.codeWritten(pa, 2); }
  writeU32(pa: number, v: number): void { this.#ramView.setUint32(this.#offset(pa, 4), v, true); this.codeWritten(pa, 4); }
  writeU64(pa: number, v: bigint): void { this.#ramView.setBigUint64(this.#offset(pa, 8), v, true); this.codeWritten(pa, 8); }

  /** A view (not a copy) of RAM bytes. */
  readBytes(pa: number, len: number): Uint8Array {
    const off = this.#offset(pa, len);
    return this.ram.subarray(off, off + len);
  }

  writeBytes(pa: number, bytes: Uint8Array): void {
    this.ram.set(bytes, this.#offset(pa, bytes.length));
    this.codeWritten(pa, bytes.length);
  }

  fill(pa: number, len: number, value = 0): void {
    const off = this.#offset(pa, len);
    // Zeroing much: only the pages that are not zero yet are written (core zeroRam).
    if (value === 0 && len >= ZERO_SCAN) this.#raw.zeroRam(pa, len);
    else this.ram.fill(value, off, off + len);
    this.codeWritten(pa, len);
  }

  /** A NUL-terminated string at `pa`, at most `max` bytes, decoded as UTF-8. */
  readCString(pa: number, max = 4096): string {
    const off = this.#offset(pa, 0);
    const window = this.ram.subarray(off, Math.min(off + max, this.ramSize));
    const nul = window.indexOf(0);
    return new TextDecoder().decode(nul < 0 ? window : window.subarray(0, nul));
  }

  #offset(pa: number, len: number): number {
    if (!this.inRam(pa, len)) {
      throw new RangeError(`physical 0x${pa.toString(16)} (+${len}) is outside RAM`);
    }
    return pa - this.ramBase;
  }
}

function aligned8(offset: number, what: string): number {
  if (offset % 8 !== 0) throw new HartModuleError(`hart.wasm places ${what} at unaligned offset ${offset}`);
  return offset;
}
