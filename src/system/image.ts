// The checked description becomes the kernel's boot image (src/kernel/image.ts): the
// same cells, regions and channels, with the admission test's bounds attached. The
// kernel builds every object, capability and page table from it; `cellvisor inspect`
// shows the result.
import type { KernelImage, ImageCell } from '../kernel/image.js';
import { responseBound, type Admission } from './admission.js';
import type { Perms, SystemDescription } from './description.js';

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
  return {
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
