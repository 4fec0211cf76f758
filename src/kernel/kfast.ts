// The host side of the hart's kernel fast path (src/hart/core/kfast.ts): the steps of a
// pair of threads done inside the WebAssembly module, without an exit to this kernel.
// Two kinds of pair:
// - a Call from a client to a passive server and the server's ReplyRecv back, both of
//   which fastpath.ts does, learned when it does them (mode 0);
// - a Signal that wakes a higher-priority thread waiting in Recv with the notification
//   bound (fastpath.ts's signal) and that thread's Recv when it waits again (the
//   general path's, syscall.ts), learned the same way (mode 1);
// - two threads of one priority yielding to each other, the only two ready at it (the
//   general path's Yield), learned when one yields and the other runs (mode 2).
// Whenever the kernel returns to one of a pair's threads in a state where the
// preconditions hold for the pair's next step, it arms the module's fast path with a
// descriptor in linear memory (the caps and badge, both context blocks, the budgets,
// the deadlines). On its next entry the kernel first folds in what the module did:
// counters, statistics, the scheduling contexts' charge, virtual time, and — when an
// odd number of steps was done — the objects' state after the last one, which is what
// the TypeScript paths would have left. A run is the same with it on or off
// (test/kernel/fastpath.test.ts).
import {
  CV_SYS_CALL, CV_SYS_REPLY_RECV, CV_SYS_SIGNAL, CV_SYS_RECV, CV_SYS_YIELD, CV_RIGHT_WRITE, CV_RIGHT_READ, CV_WAKE_MESSAGE, CV_WAKE_NOTIFICATION,
} from './abi/abi.js';
import { COST, CYCLES_PER_TICK } from './cost-model.js';
import type { Endpoint } from './objects/endpoint.js';
import type { Notification } from './objects/notification.js';
import type { Reply } from './objects/reply.js';
import type { SchedContext } from './objects/sched-context.js';
import { NOT_BLOCKED, type Tcb } from './objects/tcb.js';
import type { Kernel } from './kernel.js';
import { RTC_IRQ } from '../machine/memory-map.js';

// Descriptor words (src/hart/core/kfast.ts has the same list).
const K_ARMED = 0;
const K_PHASE = 1;
const K_CLIENT = 2;
const K_SERVER = 3;
const K_CSLOT = 4;
const K_BADGE_LO = 5;
const K_BADGE_HI = 6;
const K_RSLOT = 7;
const K_ESLOT = 8;
const K_QUIET = 9;
const K_FLOOR = 10;
const K_AMOUNT = 11;
const K_RUN_START = 12;
const K_OP_TICKS = 13;
const K_CALLS = 14;
const K_REPLIES = 15;
const K_CLIENT_TICKS = 16;
const K_SERVER_TICKS = 17;
const K_LAST_NOW = 18;
const K_SYS_CALL = 19;
const K_SYS_REPLY_RECV = 20;
const K_CAP_MASK = 21;
const K_MAX_LENGTH = 22;
const K_WAKE = 23;
const K_MODE = 24;
const K_AMOUNT2 = 25;
const K_SYS_SIGNAL = 26;
const K_SYS_RECV = 27;
const K_WAKE_SIGNAL = 28;
const K_LAST_SIGNAL = 29;
const K_SYS_YIELD = 30;

/** What fastpath.ts does not take (its CAP_BITS and MAX_FAST_LENGTH). */
const CAP_MASK = 0xf80;
const MAX_LENGTH = 4;
/** The kernel's charge for one fast Call or ReplyRecv: trap, syscall, schedule, switch. */
const OP_CYCLES = COST.trap + COST.syscall + COST.schedule + COST.contextSwitch;
/** The mtime ticks it moves virtual time on (a whole number: arm() checks). */
const OP_TICKS = OP_CYCLES / CYCLES_PER_TICK;

/** A client and the passive server it calls, as fastpath.ts saw them. */
interface Pair {
  client: Tcb;
  server: Tcb;
  endpoint: Endpoint;
  reply: Reply;
  /** The client's Call: its endpoint cap slot (-1 until seen). */
  cslot: number;
  /** The server's ReplyRecv: reply and endpoint cap slots (-1 until seen). */
  rslot: number;
  eslot: number;
}

