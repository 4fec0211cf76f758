// The virtio-mmio transport, version 2 (virtio 1.x §4.2 "Virtio Over MMIO"): the
// register file a driver uses to discover a device, negotiate features, place its split
// virtqueues and notify; device-specific behaviour lives in a VirtioDevice back-end
// (virtio-blk.ts, virtio-console.ts, virtio-rng.ts, virtio-net.ts). As an option it is
// the legacy version 1 interface instead (§4.2.4 "Legacy interface", QEMU's default
// unless `virtio-mmio.force-legacy=false`): 32 feature bits, no FEATURES_OK, and each
// queue placed as one block at QueuePFN × GuestPageSize with its used ring aligned to
// QueueAlign (§2.7.2 legacy layout).
//
// Register access: control registers are 32-bit and aligned (§4.2.2.2: "The driver MUST
// only use 32 bit wide and aligned reads and writes"); other accesses there fault in
// the guest. The configuration space at 0x100 takes 1-, 2-, 4- and 8-byte accesses.

import type { AccessSize, Device } from '../device.js';
import type { GuestMemory } from './guest-memory.js';
import type { InterruptLine } from './interrupt-line.js';
import { VIRTIO_F_EVENT_IDX, VIRTIO_F_INDIRECT_DESC, VIRTIO_F_VERSION_1, Virtqueue, type VirtqueueHost } from './virtqueue.js';

export { DescriptorChain, Virtqueue } from './virtqueue.js';

/** A device type behind the transport (virtio 1.x §5 "Device Types"). */
export interface VirtioDevice {
  /** DeviceID (§5): 1 net, 2 block, 3 console, 4 entropy. */
  readonly deviceId: number;
  /** Device-type feature bits; the transport adds VERSION_1, INDIRECT_DESC and EVENT_IDX. */
  readonly features: bigint;
  /** QueueNumMax of each virtqueue (powers of two), by queue index. */
  readonly queueSizes: readonly number[];
  /** The device configuration space as the driver reads it (little-endian fields). */
  readonly config: Uint8Array;
  /** The driver wrote `data` at `offset` of the configuration space (already bounds-checked). */
  writeConfig?(offset: number, data: Uint8Array): void;
  /** Called once, by the transport's constructor. */
  attach(transport: VirtioTransport): void;
  /** The driver set DRIVER_OK with these negotiated features: queues may now hold buffers. */
  activate(features: bigint): void;
  /** The driver notified `queue` (§4.2.3.3); only called while the device is live. */
  notify(queue: number): void;
  /** Device reset (Status ← 0): drop in-flight requests. Queues are reset by the transport. */
  reset(): void;
}

/** What a back-end sees of its transport. */
export interface VirtioTransport {
  queue(index: number): Virtqueue;
  /** DRIVER_OK is set and no reset is needed: the device may use its queues. */
  readonly live: boolean;
  /** The features the driver accepted (valid once live). */
  readonly negotiated: bigint;
  /** The configuration space changed: bump ConfigGeneration, send a configuration change notification. */
  configChanged(): void;
}

export interface VirtioMmioOptions {
  /** The register interface: 2 (default, virtio 1.x) or 1 (legacy). */
  readonly version?: VirtioMmioVersion;
  /** VendorID register; default VIRTIO_VENDOR_QEMU, which drivers written for QEMU's virt board insist on. */
  readonly vendorId?: number;
  /** Told why the device entered DEVICE_NEEDS_RESET (a guest driver bug), e.g. for a log. */
  readonly onFault?: (reason: string) => void;
}

export type VirtioMmioVersion = 1 | 2;

/** Bytes of one transport's window on QEMU virt (device tree `reg`). */
export const VIRTIO_MMIO_SIZE = 0x1000;
/** QEMU's VendorID, "QEMU" in little-endian bytes: the board's default (xv6 checks for it). */
export const VIRTIO_VENDOR_QEMU = 0x554d_4551;
/** cellvisor's own VendorID, "cvis" in little-endian bytes, as an option. */
export const VIRTIO_VENDOR_CELLVISOR = 0x7369_7663;

