// A minimal virtio-mmio driver for device tests: it brings a transport up through its
// registers (virtio 1.x §3.1.1, §4.2.3) and lays descriptors, the available ring and
// data buffers out in fake guest RAM exactly as a guest driver would.

import { RamGuestMemory } from '../../src/machine/devices/guest-memory.js';
import { VirtioMmio, type VirtioDevice, type VirtioMmioVersion } from '../../src/machine/devices/virtio-mmio.js';

export const RAM_BASE = 0x8000_0000;
const RAM_SIZE = 4 << 20;
const QUEUE_AREA = 0x1_0000;
const HEAP = 0x10_0000;

export const F_INDIRECT = 1n << 28n;
export const F_EVENT_IDX = 1n << 29n;
export const F_VERSION_1 = 1n << 32n;

const NEXT = 1, WRITE = 2, INDIRECT = 4;

export interface Segment {
  /** Device-readable bytes, or a device-writable buffer of `len` bytes. */
  readonly data?: Uint8Array;
  readonly len?: number;
  readonly write?: boolean;
}

export interface Used {
  readonly id: number;
  readonly len: number;
  /** The writable segments' guest addresses, in order. */
  readonly buffers: readonly { addr: number; len: number }[];
}

export class TestDriver {
  readonly ram = new Uint8Array(RAM_SIZE);
  readonly view = new DataView(this.ram.buffer);
  readonly memory = new RamGuestMemory(this.ram, RAM_BASE);
  readonly irq = { level: false, raised: 0, set(level: boolean) { if (level && !this.level) this.raised++; this.level = level; } };
  readonly mmio: VirtioMmio;
  readonly faults: string[] = [];
  #heap = HEAP;
  readonly #queues: {
    size: number; availIdx: number; usedSeen: number; free: number[]; chains: Map<number, Used['buffers']>;
    desc: number; avail: number; used: number;
  }[] = [];

  constructor(readonly device: VirtioDevice, version?: VirtioMmioVersion) {
    this.mmio = new VirtioMmio(device, this.memory, this.irq, { onFault: (r) => this.faults.push(r), version });
  }

  r32(off: number): number {
    return Number(this.mmio.read(off, 4));
  }

  w32(off: number, v: number): void {
    if (!this.mmio.write(off, 4, BigInt(v >>> 0))) throw new Error(`write to 0x${off.toString(16)} faulted`);
  }

  /** Device features (64 bits) as offered. */
  deviceFeatures(): bigint {
    this.w32(0x14, 0);
    const low = BigInt(this.r32(0x10));
    this.w32(0x14, 1);
    return (BigInt(this.r32(0x10)) << 32n) | low;
  }

  /** Full initialisation (§3.1.1); returns the Status register read back. */
  init(features = F_VERSION_1, queueSizes?: number[], driverOk = true): number {
    this.w32(0x70, 0);
    this.w32(0x70, 1);
    this.w32(0x70, 1 | 2);
    this.w32(0x24, 0);
    this.w32(0x20, Number(features & 0xffff_ffffn));
    this.w32(0x24, 1);
    this.w32(0x20, Number(features >> 32n));
    this.w32(0x70, 1 | 2 | 8);
    if ((this.r32(0x70) & 8) === 0) return this.r32(0x70);
    const count = this.device.queueSizes.length;
    for (let i = 0; i < count; i++) {
      this.w32(0x30, i);
      const max = this.r32(0x34);
      const size = queueSizes?.[i] ?? max;
      const base = RAM_BASE + QUEUE_AREA * i;
      this.ram.fill(0, base - RAM_BASE, base - RAM_BASE + QUEUE_AREA);
      this.w32(0x38, size);
      this.w32(0x80, base);
      this.w32(0x84, 0);
      this.w32(0x90, base + 0x4000);
      this.w32(0x94, 0);
      this.w32(0xa0, base + 0x8000);
      this.w32(0xa4, 0);
      this.w32(0x44, 1);
      this.#queues[i] = {
        size, availIdx: 0, usedSeen: 0, free: Array.from({ length: size }, (_, k) => k), chains: new Map(),
        desc: base, avail: base + 0x4000, used: base + 0x8000,
      };
    }
    if (driverOk) this.w32(0x70, 1 | 2 | 8 | 4);
    return this.r32(0x70);
  }

  /**
   * A legacy (version 1) driver's initialisation (virtio 1.x §4.2.4): 32 feature bits,
   * no FEATURES_OK, each queue one block at QueuePFN × GuestPageSize with the used ring
   * at the next `align` boundary. Returns the Status register read back.
   */
  initLegacy(features = 0, pageSize = 4096, align = 4096): number {
    this.w32(0x70, 0);
    this.w32(0x70, 1);
    this.w32(0x70, 1 | 2);
    this.w32(0x20, features);
    this.w32(0x28, pageSize);
    for (let i = 0; i < this.device.queueSizes.length; i++) {
      this.w32(0x30, i);
      const size = this.r32(0x34);
      const base = RAM_BASE + QUEUE_AREA * i;
      this.ram.fill(0, base - RAM_BASE, base - RAM_BASE + QUEUE_AREA);
      this.w32(0x38, size);
      this.w32(0x3c, align);
      this.w32(0x40, base / pageSize);
      const avail = base + 16 * size;
      this.#queues[i] = {
        size, availIdx: 0, usedSeen: 0, free: Array.from({ length: size }, (_, k) => k), chains: new Map(),
        desc: base, avail, used: Math.ceil((avail + 6 + 2 * size) / align) * align,
      };
    }
    this.w32(0x70, 1 | 2 | 4);
    return this.r32(0x70);
  }

  // Before init, where init() (version 2) will place the queue.
  descAddr(q: number): number { return this.#queues[q]?.desc ?? RAM_BASE + QUEUE_AREA * q; }
  availAddr(q: number): number { return this.#queues[q]?.avail ?? RAM_BASE + QUEUE_AREA * q + 0x4000; }
  usedAddr(q: number): number { return this.#queues[q]?.used ?? RAM_BASE + QUEUE_AREA * q + 0x8000; }

  alloc(len: number, align = 16): number {
    this.#heap = Math.ceil(this.#heap / align) * align;
    const pa = RAM_BASE + this.#heap;
    this.#heap += Math.max(len, 1);
    if (this.#heap > RAM_SIZE) throw new Error('test heap exhausted');
    return pa;
  }

  put(pa: number, bytes: Uint8Array): void {
    this.ram.set(bytes, pa - RAM_BASE);
  }

  get(pa: number, len: number): Uint8Array {
    return this.ram.slice(pa - RAM_BASE, pa - RAM_BASE + len);
  }

  writeDesc(table: number, i: number, addr: number, len: number, flags: number, next: number): void {
    const off = table - RAM_BASE + 16 * i;
    this.view.setBigUint64(off, BigInt(addr), true);
    this.view.setUint32(off + 8, len, true);
    this.view.setUint16(off + 12, flags, true);
    this.view.setUint16(off + 14, next, true);
  }

  /** Makes head `head` available without notifying. */
  offer(q: number, head: number): void {
    const st = this.#queues[q];
    const avail = this.availAddr(q) - RAM_BASE;
    this.view.setUint16(avail + 4 + 2 * (st.availIdx % st.size), head, true);
    st.availIdx = (st.availIdx + 1) & 0xffff;
    this.view.setUint16(avail + 2, st.availIdx, true);
  }

  notify(q: number): void {
    this.w32(0x50, q);
  }

  /** Lays out a chain (directly, or in one indirect table) and makes it available; returns its head. */
  submit(q: number, segments: Segment[], options: { indirect?: boolean; notify?: boolean } = {}): number {
    const st = this.#queues[q];
    const placed = segments.map((s) => {
      const len = s.data?.length ?? s.len ?? 0;
      const addr = this.alloc(len);
      if (s.data) this.put(addr, s.data);
      return { addr, len, write: s.write ?? false };
    });
    let head: number;
    if (options.indirect) {
      const table = this.alloc(16 * placed.length);
      placed.forEach((p, i) => this.writeDesc(table, i, p.addr, p.len,
        (p.write ? WRITE : 0) | (i + 1 < placed.length ? NEXT : 0), i + 1));
      head = st.free.shift()!;
      this.writeDesc(this.descAddr(q), head, table, 16 * placed.length, INDIRECT, 0);
    } else {
      const ids = placed.map(() => st.free.shift()!);
      placed.forEach((p, i) => this.writeDesc(this.descAddr(q), ids[i], p.addr, p.len,
        (p.write ? WRITE : 0) | (i + 1 < placed.length ? NEXT : 0), ids[i + 1] ?? 0));
      head = ids[0];
    }
    st.chains.set(head, placed.filter((p) => p.write).map(({ addr, len }) => ({ addr, len })));
    this.offer(q, head);
    if (options.notify ?? true) this.notify(q);
    return head;
  }

  /** Used elements not seen yet; their descriptors go back to the free list. */
  used(q: number): Used[] {
    const st = this.#queues[q];
    const used = this.usedAddr(q) - RAM_BASE;
    const idx = this.view.getUint16(used + 2, true);
    const out: Used[] = [];
    while (st.usedSeen !== idx) {
      const e = used + 4 + 8 * (st.usedSeen % st.size);
      const id = this.view.getUint32(e, true);
      const len = this.view.getUint32(e + 4, true);
      out.push({ id, len, buffers: st.chains.get(id) ?? [] });
      st.chains.delete(id);
      this.#release(q, id);
      st.usedSeen = (st.usedSeen + 1) & 0xffff;
    }
    return out;
  }

  /** The first `len` bytes written into a used chain's writable buffers. */
  written(u: Used, len = u.len): Uint8Array {
    const out = new Uint8Array(len);
    let at = 0;
    for (const b of u.buffers) {
      const n = Math.min(b.len, len - at);
      out.set(this.get(b.addr, n), at);
      at += n;
      if (at === len) break;
    }
    return out;
  }

  /** Acknowledges all interrupt causes. */
  ack(): number {
    const status = this.r32(0x60);
    this.w32(0x64, status);
    return status;
  }

  #release(q: number, head: number): void {
    const st = this.#queues[q];
    let i = head;
    for (let n = 0; n < st.size; n++) {
      st.free.push(i);
      const flags = this.view.getUint16(this.descAddr(q) - RAM_BASE + 16 * i + 12, true);
      if ((flags & NEXT) === 0) break;
      i = this.view.getUint16(this.descAddr(q) - RAM_BASE + 16 * i + 14, true);
    }
  }
}
