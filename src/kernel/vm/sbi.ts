// The SBI a guest sees (RISC-V Supervisor Binary Interface Specification v2.0), answered
// by the kernel on the guest's ecall from VS-mode: base, TIME (on vstimecmp), sPI and
// RFENCE for its one hart, HSM (minimal), SRST, DBCN, and the legacy (v0.1) console,
// timer and shutdown, so `console=hvc0 earlycon=sbi` works with no device. The kernel's
// own implementation: the hosted firmware (src/firmware) is another owner of M-mode.
import type { VirtualMachine } from './vm.js';
import {
  SBI_SUCCESS, SBI_ERR_NOT_SUPPORTED, SBI_ERR_INVALID_PARAM, SBI_ERR_ALREADY_AVAILABLE, EXT_BASE, EXT_TIME, EXT_IPI,
  EXT_RFENCE, EXT_HSM, EXT_SRST, EXT_DBCN, LEGACY_SET_TIMER, LEGACY_CONSOLE_PUTCHAR, LEGACY_CONSOLE_GETCHAR,
  LEGACY_SHUTDOWN,
} from '../../machine/sbi-abi.js';

const SPEC_VERSION = 2n << 24n;
/** Implementation ID: not one the SBI specification assigns. */
const IMPL_ID = 0xc5n;
const IMPL_VERSION = 0x0001_0000n;
const HSM_STARTED = 0n;
const SRST_SHUTDOWN = 0n;
const SRST_COLD_REBOOT = 1n;
const SRST_WARM_REBOOT = 2n;
const SRST_REASON_FAILURE = 1n;
/** DBCN moves at most this many bytes per call. */
const DBCN_MAX = 4096;

const SUPPORTED = new Set([EXT_BASE, EXT_TIME, EXT_IPI, EXT_RFENCE, EXT_HSM, EXT_SRST, EXT_DBCN, LEGACY_SET_TIMER,
  LEGACY_CONSOLE_PUTCHAR, LEGACY_CONSOLE_GETCHAR, LEGACY_SHUTDOWN]);

/** What the guest's SBI call does beyond its return values. */
export type SbiEffect =
  | undefined
  /** SRST or legacy shutdown: the guest is done (status 0: shutdown, 1: failure). */
  | { readonly kind: 'shutdown'; readonly status: number }
  | { readonly kind: 'reboot' }
  /** HSM hart_stop of its only hart. */
  | { readonly kind: 'stop' };

