// Boot of the image's virtual machines: each gets its guest RAM (2 MiB aligned, so the
// G-stage maps it with megapages), a G-stage table with VMID = its index + 1, a vCPU
// thread with a scheduling context like a cell's, its emulated devices and its guest
// loaded (vm.ts), ready to run.
import {
  CAUSE_MISALIGNED_FETCH, CAUSE_FETCH_ACCESS, CAUSE_ILLEGAL_INSTRUCTION, CAUSE_BREAKPOINT, CAUSE_MISALIGNED_LOAD,
  CAUSE_LOAD_ACCESS, CAUSE_MISALIGNED_STORE, CAUSE_STORE_ACCESS, CAUSE_USER_ECALL, CAUSE_FETCH_PAGE_FAULT,
  CAUSE_LOAD_PAGE_FAULT, CAUSE_STORE_PAGE_FAULT, MIP_VSSIP, MIP_VSTIP, MIP_VSEIP,
} from '../../hart/causes.js';
import {
  COUNTEREN_CY, COUNTEREN_IR, COUNTEREN_TM, CSR_HCOUNTEREN, CSR_HEDELEG, CSR_HENVCFG, CSR_HIDELEG, CSR_HSTATUS,
  CSR_STIMECMP, HSTATUS_VTW, MENVCFG_PBMTE, MENVCFG_STCE, ENVCFG_CBIE_INVAL, ENVCFG_CBCFE, ENVCFG_CBZE,
} from '../../hart/spec/csr.js';
import { ConsoleLines } from '../../machine/console-feed.js';
import { BootError as LayoutError } from '../../machine/loader/boot-layout.js';
import { nsToCycles, CYCLES_PER_TICK } from '../cost-model.js';
import type { ImageVm } from '../image.js';
import type { Kernel } from '../kernel.js';
import type { FrameAllocator } from '../memory.js';
import { ROUND_ROBIN_TICKS } from '../boot.js';
import { CNode } from '../objects/cnode.js';
import { Notification } from '../objects/notification.js';
import { SchedContext } from '../objects/sched-context.js';
import { Tcb } from '../objects/tcb.js';
import { VmConsole } from './console.js';
import { GStage } from './gstage.js';
import { VCpu } from './vcpu.js';
import { VirtualMachine } from './vm.js';

/** Exceptions a guest's supervisor handles itself (the rest reach the kernel as VM exits). */
export const VM_MEDELEG = [
  CAUSE_MISALIGNED_FETCH, CAUSE_FETCH_ACCESS, CAUSE_ILLEGAL_INSTRUCTION, CAUSE_BREAKPOINT, CAUSE_MISALIGNED_LOAD,
  CAUSE_LOAD_ACCESS, CAUSE_MISALIGNED_STORE, CAUSE_STORE_ACCESS, CAUSE_USER_ECALL,
  CAUSE_FETCH_PAGE_FAULT, CAUSE_LOAD_PAGE_FAULT, CAUSE_STORE_PAGE_FAULT,
].reduce((m, c) => m | (1n << BigInt(c)), 0n);
/** The VS-level interrupts, taken by the guest (hideleg). */
const VS_INTERRUPTS = BigInt(MIP_VSSIP | MIP_VSTIP | MIP_VSEIP);
const MEGAPAGE = 0x20_0000;
const PAGE = 4096;
const ticks = (ns: number): number => Math.ceil(nsToCycles(ns) / CYCLES_PER_TICK);

/** The image could not be booted; the message names the VM. */
export class VmBootError extends Error {
  override name = 'VmBootError';
}

