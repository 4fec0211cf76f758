// A split virtqueue, device side (virtio 1.x §2.7 "Split Virtqueues"): descriptor table,
// available ring (driver area) and used ring (device area) in guest memory.
//
// Everything here is guest-controlled, so every index, address and length is checked
// before use. Anything malformed (an address outside memory, a loop or over-long chain,
// a nested indirect table, a readable descriptor after a writable one) is reported to
// the transport as a fault: the device then needs a reset (§2.1 DEVICE_NEEDS_RESET) and
// this queue hands out nothing more. Nothing a driver writes can raise a host exception.

import type { GuestMemory } from './guest-memory.js';

/** Feature bits the transport offers for every device (virtio 1.x §6 "Reserved Feature Bits"). */
export const VIRTIO_F_INDIRECT_DESC = 28n;
export const VIRTIO_F_EVENT_IDX = 29n;
export const VIRTIO_F_VERSION_1 = 32n;

const VIRTQ_DESC_F_NEXT = 1;
const VIRTQ_DESC_F_WRITE = 2;
const VIRTQ_DESC_F_INDIRECT = 4;
const VIRTQ_AVAIL_F_NO_INTERRUPT = 1;
const DESC_SIZE = 16;
/** "Drivers MUST NOT add a descriptor chain longer than 2^32 bytes in total" (§2.7.5). */
const MAX_CHAIN_BYTES = 2 ** 32;
/** Largest split queue (§2.7): "The maximum Queue Size value is 32768." */
export const MAX_QUEUE_SIZE = 32768;

/** A guest-physical buffer of one descriptor. */
export interface GuestBuffer {
  readonly addr: number;
  readonly len: number;
}

/** What a queue needs from its transport. */
export interface VirtqueueHost {
  readonly memory: GuestMemory;
  /** May the device touch the queue now (DRIVER_OK set, no reset needed)? */
  readonly live: boolean;
  /** Negotiated VIRTIO_F_INDIRECT_DESC / VIRTIO_F_EVENT_IDX. */
  readonly indirect: boolean;
  readonly eventIdx: boolean;
  /** The driver broke the protocol: set DEVICE_NEEDS_RESET. */
  fault(reason: string): void;
  /** A used buffer notification is due (§2.7.7). */
  usedBuffer(): void;
}

/**
 * One available buffer: a descriptor chain split into the device-readable part and the
 * device-writable part that follows it (§2.7.4 "Message Framing"), each seen as one
 * contiguous byte stream whatever its framing.
 */
export class DescriptorChain {
  readonly readableLength: number;
  readonly writableLength: number;

  /** @internal Built by Virtqueue.pop. */
  constructor(
    readonly queue: Virtqueue,
    readonly head: number,
    readonly readable: readonly GuestBuffer[],
    readonly writable: readonly GuestBuffer[],
    /** The queue's reset epoch when popped: a chain from before a reset is never pushed. */
    readonly epoch: number,
  ) {
    this.readableLength = readable.reduce((n, b) => n + b.len, 0);
    this.writableLength = writable.reduce((n, b) => n + b.len, 0);
  }

  /** Copies up to `length` device-readable bytes from stream offset `offset`. */
  read(offset: number, length: number): Uint8Array {
    const n = Math.max(0, Math.min(length, this.readableLength - offset));
    const out = new Uint8Array(n);
    let done = 0;
    this.#walk(this.readable, offset, n, (addr, len) => {
      const bytes = this.queue.memory.read(addr, len);
      if (bytes === undefined) return false;
      out.set(bytes, done);
      done += len;
      return true;
    });
    return out;
  }

  /** Copies `data` into the device-writable stream at `offset`; returns the bytes that fit. */
  write(offset: number, data: Uint8Array): number {
    const n = Math.max(0, Math.min(data.length, this.writableLength - offset));
    let done = 0;
    this.#walk(this.writable, offset, n, (addr, len) => {
      if (!this.queue.memory.write(addr, data.subarray(done, done + len))) return false;
      done += len;
      return true;
    });
    return done;
  }

  #walk(buffers: readonly GuestBuffer[], offset: number, length: number, step: (addr: number, len: number) => boolean): void {
    let skip = offset;
    let left = length;
    for (const b of buffers) {
      if (left === 0) return;
      if (skip >= b.len) {
        skip -= b.len;
        continue;
      }
      const len = Math.min(b.len - skip, left);
      // Buffers were checked against memory when popped; a failure now is the memory's own.
      if (!step(b.addr + skip, len)) {
        this.queue.fault(`descriptor buffer at 0x${b.addr.toString(16)} became inaccessible`);
        return;
      }
      skip = 0;
      left -= len;
    }
  }
}

export class Virtqueue {
  /** QueueNum: the size the driver chose (default: the maximum). */
  size: number;
  descAddr = 0;
  driverAddr = 0;
  deviceAddr = 0;
  #ready = false;
  #lastAvail = 0;
  #usedIdx = 0;
  #epoch = 0;

