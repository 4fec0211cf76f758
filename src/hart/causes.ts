// Trap cause codes (mcause/scause values) as in the RISC-V privileged specification,
// v1.12 table 3.6 plus the H extension (chapter 8.6.3). Constant names follow
// riscv-opcodes' encoding.h so they read the same in C and TypeScript.

/** mcause bit 63: the trap is an interrupt, the low bits are its number. */
export const CAUSE_INTERRUPT_BIT = 1n << 63n;

export const CAUSE_MISALIGNED_FETCH = 0;
export const CAUSE_FETCH_ACCESS = 1;
export const CAUSE_ILLEGAL_INSTRUCTION = 2;
export const CAUSE_BREAKPOINT = 3;
export const CAUSE_MISALIGNED_LOAD = 4;
export const CAUSE_LOAD_ACCESS = 5;
export const CAUSE_MISALIGNED_STORE = 6;
export const CAUSE_STORE_ACCESS = 7;
export const CAUSE_USER_ECALL = 8;
export const CAUSE_SUPERVISOR_ECALL = 9;
export const CAUSE_VIRTUAL_SUPERVISOR_ECALL = 10;
export const CAUSE_MACHINE_ECALL = 11;
export const CAUSE_FETCH_PAGE_FAULT = 12;
export const CAUSE_LOAD_PAGE_FAULT = 13;
export const CAUSE_STORE_PAGE_FAULT = 15;
export const CAUSE_FETCH_GUEST_PAGE_FAULT = 20;
export const CAUSE_LOAD_GUEST_PAGE_FAULT = 21;
export const CAUSE_VIRTUAL_INSTRUCTION = 22;
export const CAUSE_STORE_GUEST_PAGE_FAULT = 23;

export const IRQ_S_SOFT = 1;
export const IRQ_VS_SOFT = 2;
export const IRQ_M_SOFT = 3;
export const IRQ_S_TIMER = 5;
export const IRQ_VS_TIMER = 6;
export const IRQ_M_TIMER = 7;
export const IRQ_S_EXT = 9;
export const IRQ_VS_EXT = 10;
export const IRQ_M_EXT = 11;
export const IRQ_S_GEXT = 12;

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
