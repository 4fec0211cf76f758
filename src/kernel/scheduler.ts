// The scheduler: fixed priorities 0–254, preemptive, round-robin within a priority;
// a thread runs only while its scheduling context has budget released (MCS). Ready
// threads sit in one FIFO per priority; throttled ones (budget spent) wait for their
// next refill. The running thread is in neither.
import type { Tcb } from './objects/tcb.js';

export const PRIORITIES = 255;

export class Scheduler {
  readonly #queues: Tcb[][] = Array.from({ length: PRIORITIES }, () => []);
  /** Threads whose budget is spent, until their next refill. */
  readonly throttled = new Set<Tcb>();
  /** Highest priority with a non-empty queue is found by scanning down from here. */
  #top = -1;

  /** Puts a ready thread at the tail (or head, when it was preempted) of its queue. */
  enqueue(t: Tcb, atHead = false): void {
    if (this.contains(t)) return;
    const q = this.#queues[t.priority]!;
    if (atHead) q.unshift(t);
    else q.push(t);
    if (t.priority > this.#top) this.#top = t.priority;
  }

  contains(t: Tcb): boolean {
    return this.#queues[t.priority]!.includes(t);
  }

  remove(t: Tcb): void {
    const q = this.#queues[t.priority]!;
    const i = q.indexOf(t);
    if (i >= 0) q.splice(i, 1);
    this.throttled.delete(t);
  }

  /** How many threads are ready at `priority`. */
  count(priority: number): number {
    return this.#queues[priority]?.length ?? 0;
  }

  /** The highest-priority ready thread, without taking it. */
  peek(): Tcb | undefined {
    while (this.#top >= 0) {
      const q = this.#queues[this.#top]!;
      if (q.length > 0) return q[0];
      this.#top--;
    }
    return undefined;
  }

  take(t: Tcb): void {
    const q = this.#queues[t.priority]!;
    // Almost always the head (peek's answer): shift makes no array, splice would.
    if (q[0] === t) q.shift();
    else {
      const i = q.indexOf(t);
      if (i >= 0) q.splice(i, 1);
    }
  }

  /** Every thread in a ready queue, highest priority first. */
  *ready(): Iterable<Tcb> {
    for (let p = PRIORITIES - 1; p >= 0; p--) yield* this.#queues[p]!;
  }
}
