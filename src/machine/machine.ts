// The board core: one hart, RAM at 0x80000000, the CLINT and the test finisher at their
// QEMU virt addresses, HTIF where a loaded ELF asks for it, and the run loop. Bare, it
// runs guest code in M-mode itself, the way `qemu-system-riscv64 -bios none` does;
// virt.ts adds the rest of QEMU's `virt` devices, and a firmware may host M-mode
// through hostM().

import { Hart, HartExit, type CpuProfile, Priv, type MmioHandler, type TrapInfo } from '../hart/index.js';
import { MIP_MTIP, MIP_STIP } from '../hart/causes.js';
import { MENVCFG_STCE } from '../hart/spec/csr.js';
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
  /** The ISA the hart implements (src/hart/profile.ts); DEFAULT_PROFILE if unset. */
  readonly profile?: CpuProfile;
  /** Compile hot guest code to WebAssembly (docs/hart.md, "JIT"); jitDefault() if unset. */
  readonly jit?: boolean;
  /** Jumps into a page that make it hot (the hart's default if unset, or CELLVISOR_JIT_HEAT). */
  readonly jitHeat?: number;
}

/**
 * Whether the JIT is on when nothing says: on, unless the environment variable
 * CELLVISOR_JIT is `off` (so a test suite runs in both modes without changes).
 */
export function jitDefault(): boolean {
  return envVar('CELLVISOR_JIT') !== 'off';
}

function envVar(name: string): string | undefined {
  return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.[name];
}

export interface RunOptions {
  /** Stop once the machine has retired this many instructions in total (across resets). */
  readonly maxInsns?: bigint;
  /** Called for each retired instruction; makes the hart step one instruction at a time. */
  readonly trace?: (pc: bigint, insn: number) => void;
  /**
   * Return `{ kind: 'yield' }` once this call has retired at least this many
   * instructions, so the host can look at its own events (terminal input) and call
   * run() again. Unset: run until the guest ends.
   */
  readonly yieldAfter?: bigint;
  /**
   * What an idle hart (WFI, nothing pending, no host input to deliver) does.
   * 'skip' (default): virtual time jumps to the next timer deadline at once, which
   * keeps a run deterministic. 'return': run() returns `{ kind: 'wait' }` with the
   * deadline, and the host waits (in real time, or for input) before calling
   * skipIdleTime() or delivering input and calling run() again.
   */
  readonly idle?: 'skip' | 'return';
}

/** Hosted M-mode: the code that answers a trap into M (firmware/, kernel/). */
export interface MTrapHandler {
  /** Handles the trap; `undefined` resumes the hart, an outcome ends the run with it. */
  handleMTrap(trap: TrapInfo): RunOutcome | undefined;
  /** run() is returning: the handler brings its own state up to date (work the hart did for it). */
  runEnded?(): void;
  /**
   * A trap loop below M (`trap` is the trap that keeps recurring): `undefined` when the
   * host dealt with it (a kernel stopping the guest that loops) and the hart may run on;
   * an outcome ends the run. Without it a trap loop ends the run.
   */
  handleTrapLoop?(trap: TrapInfo): RunOutcome | undefined;
}

/** A part of the board that keeps its own time or talks to the host, consulted when the hart idles. */
export interface IdleParticipant {
  /** The mtime at which it will raise an interrupt by itself (an alarm), if any. */
  nextDeadline?(): bigint | undefined;
  /** Virtual time moved on (after every slice and every idle skip): raise what came due. */
  timeAdvanced?(): void;
  /**
   * The hart idles with nothing pending. True if this woke it (host input was
   * delivered): the machine then resumes without skipping time.
   */
  idle?(): boolean;
}

/** Registers a0.. a2 and the privilege level the hart starts with. */
export interface BootRegisters {
  readonly priv?: Priv;
  readonly a0?: bigint;
  readonly a1?: bigint;
  readonly a2?: bigint;
}

/**
 * Instructions per hart.run call. Between slices the machine looks at device requests;
 * large enough that the call overhead vanishes, small enough to stay responsive.
 */
const SLICE = 1 << 20;
const NO_DEADLINE = (1n << 64n) - 1n;
// mie has mip's layout.
const MIE_STIE = BigInt(MIP_STIP);
const MIE_MTIE = BigInt(MIP_MTIP);
const STCE = BigInt(MENVCFG_STCE);

