// A VM's G-stage translation: Sv39x4 page tables in the board's RAM (privileged spec
// 8.5.1), written by the kernel at boot, so the hart's own MMU translates every guest
// physical address. The root is 16 KiB (2048 entries: GPA bits 40:30) and 16 KiB
// aligned; guest RAM is mapped with 2 MiB megapages where both sides are aligned. What
// is not mapped here (the emulated devices, anything else) is a guest-page fault, which
// reaches the kernel.
import { PTE_V, PTE_R, PTE_W, PTE_X, PTE_U, PTE_A, PTE_D, PTE_PPN_SHIFT } from '../../hart/spec/pte.js';
import { HGATP_MODE_SV39X4 } from '../../hart/spec/csr.js';
import type { Hart } from '../../hart/index.js';
import { PAGE_SIZE, type FrameAllocator } from '../memory.js';

const MEGAPAGE = 0x20_0000;
const ROOT_PAGES = 4;
const VMID_SHIFT = 44n;

export interface GuestMapping {
  readonly gpa: number;
  readonly hpa: number;
  readonly size: number;
  /** Letters from r, w, x. */
  readonly perms: string;
  /** What the description calls it, for fault reports: 'guest RAM', "region 'ring'". */
  readonly what: string;
}

export class GStage {
  readonly root: number;
  readonly vmid: number;
  /** The hgatp value that selects this translation. */
  readonly hgatp: bigint;
  readonly mappings: GuestMapping[] = [];
  readonly #hart: Hart;
  readonly #frames: FrameAllocator;
  readonly #name: string;

  constructor(name: string, hart: Hart, frames: FrameAllocator, vmid: number) {
    this.#name = name;
    this.#hart = hart;
    this.#frames = frames;
    this.vmid = vmid;
    this.root = frames.allocateAligned(ROOT_PAGES, ROOT_PAGES * PAGE_SIZE, `the G-stage root of ${name}`);
    this.hgatp = BigInt(HGATP_MODE_SV39X4) | (BigInt(vmid) << VMID_SHIFT) | BigInt(this.root / PAGE_SIZE);
  }

  /** Maps [gpa, gpa+size) to host [hpa, …); both page aligned. */
  map(m: GuestMapping): void {
    let leaf = BigInt(PTE_V | PTE_U | PTE_A | PTE_D);
    if (m.perms.includes('r')) leaf |= BigInt(PTE_R);
    if (m.perms.includes('w')) leaf |= BigInt(PTE_W | PTE_R);
    if (m.perms.includes('x')) leaf |= BigInt(PTE_X);
    for (let off = 0; off < m.size;) {
      const gpa = m.gpa + off;
      const hpa = m.hpa + off;
      const mega = gpa % MEGAPAGE === 0 && hpa % MEGAPAGE === 0 && m.size - off >= MEGAPAGE;
      const pte = this.#walk(gpa, mega ? 1 : 0);
      this.#hart.writeU64(pte, leaf | (BigInt(hpa / PAGE_SIZE) << BigInt(PTE_PPN_SHIFT)));
      off += mega ? MEGAPAGE : PAGE_SIZE;
    }
    this.mappings.push(m);
  }

  /** The mapping that holds guest physical `gpa`, if any. */
  find(gpa: bigint): GuestMapping | undefined {
    return this.mappings.find((m) => gpa >= BigInt(m.gpa) && gpa < BigInt(m.gpa + m.size));
  }

  /** The PTE's physical address for `gpa` at `level` (0: 4 KiB, 1: 2 MiB), making tables on the way. */
  #walk(gpa: number, level: number): number {
    // Root: GPA bits 40:30 (11 bits); then 9 bits per level.
    let table = this.root;
    let index = Math.floor(gpa / 2 ** 30) & 0x7ff;
    for (let l = 2; l > level; l--) {
      const entry = table + index * 8;
      const pte = this.#hart.readU64(entry);
      if ((pte & BigInt(PTE_V)) === 0n) {
        const next = this.#frames.allocate(1, `a G-stage page table of ${this.#name}`);
        this.#hart.writeU64(entry, BigInt(PTE_V) | (BigInt(next / PAGE_SIZE) << BigInt(PTE_PPN_SHIFT)));
        table = next;
      } else {
        table = Number(pte >> BigInt(PTE_PPN_SHIFT)) * PAGE_SIZE;
      }
      index = Math.floor(gpa / 2 ** (12 + 9 * (l - 1))) & 0x1ff;
    }
    return table + index * 8;
  }
}
