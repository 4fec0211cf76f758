// The rules that relate elements to each other, run on the typed description: one use
// per channel id in a cell, no overlapping mappings in a cell, one owner per interrupt
// source and per device, unique fault-handler child ids, protected calls only upwards in
// priority (as Microkit requires), and no passive cell that nobody calls.

import { MAX_RAM_SIZE } from '../machine/memory-map.js';
import {
  describeOwner, endOwner, MAX_CHANNEL_ID, TIMER_CHANNEL_ID,
  type Cell, type Channel, type LocatedError, type MemoryRegion, type Schedulable, type SourcePos, type Vm, type VmChannel,
} from './description.js';
import { formatSize, hex } from './units.js';

interface Description {
  readonly regions: readonly MemoryRegion[];
  readonly cells: readonly Cell[];
  readonly channels: readonly Channel[];
  readonly vms: readonly Vm[];
  readonly vmChannels: readonly VmChannel[];
  /** False if cells, VMs or channels were left out for errors already reported. */
  readonly complete: boolean;
}

export function checkSystem(system: Description): LocatedError[] {
  const errors: LocatedError[] = [];
  const error = (pos: SourcePos, message: string): void => {
    errors.push({ pos, message });
  };
  const at = (pos: SourcePos): string => `line ${pos.line}`;

  // Channel and irq ids share one space per cell (or VM), in the order they are written.
  const ids = new Map<Schedulable, Map<number, { what: string; pos: SourcePos }>>();
  const uses: { cell: Schedulable; id: number; what: string; pos: SourcePos }[] = [];
  for (const cell of system.cells) {
    for (const irq of cell.irqs) uses.push({ cell, id: irq.id, what: `irq source ${irq.source}`, pos: irq.pos });
  }
  for (const ch of system.channels) {
    uses.push({ cell: ch.a.cell, id: ch.a.id, what: `the channel to '${ch.b.cell.name}'`, pos: ch.a.pos });
    uses.push({ cell: ch.b.cell, id: ch.b.id, what: `the channel to '${ch.a.cell.name}'`, pos: ch.b.pos });
  }
  for (const ch of system.vmChannels) {
    const [a, b] = [endOwner(ch.a), endOwner(ch.b)];
    uses.push({ cell: a, id: ch.a.id, what: `the channel to '${b.name}'`, pos: ch.a.pos });
    uses.push({ cell: b, id: ch.b.id, what: `the channel to '${a.name}'`, pos: ch.b.pos });
  }
  uses.sort((x, y) => x.pos.line - y.pos.line || x.pos.column - y.pos.column);
  for (const use of uses) {
    const taken = ids.get(use.cell) ?? new Map<number, { what: string; pos: SourcePos }>();
    ids.set(use.cell, taken);
    const first = taken.get(use.id);
    if (first) {
      error(use.pos, `channel id ${use.id} of ${describeOwner(use.cell)} is already used by ${first.what} (${at(first.pos)}); accepted: a free id of '${use.cell.name}' such as ${freeId(taken)}`);
      continue;
    }
    taken.set(use.id, { what: use.what, pos: use.pos });
  }

  checkVms(system, error);

  for (const cell of system.cells) {
    const placed: { start: number; end: number; region: string; pos: SourcePos }[] = [];
    for (const m of cell.maps) {
      const start = m.vaddr;
      const end = m.vaddr + m.region.size;
      const clash = placed.find((p) => start < p.end && p.start < end);
      if (clash) {
        error(m.pos, `mapping of '${m.region.name}' at ${hex(start)}-${hex(end)} overlaps the mapping of '${clash.region}' at ${hex(clash.start)}-${hex(clash.end)} (${at(clash.pos)}) in cell '${cell.name}'; accepted: a vaddr at ${hex(Math.max(...placed.map((p) => p.end)))} or another free range`);
        continue;
      }
      placed.push({ start, end, region: m.region.name, pos: m.pos });
    }
  }

  const sources = new Map<number, { cell: Cell; pos: SourcePos }>();
  for (const cell of system.cells) {
    for (const irq of cell.irqs) {
      const first = sources.get(irq.source);
      if (first) {
        error(irq.pos, `PLIC source ${irq.source} is already claimed by cell '${first.cell.name}' (${at(first.pos)}); accepted: one cell per interrupt source`);
        continue;
      }
      sources.set(irq.source, { cell, pos: irq.pos });
    }
  }

  const devices = new Map<string, MemoryRegion>();
  for (const region of system.regions) {
    if (!region.device) continue;
    const first = devices.get(region.device.device.name);
    if (first) {
      error(region.pos, `region '${region.name}' is ${region.device.device.name} again, already region '${first.name}' (${at(first.pos)}); accepted: one region per device, mapped into as many cells as need it`);
      continue;
    }
    devices.set(region.device.device.name, region);
  }

  const children = new Map<string, Cell>();
  for (const cell of system.cells) {
    const handler = cell.faultHandler;
    if (!handler) continue;
    const key = `${handler.cell.name}\0${handler.id}`;
    const first = children.get(key);
    if (first) {
      error(handler.pos, `fault handler '${handler.cell.name}' already knows cell '${first.name}' as child id ${handler.id}; accepted: a child id (0-${MAX_CHANNEL_ID}) unique for '${handler.cell.name}'`);
      continue;
    }
    children.set(key, cell);
  }

  const called = new Set<Cell>();
  for (const ch of system.channels) {
    if (!ch.pp) continue;
    const caller = ch.pp === 'a' ? ch.a.cell : ch.b.cell;
    const server = ch.pp === 'a' ? ch.b.cell : ch.a.cell;
    called.add(server);
    if (server.priority <= caller.priority) {
      error(ch.ppPos ?? ch.pos, `pp: ${ch.pp} lets '${caller.name}' (priority ${caller.priority}) call '${server.name}' (priority ${server.priority}); accepted: a server with a strictly higher priority than its caller (${caller.priority + 1} or more), as in Microkit`);
    }
  }
  // A left-out channel might have been the call: say nothing rather than something wrong.
  for (const cell of system.complete ? system.cells : []) {
    if (cell.passive && !called.has(cell)) {
      error(cell.pos, `cell '${cell.name}' is passive but no channel lets another cell call it, so it would never run; accepted: a channel with pp naming its caller's end, or passive: false`);
    }
  }
  return errors;
}

