// VSpace: a cell's address space as real Sv39 page tables in guest RAM, so the hart's
// own MMU translates cell memory. The kernel keeps a map of what it put there too, to
// read a cell's memory (debug output) and to name a faulting address.
import { PTE_V, PTE_R, PTE_W, PTE_X, PTE_U, PTE_A, PTE_D, PTE_PPN_SHIFT, PTE_PBMT_IO } from '../../hart/spec/pte.js';
import { SATP_MODE_SV39 } from '../../hart/spec/csr.js';
import type { Hart } from '../../hart/index.js';
import { PAGE_SIZE, type FrameAllocator } from '../memory.js';

export interface Mapping {
  readonly vaddr: number;
  readonly paddr: number;
  readonly size: number;
  readonly perms: string;
  /** Device registers: mapped with Svpbmt IO where the hart has it. */
  readonly device: boolean;
  /** What the description calls it: a region name, or 'stack', 'ipc buffer', 'elf'. */
  readonly what: string;
}

export class VSpace {
  readonly type = 'vspace' as const;
  readonly root: number;
  readonly asid: number;
  readonly mappings: Mapping[] = [];
  readonly #hart: Hart;
  readonly #frames: FrameAllocator;
  readonly #usePbmt: boolean;
  readonly name: string;

  constructor(name: string, hart: Hart, frames: FrameAllocator, asid: number, usePbmt: boolean) {
    this.name = name;
    this.#hart = hart;
    this.#frames = frames;
    this.asid = asid;
    this.#usePbmt = usePbmt;
    this.root = frames.allocate(1, `the page table root of ${name}`);
    this.satp = BigInt(SATP_MODE_SV39) | (BigInt(asid) << 44n) | BigInt(this.root / PAGE_SIZE);
  }

  /** The satp value that selects this address space. */
  readonly satp: bigint;

  /** Maps [vaddr, vaddr+size) to [paddr, …) with `perms` (r, w, x) for U-mode. */
  map(m: Mapping): void {
    let leaf = BigInt(PTE_V | PTE_U | PTE_A | PTE_D);
    if (m.perms.includes('r')) leaf |= BigInt(PTE_R);
    if (m.perms.includes('w')) leaf |= BigInt(PTE_W | PTE_R);
    if (m.perms.includes('x')) leaf |= BigInt(PTE_X);
    if (m.device && this.#usePbmt) leaf |= BigInt(PTE_PBMT_IO);
    for (let off = 0; off < m.size; off += PAGE_SIZE) {
      const pte = this.#walk(m.vaddr + off);
      this.#hart.writeU64(pte, leaf | (BigInt((m.paddr + off) / PAGE_SIZE) << BigInt(PTE_PPN_SHIFT)));
    }
    this.mappings.push(m);
  }

  /** The leaf PTE's physical address for `va`, making the tables on the way. */
  #walk(va: number): number {
    let table = this.root;
    for (let level = 2; level > 0; level--) {
      const index = Math.floor(va / 2 ** (12 + 9 * level)) & 0x1ff;
      const entry = table + index * 8;
      const pte = this.#hart.readU64(entry);
      if ((pte & BigInt(PTE_V)) === 0n) {
        const next = this.#frames.allocate(1, `a page table of ${this.name}`);
        this.#hart.writeU64(entry, BigInt(PTE_V) | (BigInt(next / PAGE_SIZE) << BigInt(PTE_PPN_SHIFT)));
        table = next;
      } else {
        table = Number(pte >> BigInt(PTE_PPN_SHIFT)) * PAGE_SIZE;
      }
    }
    return table + (Math.floor(va / PAGE_SIZE) & 0x1ff) * 8;
  }

  /** The mapping that holds `va`, if any. */
  find(va: bigint): Mapping | undefined {
    if (va < 0n || va >= 1n << 39n) return undefined;
    const v = Number(va);
    return this.mappings.find((m) => v >= m.vaddr && v < m.vaddr + m.size);
  }

  /**
   * The RAM bytes of [va, va+len) if all of it is mapped readable RAM for U-mode,
   * copied out (the range may cross frames).
   */
  readUser(va: bigint, len: number): Uint8Array | undefined {
    const out = new Uint8Array(len);
    let done = 0;
    while (done < len) {
      const m = this.find(va + BigInt(done));
      if (!m || m.device || !m.perms.includes('r')) return undefined;
      const v = Number(va) + done;
      const n = Math.min(len - done, m.vaddr + m.size - v);
      const pa = m.paddr + (v - m.vaddr);
      if (!this.#hart.inRam(pa, n)) return undefined;
      out.set(this.#hart.readBytes(pa, n), done);
      done += n;
    }
    return out;
  }
}