const MAGIC_VALUE = 0x000;
const VERSION = 0x004;
const DEVICE_ID = 0x008;
const VENDOR_ID = 0x00c;
const DEVICE_FEATURES = 0x010;
const DEVICE_FEATURES_SEL = 0x014;
const DRIVER_FEATURES = 0x020;
const DRIVER_FEATURES_SEL = 0x024;
const GUEST_PAGE_SIZE = 0x028; // legacy
const QUEUE_SEL = 0x030;
const QUEUE_NUM_MAX = 0x034;
const QUEUE_NUM = 0x038;
const QUEUE_ALIGN = 0x03c; // legacy
const QUEUE_PFN = 0x040; // legacy
const QUEUE_READY = 0x044;
const QUEUE_NOTIFY = 0x050;
const INTERRUPT_STATUS = 0x060;
const INTERRUPT_ACK = 0x064;
const STATUS = 0x070;
const QUEUE_DESC_LOW = 0x080;
const QUEUE_DESC_HIGH = 0x084;
const QUEUE_DRIVER_LOW = 0x090;
const QUEUE_DRIVER_HIGH = 0x094;
const QUEUE_DEVICE_LOW = 0x0a0;
const QUEUE_DEVICE_HIGH = 0x0a4;
const SHM_SEL = 0x0ac;
const SHM_LEN_LOW = 0x0b0;
const SHM_LEN_HIGH = 0x0b4;
const SHM_BASE_LOW = 0x0b8;
const SHM_BASE_HIGH = 0x0bc;
const CONFIG_GENERATION = 0x0fc;
const CONFIG = 0x100;

const MAGIC = 0x7472_6976; // "virt"

// Device status bits (§2.1).
export const STATUS_ACKNOWLEDGE = 1;
export const STATUS_DRIVER = 2;
export const STATUS_DRIVER_OK = 4;
export const STATUS_FEATURES_OK = 8;
export const STATUS_DEVICE_NEEDS_RESET = 0x40;
export const STATUS_FAILED = 0x80;

// InterruptStatus bits (§4.2.2).
export const INT_USED_BUFFER = 1;
export const INT_CONFIG_CHANGE = 2;

const TRANSPORT_FEATURES = (1n << VIRTIO_F_VERSION_1) | (1n << VIRTIO_F_INDIRECT_DESC) | (1n << VIRTIO_F_EVENT_IDX);
/** GuestPageSize and QueueAlign until the legacy driver writes them. */
const LEGACY_PAGE_SIZE = 4096;
const LOW32 = 0xffff_ffffn;

export class VirtioMmio implements Device, VirtioTransport {
  readonly #device: VirtioDevice;
  readonly #irq: InterruptLine;
  readonly #vendorId: number;
  readonly #onFault: ((reason: string) => void) | undefined;
  readonly #queues: Virtqueue[];
  readonly #offered: bigint;
  readonly #legacy: boolean;
  /** Legacy: GuestPageSize, and each queue's QueueAlign and QueuePFN. */
  #guestPageSize = LEGACY_PAGE_SIZE;
  readonly #queueAlign: number[];
  readonly #queuePfn: number[];
  #status = 0;
  #deviceFeaturesSel = 0;
  #driverFeaturesSel = 0;
  #driverFeatures = 0n;
  #queueSel = 0;
  #interruptStatus = 0;
  #configGeneration = 0;
  #lastFault: string | undefined;

