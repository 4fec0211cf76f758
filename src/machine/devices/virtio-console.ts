// virtio-console (virtio 1.x §5.3 "Console Device"), port 0 only (no
// VIRTIO_CONSOLE_F_MULTIPORT): queue 0 is receiveq (host → guest), queue 1 transmitq
// (guest → host). VIRTIO_CONSOLE_F_EMERG_WRITE is offered too: a write to emerg_wr in
// the configuration space prints one character, usable before any queue is set up.

import type { CharSink } from '../host.js';
import type { VirtioDevice, VirtioTransport } from './virtio-mmio.js';

export const VIRTIO_ID_CONSOLE = 3;
export const VIRTIO_CONSOLE_F_EMERG_WRITE = 2n;

const RECEIVEQ = 0;
const TRANSMITQ = 1;
/** struct virtio_console_config: cols, rows, max_nr_ports, emerg_wr (§5.3.4). */
const CONFIG_SIZE = 12;
const EMERG_WR = 8;
/** Transmitted bytes reach the sink in pieces of at most this size. */
const CHUNK = 4096;

export interface VirtioConsoleOptions {
  /** QueueNumMax of both queues; default 64. */
  readonly queueSize?: number;
}

export class VirtioConsole implements VirtioDevice {
  readonly deviceId = VIRTIO_ID_CONSOLE;
  readonly features = 1n << VIRTIO_CONSOLE_F_EMERG_WRITE;
  readonly queueSizes: readonly number[];
  readonly config = new Uint8Array(CONFIG_SIZE);
  /** Host input the guest has not taken yet (it waits for receive buffers). */
  #pending: Uint8Array[] = [];
  #transport: VirtioTransport | undefined;

  constructor(private readonly sink: CharSink, options: VirtioConsoleOptions = {}) {
    const size = options.queueSize ?? 64;
    this.queueSizes = [size, size];
    new DataView(this.config.buffer).setUint32(4, 1, true); // max_nr_ports
  }

  /** Bytes typed on the host terminal, delivered into the guest's receive buffers. */
  receive(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.#pending.push(bytes.slice());
    this.#deliver();
  }

  /** Host input not yet delivered to the guest. */
  get rxPending(): number {
    return this.#pending.reduce((n, b) => n + b.length, 0);
  }

  attach(transport: VirtioTransport): void {
    this.#transport = transport;
  }

  activate(): void {}

  reset(): void {
    // Input waiting for buffers survives a reset: it is still "on the line".
  }

  writeConfig(offset: number, data: Uint8Array): void {
    if (offset === EMERG_WR) this.sink.write(data.subarray(0, 1));
  }

  notify(queue: number): void {
    if (queue === RECEIVEQ) this.#deliver();
    else if (queue === TRANSMITQ) this.#transmit();
  }

  #transmit(): void {
    const q = this.#transport?.queue(TRANSMITQ);
    if (!q) return;
    for (let chain = q.pop(); chain; chain = q.pop()) {
      for (let at = 0; at < chain.readableLength; at += CHUNK) this.sink.write(chain.read(at, CHUNK));
      q.push(chain, 0);
    }
  }

  #deliver(): void {
    const q = this.#transport?.queue(RECEIVEQ);
    if (!q) return;
    while (this.#pending.length > 0) {
      const chain = q.pop();
      if (!chain) return;
      let written = 0;
      while (this.#pending.length > 0 && written < chain.writableLength) {
        const head = this.#pending[0];
        const n = chain.write(written, head);
        written += n;
        if (n === head.length) this.#pending.shift();
        else this.#pending[0] = head.subarray(n);
        if (n === 0) break;
      }
      q.push(chain, written);
    }
  }
}
