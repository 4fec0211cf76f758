// The `virt` board: the core machine (hart, RAM, CLINT, test finisher) plus the rest of
// QEMU's `virt` devices at QEMU's addresses and interrupts (hw/riscv/virt.c), and the
// device tree that describes exactly this configuration.
//
//   0x00100000  test finisher (poweroff/reboot; syscon for Linux)
//   0x00101000  goldfish RTC, PLIC source 11, virtual clock from mtime
//   0x02000000  CLINT
//   0x0c000000  PLIC: context 0 = hart 0 M-mode (MEIP), context 1 = S-mode (SEIP)
//   0x10000000  NS16550A UART, source 10
//   0x10001000 + n*0x1000, n = 0..7: virtio-mmio, source 1 + n
//                 n = 0 virtio-blk (if a drive is given), 1 virtio-net (loopback),
//                 2 virtio-rng (seeded), 3 virtio-console; the rest are empty
//                 transports (DeviceID 0), as QEMU's are without a -device
//   0x80000000  RAM

import { DEFAULT_PROFILE, PROFILES, type CpuProfile } from '../hart/profile.js';
import { IRQ_M_EXT, IRQ_S_EXT } from '../hart/causes.js';
import type { BlockBackend } from './devices/block-backend.js';
import { ConsoleFeed, type ConsoleLines } from './console-feed.js';
import { GoldfishRtc, RTC_SIZE } from './devices/goldfish-rtc.js';
import { RamGuestMemory } from './devices/guest-memory.js';
import { LoopbackNet, type NetBackend } from './devices/net-backend.js';
import { Plic, PLIC_SIZE, type PlicGateway } from './devices/plic.js';
import { Uart16550, UART_SIZE } from './devices/uart16550.js';
import { VirtioBlk } from './devices/virtio-blk.js';
import { VirtioConsole } from './devices/virtio-console.js';
import { VIRTIO_MMIO_SIZE, VIRTIO_VENDOR_QEMU, VirtioMmio, type VirtioDevice, type VirtioMmioVersion } from './devices/virtio-mmio.js';
import { VirtioNet } from './devices/virtio-net.js';
import { SeededEntropy, VirtioRng } from './devices/virtio-rng.js';
import { boardDtb, virtBoardConfig, type BoardDtConfig } from './fdt/board-dt.js';
import type { CharSink, CharSource } from './host.js';
import { Machine } from './machine.js';
import {
  PLIC_BASE, PLIC_SOURCES, RTC_BASE, RTC_IRQ, UART0_BASE, UART0_IRQ, VIRTIO_BASE, VIRTIO_COUNT, VIRTIO_IRQ_BASE, VIRTIO_STRIDE,
} from './memory-map.js';

/** Which virtio-mmio transport holds which device. */
export const VIRTIO_SLOT = { blk: 0, net: 1, rng: 2, console: 3 } as const;

const UART_RBR = 0;
const UART_LSR = 5;
const UART_LSR_DR = 0x01;

/** The RTC's time at mtime 0 unless told otherwise: 2025-01-01T00:00:00Z. */
export const DEFAULT_RTC_EPOCH_NS = BigInt(Date.UTC(2025, 0, 1)) * 1_000_000n;
/** mtime runs at 10 MHz (device tree timebase-frequency): 100 ns per tick. */
const NS_PER_TICK = 100n;

export interface VirtOptions {
  /** RAM size in bytes, a multiple of 4 KiB. */
  readonly ramSize: number;
  /** Compile hot guest code to WebAssembly (MachineOptions.jit). */
  readonly jit?: boolean;
  /** Where the UART, virtio-console and HTIF output go. */
  readonly console: CharSink;
  /**
   * Console input pulled when the guest asks for it (console-feed.ts): deterministic.
   * Without it the host pushes input with `uart.receive()` between run slices.
   */
  readonly input?: CharSource | ConsoleLines;
  /** The virtio-blk disk; no disk if unset. */
  readonly drive?: BlockBackend;
  /** virtio-net's wire; default LoopbackNet (every frame comes back to the guest). */
  readonly net?: NetBackend;
  /** virtio-rng seed; default 0. The guest's "randomness" is exactly as secret as this. */
  readonly rngSeed?: number;
  /** The RTC's reading at mtime 0, ns since the Unix epoch; default DEFAULT_RTC_EPOCH_NS. */
  readonly rtcEpochNs?: bigint;
  readonly insnsPerTick?: number;
  /** The ISA the hart implements and the device tree announces; DEFAULT_PROFILE if unset. */
  readonly profile?: CpuProfile;
  /** Board warnings (a virtio driver that broke its device), one line each. */
  readonly log?: (line: string) => void;
  /**
   * The PLIC's gateway model: 'qemu' (default) delivers a level that stays high once per
   * device event, as QEMU 7.2 does; 'spec' re-pends it at every completion, as the PLIC
   * specification describes (plic.ts). A difference from QEMU, listed in docs/board.md.
   */
  readonly plicGateway?: PlicGateway;
  /** The virtio-mmio VendorID; default VIRTIO_VENDOR_QEMU (VIRTIO_VENDOR_CELLVISOR is the other choice). */
  readonly virtioVendorId?: number;
  /**
   * The virtio-mmio register interface: 2 (default; QEMU with
   * `-global virtio-mmio.force-legacy=false`, as xv6 runs it) or 1, the legacy
   * interface QEMU 7.2 defaults to.
   */
  readonly virtioVersion?: VirtioMmioVersion;
}

/** Everything the device tree needs besides the board: /chosen. */
export type Chosen = NonNullable<BoardDtConfig['chosen']>;