  constructor(
    readonly index: number,
    /** QueueNumMax. */
    readonly maxSize: number,
    private readonly host: VirtqueueHost,
  ) {
    if (!Number.isInteger(maxSize) || maxSize < 1 || maxSize > MAX_QUEUE_SIZE || (maxSize & (maxSize - 1)) !== 0) {
      throw new RangeError(`virtqueue ${index}: maximum size ${maxSize} is not a power of two in 1..${MAX_QUEUE_SIZE}`);
    }
    this.size = maxSize;
  }

  get memory(): GuestMemory {
    return this.host.memory;
  }

  /** QueueReady as the driver last wrote it (and the queue checked out). */
  get ready(): boolean {
    return this.#ready;
  }

  /** The device may use the queue: ready, DRIVER_OK and no reset needed. */
  get live(): boolean {
    return this.#ready && this.host.live;
  }

  /** Back to the reset state (§2.1: device reset clears QueueReady). */
  reset(): void {
    this.#ready = false;
    this.size = this.maxSize;
    this.descAddr = 0;
    this.driverAddr = 0;
    this.deviceAddr = 0;
    this.#lastAvail = 0;
    this.#usedIdx = 0;
    this.#epoch++;
  }

  /**
   * QueueReady = 1: checks the size (a power of two up to QueueNumMax, §2.7) and that
   * each area lies in guest memory with its alignment (§2.7 table); faults if not.
   */
  enable(): void {
    const n = this.size;
    if (n < 1 || n > this.maxSize || (n & (n - 1)) !== 0) {
      this.host.fault(`queue ${this.index}: size ${n} is not a power of two in 1..${this.maxSize}`);
      return;
    }
    const extra = this.host.eventIdx ? 2 : 0;
    const areas: [string, number, number, number][] = [
      ['descriptor table', this.descAddr, DESC_SIZE * n, 16],
      ['driver area', this.driverAddr, 4 + 2 * n + extra, 2],
      ['device area', this.deviceAddr, 4 + 8 * n + extra, 4],
    ];
    for (const [what, addr, len, align] of areas) {
      if (addr % align !== 0 || this.memory.read(addr, len) === undefined) {
        this.host.fault(`queue ${this.index}: ${what} at 0x${addr.toString(16)} (+${len}) is misaligned or outside memory`);
        return;
      }
    }
    this.#ready = true;
    this.#lastAvail = 0;
    this.#usedIdx = 0;
  }

  /** QueueReady = 0. */
  disable(): void {
    this.#ready = false;
  }

  /** Forwards a fault to the transport (used by chains). */
  fault(reason: string): void {
    this.host.fault(`queue ${this.index}: ${reason}`);
  }

