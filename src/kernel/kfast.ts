// The host side of the hart's kernel fast path (src/hart/core/kfast.ts): a Call and
// ReplyRecv pair done inside the WebAssembly module, without an exit to this kernel.
// The TypeScript fast path (fastpath.ts) learns a pair when it does a Call from a
// client to a passive server and the server's ReplyRecv back; from then on, whenever
// the kernel returns to one of the two in a state where fastpath.ts's preconditions
// hold for the next step of the pair, it arms the module's fast path with a
// descriptor in linear memory (the caps and badge, both context blocks, the budget,
// the deadlines). On its next entry the kernel first folds in what the module did:
// counters, statistics, the scheduling context's charge, virtual time, and — when an
// odd number of steps was done — the objects' state after the last one, which is what
// fastpath.ts would have left. A run is the same with it on or off
// (test/kernel/kfast.test.ts).
import { CV_SYS_CALL, CV_SYS_REPLY_RECV, CV_RIGHT_WRITE, CV_RIGHT_READ, CV_WAKE_MESSAGE } from './abi/abi.js';
import { COST, CYCLES_PER_TICK } from './cost-model.js';
import type { Endpoint } from './objects/endpoint.js';
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

/** The times the kernel keeps privately, passed in when it arms and set back when it folds. */
export interface KfastTimes {
  /** Entry time of the last step the module did, and the start of the running thread's time. */
  now: number;
  runStart: number;
}

export class WasmFastpath {
  readonly #d: Float64Array;
  #pair: Pair | undefined;
  /** The descriptor is armed for this pair, starting in this phase (0: client runs). */
  #armedPhase = -1;
  #sc: SchedContext | undefined;

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

  /**
   * The kernel returns to `current`: arms the module's fast path if the pair's next step
   * meets fastpath.ts's preconditions in every respect the module does not check itself.
   * `quiet`: the earliest timer or refill (quietAt); `floor`: the earliest deadline
   * other than the running thread's budget (#programTimer).
   */
  arm(k: Kernel, current: Tcb | undefined, times: KfastTimes, quiet: number, floor: number, debt: number): void {
    const p = this.#pair;
    if (!p || p.cslot < 0 || p.rslot < 0 || current === undefined) return;
    if (current !== p.client && current !== p.server) return;
    if (OP_CYCLES % CYCLES_PER_TICK !== 0 || debt >= CYCLES_PER_TICK) return;
    const { client: c, server: s, endpoint: ep, reply } = p;
    if (c.context.pa < 0 || s.context.pa < 0 || c.vm || s.vm || k.vms.length > 0) return;
    // The RTC is polled where a hart.run call ends, and those ends move when ecalls no
    // longer exit: its alarm interrupt would come at another instruction.
    if (k.irqs.has(RTC_IRQ)) return;
    const ccap = c.cspace.slots[p.cslot];
    const rcap = s.cspace.slots[p.rslot];
    const ecap = s.cspace.slots[p.eslot];
    if (!ccap || ccap.object !== ep || !ccap.has(CV_RIGHT_WRITE)) return;
    if (!rcap || rcap.object !== reply || !ecap || ecap.object !== ep || !ecap.has(CV_RIGHT_READ)) return;
    if (s.boundNotification && s.boundNotification.word !== 0n) return;
    if (k.cellOf(s).releasedAt !== undefined) return;
    const top = k.sched.peek()?.priority ?? -1;
    if (c.priority <= top || s.priority <= top) return;
    let phase: number;
    let sc: SchedContext | undefined;
    if (current === c) {
      if (c.state !== 'running' || s.state !== 'blocked-recv' || s.blocking.endpoint !== ep || s.blocking.reply !== reply) return;
      if (ep.state !== 'recv' || ep.queue.length !== 1 || ep.queue[0] !== s) return;
      if (reply.caller || reply.donated || s.sc !== undefined) return;
      sc = c.sc;
      phase = 0;
    } else {
      if (s.state !== 'running' || c.state !== 'blocked-reply' || c.blocking.reply !== reply || reply.caller !== c) return;
      if (ep.queue.length !== 0 || c.sc !== undefined || reply.donated === undefined || reply.donated !== s.sc) return;
      if (reply.lender !== c) return;
      sc = s.sc;
      phase = 1;
    }
    if (!sc || !sc.roundRobin || sc.refills.length !== 1 || sc.tcb !== current) return;
    const head = sc.refills[0]!;
    if (head.amount > sc.budget || head.release > times.runStart) return;
    const d = this.#d;
    d[K_PHASE] = phase;
    d[K_CLIENT] = c.context.pa;
    d[K_SERVER] = s.context.pa;
    d[K_CSLOT] = p.cslot;
    d[K_BADGE_LO] = Number(ccap.badge & 0xffff_ffffn);
    d[K_BADGE_HI] = Number(ccap.badge >> 32n);
    d[K_RSLOT] = p.rslot;
    d[K_ESLOT] = p.eslot;
    d[K_QUIET] = quiet;
    d[K_FLOOR] = floor;
    d[K_AMOUNT] = head.amount;
    d[K_RUN_START] = times.runStart;
    d[K_CALLS] = 0;
    d[K_REPLIES] = 0;
    d[K_CLIENT_TICKS] = 0;
    d[K_SERVER_TICKS] = 0;
    d[K_LAST_NOW] = 0;
    d[K_ARMED] = 1;
    this.#armedPhase = phase;
    this.#sc = sc;
  }

  /**
   * Disarms, and makes the kernel's objects what fastpath.ts would have left after the
   * steps the module did. Returns the kernel's times after the last step, or undefined
   * when it did none.
   */
  fold(k: Kernel): KfastTimes | undefined {
    const d = this.#d;
    const armedPhase = this.#armedPhase;
    d[K_ARMED] = 0;
    this.#armedPhase = -1;
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
}
