// The microvisor kernel: it owns M-mode of the board (hosted: every trap that would
// enter M is an exit answered here) and runs native cells in U-mode on Sv39 page
// tables. Each entry saves the running thread's registers into its TCB, accounts the
// time it used, handles the trap (syscall, fault, timer, device interrupt), charges the
// kernel's own work to virtual time (cost-model.ts), and returns to the thread the
// scheduler picks, or to the idle loop.
import { Priv, type Hart, type TrapInfo } from '../hart/index.js';
import { CAUSE_INTERRUPT_BIT, CAUSE_USER_ECALL, IRQ_M_EXT, IRQ_M_TIMER, causeName } from '../hart/causes.js';
import {
  CSR_FCSR, CSR_SATP, CSR_MEPC, CSR_MSTATUS, CSR_MEDELEG, CSR_HGATP, CSR_VSIE, CSR_HVIP, CSR_MTVAL2, CSR_MTINST, CSR_SENVCFG, CSR_SCOUNTEREN,
  MSTATUS_MPP, MSTATUS_MPV, MSTATUS_MPP_SHIFT, MSTATUS_MIE, MSTATUS_MPIE,
} from '../hart/spec/csr.js';
import type { MTrapHandler } from '../machine/machine.js';
import type { RunOutcome } from '../machine/outcome.js';
import type { VirtBoard } from '../machine/virt.js';
import { PLIC_BASE } from '../machine/memory-map.js';
import type { Cell } from './cell.js';
import { COST, CYCLES_PER_TICK } from './cost-model.js';
import { cancelIpc, abortReply, sendFault, signal, type IpcHost } from './ipc.js';
import type { IrqHandler } from './objects/irq-handler.js';
import type { Timer } from './objects/timer.js';
import type { Tcb } from './objects/tcb.js';
import { Scheduler } from './scheduler.js';
import { handleSyscall } from './syscall.js';
import { reloadCell } from './boot.js';
import { tryFastpath } from './fastpath.js';
import { WasmFastpath } from './kfast.js';
import { handleVmExit, type VmExitHost } from './vm/exit.js';
import type { VirtualMachine, VmPlatform } from './vm/vm.js';
import type { ConsoleLines } from '../machine/console-feed.js';
import type { CpuProfile } from '../hart/profile.js';
import type { VCpu } from './vm/vcpu.js';
import { VirtualSwitch } from './vm/switch.js';
import type { NetBackend } from '../machine/devices/net-backend.js';
import { VM_MEDELEG } from './vm/boot.js';

/** No deadline: mtimecmp at its maximum (the hart reads anything ≥ 2^64 so). */
const NEVER = Infinity;
const PLIC_CLAIM_CTX0 = PLIC_BASE + 0x200004;
const TIMER_INTERRUPT = CAUSE_INTERRUPT_BIT | BigInt(IRQ_M_TIMER);
const EXTERNAL_INTERRUPT = CAUSE_INTERRUPT_BIT | BigInt(IRQ_M_EXT);
const USER_ECALL = BigInt(CAUSE_USER_ECALL);

/** Where the kernel's words go: cells' and VMs' console lines, and its own reports. */
export interface KernelHost {
  /** One line of a cell's or VM's console output, without its newline. */
  output(cell: string, line: string): void;
  /** A kernel report for the user (a fault, a stop), one line. */
  log(message: string): void;
  /** The console attached to the terminal (--console): its output comes unbuffered through `raw`. */
  readonly attached?: string;
  raw?(text: string): void;
}

const MPP = BigInt(MSTATUS_MPP);
/** A VM restarted after a crash runs again after this pause (100 ms of virtual time). */
export const VM_RESTART_DELAY_TICKS = 1_000_000;
const MPV = BigInt(MSTATUS_MPV);
const MIE = BigInt(MSTATUS_MIE);
const MPIE = BigInt(MSTATUS_MPIE);