  /** The next available descriptor chain, or undefined if none (or the queue is broken). */
  pop(): DescriptorChain | undefined {
    if (!this.live) return undefined;
    const availIdx = this.#read16(this.driverAddr + 2);
    if (availIdx === undefined || availIdx === this.#lastAvail) return undefined;
    if (((availIdx - this.#lastAvail) & 0xffff) > this.size) {
      this.fault(`available index ${availIdx} is more than the queue size ahead of ${this.#lastAvail}`);
      return undefined;
    }
    const head = this.#read16(this.driverAddr + 4 + 2 * (this.#lastAvail % this.size));
    if (head === undefined) return undefined;
    this.#lastAvail = (this.#lastAvail + 1) & 0xffff;
    if (this.host.eventIdx) {
      // avail_event: ask to be notified for every new buffer (§2.7.10); we work synchronously.
      this.#write16(this.deviceAddr + 4 + 8 * this.size, this.#lastAvail);
    }
    return this.#walkChain(head);
  }

  /**
   * Returns a chain to the driver with `written` bytes written to its writable part
   * (§2.7.8), and sends a used buffer notification unless the driver suppressed it.
   */
  push(chain: DescriptorChain, written: number): void {
    if (chain.queue !== this || chain.epoch !== this.#epoch || !this.live) return;
    const len = Math.max(0, Math.min(written, chain.writableLength));
    const elem = this.deviceAddr + 4 + 8 * (this.#usedIdx % this.size);
    const bytes = new Uint8Array(8);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, chain.head, true);
    view.setUint32(4, len, true);
    if (!this.memory.write(elem, bytes)) {
      this.fault(`used ring at 0x${elem.toString(16)} is outside memory`);
      return;
    }
    const old = this.#usedIdx;
    this.#usedIdx = (old + 1) & 0xffff;
    if (!this.#write16(this.deviceAddr + 2, this.#usedIdx)) return;
    if (this.#shouldInterrupt(old, this.#usedIdx)) this.host.usedBuffer();
  }

  /** §2.7.7.2: flags (without EVENT_IDX) or used_event (with it) may suppress the notification. */
  #shouldInterrupt(oldIdx: number, newIdx: number): boolean {
    if (this.host.eventIdx) {
      const usedEvent = this.#read16(this.driverAddr + 4 + 2 * this.size);
      if (usedEvent === undefined) return false;
      // vring_need_event: the driver wants an interrupt once used idx passes used_event.
      return ((newIdx - usedEvent - 1) & 0xffff) < ((newIdx - oldIdx) & 0xffff);
    }
    const flags = this.#read16(this.driverAddr);
    return flags !== undefined && (flags & VIRTQ_AVAIL_F_NO_INTERRUPT) === 0;
  }

  /**
   * Follows a chain from `head` (§2.7.5), through at most one indirect table (§2.7.5.3).
   * A table can be walked at most once per entry, so a loop shows up as a chain longer
   * than its table; indirect tables are limited to MAX_QUEUE_SIZE entries (§2.7.4: "The
   * device MAY have a reasonable limit of descriptors it will allow in a chain").
   */
  #walkChain(head: number): DescriptorChain | undefined {
    const readable: GuestBuffer[] = [];
    const writable: GuestBuffer[] = [];
    let table = this.descAddr;
    let tableSize = this.size;
    let index = head;
    let indirect = false;
    let count = 0;
    let bytes = 0;
    for (;;) {
      if (index >= tableSize) {
        this.fault(`descriptor index ${index} is outside a table of ${tableSize}`);
        return undefined;
      }
      if (++count > tableSize) {
        this.fault(`descriptor chain from head ${head} is longer than its table of ${tableSize} (a loop?)`);
        return undefined;
      }
      const raw = this.memory.read(table + DESC_SIZE * index, DESC_SIZE);
      if (raw === undefined) {
        this.fault(`descriptor ${index} at 0x${(table + DESC_SIZE * index).toString(16)} is outside memory`);
        return undefined;
      }
      const view = new DataView(raw.buffer, raw.byteOffset, DESC_SIZE);
      const addrHigh = view.getUint32(4, true);
      const addr = addrHigh * 2 ** 32 + view.getUint32(0, true);
      const len = view.getUint32(8, true);
      const flags = view.getUint16(12, true);
      const next = view.getUint16(14, true);

      if ((flags & VIRTQ_DESC_F_INDIRECT) !== 0) {
        if (!this.host.indirect) return this.#bad(`indirect descriptor without VIRTIO_F_INDIRECT_DESC`);
        if (indirect) return this.#bad(`indirect descriptor inside an indirect table`);
        if ((flags & VIRTQ_DESC_F_NEXT) !== 0) return this.#bad(`descriptor with both INDIRECT and NEXT`);
        if (len === 0 || len % DESC_SIZE !== 0 || len > DESC_SIZE * MAX_QUEUE_SIZE) {
          return this.#bad(`indirect table length ${len} is not a multiple of 16 in 16..${DESC_SIZE * MAX_QUEUE_SIZE}`);
        }
        if (addrHigh >= 2 ** 21 || this.memory.read(addr, len) === undefined) {
          return this.#bad(`indirect table at 0x${addr.toString(16)} (+${len}) is outside memory`);
        }
        // The WRITE flag of the descriptor naming the table is ignored (§2.7.5.3.2).
        table = addr;
        tableSize = len / DESC_SIZE;
        index = 0;
        indirect = true;
        count = 0;
        continue;
      }

      if (len > 0) {
        if (addrHigh >= 2 ** 21 || this.memory.read(addr, len) === undefined) {
          return this.#bad(`buffer at 0x${addr.toString(16)} (+${len}) is outside memory`);
        }
        bytes += len;
        if (bytes > MAX_CHAIN_BYTES) return this.#bad(`descriptor chain longer than 2^32 bytes`);
        if ((flags & VIRTQ_DESC_F_WRITE) !== 0) {
          writable.push({ addr, len });
        } else {
          if (writable.length > 0) return this.#bad(`device-readable descriptor after a device-writable one`);
          readable.push({ addr, len });
        }
      }
      if ((flags & VIRTQ_DESC_F_NEXT) === 0) break;
      index = next;
    }
    return new DescriptorChain(this, head, readable, writable, this.#epoch);
  }

  #bad(reason: string): undefined {
    this.fault(reason);
    return undefined;
  }

  #read16(pa: number): number | undefined {
    const b = this.memory.read(pa, 2);
    if (b === undefined) {
      this.fault(`ring at 0x${pa.toString(16)} is outside memory`);
      return undefined;
    }
    return b[0] | (b[1] << 8);
  }

  #write16(pa: number, value: number): boolean {
    if (this.memory.write(pa, Uint8Array.of(value & 0xff, value >> 8))) return true;
    this.fault(`ring at 0x${pa.toString(16)} is outside memory`);
    return false;
  }
}
