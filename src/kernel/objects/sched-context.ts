// SchedContext (MCS): a budget of CPU time that is replenished every period, the
// sporadic-server way seL4 does it. The budget is a list of refills (release time,
// amount); a thread may run while the head refill is released. Time it uses comes back
// one period after the start of the use, so in any window of one period a thread uses
// at most its budget. A context with `roundRobin` has budget = period = a timeslice and
// is simply refilled, which gives round-robin among equals.
//
// Times are mtime ticks (100 ns), as numbers: exact to 2^53 ticks (28 years of virtual
// time), and no BigInt on the path every kernel entry takes. Invocation: Consumed (time
// used since the last ask).
import { CV_INV_SC_CONSUMED, CV_ILLEGAL_OPERATION } from '../abi/abi.js';
import { OK } from '../errors.js';
import type { Invocation, InvocationResult } from '../invocation.js';
import type { Tcb } from './tcb.js';

interface Refill {
  release: number;
  amount: number;
}

/** The most refills a context keeps; beyond it the last two merge (seL4's refill_max). */
const MAX_REFILLS = 8;

export class SchedContext {
  readonly type = 'sched_context' as const;
  readonly budget: number;
  readonly period: number;
  readonly roundRobin: boolean;
  readonly refills: Refill[];
  /** The thread running on this context (its owner, or a passive server it was lent to). */
  tcb: Tcb | undefined;
  /** Ticks used since the Consumed invocation last read it, and in all. */
  consumed = 0;
  totalConsumed = 0;
  /** Times the budget ran out before the thread blocked. */
  exhaustions = 0;
  readonly name: string;

  constructor(name: string, budget: number, period: number, roundRobin: boolean, now: number) {
    this.name = name;
    this.budget = budget;
    this.period = period;
    this.roundRobin = roundRobin;
    this.refills = [{ release: now, amount: budget }];
  }

  /** Whether the head refill is released at `now`. */
  ready(now: number): boolean {
    const head = this.refills[0];
    return head !== undefined && head.release <= now && head.amount > 0;
  }

  /** When budget is next available (for a throttled thread). */
  nextRelease(): number {
    return this.refills[0]?.release ?? 0;
  }

  /** The budget usable from `now` without a break. */
  available(now: number): number {
    return this.ready(now) ? this.refills[0]!.amount : 0;
  }

  /**
   * A thread wakes up on this context: a refill released in the past starts now, so a
   * thread that slept cannot use old budget in a burst (seL4's refill_unblock_check).
   */
  unblock(now: number): void {
    const head = this.refills[0];
    if (head === undefined || head.release >= now) return;
    head.release = now;
    // Refills now overlapping the head merge into it.
    while (this.refills.length > 1 && this.refills[1]!.release <= head.release + head.amount) {
      head.amount += this.refills[1]!.amount;
      this.refills.splice(1, 1);
    }
    if (head.amount > this.budget) head.amount = this.budget;
  }

  /** Charges `used` ticks of running that began at `start`. */
  charge(used: number): void {
    if (used <= 0) return;
    this.consumed += used;
    this.totalConsumed += used;
    const head = this.refills[0];
    if (head === undefined) return;
    if (this.roundRobin) {
      head.amount = used < head.amount ? head.amount - used : 0;
      return;
    }
    const take = used < head.amount ? used : head.amount;
    const back: Refill = { release: head.release + this.period, amount: take };
    head.amount -= take;
    head.release += take;
    if (head.amount === 0) this.refills.shift();
    this.#schedule(back);
  }

  /** The round-robin timeslice is over: a fresh one at once. */
  refillRoundRobin(now: number): void {
    // The one refill is reused: no allocation on the path a timeslice end takes.
    const head = this.refills[0];
    if (head !== undefined && this.refills.length === 1) {
      head.release = now;
      head.amount = this.budget;
      return;
    }
    this.refills.length = 0;
    this.refills.push({ release: now, amount: this.budget });
  }

  #schedule(r: Refill): void {
    const tail = this.refills[this.refills.length - 1];
    if (tail !== undefined && tail.release + tail.amount >= r.release) {
      tail.amount += r.amount;
      return;
    }
    this.refills.push(r);
    if (this.refills.length > MAX_REFILLS) {
      const last = this.refills.pop()!;
      this.refills[this.refills.length - 1]!.amount += last.amount;
    }
  }
}

export function decodeSchedContextInvocation(sc: SchedContext, inv: Invocation): InvocationResult {
  if (inv.label !== CV_INV_SC_CONSUMED) return { error: CV_ILLEGAL_OPERATION };
  const used = sc.consumed;
  sc.consumed = 0;
  return { error: OK, mrs: [BigInt(used)] };
}