/** A signaller and the thread its Signal wakes, as fastpath.ts and the Recv that follows saw them. */
interface SignalPair {
  signaller: Tcb;
  waiter: Tcb;
  notification: Notification;
  /** The signaller's notification cap slot. */
  cslot: number;
  /** The waiter's Recv: its endpoint cap slot (-1 until seen), its reply cap pointer (0: none). */
  eslot: number;
  rslot: number;
  endpoint: Endpoint | undefined;
  reply: Reply | undefined;
}

/** The times the kernel keeps privately, passed in when it arms and set back when it folds. */
export interface KfastTimes {
  /** Entry time of the last step the module did, and the start of the running thread's time. */
  now: number;
  runStart: number;
}

/** A thread's own round-robin context with one refill, released, and budget left (modes 1 and 2). */
function timeslice(sc: SchedContext, times: KfastTimes): boolean {
  if (!sc.roundRobin || sc.refills.length !== 1) return false;
  const head = sc.refills[0]!;
  return head.amount <= sc.budget && head.amount > 0 && head.release <= times.runStart;
}

export class WasmFastpath {
  readonly #d: Float64Array;
  #pair: Pair | undefined;
  #signal: SignalPair | undefined;
  /** The last thread that yielded, and the two threads of the yield pair (mode 2). */
  #yielder: Tcb | undefined;
  #yield: [Tcb, Tcb] | undefined;
  /** The descriptor is armed, starting in this phase (0: the client or the signaller runs). */
  #armedPhase = -1;
  /** For the pair of this mode (0: #pair, 1: #signal, 2: #yield). */
  #armedMode = 0;
  /** Mode 0: the one context the pair runs on; modes 1 and 2: the first thread's, then the second's. */
  #sc: SchedContext | undefined;
  #sc2: SchedContext | undefined;

  constructor(descriptor: Float64Array) {
    this.#d = descriptor;
    this.#d.fill(0);
    const d = this.#d;
    d[K_SYS_CALL] = CV_SYS_CALL;
    d[K_SYS_REPLY_RECV] = CV_SYS_REPLY_RECV;
    d[K_CAP_MASK] = CAP_MASK;
    d[K_MAX_LENGTH] = MAX_LENGTH;
    d[K_WAKE] = CV_WAKE_MESSAGE;
    d[K_OP_TICKS] = OP_TICKS;
    d[K_SYS_SIGNAL] = CV_SYS_SIGNAL;
    d[K_SYS_RECV] = CV_SYS_RECV;
    d[K_WAKE_SIGNAL] = CV_WAKE_NOTIFICATION;
    d[K_SYS_YIELD] = CV_SYS_YIELD;
  }

  get armed(): boolean {
    return this.#armedPhase >= 0;
  }

  /** fastpath.ts did a Call from `client` on slot `cslot` to `server`, waiting with `reply`. */
  noteCall(client: Tcb, cslot: number, endpoint: Endpoint, server: Tcb, reply: Reply): void {
    const p = this.#pair;
    if (p && p.client === client && p.server === server && p.endpoint === endpoint && p.reply === reply) p.cslot = cslot;
    else this.#pair = { client, server, endpoint, reply, cslot, rslot: -1, eslot: -1 };
  }

  /** fastpath.ts did a ReplyRecv by `server` (reply slot, endpoint slot) answering `client`. */
  noteReplyRecv(server: Tcb, rslot: number, eslot: number, endpoint: Endpoint, reply: Reply, client: Tcb): void {
    const p = this.#pair;
    if (p && p.client === client && p.server === server && p.endpoint === endpoint && p.reply === reply) {
      p.rslot = rslot;
      p.eslot = eslot;
    } else {
      this.#pair = { client, server, endpoint, reply, cslot: -1, rslot, eslot };
    }
  }

  /** fastpath.ts's signal() woke `waiter` for `signaller`'s Signal on slot `cslot`. */
  noteSignal(signaller: Tcb, cslot: number, notification: Notification, waiter: Tcb): void {
    const q = this.#signal;
    if (q && q.signaller === signaller && q.waiter === waiter && q.notification === notification) q.cslot = cslot;
    else this.#signal = { signaller, waiter, notification, cslot, eslot: -1, rslot: 0, endpoint: undefined, reply: undefined };
  }

