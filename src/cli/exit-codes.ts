// Exit statuses of the `cellvisor` command. A guest's own failure code (from HTIF, the
// test finisher or the exit syscall) is passed through as its low 8 bits, so it can
// coincide with these; stderr always says which it was.

/** The guest passed (or a command succeeded). */
export const EXIT_OK = 0;
/** Bad command line or bad input file (missing, not a RISC-V ELF64, does not fit RAM). */
export const EXIT_USAGE = 2;
/** The machine could not run the guest to an end: a trap loop, a WFI nothing can wake,
 * a device protocol violation, a missing build/hart.wasm or an internal error. */
export const EXIT_STUCK = 3;
/** --max-insns was reached before the guest finished. */
export const EXIT_INSN_LIMIT = 4;

/** The status for a guest's failure code: its low byte, and never 0 for a failure. */
export function guestExitStatus(code: number): number {
  const low = code & 0xff;
  return code !== 0 && low === 0 ? 1 : low;
}
/** stdout was closed by its reader; what a shell reports for a process killed by SIGPIPE. */
export const EXIT_SIGPIPE = 128 + 13;