export class Kernel implements MTrapHandler, IpcHost, VmExitHost {
  readonly hart: Hart;
  readonly board: VirtBoard;
  readonly cells: Cell[] = [];
  readonly vms: VirtualMachine[] = [];
  /** The links between VMs' net devices, by name. */
  readonly links = new Map<string, VirtualSwitch>();
  readonly #netPorts = new Map<string, NetBackend>();
  readonly sched = new Scheduler();
  readonly timers: Timer[] = [];
  readonly irqs = new Map<number, IrqHandler>();
  readonly host: KernelHost;
  /** The thread on the hart, or undefined for the idle loop. */
  current: Tcb | undefined;
  /** Where the idle loop (wfi; j .) lives, in S-mode with translation off. */
  idlePc = 0n;
  /** An `mret`: how the kernel moves the hart into V-mode and out of it (mstatus.MPV). */
  mretPc = 0n;
  /** The hart is in V-mode (it ran a vCPU last and has not left it). */
  #inV = false;
  /** senvcfg and scounteren as the cells have them (a guest's go in and out with it). */
  hostSenvcfg = 0n;
  hostScounteren = 0n;
  /** The vCPU whose VS CSRs are in the hart. */
  #vsLoaded: VCpu | undefined;
  // Times are mtime ticks as numbers (exact to 2^53 ticks, 28 years): no BigInt on
  // the path every kernel entry takes.
  #runStart = 0;
  /** mtime as of this kernel entry (the kernel takes no guest time until it returns). */
  #now = 0;
  #cycleDebt = 0;
  #outcome: RunOutcome | undefined;
  /** The run ends with a 'time-limit' outcome once mtime (ticks) reaches this. */
  stopAt: number | undefined;
  /** Take Call, ReplyRecv and Signal through fastpath.ts when its preconditions hold. */
  fastpath = true;
  /** And the Call/ReplyRecv pair fastpath.ts learned inside the hart module (kfast.ts), with `fastpath`. */
  wasmFastpath = true;
  /** The hart module's fast path: armed on exit, folded in on entry. */
  readonly kfast: WasmFastpath;
  /** Scripted input (--input) for the attached console (KernelHost.attached), when it is a VM's. */
  consoleInput: ConsoleLines | undefined;
  /** Kernel entries, syscalls and context switches, for the benchmark. */
  readonly counters = { entries: 0, switches: 0, fastpaths: 0, wasmFastpaths: 0 };

  constructor(board: VirtBoard, host: KernelHost) {
    this.board = board;
    this.hart = board.machine.hart;
    this.host = host;
    this.vmPlatform = this.#makePlatform();
    this.kfast = new WasmFastpath(this.hart.kfast);
  }

  get ram(): Hart {
    return this.hart;
  }

  /** Virtual time now: the clock read when the kernel was entered. */
  now(): bigint {
    return BigInt(this.#now);
  }

  /** The same, in ticks as a number (what the kernel computes with). */
  nowTicks(): number {
    return this.#now;
  }

  cellOf(t: Tcb): Cell {
    return this.cells[t.owner]!;
  }

  // ---- entry and exit ------------------------------------------------------

  /** Reads the board's clock (boot does, before it creates scheduling contexts). */
  readClock(): void {
    this.#now = this.hart.mtimeTicks;
  }

  /** After boot: the first thread (the highest-priority cell) goes onto the hart. */
  start(): void {
    this.#now = this.hart.mtimeTicks;
    this.#runStart = this.#now;
    this.#exit(undefined);
  }

  /** What the hart module's fast path did since the kernel last ran, folded into the kernel's objects. */
  #foldKfast(): void {
    const t = this.kfast.fold(this);
    if (t) {
      this.#now = t.now;
      this.#runStart = t.runStart;
    }
  }

  runEnded(): void {
    if (this.kfast.armed) this.#foldKfast();
  }

