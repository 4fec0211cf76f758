// The booted image, readably: per cell its scheduling, address space (what is mapped
// where, backed by which physical memory) and every capability in its CSpace, in the
// description's names. What `cellvisor inspect` prints, as text or JSON. It reads the
// kernel's real objects after boot, so it shows exactly what a run starts from.
import {
  CV_CAP_BASE_NOTIFY, CV_CAP_BASE_PPCALL, CV_CAP_BASE_IRQ, CV_CAP_BASE_CHILD, CV_CAP_FIRST_FREE,
  CV_RIGHT_READ, CV_RIGHT_WRITE, CV_RIGHT_GRANT, CV_RIGHT_GRANT_REPLY,
} from './abi/abi.js';
import type { Cell } from './cell.js';
import type { Kernel } from './kernel.js';
import type { Cap } from './objects/cap.js';

export interface InspectedCap {
  readonly slot: number;
  readonly role: string;
  readonly object: string;
  readonly type: string;
  readonly rights: string;
  readonly badge: string;
}

export interface InspectedMapping {
  readonly vaddr: string;
  readonly size: number;
  readonly paddr: string;
  readonly perms: string;
  readonly what: string;
}

export interface InspectedCell {
  readonly name: string;
  readonly priority: number;
  readonly scheduling: string;
  readonly entry: string;
  readonly asid: number;
  readonly pageTableRoot: string;
  readonly mappings: readonly InspectedMapping[];
  readonly capabilities: readonly InspectedCap[];
}

const hex = (v: number | bigint): string => `0x${v.toString(16)}`;

function rights(cap: Cap): string {
  return [
    cap.has(CV_RIGHT_READ) ? 'R' : '', cap.has(CV_RIGHT_WRITE) ? 'W' : '',
    cap.has(CV_RIGHT_GRANT) ? 'G' : '', cap.has(CV_RIGHT_GRANT_REPLY) ? 'g' : '',
  ].join('') || '-';
}

function role(cell: Cell, slot: number): string {
  const channel = (base: number): string => {
    const id = slot - base;
    const peer = cell.channelNames.get(id);
    return `channel ${id}${peer ? ` (to '${peer}')` : ''}`;
  };
  const fixed = ['null', 'own TCB', 'own CNode', 'own VSpace', 'input endpoint', 'bound notification', 'reply',
    'scheduling context', 'timer (channel 63)', 'power off'];
  if (slot < CV_CAP_BASE_NOTIFY) return fixed[slot] ?? `slot ${slot}`;
  if (slot < CV_CAP_BASE_PPCALL) return `notify ${channel(CV_CAP_BASE_NOTIFY)}`;
  if (slot < CV_CAP_BASE_IRQ) return `protected call on ${channel(CV_CAP_BASE_PPCALL)}`;
  if (slot < CV_CAP_BASE_CHILD) return `IRQ of channel ${slot - CV_CAP_BASE_IRQ}`;
  if (slot < CV_CAP_FIRST_FREE) return `child ${slot - CV_CAP_BASE_CHILD}`;
  return `slot ${slot}`;
}

function objectName(kernel: Kernel, cap: Cap): string {
  const o = cap.object;
  switch (o.type) {
    case 'tcb': return `TCB of '${o.name}'`;
    case 'cnode': return `CNode (${o.size} slots)`;
    case 'vspace': return `VSpace of '${o.name}'`;
    case 'sched_context': return o.roundRobin ? `SchedContext of '${o.name}' (round robin)` : `SchedContext of '${o.name}'`;
    case 'irq_handler': return `IrqHandler for PLIC source ${o.source}`;
    case 'power': return 'PowerControl';
    default: return o.name.replace(/^the /, '');
  }
  void kernel;
}

function ns(ticks: number): string {
  const v = ticks * 100;
  return v >= 1e6 && v % 1e3 === 0 ? `${v / 1e6} ms` : `${v / 1e3} us`;
}

export function inspectKernel(kernel: Kernel): InspectedCell[] {
  return kernel.cells.map((cell) => {
    const sc = cell.sc;
    const scheduling = sc.roundRobin
      ? `no budget (round robin, ${ns(sc.budget)} slices)${cell.passive ? ', passive after init' : ''}`
      : `budget ${ns(sc.budget)} every ${ns(sc.period)}${cell.passive ? ', passive after init' : ''}`;
    const capabilities: InspectedCap[] = [];
    cell.cspace.slots.forEach((cap, slot) => {
      if (!cap) return;
      const badge = cap.badge === 0n ? '-' : hex(cap.badge);
      capabilities.push({ slot, role: role(cell, slot), object: objectName(kernel, cap), type: cap.object.type, rights: rights(cap), badge });
    });
    return {
      name: cell.name,
      priority: cell.tcb.priority,
      scheduling,
      entry: hex(cell.elf.entry),
      asid: cell.vspace.asid,
      pageTableRoot: hex(cell.vspace.root),
      mappings: cell.vspace.mappings.map((m) => ({
        vaddr: hex(m.vaddr), size: m.size, paddr: hex(m.paddr), perms: m.perms, what: m.what + (m.device ? ' (device)' : ''),
      })),
      capabilities,
    };
  });
}

export function formatInspection(cells: readonly InspectedCell[]): string {
  const out: string[] = [];
  for (const c of cells) {
    out.push(`cell ${c.name}: priority ${c.priority}, ${c.scheduling}, entry ${c.entry}, ASID ${c.asid}, page table at ${c.pageTableRoot}`);
    out.push('  memory:');
    // Runs of the ELF's pages are shown merged.
    const merged: InspectedMapping[] = [];
    for (const m of c.mappings) {
      const last = merged[merged.length - 1];
      if (last && last.what === m.what && last.perms === m.perms &&
          Number(last.vaddr) + last.size === Number(m.vaddr) && Number(last.paddr) + last.size === Number(m.paddr)) {
        merged[merged.length - 1] = { ...last, size: last.size + m.size };
      } else {
        merged.push(m);
      }
    }
    for (const m of merged) {
      out.push(`    ${m.vaddr.padStart(10)}  ${String(m.size).padStart(8)} bytes  ${m.perms.padEnd(3)}  -> ${m.paddr}  ${m.what}`);
    }
    out.push('  capabilities:');
    for (const k of c.capabilities) {
      const badge = k.badge === '-' ? '' : ` badge ${k.badge}`;
      out.push(`    ${String(k.slot).padStart(3)}  ${k.role.padEnd(34)} ${k.object} [${k.rights}]${badge}`);
    }
  }
  return `${out.join('\n')}\n`;
}