/** Sets up the hart's hypervisor CSRs, the same for every VM (the per-VM ones go in at each switch). */
export function setUpHypervisor(kernel: Kernel, usePbmt: boolean): void {
  const hart = kernel.hart;
  // Sstc and the cache-block operations for guests (henvcfg passes them on to VS-mode;
  // cells keep senvcfg zero, so U-mode still may not use the CBOs).
  const cbo = BigInt(ENVCFG_CBIE_INVAL | ENVCFG_CBCFE | ENVCFG_CBZE);
  hart.writeCsr('menvcfg', hart.readCsr('menvcfg') | BigInt(MENVCFG_STCE) | cbo);
  // Sstc for the guests: vstimecmp; the kernel's own stimecmp is never armed.
  hart.writeCsr(CSR_STIMECMP, (1n << 64n) - 1n);
  let henvcfg = BigInt(MENVCFG_STCE) | cbo;
  if (usePbmt) henvcfg |= BigInt(MENVCFG_PBMTE);
  hart.writeCsr(CSR_HENVCFG, henvcfg);
  hart.writeCsr(CSR_HEDELEG, VM_MEDELEG);
  hart.writeCsr(CSR_HIDELEG, VS_INTERRUPTS);
  // WFI in VS-mode exits, so the kernel can run something else while the guest sleeps.
  hart.writeCsr(CSR_HSTATUS, BigInt(HSTATUS_VTW));
  hart.writeCsr(CSR_HCOUNTEREN, BigInt(COUNTEREN_CY | COUNTEREN_TM | COUNTEREN_IR));
}

export function bootVm(
  kernel: Kernel, frames: FrameAllocator, image: ImageVm, index: number, input: ConsoleLines | undefined,
  regions: ReadonlyMap<string, { paddr: number; size: number; device: boolean }>,
): VirtualMachine {
  const hart = kernel.hart;
  const ramHpa = frames.allocateAligned(image.memory / PAGE, MEGAPAGE, `the memory of VM '${image.name}'`);
  const gstage = new GStage(`VM '${image.name}'`, hart, frames, index + 1);
  gstage.map({ gpa: 0x8000_0000, hpa: ramHpa, size: image.memory, perms: 'rwx', what: 'guest RAM' });
  const now = kernel.nowTicks();
  const budgeted = image.budgetNs !== undefined && image.periodNs !== undefined;
  const sc = budgeted
    ? new SchedContext(image.name, ticks(image.budgetNs!), ticks(image.periodNs!), false, now)
    : new SchedContext(image.name, ROUND_ROBIN_TICKS, ROUND_ROBIN_TICKS, true, now);
  const tcb = new Tcb({
    name: image.name, priority: image.priority, mcp: image.priority, cspace: new CNode(1), vspace: undefined, ipcBuffer: 0, owner: index,
  });
  tcb.sc = sc;
  tcb.ownSc = sc;
  sc.tcb = tcb;
  const host = kernel.host;
  const attached = host.attached === image.name;
  const console = new VmConsole(
    attached && host.raw ? { line: () => {}, raw: host.raw } : { line: (text) => host.output(image.name, text) },
    attached ? input : undefined,
  );
  const notification = new Notification(`the notification of VM '${image.name}'`);
  const vm = new VirtualMachine({ index, image, tcb, vcpu: new VCpu(hart), gstage, ramHpa, console, platform: kernel.vmPlatform, notification });
  tcb.vm = vm;
  for (const m of image.maps ?? []) {
    const r = regions.get(m.region);
    if (!r || r.device) throw new VmBootError(`VM '${image.name}' maps region '${m.region}', which is no RAM region`);
    gstage.map({ gpa: m.gpa, hpa: r.paddr, size: r.size, perms: m.perms, what: `region '${m.region}'` });
    if (m.uioChannel !== undefined) vm.uio.push({ channel: m.uioChannel, region: m.region, gpa: m.gpa, size: r.size });
  }
  try {
    vm.boot();
  } catch (e) {
    if (e instanceof LayoutError) {
      // The boot layout speaks of the board's -m option; a VM's RAM is its `memory`.
      const message = e.subject === '-m'
        ? `${e.message.replace(/; give more memory with -m$/, '').replace(/of RAM/, 'of guest memory')}; accepted: more memory for the VM`
        : `${e.subject}: ${e.message}`;
      throw new VmBootError(`VM '${image.name}': ${message}`);
    }
    throw e;
  }
  return vm;
}