/** The device-tree configuration of a virt board with `ramSize` bytes of RAM and a `profile` hart. */
export function virtDtConfig(ramSize: number, chosen: Chosen = {}, profile: CpuProfile = DEFAULT_PROFILE): BoardDtConfig {
  const { isa, cacheBlockSize } = PROFILES[profile];
  return virtBoardConfig({ ramSize, isa, mmuType: 'riscv,sv48', chosen, cacheBlockSize });
}

/** The empty transport QEMU leaves in a slot without a device: DeviceID 0, which drivers skip. */
const NO_DEVICE: VirtioDevice = {
  deviceId: 0, features: 0n, queueSizes: [], config: new Uint8Array(0),
  attach: () => {}, activate: () => {}, notify: () => {}, reset: () => {},
};

export class VirtBoard {
  readonly machine: Machine;
  readonly plic: Plic;
  readonly uart: Uart16550;
  readonly rtc: GoldfishRtc;
  readonly blk: VirtioBlk | undefined;
  readonly net: VirtioNet;
  readonly rng: VirtioRng;
  readonly virtioConsole: VirtioConsole;
  readonly transports: readonly VirtioMmio[];
  readonly feed: ConsoleFeed | undefined;
  readonly ramSize: number;
  /** Where console output goes (UART, virtio-console; also the firmware's SBI console). */
  readonly console: CharSink;

  private constructor(machine: Machine, options: VirtOptions) {
    this.machine = machine;
    this.ramSize = options.ramSize;
    this.console = options.console;
    const { hart, bus } = machine;

    this.plic = new Plic({ sources: PLIC_SOURCES, contexts: 2, gateway: options.plicGateway }, (ctx, level) => {
      hart.setIrqLine(ctx === 0 ? IRQ_M_EXT : IRQ_S_EXT, level);
    });
    bus.map('plic', PLIC_BASE, PLIC_SIZE, this.plic);

    this.uart = new Uart16550(options.console, this.plic.line(UART0_IRQ));
    if (options.input) {
      this.feed = new ConsoleFeed(this.uart, options.input);
      bus.map('uart0', UART0_BASE, UART_SIZE, this.feed);
      machine.addIdleParticipant(this.feed);
    } else {
      bus.map('uart0', UART0_BASE, UART_SIZE, this.uart);
    }

    const epoch = options.rtcEpochNs ?? DEFAULT_RTC_EPOCH_NS;
    const rtc = new GoldfishRtc({ nowNs: () => epoch + hart.mtime * NS_PER_TICK }, this.plic.line(RTC_IRQ));
    this.rtc = rtc;
    bus.map('rtc', RTC_BASE, RTC_SIZE, rtc);
    machine.addIdleParticipant({
      nextDeadline: () => {
        const ns = rtc.alarmDeadlineNs;
        if (ns === undefined) return undefined;
        return ns <= epoch ? 0n : (ns - epoch + NS_PER_TICK - 1n) / NS_PER_TICK;
      },
      timeAdvanced: () => rtc.poll(),
    });

    this.blk = options.drive ? new VirtioBlk(options.drive, { serial: 'cellvisor-vda' }) : undefined;
    this.net = new VirtioNet(options.net ?? new LoopbackNet());
    this.rng = new VirtioRng(new SeededEntropy(options.rngSeed ?? 0));
    this.virtioConsole = new VirtioConsole(options.console);
    const slots: VirtioDevice[] = Array.from({ length: VIRTIO_COUNT }, () => NO_DEVICE);
    if (this.blk) slots[VIRTIO_SLOT.blk] = this.blk;
    slots[VIRTIO_SLOT.net] = this.net;
    slots[VIRTIO_SLOT.rng] = this.rng;
    slots[VIRTIO_SLOT.console] = this.virtioConsole;
    const memory = new RamGuestMemory(hart.ram, hart.ramBase, (pa, len) => hart.codeWritten(pa, len));
    this.transports = slots.map((device, n) => {
      const base = VIRTIO_BASE + n * VIRTIO_STRIDE;
      const transport = new VirtioMmio(device, memory, this.plic.line(VIRTIO_IRQ_BASE + n), {
        vendorId: options.virtioVendorId ?? VIRTIO_VENDOR_QEMU,
        version: options.virtioVersion,
        onFault: (reason) => options.log?.(`virtio-mmio@0x${base.toString(16)}: ${reason}; the device needs a reset`),
      });
      bus.map(`virtio-mmio ${n}`, base, VIRTIO_MMIO_SIZE, transport);
      return transport;
    });
  }

  /** `hartWasm` is build/hart.wasm, compiled or as bytes. */
  static async create(hartWasm: WebAssembly.Module | BufferSource, options: VirtOptions): Promise<VirtBoard> {
    const machine = await Machine.create(hartWasm, {
      ramSize: options.ramSize, console: options.console, insnsPerTick: options.insnsPerTick, profile: options.profile,
      jit: options.jit,
    });
    return new VirtBoard(machine, options);
  }

  /**
   * A byte of console input for firmware that offers one (SBI console_getchar), taken
   * from the UART as a polling driver would; -1 when there is none.
   */
  readConsoleByte(): number {
    const front = this.feed ?? this.uart;
    if ((Number(front.read(UART_LSR, 1)) & UART_LSR_DR) === 0) return -1;
    return Number(front.read(UART_RBR, 1));
  }

  /** This board's device tree blob, with `chosen` (bootargs, initrd, stdout-path). */
  deviceTree(chosen: Chosen = {}): Uint8Array {
    return boardDtb(virtDtConfig(this.ramSize, chosen, this.machine.hart.profile));
  }
}
