// A small SBI v2.0 implementation for hosted M-mode: the hart turns every trap that
// would enter M into an exit, and this class answers it in the place OpenSBI would.
// RISC-V Supervisor Binary Interface Specification v2.0: base, legacy (v0.1) console
// and timer, TIME, IPI, RFENCE, HSM, SRST, DBCN.
import { Priv, type Hart, type TrapInfo } from '../hart/index.js';
import {
  CAUSE_INTERRUPT_BIT, CAUSE_MISALIGNED_FETCH, CAUSE_FETCH_ACCESS, CAUSE_ILLEGAL_INSTRUCTION, CAUSE_BREAKPOINT,
  CAUSE_MISALIGNED_LOAD, CAUSE_LOAD_ACCESS, CAUSE_MISALIGNED_STORE, CAUSE_STORE_ACCESS, CAUSE_USER_ECALL,
  CAUSE_SUPERVISOR_ECALL, CAUSE_FETCH_PAGE_FAULT, CAUSE_LOAD_PAGE_FAULT, CAUSE_STORE_PAGE_FAULT,
  CAUSE_VIRTUAL_SUPERVISOR_ECALL, CAUSE_FETCH_GUEST_PAGE_FAULT, CAUSE_LOAD_GUEST_PAGE_FAULT, CAUSE_VIRTUAL_INSTRUCTION,
  CAUSE_STORE_GUEST_PAGE_FAULT, IRQ_M_TIMER, MIP_MSIP, MIP_SSIP, MIP_STIP, MIP_SEIP, MIP_MTIP,
} from '../hart/causes.js';
import {
  COUNTEREN_CY, COUNTEREN_IR, COUNTEREN_TM, ENVCFG_CBIE_INVAL, ENVCFG_CBCFE, ENVCFG_CBZE, MENVCFG_PBMTE, MENVCFG_STCE,
  CSR_PMPADDR0, MSTATUS_FS_DIRTY, MSTATUS_MPIE, PMP_NAPOT, PMP_R, PMP_W, PMP_X,
} from '../hart/spec/csr.js';
import type { CharSink } from '../machine/host.js';
import { CLINT_BASE, CLINT_SIZE } from '../machine/memory-map.js';
import { hasExtension } from '../hart/profile.js';
import type { Machine, MTrapHandler } from '../machine/machine.js';
import type { RunOutcome } from '../machine/outcome.js';
import {
  SBI_SUCCESS, SBI_ERR_FAILED, SBI_ERR_NOT_SUPPORTED, SBI_ERR_INVALID_PARAM, SBI_ERR_ALREADY_AVAILABLE, EXT_BASE,
  EXT_TIME, EXT_IPI, EXT_RFENCE, EXT_HSM, EXT_SRST, EXT_DBCN, LEGACY_SET_TIMER, LEGACY_CONSOLE_PUTCHAR,
  LEGACY_CONSOLE_GETCHAR, LEGACY_CLEAR_IPI, LEGACY_SEND_IPI, LEGACY_REMOTE_FENCE_I, LEGACY_REMOTE_SFENCE_VMA,
  LEGACY_REMOTE_SFENCE_VMA_ASID, LEGACY_SHUTDOWN,
} from '../machine/sbi-abi.js';

const SPEC_VERSION = (2n << 24n) | 0n;
// Implementation ID: not one of the IDs the SBI specification assigns.
export const IMPL_ID = 0xc5n;
const IMPL_VERSION = 0x0001_0000n;

// The spec's constants (src/hart/spec/) as the bigints that CSR values are here.
const SUPERVISOR_ECALL = BigInt(CAUSE_SUPERVISOR_ECALL);
const M_TIMER_INTERRUPT = CAUSE_INTERRUPT_BIT | BigInt(IRQ_M_TIMER);
const SSIP = BigInt(MIP_SSIP);
const STIP = BigInt(MIP_STIP);
const MTIE = BigInt(MIP_MTIP); // mie has mip's layout

const SRST_SHUTDOWN = 0n;
const SRST_COLD_REBOOT = 1n;
const SRST_WARM_REBOOT = 2n;

// The hand-off below is OpenSBI's (fw_dynamic, same board and profile) register by
// register, but for the differences docs/board.md lists ("Deliberate differences from
// OpenSBI"); test/firmware/handoff.test.ts compares the two.