  handleMTrap(trap: TrapInfo): RunOutcome | undefined {
    if (this.kfast.armed) this.#foldKfast();
    this.counters.entries++;
    const prev = this.current;
    if (prev) this.#save(prev);
    const now = this.hart.mtimeTicks;
    this.#now = now;
    this.#account(now);
    this.charge(COST.trap);
    if (trap.cause === TIMER_INTERRUPT) {
      this.charge(COST.interrupt);
      if (this.stopAt !== undefined && now >= this.stopAt) {
        this.flushAll();
        return { kind: 'time-limit', mtime: BigInt(now) };
      }
    } else if (trap.cause === EXTERNAL_INTERRUPT) {
      this.charge(COST.interrupt);
      this.#externalInterrupt();
    } else if (prev === undefined) {
      return { kind: 'firmware-fault', pc: trap.epc, message: `kernel: ${causeName(trap.cause)} in the idle loop` };
    } else if (prev.vm) {
      const vm = prev.vm;
      handleVmExit(this, vm, trap);
      if (vm.panicEvent !== 0 && vm.state === 'running') this.crash(vm, 'the guest reported a panic (pvpanic)', trap);
    } else if (trap.cause === USER_ECALL) {
      prev.pc = trap.epc + 4n;
      this.cellOf(prev).stats.syscalls++;
      // The fast path does Call, ReplyRecv and Signal when nothing else is going on, with
      // exactly the general path's effects, and returns the thread it switched to.
      if (this.fastpath && tryFastpath(this, prev)) return undefined;
      handleSyscall(this, prev);
    } else {
      this.fault(prev, trap.cause, trap.epc, trap.tval);
    }
    this.#expireTimers(now);
    if (this.#outcome) return this.#outcome;
    this.#exit(prev);
    return undefined;
  }

  /**
   * A guest whose trap handler traps again at once, with no instruction retired: it can
   * never make progress, so it has crashed (stopped or restarted per on_fault). Anywhere
   * else it is the kernel's bug and ends the run.
   */
  handleTrapLoop(trap: TrapInfo): RunOutcome | undefined {
    const prev = this.current;
    if (this.kfast.armed) this.#foldKfast();
    if (!prev?.vm) {
      return { kind: 'trap-loop', pc: trap.epc, cause: trap.cause, tval: trap.tval, mtvec: this.hart.readCsr('mtvec') };
    }
    this.counters.entries++;
    this.#save(prev);
    const now = this.hart.mtimeTicks;
    this.#now = now;
    this.#account(now);
    this.charge(COST.trap);
    this.crash(prev.vm, `a trap loop: ${causeName(trap.cause)} at pc 0x${trap.epc.toString(16)} traps again at its handler`, trap);
    this.#expireTimers(now);
    if (this.#outcome) return this.#outcome;
    this.#exit(prev);
    return undefined;
  }

  /** Picks the next thread, charges the kernel's work and the switch, loads the thread. */
  #exit(prev: Tcb | undefined): void {
    const now = this.#now;
    this.#releaseThrottled(now);
    let next = this.current?.state === 'running' ? this.current : undefined;
    const best = this.sched.peek();
    if (best && (!next || best.priority > next.priority)) {
      if (next) {
        // Preempted by a higher priority: first in line again at its own.
        next.state = 'ready';
        this.sched.enqueue(next, true);
      }
      this.sched.take(best);
      next = best;
    }
    this.switchTo(prev, next);
  }

  /**
   * Puts `next` (or the idle loop) on the hart: charges the scheduling decision and the
   * switch, moves virtual time on by what the kernel charged, programs the timer. The
   * general path and the fast path (fastpath.ts) both end here.
   */
  switchTo(prev: Tcb | undefined, next: Tcb | undefined): void {
    this.charge(COST.schedule);
    if (next) next.state = 'running';
    this.current = next;
    if (next !== prev) {
      this.charge(COST.contextSwitch);
      this.counters.switches++;
    }
    // Kernel time is charged to the thread the kernel returns to: it counts from here.
    this.#runStart = this.#now;
    this.#advanceDebt();
    if (next) this.#load(next);
    else this.#loadIdle();
    this.#programTimer();
    if (next && this.fastpath && this.wasmFastpath) this.#armKfast(next);
  }

  /** Arms the hart module's fast path for the pair fastpath.ts learned, if `next` is one of it. */
  #armKfast(next: Tcb): void {
    if (this.#outcome) return;
    let quiet = NEVER;
    for (const timer of this.timers) if (timer.deadline !== undefined && timer.deadline < quiet) quiet = timer.deadline;
    for (const th of this.sched.throttled) {
      const r = th.sc?.nextRelease();
      if (r !== undefined && r < quiet) quiet = r;
    }
    const floor = this.stopAt !== undefined && this.stopAt < quiet ? this.stopAt : quiet;
    this.kfast.arm(this, next, { now: this.#now, runStart: this.#runStart }, quiet, floor, this.#cycleDebt);
  }

  #save(t: Tcb): void {
    const hart = this.hart;
    if (t.context.pa >= 0) {
      hart.saveContext(t.context.pa);
      return;
    }
    t.regs.set(hart.x);
    t.fregs.set(hart.f);
    t.pc = hart.pc;
    t.fcsr = hart.readCsr(CSR_FCSR);
    if (t.vm) t.vm.vcpu.priv = hart.priv;
  }

  #load(t: Tcb): void {
    const hart = this.hart;
    if (t.context.pa >= 0) {
      // Out of V-mode first (the vCPU's VS state saved, V cleared), then one call:
      // registers, pc, U-mode, satp if it differs, FP state if the hart holds another's.
      if (this.#inV) this.#leaveGuest(Priv.U, t.pc);
      hart.loadContext(t.context.pa);
      return;
    }
    hart.x.set(t.regs);
    hart.f.set(t.fregs);
    hart.writeCsr(CSR_FCSR, t.fcsr);
    hart.fpRegistersChanged();
    if (t.vm) {
      this.#enterGuest(t, t.vm);
      return;
    }
    if (this.#inV) this.#leaveGuest(Priv.U, t.pc);
    else {
      hart.pc = t.pc;
      hart.priv = Priv.U;
    }
    hart.writeCsr(CSR_SATP, t.vspace!.satp);
  }

  #loadIdle(): void {
    if (this.#inV) this.#leaveGuest(Priv.S, this.idlePc);
    else {
      this.hart.pc = this.idlePc;
      this.hart.priv = Priv.S;
    }
    this.hart.writeCsr(CSR_SATP, 0n);
  }

  /**
   * Puts a vCPU on the hart. Its VS CSRs and its VM's hgatp go in when another vCPU's
   * (or none) are there; from outside V-mode the hart enters it as silicon would, by an
   * `mret` with mstatus.MPV set (the kernel's one-instruction trampoline), with the
   * guest's exceptions delegated to it (medeleg, hedeleg). Returning to the vCPU that
   * just exited changes nothing but its registers.
   */
  #enterGuest(t: Tcb, vm: VirtualMachine): void {
    const hart = this.hart;
    const vcpu = vm.vcpu;
    if (this.#vsLoaded !== vcpu) {
      this.#vsLoaded?.save();
      hart.writeCsr(CSR_HGATP, vm.gstage.hgatp);
      vcpu.load();
      this.#vsLoaded = vcpu;
    }
    if (this.#inV) {
      hart.pc = t.pc;
      hart.priv = vcpu.priv;
      return;
    }
    hart.writeCsr(CSR_MEDELEG, VM_MEDELEG);
    this.#mret(vcpu.priv, true, t.pc);
    this.#inV = true;
  }

  /**
   * Leaves V-mode for a cell (U) or the idle loop (S): the vCPU's VS state saved, its
   * interrupts taken off the hart (vsie and hvip cleared, so a guest timer cannot wake
   * the idle hart), exceptions no longer delegated, and an `mret` with MPV clear.
   */
  #leaveGuest(priv: Priv, pc: bigint): void {
    const hart = this.hart;
    const vcpu = this.#vsLoaded;
    if (vcpu) {
      vcpu.save();
      hart.writeCsr(CSR_VSIE, 0n);
      hart.writeCsr(CSR_HVIP, 0n);
      // The guest wrote these directly; the cells have the kernel's.
      hart.writeCsr(CSR_SENVCFG, this.hostSenvcfg);
      hart.writeCsr(CSR_SCOUNTEREN, this.hostScounteren);
      this.#vsLoaded = undefined;
    }
    hart.writeCsr(CSR_MEDELEG, 0n);
    this.#mret(priv, false, pc);
    this.#inV = false;
  }

  #mret(priv: Priv, virtual: boolean, pc: bigint): void {
    const hart = this.hart;
    // MIE and MPIE clear: no interrupt is taken in M-mode at the trampoline (it would be
    // an exit at the mret, not in the thread); below M they are taken whatever MIE says.
    const mstatus = hart.readCsr(CSR_MSTATUS) & ~(MPP | MPV | MIE | MPIE);
    hart.writeCsr(CSR_MSTATUS, mstatus | (BigInt(priv) << BigInt(MSTATUS_MPP_SHIFT)) | (virtual ? MPV : 0n));
    hart.writeCsr(CSR_MEPC, pc);
    hart.priv = Priv.M;
    hart.pc = this.mretPc;
  }