function freeId(taken: ReadonlyMap<number, unknown>): string {
  for (let id = 0; id <= MAX_CHANNEL_ID; id++) if (!taken.has(id)) return String(id);
  return `none (ids 0-${MAX_CHANNEL_ID} are all used; ${TIMER_CHANNEL_ID} is the timer)`;
}


/**
 * Rules across a VM's parts and other VMs: every uio map names a channel of its VM (once),
 * every link joins two VMs or more, MACs are unique on a link, and all guest RAM fits.
 */
function checkVms(system: Description, error: (pos: SourcePos, message: string) => void): void {
  for (const vm of system.vms) {
    const uio = new Map<number, SourcePos>();
    for (const m of vm.maps) {
      if (!m.uio) continue;
      const channelIds = system.vmChannels.flatMap((ch) => [ch.a, ch.b]).filter((e) => 'vm' in e && e.vm === vm).map((e) => e.id);
      const first = uio.get(m.uio.channel);
      if (first) {
        error(m.uio.pos, `uio channel ${m.uio.channel} of VM '${vm.name}' is already the interrupt of the uio map at line ${first.line}; accepted: one uio map per channel`);
        continue;
      }
      uio.set(m.uio.channel, m.uio.pos);
      // A channel left out for its own error may have been this one: say nothing then.
      if (!channelIds.includes(m.uio.channel) && system.complete) {
        error(m.uio.pos, `uio channel ${m.uio.channel} is no channel end of VM '${vm.name}'; accepted: ${channelIds.length > 0 ? `one of its channel ids: ${channelIds.join(', ')}` : `a channel with an end { vm: ${vm.name}, id: ${m.uio.channel} }`}`);
      }
    }
  }

  const links = new Map<string, { vm: Vm; pos: SourcePos; mac?: readonly number[] }[]>();
  for (const vm of system.vms) {
    for (const d of vm.devices) {
      if (d.type !== 'net') continue;
      const on = links.get(d.link) ?? [];
      links.set(d.link, on);
      const twice = on.find((x) => x.vm === vm);
      if (twice) {
        error(d.linkPos, `VM '${vm.name}' is on link '${d.link}' already (line ${twice.pos.line}); accepted: one net device per VM and link`);
        continue;
      }
      const mac = d.mac?.map((o) => o.toString(16).padStart(2, '0')).join(':');
      const sameMac = mac && on.find((x) => x.mac?.map((o) => o.toString(16).padStart(2, '0')).join(':') === mac);
      if (sameMac) {
        error(d.pos, `mac ${mac} is already used on link '${d.link}' by VM '${sameMac.vm.name}' (line ${sameMac.pos.line}); accepted: a MAC address unique on the link, or no mac`);
      }
      on.push({ vm, pos: d.linkPos, mac: d.mac });
    }
  }
  // A VM left out might have been the other end.
  for (const [link, on] of system.complete ? links : []) {
    if (on.length === 1) {
      error(on[0].pos, `link '${link}' has one end: only VM '${on[0].vm.name}' has a net device on it; accepted: the same link on a net device of another VM, so they see each other`);
    }
  }

  const total = system.vms.reduce((sum, vm) => sum + vm.memory, 0);
  if (system.vms.length > 1 && total >= MAX_RAM_SIZE) {
    error(system.vms[0].pos, `the VMs' guest RAM totals ${formatSize(total)}, but the board has at most ${formatSize(MAX_RAM_SIZE)} of RAM, and the kernel and cells need some of it; accepted: memory totalling less than ${formatSize(MAX_RAM_SIZE)}`);
  }
}
