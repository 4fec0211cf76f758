// The SBI's binary interface (RISC-V Supervisor Binary Interface Specification v2.0):
// error codes and extension IDs. Facts of the specification, shared by its two
// implementations on this board, which never import each other: the hosted firmware
// (src/firmware/sbi.ts) and the kernel's answer to its VMs (src/kernel/vm/sbi.ts).

export const SBI_SUCCESS = 0n;
export const SBI_ERR_FAILED = -1n;
export const SBI_ERR_NOT_SUPPORTED = -2n;
export const SBI_ERR_INVALID_PARAM = -3n;
export const SBI_ERR_INVALID_ADDRESS = -5n;
export const SBI_ERR_ALREADY_AVAILABLE = -6n;

export const EXT_BASE = 0x10;
export const EXT_TIME = 0x54494d45;
export const EXT_IPI = 0x735049;
export const EXT_RFENCE = 0x52464e43;
export const EXT_HSM = 0x48534d;
export const EXT_SRST = 0x53525354;
export const EXT_DBCN = 0x4442434e;
// Legacy (v0.1) extensions: the EID is the function.
export const LEGACY_SET_TIMER = 0x00;
export const LEGACY_CONSOLE_PUTCHAR = 0x01;
export const LEGACY_CONSOLE_GETCHAR = 0x02;
export const LEGACY_CLEAR_IPI = 0x03;
export const LEGACY_SEND_IPI = 0x04;
export const LEGACY_REMOTE_FENCE_I = 0x05;
export const LEGACY_REMOTE_SFENCE_VMA = 0x06;
export const LEGACY_REMOTE_SFENCE_VMA_ASID = 0x07;
export const LEGACY_SHUTDOWN = 0x08;
