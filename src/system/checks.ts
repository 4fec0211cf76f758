// The rules that relate elements to each other, run on the typed description: one use
// per channel id in a cell, no overlapping mappings in a cell, one owner per interrupt
// source and per device, unique fault-handler child ids, protected calls only upwards in
// priority (as Microkit requires), and no passive cell that nobody calls.

import {
  MAX_CHANNEL_ID, TIMER_CHANNEL_ID,
  type Cell, type Channel, type LocatedError, type MemoryRegion, type SourcePos,
} from './description.js';
import { hex } from './units.js';

interface Description {
  readonly regions: readonly MemoryRegion[];
  readonly cells: readonly Cell[];
  readonly channels: readonly Channel[];
  /** False if cells or channels were left out for errors already reported. */
  readonly complete: boolean;
}

export function checkSystem(system: Description): LocatedError[] {
  const errors: LocatedError[] = [];
  const error = (pos: SourcePos, message: string): void => {
    errors.push({ pos, message });
  };
  const at = (pos: SourcePos): string => `line ${pos.line}`;

  // Channel and irq ids share one space per cell, in the order they are written.
  const ids = new Map<Cell, Map<number, { what: string; pos: SourcePos }>>();
  const uses: { cell: Cell; id: number; what: string; pos: SourcePos }[] = [];
  for (const cell of system.cells) {
    for (const irq of cell.irqs) uses.push({ cell, id: irq.id, what: `irq source ${irq.source}`, pos: irq.pos });
  }
  for (const ch of system.channels) {
    uses.push({ cell: ch.a.cell, id: ch.a.id, what: `the channel to '${ch.b.cell.name}'`, pos: ch.a.pos });
    uses.push({ cell: ch.b.cell, id: ch.b.id, what: `the channel to '${ch.a.cell.name}'`, pos: ch.b.pos });
  }
  uses.sort((x, y) => x.pos.line - y.pos.line || x.pos.column - y.pos.column);
  for (const use of uses) {
    const taken = ids.get(use.cell) ?? new Map<number, { what: string; pos: SourcePos }>();
    ids.set(use.cell, taken);
    const first = taken.get(use.id);
    if (first) {
      error(use.pos, `channel id ${use.id} of cell '${use.cell.name}' is already used by ${first.what} (${at(first.pos)}); accepted: a free id of '${use.cell.name}' such as ${freeId(taken)}`);
      continue;
    }
    taken.set(use.id, { what: use.what, pos: use.pos });
  }

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

