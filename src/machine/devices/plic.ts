// The platform-level interrupt controller, SiFive layout as in the RISC-V PLIC
// specification 1.0.0 (riscv/riscv-plic-spec, "Memory Map") and QEMU virt
// ("sifive,plic-1.0.0"): source priorities at +4*id, pending bits at 0x1000, per-context
// enables at 0x2000 + 0x80*ctx, per-context threshold at 0x200000 + 0x1000*ctx with
// claim/complete at +4. On QEMU virt hart 0 has context 0 (M-mode) and 1 (S-mode).
//
// Every source is level-triggered, and the gateway comes in two models (PlicGateway):
//
// - 'qemu' (the board's default): QEMU 7.2's sifive_plic. The pending bit follows the
//   device's line each time the device reports it: a report of "high" pends the source
//   (again, even while it stays high or is claimed), a report of "low" clears the bit.
//   A claim clears the bit and holds the source; completion only releases it, so a line
//   that stays high without a new report is delivered once. A claim, like the output,
//   honours the context's threshold; completion is not checked against the enables.
// - 'spec': the PLIC specification's gateway ("Interrupt Gateways"): the first assertion
//   becomes a pending request and nothing more is forwarded until the claimed request
//   is completed; a level still high at completion pends again. A claim ignores the
//   threshold; completing a source the context does not enable is ignored.
//
// The difference shows with a driver that leaves its device's interrupt condition set
// (a UART whose THRE interrupt is enabled and whose IIR is never read, as xv6's): QEMU
// delivers it once per device event, the specification's gateway back to back.

import type { AccessSize, Device } from '../device.js';
import type { InterruptLine } from './interrupt-line.js';

export interface PlicOptions {
  /** Interrupt sources 1..sources (QEMU virt: 95). At most 1023. */
  readonly sources: number;
  /** Interrupt targets (hart contexts). At most 15872. */
  readonly contexts: number;
  /** Implemented priority bits: priorities and thresholds are 0..2^bits-1 (WARL). Default 3, as QEMU virt. */
  readonly priorityBits?: number;
  /** The gateway model; default 'qemu'. */
  readonly gateway?: PlicGateway;
}

/** How a source's line becomes a pending request (see the top of this file). */
export type PlicGateway = 'qemu' | 'spec';
export const PLIC_GATEWAYS: readonly PlicGateway[] = ['qemu', 'spec'];

/** The PLIC's external-interrupt output for `context` changed: the EIP bit (meip/seip). */
export type PlicOutput = (context: number, level: boolean) => void;

/** Bytes of the register window on QEMU virt (device tree `reg`). */
export const PLIC_SIZE = 0x60_0000;

const PRIORITY_BASE = 0x0;
const PENDING_BASE = 0x1000;
const ENABLE_BASE = 0x2000;
const ENABLE_STRIDE = 0x80;
const CONTEXT_BASE = 0x20_0000;
const CONTEXT_STRIDE = 0x1000;
const THRESHOLD = 0x0;
const CLAIM_COMPLETE = 0x4;

export class Plic implements Device {
  readonly sources: number;
  readonly contexts: number;
  readonly gateway: PlicGateway;
  readonly #priorityMask: number;
  readonly #priority: Uint32Array;
  /** Gateway inputs: the level each source drives now. */
  readonly #level: Uint8Array;
  /** Claimed and not yet completed (QEMU's `claimed`), 32 sources per word: not delivered again until completed. */
  readonly #inService: Uint32Array;
  /** IP bits, 32 sources per word as in the register file. */
  readonly #pending: Uint32Array;
  /** IE bits, `words` per context. */
  readonly #enable: Uint32Array;
  readonly #threshold: Uint32Array;
  readonly #output: Uint8Array;
  readonly #words: number;

