// How a run of the machine ended. Guest-caused endings are values, not exceptions:
// nothing a guest does may throw out of the board (ARCHITECTURE.md, "Fail closed").

import { causeName } from '../hart/causes.js';
import type { ExitSource } from './device.js';

export type RunOutcome =
  /** The guest powered off through HTIF or the test finisher; code 0 is success. */
  | { readonly kind: 'exit'; readonly code: number; readonly source: ExitSource }
  /** The guest asked for a reset; the caller reloads and boots again if it wants to. */
  | { readonly kind: 'reset'; readonly source: ExitSource }
  /** The instruction limit given to run() was reached. */
  | { readonly kind: 'insn-limit'; readonly pc: bigint; readonly retired: bigint }
  /** A trap whose handler faulted on its first instruction: the hart can make no progress. */
  | { readonly kind: 'trap-loop'; readonly pc: bigint; readonly cause: bigint; readonly tval: bigint; readonly mtvec: bigint }
  /** A kernel's run reached the virtual-time limit it was given (mtime, 10 MHz ticks). */
  | { readonly kind: 'time-limit'; readonly mtime: bigint }
  /** WFI with no interrupt source left that could ever wake the hart. */
  | { readonly kind: 'idle'; readonly pc: bigint }
  /** The guest broke a device protocol (e.g. an HTIF syscall block outside RAM). */
  | { readonly kind: 'device-fault'; readonly pc: bigint; readonly message: string }
  /** Hosted M-mode: the firmware met a trap it cannot handle. */
  | { readonly kind: 'firmware-fault'; readonly pc: bigint; readonly message: string }
  /** RunOptions.yieldAfter instructions ran: the host may look at its events and run again. */
  | { readonly kind: 'yield' }
  /**
   * RunOptions.idle 'return': the hart sleeps until `deadline` (mtime), or until host
   * input arrives when no deadline is armed. Call skipIdleTime() or deliver input, then run() again.
   */
  | { readonly kind: 'wait'; readonly pc: bigint; readonly deadline: bigint | undefined };

const hex = (n: bigint): string => `0x${n.toString(16)}`;

/** One line for a human: what happened and where. */
export function describeOutcome(o: RunOutcome): string {
  switch (o.kind) {
    case 'exit':
      return o.code === 0 ? `passed (${o.source})` : `failed with code ${o.code} (${o.source})`;
    case 'reset':
      return `reset requested (${o.source})`;
    case 'insn-limit':
      return `reached the instruction limit after ${o.retired} instructions, at pc ${hex(o.pc)}`;
    case 'trap-loop':
      return `trap loop: ${causeName(o.cause)} (mcause ${hex(o.cause)}) at pc ${hex(o.pc)}, tval ${hex(o.tval)}; ` +
        `the trap handler faulted on its first instruction (mtvec ${hex(o.mtvec)})`;
    case 'time-limit':
      return `reached the time limit at ${o.mtime * 100n} ns of virtual time`;
    case 'idle':
      return `hart waits forever: WFI at pc ${hex(o.pc)}, and no armed timer or device can wake it`;
    case 'device-fault':
    case 'firmware-fault':
      return `${o.message} (pc ${hex(o.pc)})`;
    case 'yield':
      return 'yielded to the host';
    case 'wait':
      return o.deadline === undefined
        ? `hart waits for input: WFI at pc ${hex(o.pc)}, no timer armed`
        : `hart waits until mtime ${o.deadline}: WFI at pc ${hex(o.pc)}`;
  }
}
