// The checked description becomes the kernel's boot image (src/kernel/image.ts): the
// same cells, regions and channels, with the admission test's bounds attached. The
// kernel builds every object, capability and page table from it; `cellvisor inspect`
// shows the result.
import type { KernelImage, ImageCell, ImageVm, ImageAnyEnd } from '../kernel/image.js';
import { responseBound, type Admission } from './admission.js';
import type { AnyChannelEnd, LocatedError, Perms, SystemDescription } from './description.js';

function perms(p: Perms): string {
  return `${p.read ? 'r' : ''}${p.write ? 'w' : ''}${p.execute ? 'x' : ''}`;
}

export function kernelImage(system: SystemDescription, admission?: Admission): KernelImage {
  const cells = system.cells.map((c): ImageCell => ({
    name: c.name,
    elf: c.elf.bytes,
    elfPath: c.elf.path,
    priority: c.priority,
    budgetNs: c.schedulingContext?.budgetNs,
    periodNs: c.schedulingContext?.periodNs,
    passive: c.passive,
    poweroff: c.poweroff,
    faultHandler: c.faultHandler ? { cell: c.faultHandler.cell.name, id: c.faultHandler.id } : undefined,
    maps: c.maps.map((m) => ({ region: m.region.name, vaddr: m.vaddr, perms: perms(m.perms), setvar: m.setvar?.symbol })),
    irqs: c.irqs.map((i) => ({ source: i.source, id: i.id })),
    responseBoundNs: admission ? responseBound(admission, c.name) : undefined,
  }));
  const vms = system.vms.map((vm): ImageVm => ({
    name: vm.name,
    kernel: { name: vm.kernel.path, bytes: vm.kernel.bytes },
    initrd: vm.initrd ? { name: vm.initrd.path, bytes: vm.initrd.bytes } : undefined,
    bootargs: vm.bootargs,
    memory: vm.memory,
    priority: vm.priority,
    budgetNs: vm.schedulingContext?.budgetNs,
    periodNs: vm.schedulingContext?.periodNs,
    onFault: vm.onFault,
    poweroff: vm.poweroff,
    devices: vm.devices.map((d) => {
      switch (d.type) {
        case 'console': return { type: 'console' as const };
        case 'block': return { type: 'block' as const, file: { name: d.file.path, bytes: d.file.bytes }, readonly: d.readonly };
        default: return { type: 'net' as const, link: d.link, mac: d.mac };
      }
    }),
    maps: vm.maps.map((m) => ({ region: m.region.name, gpa: m.gpa, perms: perms(m.perms), uioChannel: m.uio?.channel })),
  }));
  const end = (e: AnyChannelEnd): ImageAnyEnd => ('vm' in e ? { vm: e.vm.name, id: e.id } : { cell: e.cell.name, id: e.id });
  return {
    vms,
    vmChannels: system.vmChannels.map((ch) => ({ a: end(ch.a), b: end(ch.b) })),
    regions: system.regions.map((r) => ({ name: r.name, size: r.size, physAddr: r.device?.physAddr })),
    cells,
    channels: system.channels.map((ch) => ({
      a: { cell: ch.a.cell.name, id: ch.a.id },
      b: { cell: ch.b.cell.name, id: ch.b.id },
      pp: ch.pp,
      grant: ch.grant,
    })),
  };
}

/**
 * Why the kernel cannot boot this description yet, if it cannot: a part that is checked
 * but not built. `cellvisor run` and `inspect` stop on it, in the description's words.
 * Today the kernel builds everything a description can say.
 */
export function unsupportedByKernel(system: SystemDescription): LocatedError | undefined {
  void system;
  return undefined;
}