  constructor(options: PlicOptions, private readonly drive: PlicOutput) {
    const { sources, contexts } = options;
    const bits = options.priorityBits ?? 3;
    if (!Number.isInteger(sources) || sources < 1 || sources > 1023) throw new RangeError(`PLIC: ${sources} sources (1..1023)`);
    if (!Number.isInteger(contexts) || contexts < 1 || contexts > 15872) throw new RangeError(`PLIC: ${contexts} contexts (1..15872)`);
    if (!Number.isInteger(bits) || bits < 1 || bits > 32) throw new RangeError(`PLIC: ${bits} priority bits (1..32)`);
    this.sources = sources;
    this.contexts = contexts;
    this.gateway = options.gateway ?? 'qemu';
    if (!PLIC_GATEWAYS.includes(this.gateway)) throw new RangeError(`PLIC: unknown gateway '${String(this.gateway)}' (${PLIC_GATEWAYS.join(', ')})`);
    this.#priorityMask = bits === 32 ? 0xffff_ffff : (1 << bits) - 1;
    this.#words = (sources >> 5) + 1;
    this.#priority = new Uint32Array(sources + 1);
    this.#level = new Uint8Array(sources + 1);
    this.#inService = new Uint32Array(this.#words);
    this.#pending = new Uint32Array(this.#words);
    this.#enable = new Uint32Array(this.#words * contexts);
    this.#threshold = new Uint32Array(contexts);
    this.#output = new Uint8Array(contexts);
  }

  /** The gateway input of source `id` (1..sources), for the device wired to it. */
  line(id: number): InterruptLine {
    if (!Number.isInteger(id) || id < 1 || id > this.sources) throw new RangeError(`PLIC has no source ${id}`);
    return { set: (level) => this.#setLevel(id, level) };
  }

  /** Whether context `ctx` currently signals an interrupt (its EIP bit). */
  output(ctx: number): boolean {
    return this.#output[ctx] === 1;
  }

  read(offset: number, size: AccessSize): bigint | undefined {
    // 32-bit registers, accessed with LW/SW ("Memory Map"); QEMU rejects other sizes too.
    if (size !== 4 || offset % 4 !== 0) return undefined;
    return BigInt(this.#read32(offset));
  }

  write(offset: number, size: AccessSize, value: bigint): boolean {
    if (size !== 4 || offset % 4 !== 0) return false;
    this.#write32(offset, Number(value & 0xffff_ffffn));
    return true;
  }

  #read32(offset: number): number {
    if (offset < PENDING_BASE) {
      const id = (offset - PRIORITY_BASE) >> 2;
      return id <= this.sources ? this.#priority[id] : 0;
    }
    if (offset < ENABLE_BASE) {
      const word = (offset - PENDING_BASE) >> 2;
      return word < this.#words ? this.#pending[word] : 0;
    }
    if (offset < CONTEXT_BASE) {
      const ctx = Math.floor((offset - ENABLE_BASE) / ENABLE_STRIDE);
      const word = ((offset - ENABLE_BASE) % ENABLE_STRIDE) >> 2;
      return ctx < this.contexts && word < this.#words ? this.#enable[ctx * this.#words + word] : 0;
    }
    const ctx = Math.floor((offset - CONTEXT_BASE) / CONTEXT_STRIDE);
    if (ctx >= this.contexts) return 0;
    switch ((offset - CONTEXT_BASE) % CONTEXT_STRIDE) {
      case THRESHOLD:
        return this.#threshold[ctx];
      case CLAIM_COMPLETE:
        return this.#claim(ctx);
      default:
        return 0;
    }
  }

  #write32(offset: number, value: number): void {
    if (offset < PENDING_BASE) {
      const id = (offset - PRIORITY_BASE) >> 2;
      if (id >= 1 && id <= this.sources) this.#priority[id] = value & this.#priorityMask;
    } else if (offset < ENABLE_BASE) {
      // Pending bits change only through gateways and claims ("Interrupt Pending Bits").
      return;
    } else if (offset < CONTEXT_BASE) {
      const ctx = Math.floor((offset - ENABLE_BASE) / ENABLE_STRIDE);
      const word = ((offset - ENABLE_BASE) % ENABLE_STRIDE) >> 2;
      if (ctx >= this.contexts || word >= this.#words) return;
      this.#enable[ctx * this.#words + word] = value & this.#implemented(word);
    } else {
      const ctx = Math.floor((offset - CONTEXT_BASE) / CONTEXT_STRIDE);
      if (ctx >= this.contexts) return;
      switch ((offset - CONTEXT_BASE) % CONTEXT_STRIDE) {
        case THRESHOLD:
          this.#threshold[ctx] = value & this.#priorityMask;
          break;
        case CLAIM_COMPLETE:
          this.#complete(ctx, value);
          break;
        default:
          return;
      }
    }
    this.#update();
  }

  /** The bits of enable/pending word `word` that name real sources: not 0, not past `sources`. */
  #implemented(word: number): number {
    let mask = 0xffff_ffff;
    if (word === 0) mask &= ~1;
    const last = this.sources - word * 32; // highest valid bit index in this word
    if (last < 31) mask &= last < 0 ? 0 : (2 ** (last + 1) - 1);
    return mask >>> 0;
  }

