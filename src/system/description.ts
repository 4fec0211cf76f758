// The checked system description: what `loadSystem` returns once a YAML description has
// passed the schema and every semantic check. The image builder and the kernel consume
// these types. All names are resolved to objects, sizes are bytes, times nanoseconds,
// addresses plain numbers (all below 2^53), and every element keeps its position in the
// YAML file so later messages (at build or run time) can point at it.

import type { ElfImage } from '../machine/loader/elf.js';

/** A position in the description file, 1-based as editors and compilers show it. */
export interface SourcePos {
  readonly line: number;
  readonly column: number;
}

/**
 * One problem with a description. `message` reads "what is wrong; what would be
 * accepted"; `formatError` prefixes `FILE:LINE:COLUMN: `.
 */
export interface LocatedError {
  readonly pos: SourcePos;
  readonly message: string;
}

/** A device of the board that a memory region with `phys_addr` maps (src/system/board.ts). */
export interface BoardDevice {
  /** As the bus names it: `uart0`, `rtc`, `virtio-mmio 3`. */
  readonly name: string;
  readonly base: number;
  /** Register window in bytes (may be less than a page; the mapping covers whole pages). */
  readonly size: number;
  /** Its PLIC source. */
  readonly irq: number;
}

/** `memory_regions[]`: RAM the builder places, or a device's registers. */
export interface MemoryRegion {
  readonly name: string;
  /** Bytes; a non-zero multiple of 4 KiB. */
  readonly size: number;
  /** For a device region: its physical address (page-aligned) and the device there. */
  readonly device?: { readonly physAddr: number; readonly device: BoardDevice };
  readonly pos: SourcePos;
}

/** `perms`: RISC-V PTE permissions (W without R is reserved, so never produced). */
export interface Perms {
  readonly read: boolean;
  readonly write: boolean;
  readonly execute: boolean;
}

/** `cells[].maps[]`: a region mapped into a cell's address space. */
export interface Mapping {
  readonly region: MemoryRegion;
  /** Page-aligned, 0x4000000 ≤ vaddr, vaddr + size ≤ 0x40_0000_0000 (Sv39 user half). */
  readonly vaddr: number;
  readonly perms: Perms;
  /** A `uint64_t` in the cell's ELF that the builder sets to `vaddr`. */
  readonly setvar?: {
    readonly symbol: string;
    /** The variable's virtual address in the cell (inside a PT_LOAD segment). */
    readonly address: number;
    readonly pos: SourcePos;
  };
  readonly pos: SourcePos;
}

/** `cells[].irqs[]`: a PLIC source delivered to the cell as a notification on `id`. */
export interface Irq {
  readonly source: number;
  /** A channel id (0–62), unique among the cell's channel and irq ids. */
  readonly id: number;
  readonly pos: SourcePos;
}

/** An MCS scheduling context: `budget` of CPU time in every `period`. */
export interface SchedulingContext {
  /** ≥ MIN_BUDGET_NS (src/kernel/cost-model.ts) and ≤ periodNs. */
  readonly budgetNs: number;
  readonly periodNs: number;
  readonly pos: SourcePos;
}

/** `cells[]`: a native cell, one ELF in its own address space. */
export interface Cell {
  readonly name: string;
  readonly elf: {
    /** The path as read: `elf:` resolved against the description's directory. */
    readonly path: string;
    readonly bytes: Uint8Array;
    /** Parsed headers: an ELF64 RISC-V executable whose segments lie below MAPPING_BASE. */
    readonly image: ElfImage;
    readonly pos: SourcePos;
  };
  /** 0–254, higher runs first. */
  readonly priority: number;
  /** Absent: the cell runs unbudgeted at its priority. */
  readonly schedulingContext?: SchedulingContext;
  /** Runs only on its callers' scheduling contexts (it is called through a `pp` channel). */
  readonly passive: boolean;
  /** May end the whole run with cv_poweroff(status). */
  readonly poweroff: boolean;
  /** Who receives this cell's faults, and as which child id (0–62) of that cell. */
  readonly faultHandler?: { readonly cell: Cell; readonly id: number; readonly pos: SourcePos };
  readonly maps: readonly Mapping[];
  readonly irqs: readonly Irq[];
  readonly pos: SourcePos;
}

/** One end of a channel. (Issue 14 adds ends that name a VM.) */
export interface ChannelEnd {
  readonly cell: Cell;
  /** 0–62; 63 is the cell's timer. */
  readonly id: number;
  readonly pos: SourcePos;
}

/** `channels[]`: notifications both ways, and protected calls from one end if `pp` says so. */
export interface Channel {
  readonly a: ChannelEnd;
  readonly b: ChannelEnd;
  /** The end that may make protected calls to the other (whose priority is strictly higher). */
  readonly pp?: 'a' | 'b';
  /** Where `pp` is written, if it is. */
  readonly ppPos?: SourcePos;
  /** Protected calls may carry a capability (the caller's endpoint capability has Grant). */
  readonly grant?: boolean;
  readonly pos: SourcePos;
}

export interface SystemDescription {
  /** The description's path as given (used in messages). */
  readonly file: string;
  readonly regions: readonly MemoryRegion[];
  readonly cells: readonly Cell[];
  readonly channels: readonly Channel[];
}

/** Lowest virtual address of a description's mappings: the ELF, stack and IPC buffer lie below. */
export const MAPPING_BASE = 0x400_0000;
/** End of the user half of Sv39 (2^38): the highest virtual address a mapping may reach. */
export const SV39_USER_LIMIT = 0x40_0000_0000;
/** The page size of every region, mapping and device window. */
export const PAGE_SIZE = 0x1000;
/** Highest channel id; 63 is the timer's. */
export const MAX_CHANNEL_ID = 62;
export const TIMER_CHANNEL_ID = 63;
/** Highest cell priority (255 is the kernel's own, as in Microkit). */
export const MAX_PRIORITY = 254;

/** `FILE:LINE:COLUMN: message`, as compilers print. */
export function formatError(file: string, error: LocatedError): string {
  return `${file}:${error.pos.line}:${error.pos.column}: ${error.message}`;
}

/** Errors sorted by position (stable for equal positions). */
export function sortErrors(errors: readonly LocatedError[]): LocatedError[] {
  return [...errors].sort((x, y) => x.pos.line - y.pos.line || x.pos.column - y.pos.column);
}
