// The microvisor kernel: it owns M-mode of the board (hosted: every trap that would
// enter M is an exit answered here) and runs native cells in U-mode on Sv39 page
// tables. Each entry saves the running thread's registers into its TCB, accounts the
// time it used, handles the trap (syscall, fault, timer, device interrupt), charges the
// kernel's own work to virtual time (cost-model.ts), and returns to the thread the
// scheduler picks, or to the idle loop.
import { Priv, type Hart, type TrapInfo } from '../hart/index.js';
import { CAUSE_INTERRUPT_BIT, CAUSE_USER_ECALL, IRQ_M_EXT, IRQ_M_TIMER, causeName } from '../hart/causes.js';
import { CSR_FCSR, CSR_SATP } from '../hart/spec/csr.js';
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

/** No deadline: mtimecmp at its maximum (the hart reads anything ≥ 2^64 so). */
const NEVER = Infinity;
const PLIC_CLAIM_CTX0 = PLIC_BASE + 0x200004;
const TIMER_INTERRUPT = CAUSE_INTERRUPT_BIT | BigInt(IRQ_M_TIMER);
const EXTERNAL_INTERRUPT = CAUSE_INTERRUPT_BIT | BigInt(IRQ_M_EXT);
const USER_ECALL = BigInt(CAUSE_USER_ECALL);

/** Where the kernel's words go: cells' console lines, and its own reports. */
export interface KernelHost {
  /** One line of a cell's console output, without its newline. */
  output(cell: string, line: string): void;
  /** A kernel report for the user (a fault, a stop), one line. */
  log(message: string): void;
}

export class Kernel implements MTrapHandler, IpcHost {
  readonly hart: Hart;
  readonly board: VirtBoard;
  readonly cells: Cell[] = [];
  readonly sched = new Scheduler();
  readonly timers: Timer[] = [];
  readonly irqs = new Map<number, IrqHandler>();
  readonly host: KernelHost;
  /** The thread on the hart, or undefined for the idle loop. */
  current: Tcb | undefined;
  /** Where the idle loop (wfi; j .) lives, in S-mode with translation off. */
  idlePc = 0n;
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
  /** Kernel entries, syscalls and context switches, for the benchmark. */
  readonly counters = { entries: 0, switches: 0, fastpaths: 0 };

  constructor(board: VirtBoard, host: KernelHost) {
    this.board = board;
    this.hart = board.machine.hart;
    this.host = host;
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

  handleMTrap(trap: TrapInfo): RunOutcome | undefined {
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
        for (const c of this.cells) this.flushOutput(c);
        return { kind: 'time-limit', mtime: BigInt(now) };
      }
    } else if (trap.cause === EXTERNAL_INTERRUPT) {
      this.charge(COST.interrupt);
      this.#externalInterrupt();
    } else if (prev === undefined) {
      return { kind: 'firmware-fault', pc: trap.epc, message: `kernel: ${causeName(trap.cause)} in the idle loop` };
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
  }

  #load(t: Tcb): void {
    const hart = this.hart;
    if (t.context.pa >= 0) {
      // One call: registers, pc, U-mode, satp if it differs, FP state if the hart holds another's.
      hart.loadContext(t.context.pa);
      return;
    }
    hart.x.set(t.regs);
    hart.f.set(t.fregs);
    hart.writeCsr(CSR_FCSR, t.fcsr);
    hart.fpRegistersChanged();
    hart.pc = t.pc;
    hart.priv = Priv.U;
    hart.writeCsr(CSR_SATP, t.vspace.satp);
  }

  #loadIdle(): void {
    this.hart.pc = this.idlePc;
    this.hart.priv = Priv.S;
    this.hart.writeCsr(CSR_SATP, 0n);
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
    this.cellOf(t).stats.cpuTicks += used;
    if (t.state === 'running' && !t.sc.ready(now)) {
      // Budget spent before it blocked (for a cell without one: its timeslice ended).
      t.state = 'ready';
      if (!t.sc.roundRobin) {
        t.sc.exhaustions++;
        this.cellOf(t).stats.budgetExhaustions++;
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
    // The time limit only matters while something could still run: when nothing can,
    // the board reports that every cell waits, which says more.
    if (this.stopAt !== undefined && this.stopAt < deadline && (t !== undefined || deadline !== NEVER)) deadline = this.stopAt;
    this.hart.mtimecmpTicks = deadline;
  }

  setTimer(timer: Timer, deadline: number | undefined): void {
    timer.deadline = deadline;
  }

  #expireTimers(now: number): void {
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
    for (const c of this.cells) this.flushOutput(c);
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
    return this.cells.map((c) => `${c.name}: ${describeState(this, c)}`);
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
