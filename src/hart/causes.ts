// Trap causes by their spec names, and the names the spec gives them in prose. The
// numbers are those of spec/causes.ts, which the core and the C side use too.
import {
  MCAUSE_INTERRUPT,
  CAUSE_MISALIGNED_FETCH, CAUSE_FETCH_ACCESS, CAUSE_ILLEGAL_INSTRUCTION, CAUSE_BREAKPOINT, CAUSE_MISALIGNED_LOAD,
  CAUSE_LOAD_ACCESS, CAUSE_MISALIGNED_STORE, CAUSE_STORE_ACCESS, CAUSE_USER_ECALL, CAUSE_SUPERVISOR_ECALL,
  CAUSE_VIRTUAL_SUPERVISOR_ECALL, CAUSE_MACHINE_ECALL, CAUSE_FETCH_PAGE_FAULT, CAUSE_LOAD_PAGE_FAULT,
  CAUSE_STORE_PAGE_FAULT, CAUSE_FETCH_GUEST_PAGE_FAULT, CAUSE_LOAD_GUEST_PAGE_FAULT, CAUSE_VIRTUAL_INSTRUCTION,
  CAUSE_STORE_GUEST_PAGE_FAULT,
  IRQ_S_SOFT, IRQ_VS_SOFT, IRQ_M_SOFT, IRQ_S_TIMER, IRQ_VS_TIMER, IRQ_M_TIMER, IRQ_S_EXT, IRQ_VS_EXT, IRQ_M_EXT,
  IRQ_S_GEXT,
} from './spec/causes.js';

export * from './spec/causes.js';

/** mcause bit 63: the trap is an interrupt, the low bits are its number. */
export const CAUSE_INTERRUPT_BIT = BigInt(MCAUSE_INTERRUPT);

const EXCEPTION_NAMES: ReadonlyMap<number, string> = new Map([
  [CAUSE_MISALIGNED_FETCH, 'instruction address misaligned'],
  [CAUSE_FETCH_ACCESS, 'instruction access fault'],
  [CAUSE_ILLEGAL_INSTRUCTION, 'illegal instruction'],
  [CAUSE_BREAKPOINT, 'breakpoint'],
  [CAUSE_MISALIGNED_LOAD, 'load address misaligned'],
  [CAUSE_LOAD_ACCESS, 'load access fault'],
  [CAUSE_MISALIGNED_STORE, 'store/AMO address misaligned'],
  [CAUSE_STORE_ACCESS, 'store/AMO access fault'],
  [CAUSE_USER_ECALL, 'environment call from U-mode'],
  [CAUSE_SUPERVISOR_ECALL, 'environment call from S-mode'],
  [CAUSE_VIRTUAL_SUPERVISOR_ECALL, 'environment call from VS-mode'],
  [CAUSE_MACHINE_ECALL, 'environment call from M-mode'],
  [CAUSE_FETCH_PAGE_FAULT, 'instruction page fault'],
  [CAUSE_LOAD_PAGE_FAULT, 'load page fault'],
  [CAUSE_STORE_PAGE_FAULT, 'store/AMO page fault'],
  [CAUSE_FETCH_GUEST_PAGE_FAULT, 'instruction guest-page fault'],
  [CAUSE_LOAD_GUEST_PAGE_FAULT, 'load guest-page fault'],
  [CAUSE_VIRTUAL_INSTRUCTION, 'virtual instruction'],
  [CAUSE_STORE_GUEST_PAGE_FAULT, 'store/AMO guest-page fault'],
]);

const INTERRUPT_NAMES: ReadonlyMap<number, string> = new Map([
  [IRQ_S_SOFT, 'supervisor software interrupt'],
  [IRQ_VS_SOFT, 'virtual supervisor software interrupt'],
  [IRQ_M_SOFT, 'machine software interrupt'],
  [IRQ_S_TIMER, 'supervisor timer interrupt'],
  [IRQ_VS_TIMER, 'virtual supervisor timer interrupt'],
  [IRQ_M_TIMER, 'machine timer interrupt'],
  [IRQ_S_EXT, 'supervisor external interrupt'],
  [IRQ_VS_EXT, 'virtual supervisor external interrupt'],
  [IRQ_M_EXT, 'machine external interrupt'],
  [IRQ_S_GEXT, 'supervisor guest external interrupt'],
]);

/** The spec's name for an mcause value, e.g. "illegal instruction" or "machine timer interrupt". */
export function causeName(mcause: bigint): string {
  const interrupt = (mcause & CAUSE_INTERRUPT_BIT) !== 0n;
  const code = mcause & ~CAUSE_INTERRUPT_BIT;
  const table = interrupt ? INTERRUPT_NAMES : EXCEPTION_NAMES;
  const name = code < 64n ? table.get(Number(code)) : undefined;
  return name ?? `${interrupt ? 'interrupt' : 'exception'} ${code} (reserved)`;
}