  constructor(device: VirtioDevice, memory: GuestMemory, irq: InterruptLine, options: VirtioMmioOptions = {}) {
    this.#device = device;
    this.#irq = irq;
    this.#vendorId = options.vendorId ?? VIRTIO_VENDOR_QEMU;
    this.#onFault = options.onFault;
    const version = options.version ?? 2;
    if (version !== 1 && version !== 2) throw new RangeError(`virtio-mmio: no version ${String(version)} (1 or 2)`);
    this.#legacy = version === 1;
    // A legacy device knows nothing of VIRTIO_F_VERSION_1, and shows 32 feature bits only.
    this.#offered = (device.features | TRANSPORT_FEATURES) & (this.#legacy ? LOW32 : ~0n);
    const transport = this; // eslint-disable-line @typescript-eslint/no-this-alias
    const host: VirtqueueHost = {
      memory,
      get live() { return transport.live; },
      get indirect() { return transport.#has(VIRTIO_F_INDIRECT_DESC); },
      get eventIdx() { return transport.#has(VIRTIO_F_EVENT_IDX); },
      fault: (reason) => this.#fault(reason),
      usedBuffer: () => this.#raise(INT_USED_BUFFER),
    };
    this.#queues = device.queueSizes.map((max, i) => new Virtqueue(i, max, host));
    this.#queueAlign = this.#queues.map(() => LEGACY_PAGE_SIZE);
    this.#queuePfn = this.#queues.map(() => 0);
    device.attach(this);
  }

  // VirtioTransport

  queue(index: number): Virtqueue {
    const q = this.#queues[index];
    if (q === undefined) throw new RangeError(`virtio device ${this.#device.deviceId} has no queue ${index}`);
    return q;
  }

  get live(): boolean {
    return (this.#status & (STATUS_DRIVER_OK | STATUS_DEVICE_NEEDS_RESET)) === STATUS_DRIVER_OK;
  }

  get negotiated(): bigint {
    return this.#driverFeatures;
  }

  configChanged(): void {
    this.#configGeneration = (this.#configGeneration + 1) >>> 0;
    if ((this.#status & STATUS_DRIVER_OK) !== 0) this.#raise(INT_CONFIG_CHANGE);
  }

  /** The Status register. */
  get status(): number {
    return this.#status;
  }

  /** Why the device last entered DEVICE_NEEDS_RESET, if it did. */
  get lastFault(): string | undefined {
    return this.#lastFault;
  }

  // Device

  read(offset: number, size: AccessSize): bigint | undefined {
    if (offset >= CONFIG) return this.#readConfig(offset - CONFIG, size);
    if (size !== 4 || offset % 4 !== 0) return undefined;
    return BigInt(this.#read32(offset) >>> 0);
  }

  write(offset: number, size: AccessSize, value: bigint): boolean {
    if (offset >= CONFIG) return this.#writeConfig(offset - CONFIG, size, value);
    if (size !== 4 || offset % 4 !== 0) return false;
    this.#write32(offset, Number(value & LOW32));
    return true;
  }

  #read32(offset: number): number {
    const q = this.#queues[this.#queueSel];
    switch (offset) {
      case MAGIC_VALUE: return MAGIC;
      case VERSION: return this.#legacy ? 1 : 2;
      case DEVICE_ID: return this.#device.deviceId;
      case VENDOR_ID: return this.#vendorId;
      default:
        break;
    }
    // A transport without a device (DeviceID 0) reads as zero past the identity, as
    // QEMU's does: no features, no queues, no shared memory.
    if (this.#device.deviceId === 0) return 0;
    if (this.#legacy) return this.#readLegacy(offset);
    switch (offset) {
      case DEVICE_FEATURES:
        return this.#deviceFeaturesSel < 2 ? Number((this.#offered >> BigInt(32 * this.#deviceFeaturesSel)) & LOW32) : 0;
      case QUEUE_NUM_MAX: return q?.maxSize ?? 0;
      case QUEUE_READY: return q?.ready ? 1 : 0;
      case INTERRUPT_STATUS: return this.#interruptStatus;
      case STATUS: return this.#status;
      // No shared memory regions: length -1, base all ones (§4.2.2).
      case SHM_LEN_LOW: case SHM_LEN_HIGH: case SHM_BASE_LOW: case SHM_BASE_HIGH:
        return 0xffff_ffff;
      case CONFIG_GENERATION: return this.#configGeneration;
      default:
        // Write-only registers and holes read as zero.
        return 0;
    }
  }

  /** The version 1 register file: what version 2 renamed, moved or added is not there. */
  #readLegacy(offset: number): number {
    switch (offset) {
      case DEVICE_FEATURES:
        return this.#deviceFeaturesSel === 0 ? Number(this.#offered & LOW32) : 0;
      case QUEUE_NUM_MAX: return this.#queues[this.#queueSel]?.maxSize ?? 0;
      case QUEUE_PFN: return this.#queuePfn[this.#queueSel] ?? 0;
      case INTERRUPT_STATUS: return this.#interruptStatus;
      case STATUS: return this.#status;
      default: return 0;
    }
  }

  /** Version 1 registers that version 2 lacks or treats differently; false for the shared ones. */
  #writeLegacy(offset: number, value: number): boolean {
    const sel = this.#queueSel;
    const q = this.#queues[sel];
    switch (offset) {
      case GUEST_PAGE_SIZE: this.#guestPageSize = value; break;
      // Only 32 feature bits: GuestFeaturesSel other than 0 selects nothing.
      case DRIVER_FEATURES: if (this.#driverFeaturesSel === 0) this.#driverFeatures = BigInt(value); break;
      case QUEUE_ALIGN: if (q && !q.ready) this.#queueAlign[sel] = value; break;
      case QUEUE_PFN:
        if (!q) break;
        this.#queuePfn[sel] = value;
        if (value === 0) {
          q.disable();
          break;
        }
        if (q.ready) q.disable();
        this.#placeLegacyQueue(q, value);
        if (q.ready && this.live) this.#device.notify(q.index);
        break;
      case QUEUE_READY: case QUEUE_DESC_LOW: case QUEUE_DESC_HIGH: case QUEUE_DRIVER_LOW: case QUEUE_DRIVER_HIGH:
      case QUEUE_DEVICE_LOW: case QUEUE_DEVICE_HIGH: case SHM_SEL:
        break;
      default:
        return false;
    }
    return true;
  }

  /** §2.7.2 (legacy): descriptors at PFN × page size, the available ring right after, the used ring at the next QueueAlign boundary. */
  #placeLegacyQueue(q: Virtqueue, pfn: number): void {
    const align = this.#queueAlign[q.index];
    if (align === 0 || (align & (align - 1)) !== 0) {
      this.#fault(`queue ${q.index}: QueueAlign ${align} is not a power of two`);
      return;
    }
    const desc = pfn * this.#guestPageSize;
    const avail = desc + 16 * q.size;
    const availEnd = avail + 6 + 2 * q.size;
    q.descAddr = desc;
    q.driverAddr = avail;
    q.deviceAddr = Math.ceil(availEnd / align) * align;
    q.enable();
  }

  #write32(offset: number, value: number): void {
    if (this.#device.deviceId === 0) return;
    if (this.#legacy && this.#writeLegacy(offset, value)) return;
    const q = this.#queues[this.#queueSel];
    switch (offset) {
      case DEVICE_FEATURES_SEL: this.#deviceFeaturesSel = value; break;
      case DRIVER_FEATURES_SEL: this.#driverFeaturesSel = value; break;
      case DRIVER_FEATURES:
        // Features are final once FEATURES_OK is set (§3.1.1).
        if ((this.#status & STATUS_FEATURES_OK) === 0 && this.#driverFeaturesSel < 2) {
          const shift = BigInt(32 * this.#driverFeaturesSel);
          this.#driverFeatures = (this.#driverFeatures & ~(LOW32 << shift)) | (BigInt(value) << shift);
        }
        break;
      case QUEUE_SEL: this.#queueSel = value; break;
      // §4.2.2.2: a ready queue's size and addresses must not change; writes then are ignored.
      case QUEUE_NUM: if (q && !q.ready) q.size = value; break;
      case QUEUE_DESC_LOW: if (q && !q.ready) q.descAddr = setLow(q.descAddr, value); break;
      case QUEUE_DESC_HIGH: if (q && !q.ready) q.descAddr = setHigh(q.descAddr, value); break;
      case QUEUE_DRIVER_LOW: if (q && !q.ready) q.driverAddr = setLow(q.driverAddr, value); break;
      case QUEUE_DRIVER_HIGH: if (q && !q.ready) q.driverAddr = setHigh(q.driverAddr, value); break;
      case QUEUE_DEVICE_LOW: if (q && !q.ready) q.deviceAddr = setLow(q.deviceAddr, value); break;
      case QUEUE_DEVICE_HIGH: if (q && !q.ready) q.deviceAddr = setHigh(q.deviceAddr, value); break;
      case QUEUE_READY:
        if (!q) break;
        if ((value & 1) === 0) q.disable();
        else if (!q.ready) {
          q.enable();
          if (this.live && q.ready) this.#device.notify(q.index);
        }
        break;
      case QUEUE_NOTIFY:
        // Without VIRTIO_F_NOTIFICATION_DATA the value is the queue index.
        if (value < this.#queues.length && this.#queues[value].live) this.#device.notify(value);
        break;
      case INTERRUPT_ACK:
        this.#interruptStatus &= ~value;
        this.#irq.set(this.#interruptStatus !== 0);
        break;
      case STATUS: this.#writeStatus(value & 0xff); break;
      case SHM_SEL: break;
      default:
        // Read-only registers and holes ignore writes.
        break;
    }
  }

  #writeStatus(value: number): void {
    if (value === 0) {
      this.#reset();
      return;
    }
    const before = this.#status;
    let next = (value & ~STATUS_DEVICE_NEEDS_RESET) | (before & STATUS_DEVICE_NEEDS_RESET);
    if (this.#legacy) {
      // §4.2.4: no FEATURES_OK; the features are taken as they stand at DRIVER_OK, and
      // what was never offered is dropped (a legacy device cannot refuse).
      this.#driverFeatures &= this.#offered;
    } else if ((next & STATUS_FEATURES_OK) !== 0 && (before & STATUS_FEATURES_OK) === 0 && !this.#featuresAcceptable()) {
      // §3.1.1 step 6: the driver re-reads Status and finds FEATURES_OK unset.
      next &= ~STATUS_FEATURES_OK;
    }
    if (!this.#legacy && (next & STATUS_DRIVER_OK) !== 0 && (next & STATUS_FEATURES_OK) === 0) {
      // DRIVER_OK without accepted features is a driver bug: nothing can work.
      this.#status = next;
      this.#fault('DRIVER_OK set without FEATURES_OK');
      return;
    }
    this.#status = next;
    if ((next & STATUS_DRIVER_OK) !== 0 && (before & STATUS_DRIVER_OK) === 0) {
      if ((next & STATUS_DEVICE_NEEDS_RESET) !== 0) {
        this.#raise(INT_CONFIG_CHANGE);
        return;
      }
      this.#device.activate(this.#driverFeatures);
      // Buffers made available before DRIVER_OK are processed now.
      for (const q of this.#queues) if (q.live) this.#device.notify(q.index);
    }
  }

  /**
   * Only offered features (§3.1.1: the device fails FEATURES_OK for a set it cannot
   * accept). VIRTIO_F_VERSION_1 is not required: §6.1 lets a device refuse a driver that
   * does not accept it, but QEMU accepts one (xv6 negotiates only the low 32 bits) and
   * the devices then follow the legacy rules where they differ (virtio-net's header).
   */
  #featuresAcceptable(): boolean {
    return (this.#driverFeatures & ~this.#offered) === 0n;
  }

  #has(bit: bigint): boolean {
    return (this.#driverFeatures & (1n << bit)) !== 0n;
  }

  #reset(): void {
    this.#status = 0;
    this.#deviceFeaturesSel = 0;
    this.#driverFeaturesSel = 0;
    this.#driverFeatures = 0n;
    this.#queueSel = 0;
    this.#interruptStatus = 0;
    this.#guestPageSize = LEGACY_PAGE_SIZE;
    this.#queueAlign.fill(LEGACY_PAGE_SIZE);
    this.#queuePfn.fill(0);
    for (const q of this.#queues) q.reset();
    this.#irq.set(false);
    this.#device.reset();
  }

  /** §2.1.2: on an error needing a reset, set DEVICE_NEEDS_RESET and, once DRIVER_OK, notify. */
  #fault(reason: string): void {
    this.#lastFault = reason;
    const first = (this.#status & STATUS_DEVICE_NEEDS_RESET) === 0;
    this.#status |= STATUS_DEVICE_NEEDS_RESET;
    if (first) {
      this.#onFault?.(reason);
      if ((this.#status & STATUS_DRIVER_OK) !== 0) this.#raise(INT_CONFIG_CHANGE);
    }
  }

  #raise(bits: number): void {
    this.#interruptStatus |= bits;
    this.#irq.set(true);
  }

  #readConfig(offset: number, size: AccessSize): bigint {
    const config = this.#device.config;
    let value = 0n;
    for (let i = size - 1; i >= 0; i--) {
      const at = offset + i;
      value = (value << 8n) | BigInt(at < config.length ? config[at] : 0);
    }
    return value;
  }

  #writeConfig(offset: number, size: AccessSize, value: bigint): boolean {
    const config = this.#device.config;
    if (offset + size > config.length || !this.#device.writeConfig) return true;
    const data = new Uint8Array(size);
    for (let i = 0; i < size; i++) data[i] = Number((value >> BigInt(8 * i)) & 0xffn);
    this.#device.writeConfig(offset, data);
    return true;
  }
}

function setLow(addr: number, low: number): number {
  return Math.floor(addr / 2 ** 32) * 2 ** 32 + low;
}

/** Addresses are kept as numbers: a high half past 2^21 would leave the safe range, so it saturates (and fails every memory check). */
function setHigh(addr: number, high: number): number {
  return Math.min(high, 2 ** 21 - 1) * 2 ** 32 + (addr % 2 ** 32);
}