// Exceptions S-mode handles itself (everything but the ecalls that reach us). OpenSBI
// keeps illegal-instruction, access-fault and misaligned load/store exceptions in M to
// emulate what it can and redirect the rest to S; the hosted firmware emulates nothing,
// so it delegates them.
const MEDELEG = [
  CAUSE_MISALIGNED_FETCH, CAUSE_FETCH_ACCESS, CAUSE_ILLEGAL_INSTRUCTION, CAUSE_BREAKPOINT, CAUSE_MISALIGNED_LOAD,
  CAUSE_LOAD_ACCESS, CAUSE_MISALIGNED_STORE, CAUSE_STORE_ACCESS, CAUSE_USER_ECALL,
  CAUSE_FETCH_PAGE_FAULT, CAUSE_LOAD_PAGE_FAULT, CAUSE_STORE_PAGE_FAULT,
].reduce((m, c) => m | (1n << BigInt(c)), 0n);
// With H, as OpenSBI: the hypervisor in HS-mode handles its guests' ecalls, guest-page
// faults and virtual-instruction exceptions; only its own ecalls reach M.
const MEDELEG_H = [
  CAUSE_VIRTUAL_SUPERVISOR_ECALL, CAUSE_FETCH_GUEST_PAGE_FAULT, CAUSE_LOAD_GUEST_PAGE_FAULT,
  CAUSE_VIRTUAL_INSTRUCTION, CAUSE_STORE_GUEST_PAGE_FAULT,
].reduce((m, c) => m | (1n << BigInt(c)), 0n);
const MIDELEG = BigInt(MIP_SSIP | MIP_STIP | MIP_SEIP);
// As OpenSBI leaves it after its mret into S: MPIE set, and the FPU on and Dirty (it
// zeroes the f registers and fcsr before the hand-off).
const MSTATUS = BigInt(MSTATUS_MPIE | MSTATUS_FS_DIRTY);
// OpenSBI enables the M software interrupt for IPIs between harts. With one hart and the
// CLINT closed to S-mode (PMP below) nothing can raise it here; it is set to be equal.
const MIE = BigInt(MIP_MSIP);
// S may read every counter (the hpm counters read zero); U may read cycle, time and
// instret until the kernel says otherwise: Linux's vDSO reads time from U-mode, and
// Linux 6.1 writes scounteren itself only with its SBI PMU driver.
const MCOUNTEREN = 0xffff_ffffn;
const SCOUNTEREN = BigInt(COUNTEREN_CY | COUNTEREN_TM | COUNTEREN_IR);
// The programmable counters stay inhibited until S-mode starts them (OpenSBI: through
// the SBI PMU extension, which the hosted firmware does not offer; they read zero).
const MCOUNTINHIBIT = 0xffff_fff8n;
// PMP, as OpenSBI: entry 0 closes the CLINT (M-mode's timer and IPI registers) to S and
// U, entry 2 grants them everything else. OpenSBI's entry 1 closes its own memory at the
// start of RAM; the hosted firmware has none there, so its entry 1 is off.
const napot = (base: number, size: number): bigint => BigInt(base / 4 + (size / 8 - 1));
const PMPADDR0 = napot(CLINT_BASE, CLINT_SIZE);
const PMPADDR2 = (1n << 54n) - 1n; // NAPOT over the whole 56-bit physical space
const PMPCFG0 = BigInt(PMP_NAPOT) | (BigInt(PMP_NAPOT | PMP_R | PMP_W | PMP_X) << 16n);

/** The menvcfg that lets S-mode use what `isa` announces. */
export function menvcfgFor(isa: string): bigint {
  let v = 0n;
  if (hasExtension(isa, 'zicbom')) v |= BigInt(ENVCFG_CBIE_INVAL | ENVCFG_CBCFE);
  if (hasExtension(isa, 'zicboz')) v |= BigInt(ENVCFG_CBZE);
  if (hasExtension(isa, 'svpbmt')) v |= BigInt(MENVCFG_PBMTE);
  if (hasExtension(isa, 'sstc')) v |= BigInt(MENVCFG_STCE);
  return v;
}

/** What the firmware needs from the board. */
export interface SbiPlatform {
  readonly console: CharSink;
  /** The next byte of console input, or -1 when there is none. */
  readConsole(): number;
  /** The guest asked for shutdown (code 0) or reported a failure shutdown. */
  powerOff(code: number): void;
  reset(): void;
}

export interface SbiBootOptions {
  readonly entry: bigint;
  readonly dtb: bigint;
  readonly hartId?: bigint;
  /**
   * The ISA the device tree announces; the firmware turns on in menvcfg what S-mode
   * needs for it (STCE for Sstc, PBMTE for Svpbmt, CBIE/CBCFE/CBZE for Zicbom/Zicboz),
   * as OpenSBI does, and with H delegates the guests' traps to HS (medeleg). Default:
   * plain RV64GC, nothing turned on.
   */
  readonly isa?: string;
}