  #setLevel(id: number, level: boolean): void {
    const now = level ? 1 : 0;
    if (this.gateway === 'qemu') {
      // sifive_plic_irq_request: every report sets the pending bit to the level.
      this.#level[id] = now;
      this.#setPending(id, level);
      this.#update();
      return;
    }
    if (this.#level[id] === now) return;
    this.#level[id] = now;
    if (level && !this.#isInService(id)) {
      this.#setPending(id, true);
      this.#update();
    }
  }

  /**
   * The highest-priority pending source enabled for `ctx` and not in service (ties: the
   * lowest id), cleared from IP and held in its gateway; 0 if none. Priority 0 means
   * "never interrupt". The spec's claim is not affected by the threshold ("Interrupt
   * Claim Process"); QEMU's is.
   */
  #claim(ctx: number): number {
    const best = this.#best(ctx, this.gateway === 'qemu' ? this.#threshold[ctx] : 0);
    if (best !== 0) {
      this.#setPending(best, false);
      this.#setInService(best, true);
      this.#update();
    }
    return best;
  }

  /**
   * Spec: "If the completion ID does not match an interrupt source that is currently
   * enabled for the target, the completion is silently ignored." QEMU releases any source.
   */
  #complete(ctx: number, id: number): void {
    if (id < 1 || id > this.sources || !this.#isInService(id)) return;
    if (this.gateway === 'qemu') {
      this.#setInService(id, false);
      return;
    }
    if (!this.#enabled(ctx, id)) return;
    this.#setInService(id, false);
    if (this.#level[id] === 1) this.#setPending(id, true);
  }

  /** The source `#claim` would return, among those with priority above `floor`. */
  #best(ctx: number, floor: number): number {
    let best = 0;
    let bestPriority = floor;
    const base = ctx * this.#words;
    for (let w = 0; w < this.#words; w++) {
      let bits = this.#pending[w] & this.#enable[base + w] & ~this.#inService[w];
      while (bits !== 0) {
        const bit = 31 - Math.clz32(bits & -bits);
        bits &= bits - 1;
        const id = w * 32 + bit;
        // Ascending ids: a strictly greater priority is needed to displace, so ties keep the lowest id.
        if (this.#priority[id] > bestPriority) {
          best = id;
          bestPriority = this.#priority[id];
        }
      }
    }
    return best;
  }

  #isInService(id: number): boolean {
    return (this.#inService[id >> 5] & (1 << (id & 31))) !== 0;
  }

  #setInService(id: number, on: boolean): void {
    if (on) this.#inService[id >> 5] |= 1 << (id & 31);
    else this.#inService[id >> 5] &= ~(1 << (id & 31));
  }

  #enabled(ctx: number, id: number): boolean {
    return (this.#enable[ctx * this.#words + (id >> 5)] & (1 << (id & 31))) !== 0;
  }

  #setPending(id: number, on: boolean): void {
    if (on) this.#pending[id >> 5] |= 1 << (id & 31);
    else this.#pending[id >> 5] &= ~(1 << (id & 31));
  }

  /** EIP of each context: a pending enabled source with priority above its threshold. */
  #update(): void {
    for (let ctx = 0; ctx < this.contexts; ctx++) {
      const level = this.#best(ctx, this.#threshold[ctx]) !== 0 ? 1 : 0;
      if (this.#output[ctx] !== level) {
        this.#output[ctx] = level;
        this.drive(ctx, level === 1);
      }
    }
  }
}
