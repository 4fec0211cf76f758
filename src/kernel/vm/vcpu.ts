// A vCPU: the part of a virtual machine's thread that a cell's thread does not have.
// Its general and FP registers and pc live in its TCB like any thread's; here are the
// guest's privilege (VS or VU), the VS CSRs that the guest's supervisor reaches through
// the s* names (privileged spec 8.2.12-8.2.20), the supervisor CSRs a guest writes
// directly (senvcfg, scounteren), and the hypervisor's view of its interrupts (hvip).
// While the vCPU is on the hart these live in the hart's CSRs; the kernel saves them
// here when another thread takes the hart (kernel.ts, #leaveGuest).
import { Priv, type Hart } from '../../hart/index.js';
import {
  CSR_VSSTATUS, CSR_VSIE, CSR_VSTVEC, CSR_VSSCRATCH, CSR_VSEPC, CSR_VSCAUSE, CSR_VSTVAL, CSR_VSATP, CSR_VSTIMECMP,
  CSR_HVIP, CSR_SENVCFG, CSR_SCOUNTEREN,
} from '../../hart/spec/csr.js';
import { MIP_VSEIP, MIP_VSSIP, MIP_VSTIP } from '../../hart/causes.js';
import { COUNTEREN_CY, COUNTEREN_IR, COUNTEREN_TM, MSTATUS_SIE as SIE, MSTATUS_SPIE as SPIE, MSTATUS_SPP as SPP } from '../../hart/spec/csr.js';

const MSTATUS_SIE = BigInt(SIE);
const MSTATUS_SPIE = BigInt(SPIE);
const MSTATUS_SPP = BigInt(SPP);

const NEVER = (1n << 64n) - 1n;
/** The VS CSRs saved and restored, in this order in `csrs`. */
const SAVED = [
  CSR_VSSTATUS, CSR_VSIE, CSR_VSTVEC, CSR_VSSCRATCH, CSR_VSEPC, CSR_VSCAUSE, CSR_VSTVAL, CSR_VSATP, CSR_VSTIMECMP,
  CSR_SENVCFG, CSR_SCOUNTEREN, CSR_HVIP,
] as const;
const VSIE = 1;
const VSTIMECMP = 8;
const SCOUNTEREN = 10;
const HVIP = SAVED.length - 1;

// vsie has the guest's (supervisor) layout: SSIE 1, STIE 5, SEIE 9; hvip the VS one: 2, 6, 10.
const VSIE_SSIE = 1n << 1n;
const VSIE_STIE = 1n << 5n;
const VSIE_SEIE = 1n << 9n;
const VSSIP = BigInt(MIP_VSSIP);
const VSTIP = BigInt(MIP_VSTIP);
const VSEIP = BigInt(MIP_VSEIP);

export class VCpu {
  /** VS (S) or VU (U). */
  priv: Priv = Priv.S;
  readonly csrs = new BigUint64Array(SAVED.length);
  /** The VS CSRs are in the hart (this vCPU runs, or ran last in V mode). */
  loaded = false;

  constructor(private readonly hart: Hart) {
    this.reset();
  }

  /** The state at boot: VS-mode, translation off, no interrupts, timer unarmed. */
  reset(): void {
    this.priv = Priv.S;
    this.csrs.fill(0n);
    this.csrs[VSTIMECMP] = NEVER;
    // As SBI firmware leaves it: U-mode may read cycle, time and instret (Linux's vDSO
    // reads time; Linux 6.1 sets scounteren itself only with its SBI PMU driver).
    this.csrs[SCOUNTEREN] = BigInt(COUNTEREN_CY | COUNTEREN_TM | COUNTEREN_IR);
    if (this.loaded) this.load();
  }

  save(): void {
    for (let i = 0; i < SAVED.length; i++) this.csrs[i] = this.hart.readCsr(SAVED[i]!);
    this.loaded = false;
  }

  load(): void {
    for (let i = 0; i < SAVED.length; i++) this.hart.writeCsr(SAVED[i]!, this.csrs[i]!);
    this.loaded = true;
  }

  #get(i: number, csr: number): bigint {
    return this.loaded ? this.hart.readCsr(csr) : this.csrs[i]!;
  }

  #set(i: number, csr: number, v: bigint): void {
    if (this.loaded) this.hart.writeCsr(csr, v);
    else this.csrs[i] = v;
  }

  get hvip(): bigint { return this.#get(HVIP, CSR_HVIP); }
  set hvip(v: bigint) { this.#set(HVIP, CSR_HVIP, v); }
  get vstimecmp(): bigint { return this.#get(VSTIMECMP, CSR_VSTIMECMP); }
  set vstimecmp(v: bigint) { this.#set(VSTIMECMP, CSR_VSTIMECMP, v); }
  get vsie(): bigint { return this.#get(VSIE, CSR_VSIE); }

  /** Raises or lowers VSEIP (the emulated PLIC's supervisor context). */
  setExternal(level: boolean): void {
    const h = this.hvip;
    this.hvip = level ? h | VSEIP : h & ~VSEIP;
  }

  /** Raises VSSIP (an IPI to itself). */
  raiseSoftware(): void {
    this.hvip |= VSSIP;
  }

  /** The mtime at which its timer interrupt becomes pending, if the guest enabled it (guest time is board time). */
  timerDeadline(): number | undefined {
    return (this.vsie & VSIE_STIE) !== 0n && this.vstimecmp !== NEVER ? Number(this.vstimecmp) : undefined;
  }

  /** An interrupt is pending and enabled in vsie at `now`: what ends a WFI (whatever sstatus.SIE says). */
  wakeable(now: number): boolean {
    const vsie = this.vsie;
    const hvip = this.hvip;
    if ((vsie & VSIE_SEIE) !== 0n && (hvip & VSEIP) !== 0n) return true;
    if ((vsie & VSIE_SSIE) !== 0n && (hvip & VSSIP) !== 0n) return true;
    if ((vsie & VSIE_STIE) !== 0n && ((hvip & VSTIP) !== 0n || Number(this.vstimecmp) <= now)) return true;
    return false;
  }

  /**
   * Takes an exception into the guest's supervisor as the hart would (privileged spec
   * 8.6.4, a trap into VS-mode): vsepc = the thread's pc, vscause, vstval, vsstatus's
   * SPP/SPIE/SIE, then VS-mode at vstvec's base.
   */
  injectException(t: { pc: bigint }, cause: number, tval: bigint): void {
    const s = this.#get(0, CSR_VSSTATUS);
    let ns = s & ~(MSTATUS_SPIE | MSTATUS_SIE | MSTATUS_SPP);
    if ((s & MSTATUS_SIE) !== 0n) ns |= MSTATUS_SPIE;
    if (this.priv === Priv.S) ns |= MSTATUS_SPP;
    this.#set(0, CSR_VSSTATUS, ns);
    this.#set(4, CSR_VSEPC, t.pc);
    this.#set(5, CSR_VSCAUSE, BigInt(cause));
    this.#set(6, CSR_VSTVAL, tval);
    this.priv = Priv.S;
    t.pc = this.#get(2, CSR_VSTVEC) & ~3n;
  }

  /** Register values for a fault report, by CSR name. */
  snapshot(): Record<'vsstatus' | 'vsepc' | 'vscause' | 'vstval' | 'vsatp' | 'vstvec', bigint> {
    const g = (i: number): bigint => this.#get(i, SAVED[i]!);
    return { vsstatus: g(0), vstvec: g(2), vsepc: g(4), vscause: g(5), vstval: g(6), vsatp: g(7) };
  }
}
