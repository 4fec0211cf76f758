// Physical memory the kernel hands out at boot: a bump allocator over the board's RAM,
// in 4 KiB frames. Boot is static (the system description fixes everything), so memory
// is never freed; Untyped objects and retype are not implemented (docs/kernel.md).
import type { Hart } from '../hart/index.js';

export const PAGE_SIZE = 4096;

export class OutOfMemory extends Error {
  override name = 'OutOfMemory';
}

export class FrameAllocator {
  readonly #hart: Hart;
  #next: number;
  readonly #end: number;

  constructor(hart: Hart, start: number, end: number) {
    this.#hart = hart;
    this.#next = start;
    this.#end = end;
  }

  /** `pages` zeroed, contiguous frames; their physical address. */
  allocate(pages: number, what: string): number {
    const bytes = pages * PAGE_SIZE;
    if (this.#next + bytes > this.#end) {
      throw new OutOfMemory(`out of RAM placing ${what} (${bytes} bytes); give the board more memory`);
    }
    const pa = this.#next;
    this.#next += bytes;
    this.#hart.fill(pa, bytes, 0);
    return pa;
  }

  /** `pages` zeroed, contiguous frames starting at a multiple of `align` bytes (the gap is skipped). */
  allocateAligned(pages: number, align: number, what: string): number {
    const start = Math.ceil(this.#next / align) * align;
    if (start + pages * PAGE_SIZE > this.#end) {
      throw new OutOfMemory(`out of RAM placing ${what} (${pages * PAGE_SIZE} bytes); give the board more memory`);
    }
    this.#next = start;
    return this.allocate(pages, what);
  }

  get used(): number {
    return this.#next;
  }
}
