// VM exits: what leaves a guest and reaches the kernel. Only these do (the rest of the
// guest's traps are delegated to its own supervisor through medeleg and hedeleg): its
// ecalls (SBI), guest-page faults (MMIO on an emulated device, or a bad access), virtual
// instruction exceptions (WFI under hstatus.VTW, and what VS-mode may not do), and the
// board's interrupts, which the kernel takes like any other.
import type { Hart, TrapInfo } from '../../hart/index.js';
import {
  CAUSE_VIRTUAL_SUPERVISOR_ECALL, CAUSE_FETCH_GUEST_PAGE_FAULT, CAUSE_LOAD_GUEST_PAGE_FAULT, CAUSE_STORE_GUEST_PAGE_FAULT,
  CAUSE_VIRTUAL_INSTRUCTION, CAUSE_ILLEGAL_INSTRUCTION, CAUSE_LOAD_ACCESS, CAUSE_STORE_ACCESS,
} from '../../hart/causes.js';
import { CSR_MTINST, CSR_MTVAL2 } from '../../hart/spec/csr.js';
import { COST } from '../cost-model.js';
import { emulateMmio } from './mmio.js';
import { handleSbi } from './sbi.js';
import type { VirtualMachine } from './vm.js';

const WFI = 0x1050_0073n;

/** What the kernel does for a VM exit beyond the registers. */
export interface VmExitHost {
  readonly hart: Hart;
  /** Virtual time now, in mtime ticks. */
  nowTicks(): number;
  charge(cycles: number): void;
  /** The vCPU waits (WFI) until an interrupt is pending for it. */
  sleep(vm: VirtualMachine): void;
  /** The guest shut down (status 0) or reported failure (1) through SBI. */
  shutdown(vm: VirtualMachine, status: number): void;
  reboot(vm: VirtualMachine): void;
  /** The guest crashed: stop or restart it per on_fault, with a register dump. */
  crash(vm: VirtualMachine, reason: string, trap: TrapInfo): void;
}

/** Handles one exit of `vm`'s vCPU, whose registers are saved in its TCB. */
export function handleVmExit(k: VmExitHost, vm: VirtualMachine, trap: TrapInfo): void {
  const t = vm.tcb;
  vm.stats.exits++;
  const cause = Number(trap.cause);
  switch (cause) {
    case CAUSE_VIRTUAL_SUPERVISOR_ECALL: {
      t.pc = trap.epc + 4n;
      k.charge(COST.syscall);
      const effect = handleSbi(vm);
      if (effect?.kind === 'shutdown') k.shutdown(vm, effect.status);
      else if (effect?.kind === 'reboot') k.reboot(vm);
      else if (effect?.kind === 'stop') k.shutdown(vm, 0);
      return;
    }
    case CAUSE_LOAD_GUEST_PAGE_FAULT:
    case CAUSE_STORE_GUEST_PAGE_FAULT:
    case CAUSE_FETCH_GUEST_PAGE_FAULT: {
      const gpa = (k.hart.readCsr(CSR_MTVAL2) << 2n) | (trap.tval & 3n);
      const device = cause !== CAUSE_FETCH_GUEST_PAGE_FAULT && gpa < BigInt(Number.MAX_SAFE_INTEGER)
        ? vm.bus.find(Number(gpa)) : undefined;
      if (!device) {
        k.crash(vm, `${describeAccess(cause)} guest physical 0x${gpa.toString(16)}, which is not mapped`, trap);
        return;
      }
      vm.stats.mmio++;
      k.charge(COST.syscall);
      const result = emulateMmio(vm.bus, t.regs, Number(gpa), k.hart.readCsr(CSR_MTINST));
      if (result.kind === 'done') {
        t.pc = trap.epc + BigInt(result.length);
      } else if (result.kind === 'access-fault') {
        vm.vcpu.injectException(t, cause === CAUSE_LOAD_GUEST_PAGE_FAULT ? CAUSE_LOAD_ACCESS : CAUSE_STORE_ACCESS, trap.tval);
      } else {
        k.crash(vm, `${describeAccess(cause)} ${device.name} at guest physical 0x${gpa.toString(16)} with an instruction the kernel does not emulate`, trap);
      }
      return;
    }
    case CAUSE_VIRTUAL_INSTRUCTION:
      if ((trap.tval & 0xffff_ffffn) === WFI) {
        t.pc = trap.epc + 4n;
        vm.stats.wfis++;
        if (!vm.vcpu.wakeable(k.nowTicks())) k.sleep(vm);
        return;
      }
      // What VS-mode may not do is, to its supervisor, an illegal instruction.
      t.pc = trap.epc;
      vm.vcpu.injectException(t, CAUSE_ILLEGAL_INSTRUCTION, trap.tval);
      return;
    default:
      k.crash(vm, `unexpected exit`, trap);
  }
}

function describeAccess(cause: number): string {
  if (cause === CAUSE_FETCH_GUEST_PAGE_FAULT) return 'instruction fetch from';
  return cause === CAUSE_LOAD_GUEST_PAGE_FAULT ? 'load from' : 'store to';
}
