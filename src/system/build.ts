// From a schema-checked tree to the typed description: units to bytes and nanoseconds,
// names to objects, ELF files read and checked, and every per-value rule (alignment,
// ranges, minimum budget, devices and interrupt sources of the board). An element with a
// bad value is left out, so later checks see only sound elements and do not pile up
// errors that follow from the first; `complete` says whether a cell or channel was.

import { MIN_BUDGET_NS, RELEASE_OVERHEAD_CYCLES, cyclesToNs } from '../kernel/cost-model.js';
import { ElfError, parseElf, type ElfImage } from '../machine/loader/elf.js';
import { deviceAt, deviceOfIrq, describeIrqs, PLIC_SOURCE_COUNT, whyNoDevice } from './board.js';
import {
  MAPPING_BASE, PAGE_SIZE, SV39_USER_LIMIT,
  type Cell, type Channel, type ChannelEnd, type Irq, type LocatedError, type Mapping, type MemoryRegion,
  type Perms, type SchedulingContext, type SourcePos,
} from './description.js';
import { formatSize, formatTime, hex, parseSize, parseTime } from './units.js';
import { entry, type TreeMap, type TreeNode } from './yaml-tree.js';

/** How src/system/ reads files: the CLI passes Node's, a browser its own. */
export interface SystemHost {
  /** The file's bytes, or undefined if it cannot be read. */
  readFile(path: string): Uint8Array | undefined;
}

