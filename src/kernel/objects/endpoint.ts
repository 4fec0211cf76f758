// Endpoint: synchronous IPC. A queue of threads that are all sending or all
// receiving (seL4 endpoint.c: idle / sending / receiving); the operations themselves
// are in ipc.ts, where sends and receives meet.
import type { Tcb } from './tcb.js';

export class Endpoint {
  readonly type = 'endpoint' as const;
  /** Senders when `state` is 'send', receivers when 'recv'; empty when 'idle'. */
  readonly queue: Tcb[] = [];
  state: 'idle' | 'send' | 'recv' = 'idle';
  readonly name: string;

  constructor(name: string) {
    this.name = name;
  }

  enqueue(t: Tcb, state: 'send' | 'recv'): void {
    this.state = state;
    this.queue.push(t);
  }

  dequeue(): Tcb | undefined {
    const t = this.queue.shift();
    if (this.queue.length === 0) this.state = 'idle';
    return t;
  }

  remove(t: Tcb): void {
    const i = this.queue.indexOf(t);
    if (i >= 0) this.queue.splice(i, 1);
    if (this.queue.length === 0) this.state = 'idle';
  }
}