  /** The general path blocked `t` in a Recv on `endpoint` (cap slot `eslot`, reply cap pointer `rslot`). */
  noteRecv(t: Tcb, eslot: number, rslot: number, endpoint: Endpoint, reply: Reply | undefined): void {
    const q = this.#signal;
    if (!q || q.waiter !== t) return;
    q.eslot = eslot;
    q.rslot = rslot;
    q.endpoint = endpoint;
    q.reply = reply;
  }

  /** The general path did a Yield by `t`. */
  noteYield(t: Tcb): void {
    this.#yielder = t;
  }

  /**
   * The kernel returns to `current`: arms the module's fast path if a pair's next step
   * meets the TypeScript paths' preconditions in every respect the module does not
   * check itself. `quiet`: the earliest timer or refill (quietAt); `floor`: the earliest
   * deadline other than the running thread's budget (#programTimer).
   */
  arm(k: Kernel, current: Tcb | undefined, times: KfastTimes, quiet: number, floor: number, debt: number): void {
    if (current === undefined || current.context.pa < 0 || current.vm || k.vms.length > 0) return;
    if (OP_CYCLES % CYCLES_PER_TICK !== 0 || debt >= CYCLES_PER_TICK) return;
    // The RTC is polled where a hart.run call ends, and those ends move when ecalls no
    // longer exit: its alarm interrupt would come at another instruction.
    if (k.irqs.has(RTC_IRQ)) return;
    if (this.#armCall(k, current, times, quiet, floor)) return;
    if (this.#armSignal(k, current, times, quiet, floor)) return;
    this.#armYield(k, current, times, quiet, floor);
  }

  #armCall(k: Kernel, current: Tcb, times: KfastTimes, quiet: number, floor: number): boolean {
    const p = this.#pair;
    if (!p || p.cslot < 0 || p.rslot < 0) return false;
    if (current !== p.client && current !== p.server) return false;
    const { client: c, server: s, endpoint: ep, reply } = p;
    if (c.context.pa < 0 || s.context.pa < 0 || c.vm || s.vm) return false;
    const ccap = c.cspace.slots[p.cslot];
    const rcap = s.cspace.slots[p.rslot];
    const ecap = s.cspace.slots[p.eslot];
    if (!ccap || ccap.object !== ep || !ccap.has(CV_RIGHT_WRITE)) return false;
    if (!rcap || rcap.object !== reply || !ecap || ecap.object !== ep || !ecap.has(CV_RIGHT_READ)) return false;
    if (s.boundNotification && s.boundNotification.word !== 0n) return false;
    if (k.cellOf(s).releasedAt !== undefined) return false;
    const top = k.sched.peek()?.priority ?? -1;
    if (c.priority <= top || s.priority <= top) return false;
    let phase: number;
    let sc: SchedContext | undefined;
    if (current === c) {
      if (c.state !== 'running' || s.state !== 'blocked-recv' || s.blocking.endpoint !== ep || s.blocking.reply !== reply) return false;
      if (ep.state !== 'recv' || ep.queue.length !== 1 || ep.queue[0] !== s) return false;
      if (reply.caller || reply.donated || s.sc !== undefined) return false;
      sc = c.sc;
      phase = 0;
    } else {
      if (s.state !== 'running' || c.state !== 'blocked-reply' || c.blocking.reply !== reply || reply.caller !== c) return false;
      if (ep.queue.length !== 0 || c.sc !== undefined || reply.donated === undefined || reply.donated !== s.sc) return false;
      if (reply.lender !== c) return false;
      sc = s.sc;
      phase = 1;
    }
    if (!sc || !sc.roundRobin || sc.refills.length !== 1 || sc.tcb !== current) return false;
    const head = sc.refills[0]!;
    if (head.amount > sc.budget || head.release > times.runStart) return false;
    const d = this.#d;
    d[K_CSLOT] = p.cslot;
    d[K_BADGE_LO] = Number(ccap.badge & 0xffff_ffffn);
    d[K_BADGE_HI] = Number(ccap.badge >> 32n);
    d[K_RSLOT] = p.rslot;
    d[K_ESLOT] = p.eslot;
    return this.#commit(0, phase, c, s, quiet, floor, times, sc);
  }

  /**
   * The signal pair: phase 0, the signaller runs and its next step is the Signal that
   * wakes the waiter (fastpath.ts's preconditions); phase 1, the waiter runs and its next
   * step is the Recv that blocks it again, after which the signaller, first in line,
   * runs. Each runs on its own round-robin scheduling context.
   */
  #armSignal(k: Kernel, current: Tcb, times: KfastTimes, quiet: number, floor: number): boolean {
    const q = this.#signal;
    if (!q || q.eslot < 0 || !q.endpoint) return false;
    if (current !== q.signaller && current !== q.waiter) return false;
    const { signaller: t, waiter: w, notification: n, endpoint: ep, reply } = q;
    if (t.context.pa < 0 || w.context.pa < 0 || t.vm || w.vm) return false;
    const ncap = t.cspace.slots[q.cslot];
    const ecap = w.cspace.slots[q.eslot];
    if (!ncap || ncap.object !== n || !ncap.has(CV_RIGHT_WRITE)) return false;
    if (!ecap || ecap.object !== ep || !ecap.has(CV_RIGHT_READ)) return false;
    if (q.rslot !== 0) {
      const rcap = w.cspace.slots[q.rslot];
      if (!rcap || rcap.object !== reply) return false;
    }
    // The Recv's reply holds no call and no lent time; the waiter is not passive.
    if (reply && (reply.caller || reply.donated || reply.lender)) return false;
    if (n.boundTcb !== w || w.boundNotification !== n || n.word !== 0n || n.signalled) return false;
    const cell = k.cellOf(w);
    if (cell.passive || cell.releasedAt !== undefined || w.priority <= t.priority) return false;
    const tsc = t.sc;
    const wsc = w.sc;
    if (!tsc || !wsc || tsc === wsc || tsc !== t.ownSc || wsc !== w.ownSc) return false;
    if (!timeslice(tsc, times) || !timeslice(wsc, times)) return false;
    if (tsc.tcb !== t || wsc.tcb !== w) return false;
    let phase: number;
    if (current === t) {
      if (t.state !== 'running' || w.state !== 'blocked-recv' || w.blocking.endpoint !== ep || w.blocking.reply !== reply) return false;
      if (ep.state !== 'recv' || ep.queue.length !== 1 || ep.queue[0] !== w) return false;
      // Preempted by the waiter, the signaller goes back to the head of its priority's
      // queue: it runs next after the Recv if nothing ready is above it.
      if ((k.sched.peek()?.priority ?? -1) > t.priority) return false;
      phase = 0;
    } else {
      if (w.state !== 'running' || t.state !== 'ready' || k.sched.peek() !== t || k.sched.throttled.has(t)) return false;
      if (ep.state !== 'idle' || ep.queue.length !== 0) return false;
      phase = 1;
    }
    const d = this.#d;
    d[K_CSLOT] = q.cslot;
    d[K_BADGE_LO] = Number(ncap.badge & 0xffff_ffffn);
    d[K_BADGE_HI] = Number(ncap.badge >> 32n);
    d[K_RSLOT] = q.rslot;
    d[K_ESLOT] = q.eslot;
    return this.#commit(1, phase, t, w, quiet, floor, times, tsc, wsc);
  }

