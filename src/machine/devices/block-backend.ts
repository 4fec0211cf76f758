// Where a virtio-blk disk's bytes live. cli/ implements it over a file; tests and
// throw-away disks use MemoryBlockBackend. Calls are synchronous: the board is
// single-threaded and deterministic, so a request completes within the notify that
// submitted it.

export interface BlockBackend {
  /** Disk size in bytes; the guest sees floor(sizeBytes / 512) sectors. */
  readonly sizeBytes: number;
  /** Writes are refused (the guest sees VIRTIO_BLK_F_RO). */
  readonly readOnly: boolean;
  /** Fills `dst` from byte `offset`; false on an I/O error. The range is inside sizeBytes. */
  read(offset: number, dst: Uint8Array): boolean;
  /** Stores `src` at byte `offset`; false on an I/O error. The range is inside sizeBytes. */
  write(offset: number, src: Uint8Array): boolean;
  /** Makes completed writes durable; false on an I/O error. */
  flush(): boolean;
}

/** A disk in a byte array (copied from `image` if given, else zeroed). */
export class MemoryBlockBackend implements BlockBackend {
  readonly bytes: Uint8Array;
  flushes = 0;

  constructor(image: Uint8Array | number, readonly readOnly = false) {
    this.bytes = typeof image === 'number' ? new Uint8Array(image) : image.slice();
  }

  get sizeBytes(): number {
    return this.bytes.length;
  }

  read(offset: number, dst: Uint8Array): boolean {
    if (offset < 0 || offset + dst.length > this.bytes.length) return false;
    dst.set(this.bytes.subarray(offset, offset + dst.length));
    return true;
  }

  write(offset: number, src: Uint8Array): boolean {
    if (this.readOnly || offset < 0 || offset + src.length > this.bytes.length) return false;
    this.bytes.set(src, offset);
    return true;
  }

  flush(): boolean {
    this.flushes++;
    return true;
  }
}