  // ---- time ------------------------------------------------------------------

  /** Adds kernel work, in cycles, to what the next exit charges to virtual time. */
  charge(cycles: number): void {
    this.#cycleDebt += cycles;
  }

  #advanceDebt(): void {
    const ticks = Math.floor(this.#cycleDebt / CYCLES_PER_TICK);
    this.#cycleDebt -= ticks * CYCLES_PER_TICK;
    if (ticks > 0) {
      this.#now += ticks;
      this.hart.mtimeTicks = this.#now;
    }
  }

  /** Charges the running thread for the time since it was given the hart. */
  #account(now: number): void {
    const t = this.current;
    const used = now - this.#runStart;
    this.#runStart = now;
    if (!t || !t.sc) return;
    t.sc.charge(used);
    const stats = t.vm ? t.vm.stats : this.cellOf(t).stats;
    stats.cpuTicks += used;
    if (t.state === 'running' && !t.sc.ready(now)) {
      // Budget spent before it blocked (for a cell without one: its timeslice ended).
      t.state = 'ready';
      if (!t.sc.roundRobin) {
        t.sc.exhaustions++;
        stats.budgetExhaustions++;
      }
      if (t.sc.roundRobin) {
        t.sc.refillRoundRobin(now);
        this.sched.enqueue(t);
      } else {
        this.sched.throttled.add(t);
      }
    }
  }

  /**
   * Nothing but the syscall itself would happen on this kernel entry: no timer is due,
   * no throttled thread gets budget back, the run is not ending. The fast path's
   * precondition on time.
   */
  quietAt(now: number): boolean {
    if (this.#outcome) return false;
    for (const timer of this.timers) if (timer.deadline !== undefined && timer.deadline <= now) return false;
    for (const vm of this.vms) if (vm.tcb.state === 'blocked-wfi' && this.#vmWakes(vm, now)) return false;
    for (const t of this.sched.throttled) {
      const r = t.sc?.nextRelease();
      if (r !== undefined && r <= now) return false;
    }
    return true;
  }

  #releaseThrottled(now: number): void {
    for (const t of this.sched.throttled) {
      if (t.state !== 'ready' || !t.sc) {
        this.sched.throttled.delete(t);
      } else if (t.sc.ready(now)) {
        this.sched.throttled.delete(t);
        this.sched.enqueue(t);
      }
    }
  }

  #programTimer(): void {
    const now = this.#now;
    let deadline = NEVER;
    const t = this.current;
    if (t?.sc) {
      // Its time counts from #runStart: the kernel's work charged to it since is budget spent.
      const end = this.#runStart + t.sc.available(now);
      if (end < deadline) deadline = end;
    }
    for (const th of this.sched.throttled) {
      const r = th.sc?.nextRelease();
      if (r !== undefined && r < deadline) deadline = r;
    }
    for (const timer of this.timers) {
      if (timer.deadline !== undefined && timer.deadline < deadline) deadline = timer.deadline;
    }
    for (const vm of this.vms) {
      if (vm.tcb.state !== 'blocked-wfi') continue;
      const d = vm.resumeAt ?? vm.vcpu.timerDeadline();
      if (d !== undefined && d < deadline) deadline = d;
    }
    // The time limit only matters while something could still run: when nothing can,
    // the board reports that every cell waits, which says more.
    if (this.stopAt !== undefined && this.stopAt < deadline && (t !== undefined || deadline !== NEVER)) deadline = this.stopAt;
    this.hart.mtimecmpTicks = deadline;
  }

  setTimer(timer: Timer, deadline: number | undefined): void {
    timer.deadline = deadline;
  }

  #expireTimers(now: number): void {
    for (const vm of this.vms) {
      if (vm.tcb.state === 'blocked-wfi' && this.#vmWakes(vm, now)) {
        vm.resumeAt = undefined;
        this.wake(vm.tcb);
      }
    }
    for (const timer of this.timers) {
      if (timer.deadline === undefined || timer.deadline > now) continue;
      const owner = timer.notification.boundTcb;
      if (owner) {
        const cell = this.cellOf(owner);
        cell.releasedAt ??= timer.deadline;
        cell.stats.releases++;
      }
      timer.deadline = undefined;
      signal(this, timer.notification, timer.badge, undefined);
    }
  }

  // ---- thread states (IpcHost) ----------------------------------------------

  wake(t: Tcb): void {
    if (t.state === 'stopped' || t.state === 'inactive') return;
    t.state = 'ready';
    if (!t.sc) return;
    const now = this.#now;
    t.sc.unblock(now);
    if (t.sc.ready(now)) this.sched.enqueue(t);
    else this.sched.throttled.add(t);
  }

  block(t: Tcb, state: Tcb['state']): void {
    this.sched.remove(t);
    t.state = state;
  }

  completed(t: Tcb): void {
    const cell = this.cellOf(t);
    if (cell.releasedAt === undefined) return;
    const response = this.#now - cell.releasedAt;
    if (response > cell.stats.worstResponse) cell.stats.worstResponse = response;
    cell.releasedAt = undefined;
  }

  noteIpc(t: Tcb): void {
    this.cellOf(t).stats.ipcs++;
  }

  noteSignal(t: Tcb): void {
    this.cellOf(t).stats.notifications++;
  }

  // ---- interrupts --------------------------------------------------------------

  #externalInterrupt(): void {
    const bus = this.board.machine.bus;
    for (;;) {
      const source = Number(bus.mmioRead(PLIC_CLAIM_CTX0, 4) ?? 0n);
      if (source === 0) return;
      const irq = this.irqs.get(source);
      if (!irq) {
        bus.mmioWrite(PLIC_CLAIM_CTX0, 4, BigInt(source));
        continue;
      }
      irq.inService = true;
      signal(this, irq.notification, irq.badge, undefined);
    }
  }

  ackIrq(irq: IrqHandler): void {
    if (!irq.inService) return;
    irq.inService = false;
    this.board.machine.bus.mmioWrite(PLIC_CLAIM_CTX0, 4, BigInt(irq.source));
  }

  // ---- faults, stop, restart ---------------------------------------------------

  fault(t: Tcb, cause: bigint, pc: bigint, tval: bigint): void {
    const cell = this.cellOf(t);
    cell.stats.faults++;
    this.charge(COST.fault);
    const handler = t.faultEndpoint;
    if (handler && handler.object.type === 'endpoint') {
      sendFault(this, t, handler.object, handler.badge, [cause, pc, tval]);
      return;
    }
    this.host.log(`cell '${cell.name}' faulted: ${describeFault(cell, cause, pc, tval)}`);
    this.stop(t);
  }

  /** Stops a thread for good (until restarted): out of every queue, replies aborted. */
  stop(t: Tcb): void {
    this.#detach(t);
    t.state = 'stopped';
  }

  suspend(t: Tcb): void {
    this.#detach(t);
    t.state = 'inactive';
  }

  resume(t: Tcb): void {
    if (t.state !== 'inactive' && t.state !== 'stopped') return;
    t.state = 'blocked-send'; // anything but inactive, so that wake() takes it
    this.wake(t);
  }

  #detach(t: Tcb): void {
    this.sched.remove(t);
    cancelIpc(this, t);
    const cell = this.cellOf(t);
    if (cell.tcb === t) abortReply(this, cell.reply);
    // Time lent by a caller goes back with the aborted reply; own time stays put.
    if (t.sc && t.sc !== t.ownSc) t.sc = undefined;
  }

  /** Starts a cell again from its ELF: memory reloaded, registers reset, init runs again. */
  restart(t: Tcb): void {
    const cell = this.cellOf(t);
    this.#detach(t);
    cell.notification.word = 0n;
    cell.timer.deadline = undefined;
    cell.releasedAt = undefined;
    cell.line = '';
    reloadCell(this, cell);
    // Its own time may still be lent to a server busy with its aborted call; it comes
    // back when that server waits again (ipc.ts, returnLentTime).
    const own = t.ownSc;
    t.sc = own !== undefined && (own.tcb === undefined || own.tcb === t) ? own : undefined;
    if (t.sc) t.sc.tcb = t;
    t.state = 'blocked-send';
    this.wake(t);
  }

  setPriority(t: Tcb, priority: number): void {
    const queued = this.sched.contains(t);
    if (queued) this.sched.remove(t);
    t.priority = priority;
    if (queued) this.sched.enqueue(t);
  }

  powerOff(status: number): void {
    this.#outcome ??= { kind: 'exit', code: status, source: 'kernel' };
    this.flushAll();
  }

  /** Ends every console's last line (at the end of a run). */
  flushAll(): void {
    for (const c of this.cells) this.flushOutput(c);
    for (const vm of this.vms) vm.console.flush();
  }

  // ---- virtual machines -------------------------------------------------------------

  /** What a VM's emulated devices need from the kernel. */
  readonly vmPlatform: VmPlatform;

  #makePlatform(): VmPlatform {
    return {
    hart: this.hart,
    get profile(): CpuProfile { return this.hart.profile; },
    now: () => this.hart.mtime,
    externalInterrupt: (vm, level) => {
      vm.vcpu.setExternal(level);
      if (level && vm.tcb.state === 'blocked-wfi' && vm.resumeAt === undefined && vm.vcpu.wakeable(this.#now)) this.wake(vm.tcb);
    },
    panicked: (vm, event) => {
      vm.panicEvent = event;
    },
    netPort: (vm, link) => {
      const key = `${vm.name}\0${link}`;
      let port = this.#netPorts.get(key);
      if (!port) {
        let sw = this.links.get(link);
        if (!sw) {
          sw = new VirtualSwitch(link);
          this.links.set(link, sw);
        }
        port = sw.port(vm.name, () => vm.state === 'running');
        this.#netPorts.set(key, port);
      }
      return port;
    },
    doorbell: (vm, channel) => {
      const peer = vm.peers.get(channel);
      if (peer) signal(this, peer.notification, peer.badge, undefined);
    },
    log: (line) => this.host.log(line),
    };
  }

  /** A sleeping vCPU's wake-up is due: its restart pause is over, or (in WFI) an interrupt is pending. */
  #vmWakes(vm: VirtualMachine, now: number): boolean {
    return vm.resumeAt !== undefined ? vm.resumeAt <= now : vm.vcpu.wakeable(now);
  }

  sleep(vm: VirtualMachine): void {
    this.block(vm.tcb, 'blocked-wfi');
  }

  /** Console input for a VM (a live terminal): host bytes as they arrive. */
  consoleReceive(name: string, bytes: Uint8Array): void {
    const vm = this.vms.find((v) => v.name === name);
    if (vm?.state === 'running') vm.console.receive(bytes);
  }

  #stopVcpu(vm: VirtualMachine): void {
    this.sched.remove(vm.tcb);
    vm.tcb.state = 'stopped';
    vm.console.flush();
  }

  shutdown(vm: VirtualMachine, status: number): void {
    this.#stopVcpu(vm);
    vm.state = 'off';
    if (vm.image.poweroff) this.powerOff(status);
    else this.host.log(`VM '${vm.name}' powered off${status !== 0 ? ' reporting a failure' : ''}`);
  }

  reboot(vm: VirtualMachine): void {
    vm.console.flush();
    vm.stats.restarts++;
    this.sched.remove(vm.tcb);
    vm.boot();
    vm.tcb.state = 'blocked-send';
    this.wake(vm.tcb);
  }

  /** A guest crashed: a register dump on stderr, then stop or restart it per on_fault. */
  crash(vm: VirtualMachine, reason: string, trap: TrapInfo): void {
    vm.stats.faults++;
    this.charge(COST.fault);
    vm.console.flush();
    const hart = this.hart;
    const g = vm.vcpu.snapshot();
    const action = vm.image.onFault === 'restart' ? 'restarting it' : 'stopping it';
    this.host.log(`VM '${vm.name}' crashed: ${reason}; ${action}`);
    // The H extension's details of the last exit (a hosted exit leaves them in mtval2 and mtinst).
    const htval = hart.readCsr(CSR_MTVAL2);
    const tinst = hart.readCsr(CSR_MTINST);
    this.host.log(`  pc ${hex(trap.epc)}  cause ${hex(trap.cause)} (${causeName(trap.cause)})  tval ${hex(trap.tval)}  htval ${hex(htval)}  htinst ${hex(tinst)}`);
    this.host.log(`  guest sepc ${hex(g.vsepc)}  scause ${hex(g.vscause)} (${causeName(g.vscause)})  stval ${hex(g.vstval)}  sstatus ${hex(g.vsstatus)}  satp ${hex(g.vsatp)}`);
    const r = vm.tcb.regs;
    this.host.log(`  ra ${hex(r[1]!)}  sp ${hex(r[2]!)}  gp ${hex(r[3]!)}  tp ${hex(r[4]!)}  a0 ${hex(r[10]!)}  a1 ${hex(r[11]!)}`);
    if (vm.console.recent.length > 0) {
      this.host.log('  last console lines:');
      for (const line of vm.console.recent) this.host.log(`  | ${line}`);
    }
    vm.panicEvent = 0;
    if (vm.image.onFault === 'restart') {
      // It boots again after a pause, so a guest that crashes at once cannot flood the
      // log or spend the hart on boots.
      this.reboot(vm);
      this.block(vm.tcb, 'blocked-wfi');
      vm.resumeAt = this.#now + VM_RESTART_DELAY_TICKS;
    } else {
      this.#stopVcpu(vm);
      vm.state = 'stopped';
    }
  }

  // ---- console ---------------------------------------------------------------------

  output(cell: Cell, text: string): void {
    let rest = cell.line + text;
    let nl = rest.indexOf('\n');
    while (nl >= 0) {
      this.host.output(cell.name, rest.slice(0, nl));
      rest = rest.slice(nl + 1);
      nl = rest.indexOf('\n');
    }
    cell.line = rest;
  }

  flushOutput(cell: Cell): void {
    if (cell.line !== '') this.host.output(cell.name, cell.line);
    cell.line = '';
  }

  /** After the run: why each cell that is not stopped is still waiting. */
  waitReport(): string[] {
    return [
      ...this.cells.map((c) => `${c.name}: ${describeState(this, c)}`),
      ...this.vms.map((vm) => `${vm.name}: ${describeVm(vm)}`),
    ];
  }

}

