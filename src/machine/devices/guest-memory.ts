// How a DMA-capable device (virtio) reaches guest-physical memory. Every access is
// bounds-checked by the implementation: a guest-supplied address outside memory is an
// ordinary `undefined` / `false`, never a host exception.

export interface GuestMemory {
  /**
   * The bytes [pa, pa+len), or `undefined` if any of them is not guest memory. The
   * result may be a view of guest memory: read it at once, do not keep it.
   */
  read(pa: number, len: number): Uint8Array | undefined;
  /** Copies `data` to [pa, pa+data.length); false (and nothing written) if out of bounds. */
  write(pa: number, data: Uint8Array): boolean;
}

/** Guest RAM held in one byte array that starts at physical `base` (Hart.ram, Hart.ramBase). */
export class RamGuestMemory implements GuestMemory {
  /** `written`: told of every write (the hart drops compiled code there: Hart.codeWritten). */
  constructor(
    private readonly bytes: Uint8Array,
    private readonly base: number,
    private readonly written?: (pa: number, len: number) => void,
  ) {}

  read(pa: number, len: number): Uint8Array | undefined {
    const off = this.#offset(pa, len);
    return off === undefined ? undefined : this.bytes.subarray(off, off + len);
  }

  write(pa: number, data: Uint8Array): boolean {
    const off = this.#offset(pa, data.length);
    if (off === undefined) return false;
    this.bytes.set(data, off);
    this.written?.(pa, data.length);
    return true;
  }

  #offset(pa: number, len: number): number | undefined {
    const off = pa - this.base;
    if (!Number.isSafeInteger(off) || !Number.isSafeInteger(len) || off < 0 || len < 0) return undefined;
    return off + len <= this.bytes.length ? off : undefined;
  }
}
