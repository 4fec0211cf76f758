// virtio-blk (virtio 1.x §5.2 "Block Device"): one request queue; each request is a
// 16-byte header { le32 type, le32 reserved, le64 sector }, data, and a status byte the
// device writes last. Supported: VIRTIO_BLK_T_IN, _OUT, _FLUSH and _GET_ID.

import type { BlockBackend } from './block-backend.js';
import type { DescriptorChain, VirtioDevice, VirtioTransport, Virtqueue } from './virtio-mmio.js';

export const VIRTIO_ID_BLOCK = 2;

// Feature bits (§5.2.3).
export const VIRTIO_BLK_F_SEG_MAX = 2n;
export const VIRTIO_BLK_F_RO = 5n;
export const VIRTIO_BLK_F_BLK_SIZE = 6n;
export const VIRTIO_BLK_F_FLUSH = 9n;

// Request types and status values (§5.2.6).
export const VIRTIO_BLK_T_IN = 0;
export const VIRTIO_BLK_T_OUT = 1;
export const VIRTIO_BLK_T_FLUSH = 4;
export const VIRTIO_BLK_T_GET_ID = 8;
export const VIRTIO_BLK_S_OK = 0;
export const VIRTIO_BLK_S_IOERR = 1;
export const VIRTIO_BLK_S_UNSUPP = 2;

const SECTOR = 512;
const HEADER = 16;
const ID_BYTES = 20;
/** Data moves between guest memory and the backend in pieces of at most this size. */
const CHUNK = 64 * 1024;

export interface VirtioBlkOptions {
  /** The GET_ID serial string, at most 20 bytes of it used. */
  readonly serial?: string;
  /** QueueNumMax; default 128. */
  readonly queueSize?: number;
}

export class VirtioBlk implements VirtioDevice {
  readonly deviceId = VIRTIO_ID_BLOCK;
  readonly features: bigint;
  readonly queueSizes: readonly number[];
  readonly config: Uint8Array;
  readonly #backend: BlockBackend;
  readonly #id: Uint8Array;
  readonly #sectors: number;
  #transport: VirtioTransport | undefined;

  constructor(backend: BlockBackend, options: VirtioBlkOptions = {}) {
    this.#backend = backend;
    const queueSize = options.queueSize ?? 128;
    this.queueSizes = [queueSize];
    this.#sectors = Math.floor(backend.sizeBytes / SECTOR);
    this.features = (1n << VIRTIO_BLK_F_SEG_MAX) | (1n << VIRTIO_BLK_F_BLK_SIZE) | (1n << VIRTIO_BLK_F_FLUSH)
      | (backend.readOnly ? 1n << VIRTIO_BLK_F_RO : 0n);
    // struct virtio_blk_config up to blk_size (§5.2.4).
    this.config = new Uint8Array(24);
    const view = new DataView(this.config.buffer);
    view.setBigUint64(0, BigInt(this.#sectors), true); // capacity, in 512-byte sectors
    // seg_max: header and status take two of a chain's queue-size descriptors.
    view.setUint32(12, Math.max(1, queueSize - 2), true);
    view.setUint32(20, SECTOR, true); // blk_size
    this.#id = new Uint8Array(ID_BYTES);
    this.#id.set(new TextEncoder().encode(options.serial ?? '').subarray(0, ID_BYTES));
  }

  attach(transport: VirtioTransport): void {
    this.#transport = transport;
  }

  activate(): void {}

  reset(): void {}

  notify(queue: number): void {
    if (queue !== 0 || !this.#transport) return;
    const q = this.#transport.queue(0);
    for (let chain = q.pop(); chain; chain = q.pop()) this.#handle(q, chain);
  }

  #handle(q: Virtqueue, chain: DescriptorChain): void {
    if (chain.readableLength < HEADER || chain.writableLength < 1) {
      // §5.2.6.1: every request has a header and a status byte; without them there is
      // nowhere to report an error.
      q.fault(`virtio-blk request without a 16-byte header or a status byte`);
      return;
    }
    const header = new DataView(chain.read(0, HEADER).buffer);
    const type = header.getUint32(0, true);
    const sector = header.getBigUint64(8, true);
    const statusAt = chain.writableLength - 1;
    let status: number = VIRTIO_BLK_S_OK;
    let written = 0;
    switch (type) {
      case VIRTIO_BLK_T_IN: {
        const len = statusAt;
        status = this.#checkRange(sector, len);
        if (status === VIRTIO_BLK_S_OK) status = this.#read(chain, Number(sector) * SECTOR, len);
        if (status === VIRTIO_BLK_S_OK) written = len;
        break;
      }
      case VIRTIO_BLK_T_OUT: {
        const len = chain.readableLength - HEADER;
        // §5.2.6.2: the device MUST fail writes to a read-only disk with IOERR.
        status = this.#backend.readOnly ? VIRTIO_BLK_S_IOERR : this.#checkRange(sector, len);
        if (status === VIRTIO_BLK_S_OK) status = this.#write(chain, Number(sector) * SECTOR, len);
        break;
      }
      case VIRTIO_BLK_T_FLUSH:
        status = this.#backend.flush() ? VIRTIO_BLK_S_OK : VIRTIO_BLK_S_IOERR;
        break;
      case VIRTIO_BLK_T_GET_ID:
        // The serial goes into the data buffer, NUL-padded, cut at 20 bytes (§5.2.6).
        written = chain.write(0, this.#id.subarray(0, Math.min(ID_BYTES, statusAt)));
        break;
      default:
        status = VIRTIO_BLK_S_UNSUPP;
        break;
    }
    chain.write(statusAt, Uint8Array.of(status));
    q.push(chain, written + 1);
  }

  /** Data must be whole sectors (§5.2.6.1) and lie on the disk. */
  #checkRange(sector: bigint, len: number): number {
    if (len % SECTOR !== 0) return VIRTIO_BLK_S_IOERR;
    const end = sector + BigInt(len / SECTOR);
    return end <= BigInt(this.#sectors) ? VIRTIO_BLK_S_OK : VIRTIO_BLK_S_IOERR;
  }

  #read(chain: DescriptorChain, offset: number, len: number): number {
    const buf = new Uint8Array(Math.min(CHUNK, len));
    for (let done = 0; done < len; done += buf.length) {
      const part = buf.subarray(0, Math.min(buf.length, len - done));
      if (!this.#backend.read(offset + done, part)) return VIRTIO_BLK_S_IOERR;
      chain.write(done, part);
    }
    return VIRTIO_BLK_S_OK;
  }

  #write(chain: DescriptorChain, offset: number, len: number): number {
    for (let done = 0; done < len; done += CHUNK) {
      const part = chain.read(HEADER + done, Math.min(CHUNK, len - done));
      if (!this.#backend.write(offset + done, part)) return VIRTIO_BLK_S_IOERR;
    }
    return VIRTIO_BLK_S_OK;
  }
}