  /**
   * The yield pair: the running thread's next step is a Yield, and the other is the only
   * thread ready at its priority, which nothing ready is above; each runs on its own
   * round-robin scheduling context. Learned when the kernel returns to a thread of the
   * last one that yielded's priority, with that one the only other ready at it.
   */
  #armYield(k: Kernel, current: Tcb, times: KfastTimes, quiet: number, floor: number): boolean {
    let pair = this.#yield;
    if (!pair || (current !== pair[0] && current !== pair[1])) {
      const y = this.#yielder;
      if (!y || y === current || y.priority !== current.priority || y.state !== 'ready') return false;
      pair = this.#yield = [y, current];
    }
    const [a, b] = pair;
    const other = current === a ? b : a;
    if (a.context.pa < 0 || b.context.pa < 0 || a.vm || b.vm || a.priority !== b.priority) return false;
    if (current.state !== 'running' || other.state !== 'ready' || k.sched.peek() !== other || k.sched.count(other.priority) !== 1) return false;
    if (k.sched.throttled.has(other)) return false;
    const asc = a.sc;
    const bsc = b.sc;
    if (!asc || !bsc || asc === bsc || asc !== a.ownSc || bsc !== b.ownSc || asc.tcb !== a || bsc.tcb !== b) return false;
    if (!timeslice(asc, times) || !timeslice(bsc, times)) return false;
    return this.#commit(2, current === a ? 0 : 1, a, b, quiet, floor, times, asc, bsc);
  }

  /**
   * Arms pair `mode` (0 call, 1 signal, 2 yield) in `phase` with what every pair's
   * descriptor holds: the two threads' contexts (`first` runs in phase 0), the running
   * thread's budget left and, with a second scheduling context (each thread its own),
   * the other's; the step counts start at zero.
   */
  #commit(
    mode: number, phase: number, first: Tcb, second: Tcb, quiet: number, floor: number, times: KfastTimes,
    sc: SchedContext, sc2?: SchedContext,
  ): true {
    const d = this.#d;
    const [running, other] = phase === 0 || sc2 === undefined ? [sc, sc2] : [sc2, sc];
    d[K_PHASE] = phase;
    d[K_CLIENT] = first.context.pa;
    d[K_SERVER] = second.context.pa;
    d[K_QUIET] = quiet;
    d[K_FLOOR] = floor;
    d[K_AMOUNT] = running.refills[0]!.amount;
    if (other !== undefined) d[K_AMOUNT2] = other.refills[0]!.amount;
    d[K_RUN_START] = times.runStart;
    d[K_CALLS] = 0;
    d[K_REPLIES] = 0;
    d[K_CLIENT_TICKS] = 0;
    d[K_SERVER_TICKS] = 0;
    d[K_LAST_NOW] = 0;
    d[K_LAST_SIGNAL] = 0;
    d[K_MODE] = mode;
    d[K_ARMED] = 1;
    this.#armedPhase = phase;
    this.#armedMode = mode;
    this.#sc = sc;
    this.#sc2 = sc2;
    return true;
  }

  /**
   * Disarms, and makes the kernel's objects what the TypeScript paths would have left
   * after the steps the module did. Returns the kernel's times after the last step, or undefined
   * when it did none.
   */
  fold(k: Kernel): KfastTimes | undefined {
    const d = this.#d;
    const armedPhase = this.#armedPhase;
    d[K_ARMED] = 0;
    this.#armedPhase = -1;
    if (this.#armedMode === 1) return this.#foldSignal(k, armedPhase);
    if (this.#armedMode === 2) return this.#foldYield(k, armedPhase);
    const calls = d[K_CALLS]!;
    const replies = d[K_REPLIES]!;
    const n = calls + replies;
    const p = this.#pair;
    const sc = this.#sc;
    this.#sc = undefined;
    if (n === 0 || !p || !sc) return undefined;
    const { client: c, server: s, endpoint: ep, reply } = p;
    const counters = k.counters;
    counters.entries += n;
    counters.switches += n;
    counters.fastpaths += n;
    counters.wasmFastpaths += n;
    const cs = k.cellOf(c).stats;
    const ss = k.cellOf(s).stats;
    const ct = d[K_CLIENT_TICKS]!;
    const st = d[K_SERVER_TICKS]!;
    cs.syscalls += calls;
    cs.ipcs += calls;
    cs.cpuTicks += ct;
    ss.syscalls += replies;
    ss.ipcs += replies;
    ss.cpuTicks += st;
    sc.consumed += ct + st;
    sc.totalConsumed += ct + st;
    const head = sc.refills[0]!;
    head.amount = d[K_AMOUNT]!;
    const lastNow = d[K_LAST_NOW]!;
    if (head.release < lastNow) head.release = lastNow;
    if (d[K_PHASE] !== armedPhase) {
      if (armedPhase === 0) {
        // The last step was a Call: the server runs on the client's time.
        ep.dequeue();
        s.blocking = NOT_BLOCKED;
        reply.caller = c;
        c.state = 'blocked-reply';
        c.blocking = { reply };
        reply.donated = sc;
        reply.lender = c;
        s.sc = sc;
        sc.tcb = s;
        c.sc = undefined;
        s.state = 'running';
        k.current = s;
      } else {
        // The last step was a ReplyRecv: the client runs, the server waits again.
        reply.caller = undefined;
        reply.donated = undefined;
        reply.lender = undefined;
        s.sc = undefined;
        c.sc = sc;
        sc.tcb = c;
        c.blocking = NOT_BLOCKED;
        s.state = 'blocked-recv';
        s.blocking = { endpoint: ep, reply };
        ep.enqueue(s, 'recv');
        c.state = 'running';
        k.current = c;
      }
    }
    return { now: lastNow + OP_TICKS, runStart: d[K_RUN_START]! };
  }

  /**
   * Modes 1 and 2: the steps the module did for two threads each on its own context
   * (the first's counted in CALLS and CLIENT_TICKS, the second's in REPLIES and
   * SERVER_TICKS): kernel entries and switches, each cell's syscalls and ticks, each
   * context's use and budget left. Returns the phase the module ended in.
   */
  #foldTwo(k: Kernel, first: Tcb, firstSc: SchedContext, second: Tcb, secondSc: SchedContext): number {
    const d = this.#d;
    const n = d[K_CALLS]! + d[K_REPLIES]!;
    k.counters.entries += n;
    k.counters.switches += n;
    k.counters.wasmFastpaths += n;
    for (const [t, sc, steps, ticks] of [[first, firstSc, K_CALLS, K_CLIENT_TICKS], [second, secondSc, K_REPLIES, K_SERVER_TICKS]] as const) {
      const stats = k.cellOf(t).stats;
      stats.syscalls += d[steps]!;
      stats.cpuTicks += d[ticks]!;
      sc.consumed += d[ticks]!;
      sc.totalConsumed += d[ticks]!;
    }
    // The running thread's budget is AMOUNT, the other's AMOUNT2.
    const phase = d[K_PHASE]!;
    firstSc.refills[0]!.amount = phase === 0 ? d[K_AMOUNT]! : d[K_AMOUNT2]!;
    secondSc.refills[0]!.amount = phase === 0 ? d[K_AMOUNT2]! : d[K_AMOUNT]!;
    return phase;
  }

  /** fold() for the signal pair. */
  #foldSignal(k: Kernel, armedPhase: number): KfastTimes | undefined {
    const d = this.#d;
    const tsc = this.#sc;
    const wsc = this.#sc2;
    this.#sc = undefined;
    this.#sc2 = undefined;
    const q = this.#signal;
    const signals = d[K_CALLS]!;
    const recvs = d[K_REPLIES]!;
    const n = signals + recvs;
    if (n === 0 || !q || !q.endpoint || !tsc || !wsc) return undefined;
    const { signaller: t, waiter: w, endpoint: ep, reply } = q;
    // The Signals are fastpath.ts's; the Recvs the general path's.
    k.counters.fastpaths += signals;
    const phase = this.#foldTwo(k, t, tsc, w, wsc);
    k.cellOf(t).stats.notifications += signals;
    // Each Signal unblocked the waiter's context at its entry time (SchedContext.unblock).
    const woke = d[K_LAST_SIGNAL]!;
    const head = wsc.refills[0]!;
    if (signals > 0 && head.release < woke) head.release = woke;
    if (phase !== armedPhase) {
      if (armedPhase === 0) {
        // The last step was a Signal: the waiter runs, the signaller is first in line.
        ep.remove(w);
        w.blocking = NOT_BLOCKED;
        t.state = 'ready';
        k.sched.enqueue(t, true);
        w.state = 'running';
        k.current = w;
      } else {
        // The last step was a Recv: the waiter waits again, the signaller runs.
        w.state = 'blocked-recv';
        w.blocking = { endpoint: ep, reply };
        ep.enqueue(w, 'recv');
        k.sched.take(t);
        t.state = 'running';
        k.current = t;
      }
    }
    return { now: d[K_LAST_NOW]! + OP_TICKS, runStart: d[K_RUN_START]! };
  }

  /** fold() for the yield pair. */
  #foldYield(k: Kernel, armedPhase: number): KfastTimes | undefined {
    const d = this.#d;
    const asc = this.#sc;
    const bsc = this.#sc2;
    this.#sc = undefined;
    this.#sc2 = undefined;
    const pair = this.#yield;
    const ya = d[K_CALLS]!;
    const yb = d[K_REPLIES]!;
    const n = ya + yb;
    if (n === 0 || !pair || !asc || !bsc) return undefined;
    const [a, b] = pair;
    const phase = this.#foldTwo(k, a, asc, b, bsc);
    if (phase !== armedPhase) {
      // The last step was a Yield by the thread that ran when armed: it waits at the
      // back of the queue, the other runs.
      const [prev, next] = armedPhase === 0 ? [a, b] : [b, a];
      prev.state = 'ready';
      k.sched.enqueue(prev);
      k.sched.take(next);
      next.state = 'running';
      k.current = next;
    }
    return { now: d[K_LAST_NOW]! + OP_TICKS, runStart: d[K_RUN_START]! };
  }
}