const hex = (v: bigint | number): string => `0x${v.toString(16)}`;

/** A fault in the description's words: the cause, pc, address and what lies there. */
export function describeFault(cell: Cell, cause: bigint, pc: bigint, tval: bigint): string {
  // The spec's names, but a store is a store (the issue's and most users' word for it).
  let text = `${causeName(cause).replace('store/AMO', 'store')} at pc ${hex(pc)}`;
  const isAddressFault = [0n, 1n, 4n, 5n, 6n, 7n, 12n, 13n, 15n].includes(cause);
  if (isAddressFault) {
    const m = cell.vspace.find(tval);
    // `(address 0x…)` exactly as the issue writes it; what lies there follows.
    const where = m ? `${m.what}, mapped ${m.perms || 'none'}` : 'not mapped';
    text += ` (address ${hex(tval)}): ${where}`;
  } else if (cause === 2n) {
    text += ` (instruction ${hex(tval)})`;
  }
  return text;
}

function describeVm(vm: VirtualMachine): string {
  if (vm.state === 'off') return 'VM powered off';
  if (vm.state === 'stopped') return 'VM stopped after a crash';
  if (vm.resumeAt !== undefined) return 'VM restarts after a crash';
  return vm.tcb.state === 'blocked-wfi' ? 'VM waits for an interrupt (WFI) with none armed' : 'VM is ready';
}

function describeState(k: Kernel, c: Cell): string {
  const t = c.tcb;
  switch (t.state) {
    case 'stopped': return 'stopped after a fault';
    case 'inactive': return 'suspended';
    case 'blocked-recv': return 'waits for a message or notification';
    case 'blocked-notification': return 'waits for a notification';
    case 'blocked-send': return `waits to send to ${t.blocking.endpoint?.name ?? 'an endpoint'}`;
    case 'blocked-reply': {
      const server = k.cells.find((x) => x.reply === t.blocking.reply);
      return `waits for the reply of ${server ? `'${server.name}'` : 'a protected call'}`;
    }
    case 'blocked-fault': return 'waits for its fault handler';
    default: return t.sc ? 'is ready' : 'is ready but has no scheduling context';
  }
}