export class Machine {
  readonly hart: Hart;
  readonly bus: Bus;
  readonly #console: CharSink;
  readonly #participants: IdleParticipant[] = [];
  #htif: Htif | undefined;
  #mtrap: MTrapHandler | undefined;
  /** What a device asked for during the current slice; the run ends with it. */
  #pending: RunOutcome | undefined;
  /** The hart executed WFI and nothing has woken it yet (survives a 'wait' return). */
  #idle = false;
  /** Instructions retired before the last reset (hart.instret restarts at reset). */
  #retiredBefore = 0;

  private constructor(hart: Hart, bus: Bus, console: CharSink) {
    this.hart = hart;
    this.bus = bus;
    this.#console = console;
    bus.map('test finisher', TEST_FINISHER_BASE, TEST_FINISHER_SIZE, new TestFinisher(this.power));
    bus.map('clint', CLINT_BASE, CLINT_SIZE, new Clint(hart));
  }

  /** `hartWasm` is build/hart.wasm, compiled or as bytes; the caller reads it (no fs here). */
  static async create(hartWasm: WebAssembly.Module | BufferSource, options: MachineOptions): Promise<Machine> {
    const bus = new Bus();
    const hart = await Hart.create(hartWasm, bus satisfies MmioHandler, {
      ramBase: RAM_BASE, ramSize: options.ramSize, jit: options.jit ?? jitDefault(),
    });
    const heat = options.jitHeat ?? Number(envVar('CELLVISOR_JIT_HEAT') ?? 0);
    if (hart.jitEnabled && heat > 0) hart.setJit(true, heat);
    if (options.insnsPerTick !== undefined) hart.setInsnsPerTick(options.insnsPerTick);
    if (options.profile !== undefined) hart.setProfile(options.profile);
    return new Machine(hart, bus, options.console);
  }

