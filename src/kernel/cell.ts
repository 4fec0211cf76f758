// A native cell as the kernel keeps it: its objects, where its ELF went (for restart),
// its console line buffer and its statistics, all under the description's names.
import type { ElfImage } from '../machine/loader/elf.js';
import type { CNode } from './objects/cnode.js';
import type { Endpoint } from './objects/endpoint.js';
import type { Notification } from './objects/notification.js';
import type { Reply } from './objects/reply.js';
import type { SchedContext } from './objects/sched-context.js';
import type { Tcb } from './objects/tcb.js';
import type { Timer } from './objects/timer.js';
import type { VSpace } from './objects/vspace.js';

export interface CellStats {
  /** Virtual CPU time used, in mtime ticks. */
  cpuTicks: number;
  budgetExhaustions: number;
  syscalls: number;
  ipcs: number;
  notifications: number;
  faults: number;
  /** Worst time from a timer release to blocking again, in ticks (periodic cells). */
  worstResponse: number;
  releases: number;
}

export interface LoadedSegment {
  /** Where the segment's first page is, virtually and physically. */
  readonly vaddr: number;
  readonly paddr: number;
  /** Pages from vaddr (rounded). */
  readonly size: number;
}

export interface Cell {
  readonly index: number;
  readonly name: string;
  readonly tcb: Tcb;
  readonly cspace: CNode;
  readonly vspace: VSpace;
  readonly endpoint: Endpoint;
  readonly notification: Notification;
  readonly reply: Reply;
  readonly sc: SchedContext;
  readonly timer: Timer;
  readonly elf: ElfImage;
  readonly elfBytes: Uint8Array;
  readonly loaded: readonly LoadedSegment[];
  readonly stack: { readonly paddr: number; readonly size: number };
  /** ELF variables the image sets (setvar: a mapping's address; the response bound). */
  readonly setvars: readonly { readonly symbol: string; readonly value: number }[];
  readonly passive: boolean;
  readonly periodic: boolean;
  /** Channel id → the other end's cell name and channel name, for messages. */
  readonly channelNames: ReadonlyMap<number, string>;
  /** Set while the cell has been released by its timer and not yet blocked. */
  releasedAt: number | undefined;
  /** Output not yet ended by a newline. */
  line: string;
  readonly stats: CellStats;
}

export function newStats(): CellStats {
  return {
    cpuTicks: 0, budgetExhaustions: 0, syscalls: 0, ipcs: 0, notifications: 0, faults: 0, worstResponse: 0, releases: 0,
  };
}
