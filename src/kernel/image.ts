// What the kernel boots: the checked system description reduced to what the kernel
// needs (src/system/ builds it from the YAML). The kernel turns it into objects,
// capabilities and page tables at boot; `cellvisor inspect` prints the result.

export interface ImageRegion {
  readonly name: string;
  /** Bytes, a multiple of 4 KiB. */
  readonly size: number;
  /** A device's registers on the board; RAM placed by the kernel when unset. */
  readonly physAddr?: number;
}

export interface ImageMap {
  readonly region: string;
  readonly vaddr: number;
  /** Letters from r, w, x. */
  readonly perms: string;
  /** A uint64_t in the cell's ELF set to `vaddr`. */
  readonly setvar?: string;
}

export interface ImageCell {
  readonly name: string;
  /** The ELF file's bytes (a checked RV64 RISC-V executable). */
  readonly elf: Uint8Array;
  readonly elfPath?: string;
  /** 0–254, higher runs first. */
  readonly priority: number;
  /** An MCS scheduling context; both or neither. Nanoseconds. */
  readonly budgetNs?: number;
  readonly periodNs?: number;
  readonly passive?: boolean;
  readonly poweroff?: boolean;
  readonly faultHandler?: { readonly cell: string; readonly id: number };
  readonly maps?: readonly ImageMap[];
  readonly irqs?: readonly { readonly source: number; readonly id: number }[];
  /**
   * The admission test's worst-case response bound (ns) for a periodic cell; the
   * kernel writes it into the ELF's `uint64_t cv_response_bound_ns` if there is one.
   */
  readonly responseBoundNs?: number;
}

export interface ImageChannelEnd {
  readonly cell: string;
  readonly id: number;
}

export interface ImageChannel {
  readonly a: ImageChannelEnd;
  readonly b: ImageChannelEnd;
  /** The end that may make protected calls to the other. */
  readonly pp?: 'a' | 'b';
  /** Protected calls may carry capabilities (the ppcall capability has the Grant right). */
  readonly grant?: boolean;
}

export interface ImageFile {
  /** The path as the description resolved it, for messages. */
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** A virtio device of a VM, in a virtio-mmio slot of its board (slot = index in the list). */
export type ImageVmDevice =
  | { readonly type: 'console' }
  | { readonly type: 'block'; readonly file: ImageFile; readonly readonly: boolean }
  | { readonly type: 'net'; readonly link: string; readonly mac?: readonly number[] };

/** A virtual machine: an S-mode guest (Linux) on one vCPU, in VS mode behind a G-stage table. */
export interface ImageVm {
  readonly name: string;
  /** A Linux Image, an RV64 ELF or a raw S-mode binary (src/machine/loader/boot-layout.ts). */
  readonly kernel: ImageFile;
  readonly initrd?: ImageFile;
  readonly bootargs?: string;
  /** Guest RAM in bytes (a multiple of 2 MiB), at guest physical 0x80000000. */
  readonly memory: number;
  readonly priority: number;
  readonly budgetNs?: number;
  readonly periodNs?: number;
  /** What a crash of the guest does. */
  readonly onFault: 'restart' | 'stop';
  /** The guest's own shutdown (SBI system reset) ends the whole run. */
  readonly poweroff: boolean;
  readonly devices: readonly ImageVmDevice[];
  /** Regions mapped into guest physical memory; with `uioChannel`, shown to Linux as generic-uio. */
  readonly maps?: readonly { readonly region: string; readonly gpa: number; readonly perms: string; readonly uioChannel?: number }[];
}

/** One end of a channel with a VM at one end at least. */
export type ImageAnyEnd = { readonly cell: string; readonly id: number } | { readonly vm: string; readonly id: number };

export interface KernelImage {
  readonly regions: readonly ImageRegion[];
  readonly cells: readonly ImageCell[];
  readonly channels: readonly ImageChannel[];
  /** Virtual machines, scheduled beside the cells (absent: none). */
  readonly vms?: readonly ImageVm[];
  /** Channels with a VM end: notifications both ways (into a VM as its uio interrupt). */
  readonly vmChannels?: readonly { readonly a: ImageAnyEnd; readonly b: ImageAnyEnd }[];
}
