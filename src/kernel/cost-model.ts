// The kernel's cost model: kernel work takes no guest instructions, so each kernel
// action is charged to virtual time by these fixed amounts. A run is therefore
// deterministic, and the admission test (src/system/) uses the same numbers to bound
// response times. Figures are in hart cycles: one cycle is one retired instruction's
// time, 10 ns at the board's 100 MHz (mtime runs at 10 MHz, one tick per 10 cycles).
//
// The values are of the order of seL4's on RISC-V silicon (HiFive U540: Call ≈ 700
// cycles, Reply ≈ 740 cycles through the slow path, a few hundred on the fast path),
// so time budgets and response times read like those of a real microkernel.

/** Hart cycles per second (100 MHz). */
export const CYCLES_PER_SECOND = 100_000_000;
/** Hart cycles per mtime tick (mtime runs at 10 MHz). */
export const CYCLES_PER_TICK = 10;
/** Nanoseconds per hart cycle. */
export const NS_PER_CYCLE = 10;

/** What the kernel charges, in cycles, per action. */
export const COST = {
  /** Entering the kernel from a cell and returning (any trap: ecall, fault, interrupt). */
  trap: 100,
  /** A syscall's work beyond the trap: decoding, capability lookup. */
  syscall: 60,
  /** Moving a message: per message register beyond the four passed in registers. */
  perMessageRegister: 2,
  /** Moving one capability in a message (grant). */
  perCapability: 40,
  /** Choosing the next thread. */
  schedule: 40,
  /** Switching to another thread: registers, and the address space when it differs. */
  contextSwitch: 150,
  /** Taking an interrupt (timer or device) and delivering it. */
  interrupt: 120,
  /** Turning a fault into a message to its handler, or stopping the cell. */
  fault: 300,
} as const;

/**
 * The kernel's overhead charged to one release of a periodic cell, and the most any
 * one higher-priority activation adds to a lower one: the timer interrupt that releases
 * it, two scheduling decisions, the switches in and out, and the syscall with which it
 * waits again.
 */
export const RELEASE_OVERHEAD_CYCLES =
  COST.interrupt + 2 * COST.schedule + 2 * COST.contextSwitch + COST.trap + COST.syscall;

/**
 * The smallest budget the kernel can honour, in nanoseconds: below it a release's own
 * kernel overhead (RELEASE_OVERHEAD_CYCLES, 6.6 µs) would be most of the budget, and the
 * timer that enforces budgets ticks every 100 ns. `cellvisor check` rejects smaller ones.
 */
export const MIN_BUDGET_NS = 10_000;

export function nsToCycles(ns: number): number {
  return Math.ceil(ns / NS_PER_CYCLE);
}

export function cyclesToNs(cycles: number): number {
  return cycles * NS_PER_CYCLE;
}