  /** Instructions retired since the machine was created. */
  get retired(): bigint {
    return BigInt(this.#retiredBefore) + this.hart.instret;
  }

  /** Makes every trap into M-mode an exit answered by `handler` (undefined: M-mode runs natively again). */
  hostM(handler: MTrapHandler | undefined): void {
    this.#mtrap = handler;
    this.hart.setHostedM(handler !== undefined);
  }

  /** Adds a device (or host input feed) to the idle decisions and time updates. */
  addIdleParticipant(participant: IdleParticipant): void {
    this.#participants.push(participant);
  }

  /**
   * Loads an ELF into RAM (throws ElfError) and, if it defines `tohost`, connects HTIF
   * there. Loading the same file again (after a reset) reuses the connection.
   */
  loadElf(file: Uint8Array): ElfImage {
    const image = loadElf(file, { base: this.hart.ramBase, bytes: this.hart.ram });
    this.hart.codeWritten(this.hart.ramBase, this.hart.ramSize);
    const tohost = image.symbols.get('tohost');
    if (tohost !== undefined && this.#htif === undefined) {
      this.#attachHtif(tohost, image.symbols.get('fromhost'));
    }
    return image;
  }

  /**
   * Resets the hart and starts it at `entry`: M-mode with a0 = hartid 0 and a1 = 0 (no
   * device tree) unless `regs` says otherwise. Hosted M-mode stays as hostM() set it.
   */
  boot(entry: bigint, regs: BootRegisters = {}): void {
    this.#retiredBefore += this.hart.instretCount;
    this.#idle = false;
    this.hart.reset(entry);
    this.hart.setHostedM(this.#mtrap !== undefined);
    this.hart.x[10] = regs.a0 ?? 0n;
    this.hart.x[11] = regs.a1 ?? 0n;
    this.hart.x[12] = regs.a2 ?? 0n;
    if (regs.priv !== undefined) this.hart.priv = regs.priv;
  }

  /** Runs until the guest stops, the hart can make no progress, or a limit in `options` is reached. */
  run(options: RunOptions = {}): RunOutcome {
    try {
      return this.#run(options);
    } finally {
      this.#mtrap?.runEnded?.();
    }
  }

  #run(options: RunOptions): RunOutcome {
    const { trace } = options;
    const hart = this.hart;
    // Counted in numbers (exact to 2^53 instructions, over a year at 200 MIPS): no BigInt per exit.
    const maxInsns = options.maxInsns === undefined ? undefined : Number(options.maxInsns);
    const yieldAt = options.yieldAfter === undefined ? undefined : this.#retiredBefore + hart.instretCount + Number(options.yieldAfter);
    this.#pending = undefined;
    if (this.#idle) {
      const outcome = this.#onIdle(options);
      if (outcome) return outcome;
    }
    for (;;) {
      const retired = this.#retiredBefore + hart.instretCount;
      if (maxInsns !== undefined && retired >= maxInsns) {
        return { kind: 'insn-limit', pc: hart.pc, retired: this.retired };
      }
      if (yieldAt !== undefined && retired >= yieldAt) return { kind: 'yield' };
      let budget = trace ? 1 : SLICE;
      if (maxInsns !== undefined && maxInsns - retired < budget) budget = maxInsns - retired;

      const exit = hart.runFor(budget);
      if (trace && this.#retiredBefore + hart.instretCount !== retired) {
        const last = hart.lastRetired();
        trace(last.pc, last.insn);
      }
      if (this.#pending) return this.#pending;

      switch (exit) {
        case HartExit.Budget:
        case HartExit.Stop:
          this.#timeAdvanced();
          break;
        case HartExit.Wfi: {
          this.#timeAdvanced();
          this.#idle = true;
          const outcome = this.#onIdle(options);
          if (outcome) return outcome;
          break;
        }
        case HartExit.TrapLoop: {
          const info = hart.exitInfo();
          if (this.#mtrap?.handleTrapLoop) {
            const outcome = this.#mtrap.handleTrapLoop(info);
            if (outcome) return this.#pending ?? outcome;
            if (this.#pending) return this.#pending;
            break;
          }
          return { kind: 'trap-loop', pc: info.epc, cause: info.cause, tval: info.tval, mtvec: hart.readCsr('mtvec') };
        }
        case HartExit.MTrap: {
          if (!this.#mtrap) throw new Error('hart returned EXIT_MTRAP without hosted M-mode');
          const outcome = this.#mtrap.handleMTrap(hart.exitInfo());
          if (outcome) return this.#pending ?? outcome;
          if (this.#pending) return this.#pending;
          break;
        }
        default:
          throw new Error(`hart returned unknown exit reason ${String(exit)}`);
      }
    }
  }

  /**
   * The hart sleeps: deliver host input if some participant has it, else skip virtual
   * time (or report the wait). Undefined when the hart may run on.
   */
  #onIdle(options: RunOptions): RunOutcome | undefined {
    if (this.#interruptPending()) {
      this.#idle = false;
      return undefined;
    }
    for (const p of this.#participants) {
      if (p.idle?.()) {
        this.#idle = false;
        return undefined;
      }
    }
    if (options.idle === 'return') return { kind: 'wait', pc: this.hart.pc, deadline: this.nextDeadline() };
    if (!this.skipIdleTime()) return { kind: 'idle', pc: this.hart.pc };
    this.#idle = false;
    return undefined;
  }

  /** Whether an interrupt is pending and enabled in mie: what ends a WFI. */
  #interruptPending(): boolean {
    return (this.hart.readCsr('mip') & this.hart.readCsr('mie')) !== 0n;
  }

  /** The earliest mtime at which a timer or device will interrupt the idle hart, if any. */
  nextDeadline(): bigint | undefined {
    const deadline = this.#hartDeadline();
    let best = deadline;
    for (const p of this.#participants) {
      const d = p.nextDeadline?.();
      if (d !== undefined && d < best) best = d;
    }
    return best === NO_DEADLINE ? undefined : best;
  }

  /** mtimecmp and (with Sstc) stimecmp, if their interrupts are enabled in mie. */
  #hartDeadline(): bigint {
    const hart = this.hart;
    const mie = hart.readCsr('mie');
    let best = NO_DEADLINE;
    if ((mie & MIE_MTIE) !== 0n) best = hart.mtimecmp;
    if ((mie & MIE_STIE) !== 0n && (hart.readCsr('menvcfg') & STCE) !== 0n) {
      const s = hart.readCsr('stimecmp');
      if (s < best) best = s;
    }
    return best;
  }

  /**
   * Every hart waits: jump virtual time to the next deadline. False when no deadline is
   * armed, or it has passed and the hart still sleeps (the interrupt is masked in mie):
   * nothing on this board can wake the hart then.
   */
  skipIdleTime(): boolean {
    const hart = this.hart;
    const before = hart.mtime;
    const deadline = this.nextDeadline();
    if (deadline === undefined || deadline <= before) return false;
    // The hart's own timers advance its cycle count too; a device alarm moves mtime alone.
    if (deadline === this.#hartDeadline()) hart.skipToNextTimer();
    else hart.mtime = deadline;
    this.#timeAdvanced();
    return hart.mtime !== before;
  }

  #timeAdvanced(): void {
    for (const p of this.#participants) p.timeAdvanced?.();
  }

  #attachHtif(tohost: bigint, fromhost: bigint | undefined): void {
    const htif = new Htif(new RamGuestMemory(this.hart.ram, this.hart.ramBase, (pa, len) => this.hart.codeWritten(pa, len)), this.#console, this.power);
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

  /** How devices and firmware end the run: the first request wins. */
  readonly power: PowerControl = {
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