export type SbiOutcome = { kind: 'resume' } | { kind: 'stop' } | { kind: 'error'; message: string };

/** Counts of SBI calls by "EXT/FID" name, for `--sbi-stats`. */
export type SbiStats = Map<string, number>;

export class SbiFirmware implements MTrapHandler {
  readonly stats: SbiStats = new Map();
  readonly #machine: Machine;
  readonly #hart: Hart;
  readonly #platform: SbiPlatform;

  constructor(machine: Machine, platform: SbiPlatform) {
    this.#machine = machine;
    this.#hart = machine.hart;
    this.#platform = platform;
  }

  /**
   * Hosts M-mode on the machine and puts the hart where OpenSBI would leave it: S-mode
   * at `entry`, a0 = hartid, a1 = dtb, and the CSRs as OpenSBI sets them.
   */
  boot(options: SbiBootOptions): void {
    const hart = this.#hart;
    const hartId = options.hartId ?? 0n;
    this.#machine.hostM(this);
    this.#machine.boot(options.entry, { priv: Priv.S, a0: hartId, a1: options.dtb });
    hart.writeCsr('mstatus', hart.readCsr('mstatus') | MSTATUS);
    hart.writeCsr('medeleg', MEDELEG | (hasExtension(options.isa ?? '', 'h') ? MEDELEG_H : 0n));
    hart.writeCsr('mideleg', MIDELEG);
    hart.writeCsr('mie', MIE);
    hart.writeCsr('mcounteren', MCOUNTEREN);
    hart.writeCsr('scounteren', SCOUNTEREN);
    hart.writeCsr('mcountinhibit', MCOUNTINHIBIT);
    hart.writeCsr('pmpaddr0', PMPADDR0);
    hart.writeCsr(CSR_PMPADDR0 + 2, PMPADDR2);
    hart.writeCsr('pmpcfg0', PMPCFG0);
    hart.writeCsr('menvcfg', menvcfgFor(options.isa ?? ''));
    // OpenSBI points stvec at the kernel's entry, so a trap before the kernel set its own lands there.
    hart.writeCsr('stvec', options.entry);
  }

  /** The machine's view of handleTrap: undefined resumes the hart. */
  handleMTrap(trap: TrapInfo): RunOutcome | undefined {
    const outcome = this.handleTrap(trap);
    switch (outcome.kind) {
      case 'resume':
        return undefined;
      case 'stop':
        // powerOff/reset already told the machine how the run ends; this is a fallback.
        return { kind: 'firmware-fault', pc: trap.epc, message: 'firmware: stopped without a power request' };
      case 'error':
        return { kind: 'firmware-fault', pc: trap.epc, message: outcome.message };
    }
  }

  /** Answers a hosted-M trap. */
  handleTrap(trap: TrapInfo): SbiOutcome {
    const hart = this.#hart;
    if (trap.cause === M_TIMER_INTERRUPT) {
      // The timer the supervisor asked for through set_timer: pass it on as STIP.
      hart.writeCsr('mie', hart.readCsr('mie') & ~MTIE);
      hart.writeCsr('mip', hart.readCsr('mip') | STIP);
      return { kind: 'resume' };
    }
    if (trap.cause === SUPERVISOR_ECALL) {
      const outcome = this.#ecall();
      if (outcome.kind === 'resume') hart.pc = trap.epc + 4n;
      return outcome;
    }
    const what = trap.cause & CAUSE_INTERRUPT_BIT ? `interrupt ${trap.cause & ~CAUSE_INTERRUPT_BIT}` : `exception ${trap.cause}`;
    return {
      kind: 'error',
      message: `firmware: unexpected trap into M-mode (${what}) at pc 0x${trap.epc.toString(16)}, tval 0x${trap.tval.toString(16)}`,
    };
  }

