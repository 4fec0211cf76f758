// Trap causes (mcause/scause values) and interrupt numbers, named as in the RISC-V
// privileged specification v1.12 table 3.6 and the H extension (8.6.3); the names
// follow riscv-opcodes' encoding.h. The one copy for the hart core, the TypeScript
// host and (build/include/cellvisor/causes.h) the C and assembly guests and tests.
// What may go in these modules: src/hart/spec/README.md.

// mcause/scause bit 63: the trap is an interrupt and the low bits are its number.
export const MCAUSE_INTERRUPT = 0x8000000000000000;

// Exception codes.
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

// Interrupt numbers: the low bits of mcause, and bit numbers in mip/mie (3.1.9).
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

// The same as bits of mip/mie (and of mideleg, sip/sie, hip/hie).
export const MIP_SSIP = 1 << IRQ_S_SOFT;
export const MIP_VSSIP = 1 << IRQ_VS_SOFT;
export const MIP_MSIP = 1 << IRQ_M_SOFT;
export const MIP_STIP = 1 << IRQ_S_TIMER;
export const MIP_VSTIP = 1 << IRQ_VS_TIMER;
export const MIP_MTIP = 1 << IRQ_M_TIMER;
export const MIP_SEIP = 1 << IRQ_S_EXT;
export const MIP_VSEIP = 1 << IRQ_VS_EXT;
export const MIP_MEIP = 1 << IRQ_M_EXT;
export const MIP_SGEIP = 1 << IRQ_S_GEXT;
