// virtio-net (virtio 1.x §5.1 "Network Device"), one queue pair and no offloads: queue 0
// is receiveq1, queue 1 transmitq1. Every frame travels behind a struct virtio_net_hdr:
// 12 bytes with VIRTIO_F_VERSION_1 (which always includes num_buffers, §5.1.6), 10
// bytes without it, as a legacy driver lays it out (§5.1.6.1 "Legacy Interface": no
// num_buffers unless VIRTIO_NET_F_MRG_RXBUF, which this device does not offer). With no
// checksum or segmentation offloads negotiated, the device ignores the header on
// transmit and sends an all-zero one (num_buffers = 1) on receive. Features:
// VIRTIO_NET_F_MAC (a fixed address per device) and VIRTIO_NET_F_STATUS (link up).

import type { NetBackend } from './net-backend.js';
import type { VirtioDevice, VirtioTransport } from './virtio-mmio.js';
import { VIRTIO_F_VERSION_1 } from './virtqueue.js';

export const VIRTIO_ID_NET = 1;
export const VIRTIO_NET_F_MAC = 5n;
export const VIRTIO_NET_F_STATUS = 16n;
const VIRTIO_NET_S_LINK_UP = 1;

const RECEIVEQ = 0;
const TRANSMITQ = 1;
const HEADER = 12;
const LEGACY_HEADER = 10;
const NUM_BUFFERS = 10;
/** Largest frame accepted from the guest: a 64 KiB payload plus the Ethernet header. */
const MAX_FRAME = 65536 + 14;
/** Frames waiting for receive buffers; more are dropped, as a full NIC ring would. */
const MAX_BACKLOG = 256;

/** A locally administered unicast MAC for device `n` of a board: 02:63:76:69:73:nn ("cvis"). */
export function boardMac(n: number): Uint8Array {
  return Uint8Array.of(0x02, 0x63, 0x76, 0x69, 0x73, n & 0xff);
}

export interface VirtioNetOptions {
  /** The device's MAC address, 6 bytes; default boardMac(0). */
  readonly mac?: Uint8Array;
  /** QueueNumMax of both queues; default 256. */
  readonly queueSize?: number;
}

export class VirtioNet implements VirtioDevice {
  readonly deviceId = VIRTIO_ID_NET;
  readonly features = (1n << VIRTIO_NET_F_MAC) | (1n << VIRTIO_NET_F_STATUS);
  readonly queueSizes: readonly number[];
  /** struct virtio_net_config: mac[6], status (§5.1.4). */
  readonly config = new Uint8Array(8);
  #backlog: Uint8Array[] = [];
  #transport: VirtioTransport | undefined;
  /** Bytes of virtio_net_hdr for the negotiated features. */
  #header = HEADER;
  /** Frames lost: no receive buffer, buffer too small, or oversized on transmit. */
  dropped = 0;

  constructor(private readonly backend: NetBackend, options: VirtioNetOptions = {}) {
    const mac = options.mac ?? boardMac(0);
    if (mac.length !== 6) throw new RangeError(`a MAC address has 6 bytes, not ${mac.length}`);
    const size = options.queueSize ?? 256;
    this.queueSizes = [size, size];
    this.config.set(mac, 0);
    new DataView(this.config.buffer).setUint16(6, VIRTIO_NET_S_LINK_UP, true);
    backend.connect((frame) => this.#receive(frame));
  }

  attach(transport: VirtioTransport): void {
    this.#transport = transport;
  }

  activate(features: bigint): void {
    this.#header = (features & (1n << VIRTIO_F_VERSION_1)) !== 0n ? HEADER : LEGACY_HEADER;
  }

  reset(): void {
    this.#backlog = [];
  }

  notify(queue: number): void {
    if (queue === RECEIVEQ) this.#deliver();
    else if (queue === TRANSMITQ) this.#transmit();
  }

  #receive(frame: Uint8Array): void {
    // With no driver running the frame falls on the floor, as on an unconfigured NIC.
    if (!this.#transport?.live || this.#backlog.length >= MAX_BACKLOG) {
      this.dropped++;
      return;
    }
    this.#backlog.push(frame);
    this.#deliver();
  }

  #deliver(): void {
    const q = this.#transport?.queue(RECEIVEQ);
    if (!q) return;
    while (this.#backlog.length > 0) {
      const chain = q.pop();
      if (!chain) return;
      const frame = this.#backlog.shift()!;
      const header = this.#header;
      if (chain.writableLength < header + frame.length) {
        // Without VIRTIO_NET_F_MRG_RXBUF a frame must fit one buffer; the driver sees
        // an empty buffer and counts a length error.
        this.dropped++;
        q.push(chain, 0);
        continue;
      }
      const packet = new Uint8Array(header + frame.length);
      if (header > NUM_BUFFERS) packet[NUM_BUFFERS] = 1;
      packet.set(frame, header);
      q.push(chain, chain.write(0, packet));
    }
  }

  #transmit(): void {
    const q = this.#transport?.queue(TRANSMITQ);
    if (!q) return;
    for (let chain = q.pop(); chain; chain = q.pop()) {
      const len = chain.readableLength - this.#header;
      if (len <= 0 || len > MAX_FRAME) this.dropped++;
      else this.backend.send(chain.read(this.#header, len));
      q.push(chain, 0);
    }
  }
}
