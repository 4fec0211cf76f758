// virtio-rng (virtio 1.x §5.4 "Entropy Device"): one request queue whose device-writable
// buffers the device fills with random bytes.
//
// The bytes come from an EntropySource passed in. On this board that is SeededEntropy,
// a deterministic PRNG: the same seed gives the guest the same "random" bytes, so runs
// stay reproducible instruction for instruction (ARCHITECTURE.md, "Deterministic"). It is
// not cryptographically secure, and the guest's randomness is only as unpredictable as
// the seed the host chooses.

import type { VirtioDevice, VirtioTransport } from './virtio-mmio.js';

export const VIRTIO_ID_ENTROPY = 4;

/** At most this many bytes per request; the device may return fewer than asked (§5.4.6). */
const MAX_REQUEST = 64 * 1024;

export interface EntropySource {
  /** Fills `dst` completely. */
  fill(dst: Uint8Array): void;
}

/**
 * xoshiro128** (Blackman and Vigna), seeded through SplitMix32 so that any 32-bit seed,
 * 0 included, gives a good state. Deterministic; not for cryptography.
 */
export class SeededEntropy implements EntropySource {
  readonly #s = new Uint32Array(4);

  constructor(seed: number) {
    let x = seed >>> 0;
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e37_79b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85eb_ca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2_ae35) >>> 0;
      this.#s[i] = (z ^ (z >>> 16)) >>> 0;
    }
  }

  next32(): number {
    const s = this.#s;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  fill(dst: Uint8Array): void {
    for (let i = 0; i < dst.length; i += 4) {
      let word = this.next32();
      for (let j = i; j < Math.min(i + 4, dst.length); j++) {
        dst[j] = word & 0xff;
        word >>>= 8;
      }
    }
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

export interface VirtioRngOptions {
  /** QueueNumMax; default 8. */
  readonly queueSize?: number;
}

export class VirtioRng implements VirtioDevice {
  readonly deviceId = VIRTIO_ID_ENTROPY;
  readonly features = 0n;
  readonly queueSizes: readonly number[];
  readonly config = new Uint8Array(0);
  #transport: VirtioTransport | undefined;

  constructor(private readonly entropy: EntropySource, options: VirtioRngOptions = {}) {
    this.queueSizes = [options.queueSize ?? 8];
  }

  attach(transport: VirtioTransport): void {
    this.#transport = transport;
  }

  activate(): void {}

  reset(): void {}

  notify(queue: number): void {
    if (queue !== 0 || !this.#transport) return;
    const q = this.#transport.queue(0);
    for (let chain = q.pop(); chain; chain = q.pop()) {
      const bytes = new Uint8Array(Math.min(chain.writableLength, MAX_REQUEST));
      this.entropy.fill(bytes);
      q.push(chain, chain.write(0, bytes));
    }
  }
}