/** Answers the call in the vCPU's a0–a7 (saved in its TCB): a0 = error, a1 = value. */
export function handleSbi(vm: VirtualMachine): SbiEffect {
  const r = vm.tcb.regs;
  const eid = Number(r[17]! & 0xffff_ffffn);
  const fid = Number(r[16]! & 0xffff_ffffn);
  const [a0, a1, a2] = [r[10]!, r[11]!, r[12]!];
  const reply = (error: bigint, value = 0n): void => {
    r[10] = BigInt.asUintN(64, error);
    r[11] = BigInt.asUintN(64, value);
  };
  vm.stats.sbiCalls++;
  switch (eid) {
    case LEGACY_CONSOLE_PUTCHAR:
      vm.console.write(Uint8Array.of(Number(a0 & 0xffn)));
      r[10] = 0n;
      return undefined;
    case LEGACY_CONSOLE_GETCHAR:
      r[10] = BigInt.asUintN(64, BigInt(vm.console.getchar()));
      return undefined;
    case LEGACY_SET_TIMER:
      vm.vcpu.vstimecmp = a0;
      r[10] = 0n;
      return undefined;
    case LEGACY_SHUTDOWN:
      return { kind: 'shutdown', status: 0 };
    case EXT_BASE:
      switch (fid) {
        case 0: reply(SBI_SUCCESS, SPEC_VERSION); break;
        case 1: reply(SBI_SUCCESS, IMPL_ID); break;
        case 2: reply(SBI_SUCCESS, IMPL_VERSION); break;
        case 3: reply(SBI_SUCCESS, SUPPORTED.has(Number(a0 & 0xffff_ffffn)) ? 1n : 0n); break;
        case 4: case 5: case 6: reply(SBI_SUCCESS, 0n); break;
        default: reply(SBI_ERR_NOT_SUPPORTED);
      }
      return undefined;
    case EXT_TIME:
      if (fid !== 0) reply(SBI_ERR_NOT_SUPPORTED);
      else {
        vm.vcpu.vstimecmp = a0;
        reply(SBI_SUCCESS);
      }
      return undefined;
    case EXT_IPI:
      if (fid !== 0) reply(SBI_ERR_NOT_SUPPORTED);
      else {
        if (targetsHart0(a0, a1)) vm.vcpu.raiseSoftware();
        reply(SBI_SUCCESS);
      }
      return undefined;
    case EXT_RFENCE:
      // One hart, which fences itself: a remote fence has no one else to reach. The hart
      // keeps the guest's translations per VMID and ASID and the guest's own SFENCE.VMA
      // and FENCE.I act on them.
      reply(fid <= 6 ? SBI_SUCCESS : SBI_ERR_NOT_SUPPORTED);
      return undefined;
    case EXT_HSM:
      switch (fid) {
        case 0: reply(a0 === 0n ? SBI_ERR_ALREADY_AVAILABLE : SBI_ERR_INVALID_PARAM); return undefined;
        case 1: return { kind: 'stop' };
        case 2: reply(a0 === 0n ? SBI_SUCCESS : SBI_ERR_INVALID_PARAM, HSM_STARTED); return undefined;
        default: reply(SBI_ERR_NOT_SUPPORTED); return undefined;
      }
    case EXT_SRST:
      if (fid !== 0 || a0 > SRST_WARM_REBOOT || a1 > 0xffff_ffffn) {
        reply(fid !== 0 ? SBI_ERR_NOT_SUPPORTED : SBI_ERR_INVALID_PARAM);
        return undefined;
      }
      if (a0 === SRST_SHUTDOWN) return { kind: 'shutdown', status: a1 === SRST_REASON_FAILURE ? 1 : 0 };
      if (a0 === SRST_COLD_REBOOT || a0 === SRST_WARM_REBOOT) return { kind: 'reboot' };
      return undefined;
    case EXT_DBCN:
      dbcn(vm, fid, a0, a1, a2, reply);
      return undefined;
    default:
      reply(SBI_ERR_NOT_SUPPORTED);
      return undefined;
  }
}

/** sbi_send_ipi's hart mask: bit i is hart base + i; base −1 means every hart. */
function targetsHart0(mask: bigint, base: bigint): boolean {
  if (base === (1n << 64n) - 1n) return true;
  return base === 0n && (mask & 1n) !== 0n;
}

/** DBCN write (0), read (1), write_byte (2): the buffer is guest physical, in its RAM. */
function dbcn(vm: VirtualMachine, fid: number, a0: bigint, a1: bigint, a2: bigint, reply: (e: bigint, v?: bigint) => void): void {
  if (fid === 2) {
    vm.console.write(Uint8Array.of(Number(a0 & 0xffn)));
    reply(SBI_SUCCESS);
    return;
  }
  if (fid !== 0 && fid !== 1) {
    reply(SBI_ERR_NOT_SUPPORTED);
    return;
  }
  const len = a0 > BigInt(DBCN_MAX) ? DBCN_MAX : Number(a0);
  const gpa = a2 !== 0n || a1 > BigInt(Number.MAX_SAFE_INTEGER) ? undefined : vm.ramAddress(Number(a1), len);
  if (gpa === undefined) {
    reply(SBI_ERR_INVALID_PARAM);
    return;
  }
  const hart = vm.hart;
  if (fid === 0) {
    vm.console.write(hart.readBytes(gpa, len).slice());
    reply(SBI_SUCCESS, BigInt(len));
  } else {
    const bytes = vm.console.read(len);
    hart.writeBytes(gpa, bytes);
    reply(SBI_SUCCESS, BigInt(bytes.length));
  }
}