  #count(name: string): void {
    this.stats.set(name, (this.stats.get(name) ?? 0) + 1);
  }

  #ecall(): SbiOutcome {
    const x = this.#hart.x;
    const eid = Number(x[17]);
    const fid = Number(x[16]);
    if (eid <= LEGACY_SHUTDOWN) return this.#legacy(eid);
    let result: [bigint, bigint] | SbiOutcome;
    switch (eid) {
      case EXT_BASE: result = this.#base(fid); break;
      case EXT_TIME: result = this.#time(fid); break;
      case EXT_IPI: result = this.#ipi(fid); break;
      case EXT_RFENCE: result = this.#rfence(fid); break;
      case EXT_HSM: result = this.#hsm(fid); break;
      case EXT_SRST: result = this.#srst(fid); break;
      case EXT_DBCN: result = this.#dbcn(fid); break;
      default:
        this.#count(`0x${eid.toString(16)}/${fid}`);
        result = [SBI_ERR_NOT_SUPPORTED, 0n];
    }
    if (!Array.isArray(result)) return result;
    x[10] = BigInt.asUintN(64, result[0]);
    x[11] = BigInt.asUintN(64, result[1]);
    return { kind: 'resume' };
  }

  #legacy(eid: number): SbiOutcome {
    const hart = this.#hart;
    const x = hart.x;
    const names = ['set_timer', 'console_putchar', 'console_getchar', 'clear_ipi', 'send_ipi',
      'remote_fence_i', 'remote_sfence_vma', 'remote_sfence_vma_asid', 'shutdown'];
    this.#count(`legacy/${names[eid]}`);
    let ret = 0n;
    switch (eid) {
      case LEGACY_SET_TIMER: this.#setTimer(x[10]); break;
      case LEGACY_CONSOLE_PUTCHAR: this.#platform.console.write(Uint8Array.of(Number(x[10] & 0xffn))); break;
      case LEGACY_CONSOLE_GETCHAR: ret = BigInt(this.#platform.readConsole()); break;
      case LEGACY_CLEAR_IPI: hart.writeCsr('mip', hart.readCsr('mip') & ~SSIP); break;
      case LEGACY_SEND_IPI: hart.writeCsr('mip', hart.readCsr('mip') | SSIP); break;
      case LEGACY_REMOTE_FENCE_I: break;
      // As RFENCE below: the only hart is the caller; rewriting satp flushes its TLBs.
      case LEGACY_REMOTE_SFENCE_VMA: case LEGACY_REMOTE_SFENCE_VMA_ASID: hart.writeCsr('satp', hart.readCsr('satp')); break;
      case LEGACY_SHUTDOWN: this.#platform.powerOff(0); return { kind: 'stop' };
    }
    x[10] = BigInt.asUintN(64, ret);
    return { kind: 'resume' };
  }

  #base(fid: number): [bigint, bigint] {
    const names = ['get_spec_version', 'get_impl_id', 'get_impl_version', 'probe_extension', 'get_mvendorid', 'get_marchid', 'get_mimpid'];
    this.#count(`BASE/${names[fid] ?? fid}`);
    switch (fid) {
      case 0: return [SBI_SUCCESS, SPEC_VERSION];
      case 1: return [SBI_SUCCESS, IMPL_ID];
      case 2: return [SBI_SUCCESS, IMPL_VERSION];
      case 3: return [SBI_SUCCESS, this.probe(Number(this.#hart.x[10])) ? 1n : 0n];
      case 4: return [SBI_SUCCESS, this.#hart.readCsr(0xf11)];
      case 5: return [SBI_SUCCESS, this.#hart.readCsr(0xf12)];
      case 6: return [SBI_SUCCESS, this.#hart.readCsr(0xf13)];
    }
    return [SBI_ERR_NOT_SUPPORTED, 0n];
  }

  /** Whether extension `eid` is implemented (BASE probe_extension). */
  probe(eid: number): boolean {
    if (eid <= LEGACY_SHUTDOWN) return true;
    return [EXT_BASE, EXT_TIME, EXT_IPI, EXT_RFENCE, EXT_HSM, EXT_SRST, EXT_DBCN].includes(eid);
  }

  #setTimer(when: bigint): void {
    const hart = this.#hart;
    if (hart.readCsr('menvcfg') & BigInt(MENVCFG_STCE)) {
      // With Sstc the supervisor's own compare register raises STIP, as OpenSBI does it.
      hart.writeCsr('stimecmp', when);
      return;
    }
    hart.mtimecmp = when;
    hart.writeCsr('mip', hart.readCsr('mip') & ~STIP);
    hart.writeCsr('mie', hart.readCsr('mie') | MTIE);
  }

  #time(fid: number): [bigint, bigint] {
    this.#count(`TIME/${fid === 0 ? 'set_timer' : fid}`);
    if (fid !== 0) return [SBI_ERR_NOT_SUPPORTED, 0n];
    this.#setTimer(this.#hart.x[10]);
    return [SBI_SUCCESS, 0n];
  }

  /** One hart: an IPI to hart 0 sets its SSIP; any other hart id is invalid. */
  #ipi(fid: number): [bigint, bigint] {
    this.#count(`IPI/${fid === 0 ? 'send_ipi' : fid}`);
    if (fid !== 0) return [SBI_ERR_NOT_SUPPORTED, 0n];
    const [mask, base] = [this.#hart.x[10], this.#hart.x[11]];
    const targets = this.#harts(mask, base);
    if (targets === undefined) return [SBI_ERR_INVALID_PARAM, 0n];
    if (targets) this.#hart.writeCsr('mip', this.#hart.readCsr('mip') | SSIP);
    return [SBI_SUCCESS, 0n];
  }

  /**
   * Whether hart 0 is in the set given by (hart_mask, hart_mask_base); undefined when
   * the set names a hart that does not exist. A base of -1 means all harts.
   */
  #harts(mask: bigint, base: bigint): boolean | undefined {
    if (base === (1n << 64n) - 1n) return true;
    if (mask === 0n) return false;
    if (base !== 0n || mask !== 1n) return undefined;
    return true;
  }

  #rfence(fid: number): [bigint, bigint] {
    const names = ['remote_fence_i', 'remote_sfence_vma', 'remote_sfence_vma_asid'];
    this.#count(`RFENCE/${names[fid] ?? fid}`);
    if (fid > 2) return [SBI_ERR_NOT_SUPPORTED, 0n];
    const targets = this.#harts(this.#hart.x[10], this.#hart.x[11]);
    if (targets === undefined) return [SBI_ERR_INVALID_PARAM, 0n];
    // The only hart is the caller. Its decoded-instruction cache checks the raw bits of
    // every instruction, so FENCE.I needs nothing; an SFENCE.VMA on its behalf flushes
    // its TLBs, which rewriting satp does (more than asked for, which is allowed).
    if (targets && fid !== 0) this.#hart.writeCsr('satp', this.#hart.readCsr('satp'));
    return [SBI_SUCCESS, 0n];
  }

  #hsm(fid: number): [bigint, bigint] {
    const names = ['hart_start', 'hart_stop', 'hart_get_status', 'hart_suspend'];
    this.#count(`HSM/${names[fid] ?? fid}`);
    const hartId = this.#hart.x[10];
    switch (fid) {
      case 0: return [hartId === 0n ? SBI_ERR_ALREADY_AVAILABLE : SBI_ERR_INVALID_PARAM, 0n];
      case 1: return [SBI_ERR_FAILED, 0n]; // the last hart cannot stop
      case 2: return hartId === 0n ? [SBI_SUCCESS, 0n /* STARTED */] : [SBI_ERR_INVALID_PARAM, 0n];
      case 3: return [SBI_ERR_NOT_SUPPORTED, 0n];
    }
    return [SBI_ERR_NOT_SUPPORTED, 0n];
  }

  #srst(fid: number): [bigint, bigint] | SbiOutcome {
    this.#count(`SRST/${fid === 0 ? 'system_reset' : fid}`);
    if (fid !== 0) return [SBI_ERR_NOT_SUPPORTED, 0n];
    const [type, reason] = [this.#hart.x[10], this.#hart.x[11]];
    if (type === SRST_SHUTDOWN) {
      // Reason 1 is "system failure".
      this.#platform.powerOff(reason === 0n ? 0 : 1);
      return { kind: 'stop' };
    }
    if (type === SRST_COLD_REBOOT || type === SRST_WARM_REBOOT) {
      this.#platform.reset();
      return { kind: 'stop' };
    }
    return [SBI_ERR_INVALID_PARAM, 0n];
  }

  #dbcn(fid: number): [bigint, bigint] {
    const names = ['console_write', 'console_read', 'console_write_byte'];
    this.#count(`DBCN/${names[fid] ?? fid}`);
    const hart = this.#hart;
    const x = hart.x;
    switch (fid) {
      case 0: case 1: {
        const len = x[10];
        const addr = x[11] | (x[12] << 64n);
        if (addr > BigInt(Number.MAX_SAFE_INTEGER) || len > 1n << 20n || !hart.inRam(Number(addr), Math.max(1, Number(len)))) {
          return [SBI_ERR_INVALID_PARAM, 0n];
        }
        if (fid === 0) {
          this.#platform.console.write(hart.readBytes(Number(addr), Number(len)));
          return [SBI_SUCCESS, len];
        }
        let n = 0;
        for (; n < Number(len); n++) {
          const c = this.#platform.readConsole();
          if (c < 0) break;
          hart.writeBytes(Number(addr) + n, Uint8Array.of(c));
        }
        return [SBI_SUCCESS, BigInt(n)];
      }
      case 2:
        this.#platform.console.write(Uint8Array.of(Number(x[10] & 0xffn)));
        return [SBI_SUCCESS, 0n];
    }
    return [SBI_ERR_NOT_SUPPORTED, 0n];
  }
}
