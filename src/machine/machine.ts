// The bare board: one hart, RAM at 0x80000000, the CLINT and the test finisher at their
// QEMU virt addresses, and HTIF where a loaded ELF asks for it. Runs guest code in
// M-mode itself (no hosted M), the way `qemu-system-riscv64 -M virt -bios none` does.

import { Hart, HartExit, type MmioHandler } from '../hart/index.js';
import { Bus } from './bus.js';
import type { Device, ExitSource, PowerControl } from './device.js';
import { Clint } from './devices/clint.js';
import { RamGuestMemory } from './devices/guest-memory.js';
import { Htif } from './devices/htif.js';
import { TestFinisher } from './devices/test-finisher.js';
import type { CharSink } from './host.js';
import { ElfError, loadElf, type ElfImage } from './loader/elf.js';
import { CLINT_BASE, CLINT_SIZE, RAM_BASE, TEST_FINISHER_BASE, TEST_FINISHER_SIZE } from './memory-map.js';
import type { RunOutcome } from './outcome.js';

export interface MachineOptions {
  /** RAM size in bytes, a multiple of 4 KiB. */
  readonly ramSize: number;
  /** Where HTIF console and syscall output goes. */
  readonly console: CharSink;
  /** Virtual time: one mtime tick per this many retired instructions (hart default if unset). */
  readonly insnsPerTick?: number;
}

export interface RunOptions {
  /** Stop once the machine has retired this many instructions in total (across resets). */
  readonly maxInsns?: bigint;
  /** Called for each retired instruction; makes the hart step one instruction at a time. */
  readonly trace?: (pc: bigint, insn: number) => void;
}

/**
 * Instructions per hart.run call. Between slices the machine looks at device requests;
 * large enough that the call overhead vanishes, small enough to stay responsive.
 */
const SLICE = 1n << 20n;

export class Machine {
  readonly hart: Hart;
  readonly bus: Bus;
  readonly #console: CharSink;
  #htif: Htif | undefined;
  /** What a device asked for during the current slice; the run ends with it. */
  #pending: RunOutcome | undefined;
  /** Instructions retired before the last reset (hart.instret restarts at reset). */
  #retiredBefore = 0n;

  private constructor(hart: Hart, bus: Bus, console: CharSink) {
    this.hart = hart;
    this.bus = bus;
    this.#console = console;
    bus.map('test finisher', TEST_FINISHER_BASE, TEST_FINISHER_SIZE, new TestFinisher(this.#power));
    bus.map('clint', CLINT_BASE, CLINT_SIZE, new Clint(hart));
  }

  /** `hartWasm` is build/hart.wasm, compiled or as bytes; the caller reads it (no fs here). */
  static async create(hartWasm: WebAssembly.Module | BufferSource, options: MachineOptions): Promise<Machine> {
    const bus = new Bus();
    const hart = await Hart.create(hartWasm, bus satisfies MmioHandler, { ramBase: RAM_BASE, ramSize: options.ramSize });
    if (options.insnsPerTick !== undefined) hart.setInsnsPerTick(options.insnsPerTick);
    return new Machine(hart, bus, options.console);
  }

  /** Instructions retired since the machine was created. */
  get retired(): bigint {
    return this.#retiredBefore + this.hart.instret;
  }

  /**
   * Loads an ELF into RAM (throws ElfError) and, if it defines `tohost`, connects HTIF
   * there. Loading the same file again (after a reset) reuses the connection.
   */
  loadElf(file: Uint8Array): ElfImage {
    const image = loadElf(file, { base: this.hart.ramBase, bytes: this.hart.ram });
    const tohost = image.symbols.get('tohost');
    if (tohost !== undefined && this.#htif === undefined) {
      this.#attachHtif(tohost, image.symbols.get('fromhost'));
    }
    return image;
  }

  /** Resets the hart to M-mode at `entry` with a0 = hartid 0 and a1 = 0 (no device tree). */
  boot(entry: bigint): void {
    this.#retiredBefore += this.hart.instret;
    this.hart.reset(entry);
    this.hart.x[10] = 0n;
    this.hart.x[11] = 0n;
  }

  /** Runs until the guest stops, the hart can make no progress, or `maxInsns` is reached. */
  run(options: RunOptions = {}): RunOutcome {
    const { maxInsns, trace } = options;
    const hart = this.hart;
    this.#pending = undefined;
    for (;;) {
      const retired = this.retired;
      if (maxInsns !== undefined && retired >= maxInsns) {
        return { kind: 'insn-limit', pc: hart.pc, retired };
      }
      let budget = trace ? 1n : SLICE;
      if (maxInsns !== undefined && maxInsns - retired < budget) budget = maxInsns - retired;

      const exit = hart.run(budget);
      if (trace && this.retired !== retired) {
        const last = hart.lastRetired();
        trace(last.pc, last.insn);
      }
      if (this.#pending) return this.#pending;

      switch (exit) {
        case HartExit.Budget:
        case HartExit.Stop:
          break;
        case HartExit.Wfi:
          if (!this.#skipIdleTime()) return { kind: 'idle', pc: hart.pc };
          break;
        case HartExit.TrapLoop: {
          const { cause, tval, epc } = hart.exitInfo();
          return { kind: 'trap-loop', pc: epc, cause, tval, mtvec: hart.readCsr('mtvec') };
        }
        case HartExit.MTrap:
          // Hosted M-mode is never switched on for this board.
          throw new Error('hart returned EXIT_MTRAP without hosted M-mode');
        default:
          throw new Error(`hart returned unknown exit reason ${String(exit)}`);
      }
    }
  }

  /**
   * Every hart waits: jump virtual time to the next timer deadline. False when no
   * deadline is armed, or it has passed and the hart still sleeps (the interrupt is
   * masked in mie): nothing on this board can wake the hart then.
   */
  #skipIdleTime(): boolean {
    const before = this.hart.mtime;
    return this.hart.skipToNextTimer() && this.hart.mtime !== before;
  }

  #attachHtif(tohost: bigint, fromhost: bigint | undefined): void {
    const htif = new Htif(new RamGuestMemory(this.hart.ram, this.hart.ramBase), this.#console, this.#power);
    this.#mapHtifWord('tohost', tohost, htif.tohost);
    if (fromhost !== undefined) this.#mapHtifWord('fromhost', fromhost, htif.fromhost);
    this.#htif = htif;
  }

  #mapHtifWord(name: string, addr: bigint, device: Device): void {
    if (addr % 8n !== 0n || addr > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new ElfError(`symbol ${name} at 0x${addr.toString(16)} is not an 8-byte-aligned address`);
    }
    const pa = Number(addr);
    // Inside RAM the hart must be told to route the word to us; elsewhere it already does.
    if (this.hart.inRam(pa, 8)) this.hart.addMmioHole(pa, 8);
    this.bus.map(`htif ${name}`, pa, 8, device);
  }

  readonly #power: PowerControl = {
    exit: (code: number, source: ExitSource) => this.#stop({ kind: 'exit', code, source }),
    reset: (source: ExitSource) => this.#stop({ kind: 'reset', source }),
    fault: (message: string) => this.#stop({ kind: 'device-fault', pc: this.hart.pc, message }),
  };

  #stop(outcome: RunOutcome): void {
    // The first request wins: a guest that fails and then powers off has failed.
    this.#pending ??= outcome;
    this.hart.requestStop();
  }
}