export interface Built {
  readonly regions: MemoryRegion[];
  readonly cells: Cell[];
  readonly channels: Channel[];
  /**
   * False when a cell or channel was left out for a bad value (its error is already
   * reported): then analyses over all cells, such as the admission test, would mislead.
   */
  complete: boolean;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export function buildSystem(root: TreeMap, file: string, invalid: ReadonlySet<TreeNode>, host: SystemHost, errors: LocatedError[]): Built {
  const built: Built = { regions: [], cells: [], channels: [], complete: true };
  const error = (pos: SourcePos, message: string): void => {
    errors.push({ pos, message });
  };
  /** A list's items, or none when the key is absent or not a list. */
  const items = (map: TreeMap, key: string): TreeMap[] => {
    const node = entry(map, key)?.value;
    if (!node || invalid.has(node) || node.kind !== 'seq') return [];
    return node.items.filter((i): i is TreeMap => i.kind === 'map');
  };
  /** An element is sound when neither it nor a value in it (nested maps included) failed the schema. */
  const sound = (map: TreeMap): boolean => !invalid.has(map) && map.entries.every((e) =>
    !invalid.has(e.value) && (e.value.kind !== 'map' || sound(e.value)));
  const leaveOut = (): void => {
    built.complete = false;
  };

  // Memory regions.
  const regionsByName = new Map<string, MemoryRegion>();
  const regionNames = new Map<string, SourcePos>();
  for (const map of items(root, 'memory_regions')) {
    const name = stringAt(map, 'name', invalid);
    if (name !== undefined) {
      const first = regionNames.get(name.value);
      if (first) {
        error(name.pos, `duplicate memory region name '${name.value}' (first at line ${first.line}); accepted: a name no other region has`);
        continue;
      }
      regionNames.set(name.value, name.pos);
    }
    if (!sound(map) || name === undefined) continue;
    const sizeNode = entry(map, 'size')!.value;
    const size = parseSize(scalar(sizeNode));
    if (size === undefined || size === 0 || size % PAGE_SIZE !== 0) {
      error(sizeNode.pos, `size ${showScalar(sizeNode)} is not a non-zero multiple of 4 KiB; accepted: a multiple of 4 KiB such as ${formatSize(Math.max(PAGE_SIZE, Math.ceil((size ?? 0) / PAGE_SIZE) * PAGE_SIZE))}`);
      continue;
    }
    let device: MemoryRegion['device'];
    const physNode = entry(map, 'phys_addr')?.value;
    if (physNode) {
      const physAddr = scalar(physNode) as number;
      if (physAddr % PAGE_SIZE !== 0) {
        error(physNode.pos, `phys_addr ${hex(physAddr)} is not page-aligned; accepted: a multiple of 0x1000 such as ${hex(physAddr - (physAddr % PAGE_SIZE))}`);
        continue;
      }
      const at = deviceAt(physAddr, size);
      if (!at) {
        error(physNode.pos, `phys_addr ${whyNoDevice(physAddr, size)}`);
        continue;
      }
      device = { physAddr, device: at };
    }
    const region: MemoryRegion = { name: name.value, size, device, pos: map.pos };
    regionsByName.set(region.name, region);
    built.regions.push(region);
  }

  // Cells: first each on its own, then fault handlers, which refer to other cells.
  const cellsByName = new Map<string, Mutable<Cell>>();
  const cellNames = new Map<string, SourcePos>();
  const cellMaps = new Map<Cell, TreeMap>();
  for (const map of items(root, 'cells')) {
    const name = stringAt(map, 'name', invalid);
    if (name !== undefined) {
      const first = cellNames.get(name.value);
      if (first) {
        error(name.pos, `duplicate cell name '${name.value}' (first at line ${first.line}); accepted: a name no other cell has`);
        leaveOut();
        continue;
      }
      cellNames.set(name.value, name.pos);
    }
    const cell = name && sound(map) ? buildCell(map, name.value, file, host, error) : undefined;
    if (!cell) {
      leaveOut();
      continue;
    }
    cell.maps = items(map, 'maps').flatMap((m) => {
      const mapping = sound(m) ? buildMapping(m, cell, regionsByName, regionNames, error) : undefined;
      return mapping ? [mapping] : [];
    });
    cell.irqs = items(map, 'irqs').flatMap((m) => {
      const irq = sound(m) ? buildIrq(m, error) : undefined;
      return irq ? [irq] : [];
    });
    cellsByName.set(cell.name, cell);
    cellMaps.set(cell, map);
    built.cells.push(cell);
  }

  /** The cell a reference names; reports an unknown name, stays quiet for a cell left out. */
  const resolveCell = (node: TreeNode): Cell | undefined => {
    const name = scalar(node) as string;
    const cell = cellsByName.get(name);
    if (!cell && !cellNames.has(name)) {
      error(node.pos, `unknown cell '${name}'; accepted: ${[...cellNames.keys()].join(', ') || 'no cells are described'}`);
    }
    return cell;
  };

  for (const cell of built.cells) {
    const handlerMap = entry(cellMaps.get(cell)!, 'fault_handler')?.value;
    if (handlerMap?.kind !== 'map') continue;
    const cellNode = entry(handlerMap, 'cell')!.value;
    const handler = resolveCell(cellNode);
    if (!handler) continue;
    if (handler === cell) {
      error(cellNode.pos, `cell '${cell.name}' cannot handle its own faults; accepted: another cell's name`);
      continue;
    }
    (cell as Mutable<Cell>).faultHandler = { cell: handler, id: scalar(entry(handlerMap, 'id')!.value) as number, pos: handlerMap.pos };
  }

  for (const map of items(root, 'channels')) {
    if (!sound(map)) {
      leaveOut();
      continue;
    }
    const end = (key: 'a' | 'b'): ChannelEnd | undefined => {
      const endMap = entry(map, key)!.value as TreeMap;
      const cell = resolveCell(entry(endMap, 'cell')!.value);
      return cell && { cell, id: scalar(entry(endMap, 'id')!.value) as number, pos: endMap.pos };
    };
    const a = end('a');
    const b = end('b');
    if (!a || !b) {
      leaveOut();
      continue;
    }
    if (a.cell === b.cell) {
      error(b.pos, `both ends of this channel are cell '${a.cell.name}'; accepted: a channel between two different cells`);
      leaveOut();
      continue;
    }
    const ppNode = entry(map, 'pp')?.value;
    const grantNode = entry(map, 'grant')?.value;
    const grant = grantNode !== undefined && scalar(grantNode) === true;
    if (grant && !ppNode) {
      error(grantNode.pos, 'grant needs pp: capabilities travel with protected calls; accepted: pp: a or pp: b beside grant: true');
    }
    built.channels.push({
      a, b, pp: ppNode ? (scalar(ppNode) as 'a' | 'b') : undefined, ppPos: ppNode?.pos, grant: grant && ppNode !== undefined, pos: map.pos,
    });
  }
  return built;
}

function buildCell(map: TreeMap, name: string, file: string, host: SystemHost, error: (pos: SourcePos, message: string) => void): Mutable<Cell> | undefined {
  let ok = true;
  const elfNode = entry(map, 'elf')!.value;
  const elfName = scalar(elfNode) as string;
  const path = resolvePath(file, elfName);
  const bytes = host.readFile(path);
  let image: ElfImage | undefined;
  if (!bytes) {
    error(elfNode.pos, `ELF file '${elfName}' cannot be read (looked for ${path}); accepted: the path of the cell's ELF, relative to this file`);
    ok = false;
  } else {
    try {
      image = parseElf(bytes);
    } catch (err) {
      if (!(err instanceof ElfError)) throw err;
      error(elfNode.pos, `'${elfName}' is not a usable cell: ${err.message}; accepted: an RV64 RISC-V ELF executable built with the cellvisor SDK`);
      ok = false;
    }
    const high = image?.segments.find((s) => s.vaddr + BigInt(s.memsz) > BigInt(MAPPING_BASE));
    if (high) {
      error(elfNode.pos, `'${elfName}' has segment ${high.index} at ${hex(Number(high.vaddr))}-${hex(Number(high.vaddr) + high.memsz)}, reaching above ${hex(MAPPING_BASE)} where the description's mappings go; accepted: an ELF linked below ${hex(MAPPING_BASE)} (the SDK's linker script)`);
      ok = false;
    }
  }

  const budgetEntry = entry(map, 'budget');
  const periodEntry = entry(map, 'period');
  let schedulingContext: SchedulingContext | undefined;
  if (budgetEntry && periodEntry) {
    const budgetNs = parseTime(scalar(budgetEntry.value));
    const periodNs = parseTime(scalar(periodEntry.value));
    for (const [e, ns] of [[budgetEntry, budgetNs], [periodEntry, periodNs]] as const) {
      if (ns === undefined) {
        error(e.value.pos, `${e.key} ${showScalar(e.value)} is not a whole number of nanoseconds; accepted: a time such as 1ms, 250us or 1500ns`);
        ok = false;
      }
    }
    if (budgetNs !== undefined && periodNs !== undefined) {
      if (budgetNs < MIN_BUDGET_NS) {
        error(budgetEntry.value.pos, `budget ${formatTime(budgetNs)} is under the minimum budget; accepted: at least ${formatTime(MIN_BUDGET_NS)}, since each release costs the kernel ${formatTime(cyclesToNs(RELEASE_OVERHEAD_CYCLES))} and budgets are enforced by a 100 ns timer`);
        ok = false;
      } else if (budgetNs > periodNs) {
        error(budgetEntry.value.pos, `budget ${formatTime(budgetNs)} exceeds period ${formatTime(periodNs)}; accepted: a budget of at most the period`);
        ok = false;
      }
      schedulingContext = { budgetNs, periodNs, pos: budgetEntry.keyPos };
    }
  }
  if (!ok || !image || !bytes) return undefined;
  const bool = (key: string): boolean => scalar(entry(map, key)?.value) === true;
  return {
    name,
    elf: { path, bytes, image, pos: elfNode.pos },
    priority: scalar(entry(map, 'priority')!.value) as number,
    schedulingContext,
    passive: bool('passive'),
    poweroff: bool('poweroff'),
    maps: [],
    irqs: [],
    pos: map.pos,
  };
}

function buildMapping(
  map: TreeMap, cell: Cell, regions: ReadonlyMap<string, MemoryRegion>, regionNames: ReadonlyMap<string, SourcePos>,
  error: (pos: SourcePos, message: string) => void,
): Mapping | undefined {
  const regionNode = entry(map, 'region')!.value;
  const regionName = scalar(regionNode) as string;
  const region = regions.get(regionName);
  if (!region) {
    // A region that exists but was left out has had its error already.
    if (!regionNames.has(regionName)) {
      error(regionNode.pos, `unknown memory region '${regionName}'; accepted: ${[...regionNames.keys()].join(', ') || 'no memory_regions are described'}`);
    }
    return undefined;
  }
  let ok = true;
  const vaddrNode = entry(map, 'vaddr')!.value;
  const vaddr = scalar(vaddrNode) as number;
  if (vaddr % PAGE_SIZE !== 0) {
    error(vaddrNode.pos, `vaddr ${hex(vaddr)} is not page-aligned; accepted: a multiple of 0x1000 such as ${hex(vaddr - (vaddr % PAGE_SIZE))}`);
    ok = false;
  } else if (vaddr < MAPPING_BASE || vaddr + region.size > SV39_USER_LIMIT) {
    error(vaddrNode.pos, `vaddr ${hex(vaddr)} (${formatSize(region.size)} of '${region.name}') is outside the mapping area; accepted: ${hex(MAPPING_BASE)} to ${hex(SV39_USER_LIMIT - region.size)} (the cell's ELF, stack and IPC buffer lie below ${hex(MAPPING_BASE)}, Sv39 user addresses end at ${hex(SV39_USER_LIMIT)})`);
    ok = false;
  }
  const permsNode = entry(map, 'perms')!.value;
  const text = scalar(permsNode) as string;
  const perms: Perms = { read: text.includes('r'), write: text.includes('w'), execute: text.includes('x') };
  if (region.device && perms.execute) {
    error(permsNode.pos, `perms '${text}' make the registers of ${region.device.device.name} executable; accepted: r or rw for a device region`);
    ok = false;
  }
  let setvar: Mapping['setvar'];
  const setvarNode = entry(map, 'setvar')?.value;
  if (setvarNode) {
    const symbol = scalar(setvarNode) as string;
    const address = cell.elf.image.symbols.get(symbol);
    const size = cell.elf.image.symbolSizes.get(symbol);
    const inSegment = address !== undefined && cell.elf.image.segments.some((s) => address >= s.vaddr && address + 8n <= s.vaddr + BigInt(s.memsz));
    if (address === undefined) {
      error(setvarNode.pos, `setvar '${symbol}' names no symbol of '${cell.elf.path}'; accepted: a uint64_t variable defined in the cell (e.g. uint64_t ${symbol};)`);
      ok = false;
    } else if (size !== 8n || !inSegment) {
      error(setvarNode.pos, `setvar '${symbol}' is ${size === 8n ? 'outside the loaded segments' : `${size} bytes`} in '${cell.elf.path}'; accepted: a uint64_t variable (8 bytes) in the cell's data`);
      ok = false;
    } else {
      setvar = { symbol, address: Number(address), pos: setvarNode.pos };
    }
  }
  return ok ? { region, vaddr, perms, setvar, pos: map.pos } : undefined;
}

function buildIrq(map: TreeMap, error: (pos: SourcePos, message: string) => void): Irq | undefined {
  const sourceNode = entry(map, 'source')!.value;
  const source = scalar(sourceNode) as number;
  if (!deviceOfIrq(source)) {
    const why = source > PLIC_SOURCE_COUNT ? `does not exist (the PLIC has sources 1-${PLIC_SOURCE_COUNT})` : 'is wired to no device of the board';
    error(sourceNode.pos, `PLIC source ${source} ${why}; accepted: ${describeIrqs()}`);
    return undefined;
  }
  return { source, id: scalar(entry(map, 'id')!.value) as number, pos: map.pos };
}

function scalar(node: TreeNode | undefined): unknown {
  return node?.kind === 'scalar' ? node.value : undefined;
}

function showScalar(node: TreeNode): string {
  const v = scalar(node);
  return typeof v === 'string' ? `'${v}'` : String(v);
}

/** A schema-valid string value with its position, if the key is present and sound. */
function stringAt(map: TreeMap, key: string, invalid: ReadonlySet<TreeNode>): { value: string; pos: SourcePos } | undefined {
  const node = entry(map, key)?.value;
  if (!node || invalid.has(node) || node.kind !== 'scalar' || typeof node.value !== 'string') return undefined;
  return { value: node.value, pos: node.pos };
}

/** `elf:` relative to the description's directory (POSIX or Windows separators), or absolute. */
export function resolvePath(descriptionFile: string, path: string): string {
  if (path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path)) return path;
  const cut = Math.max(descriptionFile.lastIndexOf('/'), descriptionFile.lastIndexOf('\\'));
  return cut < 0 ? path : `${descriptionFile.slice(0, cut + 1)}${path}`;
}
