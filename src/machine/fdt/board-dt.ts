// The board's devicetree, generated from its actual configuration. Node names and their
// order, compatibles and properties follow QEMU 7.2's `virt` machine (compare
// `qemu-system-riscv64 -M virt,dumpdtb=virt.dtb`; test/machine/qemu-virt.test.ts holds
// the two side by side and lists what still differs) and the Linux bindings for each
// device, so unmodified OpenSBI, U-Boot, Linux and kernels written for QEMU find
// everything where they look, in the order they meet it on QEMU.

import { PLIC_SIZE } from '../devices/plic.js';
import { RTC_SIZE } from '../devices/goldfish-rtc.js';
import { UART_SIZE } from '../devices/uart16550.js';
import { VIRTIO_MMIO_SIZE } from '../devices/virtio-mmio.js';
import {
  CLINT_BASE, CLINT_SIZE, PLIC_BASE, PLIC_NDEV, PLIC_SOURCES, RAM_BASE, RTC_BASE, RTC_IRQ, TEST_FINISHER_BASE, TEST_FINISHER_SIZE,
  UART0_BASE, UART0_IRQ, VIRTIO_BASE, VIRTIO_COUNT, VIRTIO_IRQ_BASE, VIRTIO_STRIDE,
} from '../memory-map.js';
import { Fdt, type FdtNode } from './fdt.js';
// The cpu interrupt controller's local interrupt numbers are mip bit numbers.
import { IRQ_M_EXT, IRQ_M_SOFT, IRQ_M_TIMER, IRQ_S_EXT } from '../../hart/causes.js';

const FINISHER_PASS = 0x5555;
const FINISHER_RESET = 0x7777;

export type MmuType = 'riscv,sv39' | 'riscv,sv48' | 'riscv,sv57' | 'riscv,none';

export interface Window {
  readonly base: number;
  readonly size: number;
}

export interface IrqWindow extends Window {
  /** PLIC source number. */
  readonly irq: number;
}

export interface BoardDtConfig {
  /** Root `model`; default QEMU virt's "riscv-virtio,qemu". */
  readonly model?: string;
  /** Root `compatible`; default QEMU virt's ["riscv-virtio"]. */
  readonly compatible?: readonly string[];
  readonly memory: Window;
  /** One entry per hart, hart id = index. */
  readonly harts: readonly { readonly isa: string; readonly mmuType: MmuType; readonly cacheBlockSize?: number }[];
  /** mtime frequency in Hz; default 10 MHz (QEMU virt). */
  readonly timebaseFrequency?: number;
  /** Absent: no CLINT (a virtual machine's board, whose timer is Sstc and IPIs SBI's). */
  readonly clint?: Window;
  /** Contexts are 2 per hart: M-mode, then S-mode. `ndev` is `riscv,ndev`, default `sources`. */
  readonly plic: Window & { readonly sources: number; readonly ndev?: number };
  readonly uart?: IrqWindow & { readonly clockFrequency?: number };
  readonly rtc?: IrqWindow;
  /** virtio-mmio transports, in address order. */
  readonly virtio?: readonly IrqWindow[];
  /** The SiFive test finisher, also the syscon behind poweroff and reboot. */
  readonly testFinisher?: Window;
  readonly chosen?: {
    readonly bootargs?: string;
    /** Default: the UART, if there is one. */
    readonly stdoutPath?: string;
    /** Initial ramdisk at [start, end). */
    readonly initrd?: { readonly start: number; readonly end: number };
    /** Seed for the kernel's RNG (`rng-seed`): fixed bytes keep a run reproducible. */
    readonly rngSeed?: Uint8Array;
  };
  /** Memory reservation block entries (e.g. firmware that must stay untouched). */
  readonly reserved?: readonly Window[];
}

/** The QEMU virt layout with this board's sizes; pass the result to buildBoardDt. */
export function virtBoardConfig(options: {
  readonly ramSize: number;
  readonly isa: string;
  readonly mmuType: MmuType;
  readonly harts?: number;
  readonly virtioCount?: number;
  readonly chosen?: BoardDtConfig['chosen'];
  /** Zicbom/Zicboz cache-block size, when the harts have those extensions. */
  readonly cacheBlockSize?: number;
}): BoardDtConfig {
  const virtioCount = options.virtioCount ?? VIRTIO_COUNT;
  return {
    memory: { base: RAM_BASE, size: options.ramSize },
    harts: Array.from({ length: options.harts ?? 1 }, () => ({
      isa: options.isa, mmuType: options.mmuType, cacheBlockSize: options.cacheBlockSize,
    })),
    clint: { base: CLINT_BASE, size: CLINT_SIZE },
    plic: { base: PLIC_BASE, size: PLIC_SIZE, sources: PLIC_SOURCES, ndev: PLIC_NDEV },
    uart: { base: UART0_BASE, size: UART_SIZE, irq: UART0_IRQ },
    rtc: { base: RTC_BASE, size: RTC_SIZE, irq: RTC_IRQ },
    virtio: Array.from({ length: virtioCount }, (_, n) => ({
      base: VIRTIO_BASE + n * VIRTIO_STRIDE, size: VIRTIO_MMIO_SIZE, irq: VIRTIO_IRQ_BASE + n,
    })),
    testFinisher: { base: TEST_FINISHER_BASE, size: TEST_FINISHER_SIZE },
    chosen: options.chosen,
  };
}

/**
 * The board's tree; callers may add nodes before `build()`. Nodes come in QEMU's order
 * (QEMU's libfdt puts each new node first, so its tree lists them newest first):
 * /chosen, /poweroff, /reboot, /memory, /cpus, /soc; in /soc the RTC, the UART, the test
 * finisher, the virtio-mmio transports from the highest address down, the PLIC, the
 * CLINT. Phandles are numbered as QEMU numbers them: cpus, their interrupt
 * controllers, the PLIC, the test finisher.
 */
export function buildBoardDt(config: BoardDtConfig): Fdt {
  if (config.harts.length === 0) throw new RangeError('devicetree: a board needs at least one hart');
  const fdt = new Fdt();
  const root = fdt.root;
  root.u32('#address-cells', 2).u32('#size-cells', 2);
  root.strings('compatible', ...(config.compatible ?? ['riscv-virtio']));
  root.string('model', config.model ?? 'riscv-virtio,qemu');
  for (const r of config.reserved ?? []) fdt.reserve(r.base, r.size);

  const chosen = root.addChild('chosen');
  const power = config.testFinisher ? { off: root.addChild('poweroff'), reboot: root.addChild('reboot') } : undefined;
  root.addChild(`memory@${hex(config.memory.base)}`).string('device_type', 'memory').u64('reg', config.memory.base, config.memory.size);

  const intcs = addCpus(fdt, root, config);

  const soc = root.addChild('soc');
  soc.u32('#address-cells', 2).u32('#size-cells', 2).string('compatible', 'simple-bus').empty('ranges');
  // Created empty in QEMU's order; filled once the PLIC has its phandle.
  const rtc = config.rtc ? soc.addChild(`rtc@${hex(config.rtc.base)}`) : undefined;
  const uartName = config.uart ? `serial@${hex(config.uart.base)}` : undefined;
  const uart = uartName !== undefined ? soc.addChild(uartName) : undefined;
  const test = config.testFinisher ? soc.addChild(`test@${hex(config.testFinisher.base)}`) : undefined;
  const virtio = [...(config.virtio ?? [])].sort((a, b) => b.base - a.base)
    .map((v) => ({ v, node: soc.addChild(`virtio_mmio@${hex(v.base)}`) }));

  const plic = soc.addChild(`plic@${hex(config.plic.base)}`);
  const plicHandle = fdt.phandle(plic);
  plic.u32('#interrupt-cells', 1).u32('#address-cells', 0)
    .strings('compatible', 'sifive,plic-1.0.0', 'riscv,plic0')
    .empty('interrupt-controller')
    // Context 2h is hart h's M-mode, 2h+1 its S-mode.
    .u32('interrupts-extended', ...intcs.flatMap((h) => [h, IRQ_M_EXT, h, IRQ_S_EXT]))
    .u64('reg', config.plic.base, config.plic.size)
    .u32('riscv,ndev', config.plic.ndev ?? config.plic.sources);

  if (config.clint) {
    soc.addChild(`clint@${hex(config.clint.base)}`)
      .strings('compatible', 'sifive,clint0', 'riscv,clint0')
      .u64('reg', config.clint.base, config.clint.size)
      .u32('interrupts-extended', ...intcs.flatMap((h) => [h, IRQ_M_SOFT, h, IRQ_M_TIMER]));
  }

  if (config.rtc && rtc) {
    rtc.string('compatible', 'google,goldfish-rtc')
      .u64('reg', config.rtc.base, config.rtc.size)
      .u32('interrupt-parent', plicHandle)
      .u32('interrupts', config.rtc.irq);
  }

  if (config.uart && uart) {
    uart.string('compatible', 'ns16550a')
      .u64('reg', config.uart.base, config.uart.size)
      .u32('clock-frequency', config.uart.clockFrequency ?? 3_686_400)
      .u32('interrupt-parent', plicHandle)
      .u32('interrupts', config.uart.irq);
  }

  for (const { v, node } of virtio) {
    node.string('compatible', 'virtio,mmio')
      .u64('reg', v.base, v.size)
      .u32('interrupt-parent', plicHandle)
      .u32('interrupts', v.irq);
  }

  if (config.testFinisher && test && power) {
    const syscon = fdt.phandle(test);
    test.strings('compatible', 'sifive,test1', 'sifive,test0', 'syscon')
      .u64('reg', config.testFinisher.base, config.testFinisher.size);
    // Linux's syscon-poweroff / syscon-reboot write `value` at `offset` of the regmap.
    power.off.string('compatible', 'syscon-poweroff')
      .u32('regmap', syscon).u32('offset', 0).u32('value', FINISHER_PASS);
    power.reboot.string('compatible', 'syscon-reboot')
      .u32('regmap', syscon).u32('offset', 0).u32('value', FINISHER_RESET);
  }

  const c = config.chosen ?? {};
  if (c.bootargs !== undefined) chosen.string('bootargs', c.bootargs);
  const stdout = c.stdoutPath ?? (uartName !== undefined ? `/soc/${uartName}` : undefined);
  if (stdout !== undefined) chosen.string('stdout-path', stdout);
  if (c.initrd) {
    if (c.initrd.end < c.initrd.start) throw new RangeError('devicetree: initrd ends before it starts');
    chosen.u64('linux,initrd-start', c.initrd.start).u64('linux,initrd-end', c.initrd.end);
  }
  if (c.rngSeed) chosen.bytes('rng-seed', c.rngSeed);
  return fdt;
}

/** The board's devicetree blob. */
export function boardDtb(config: BoardDtConfig): Uint8Array {
  return buildBoardDt(config).build();
}

/** Adds /cpus; returns each hart's interrupt-controller phandle. */
function addCpus(fdt: Fdt, root: FdtNode, config: BoardDtConfig): number[] {
  const cpus = root.addChild('cpus');
  cpus.u32('#address-cells', 1).u32('#size-cells', 0).u32('timebase-frequency', config.timebaseFrequency ?? 10_000_000);
  const intcs: number[] = [];
  const cpuHandles: number[] = [];
  config.harts.forEach((hart, id) => {
    const cpu = cpus.addChild(`cpu@${hex(id)}`);
    cpuHandles.push(fdt.phandle(cpu));
    cpu.string('device_type', 'cpu').u32('reg', id).string('status', 'okay').string('compatible', 'riscv')
      .string('riscv,isa', hart.isa).string('mmu-type', hart.mmuType);
    const parsed = parseIsa(hart.isa);
    if (parsed) cpu.string('riscv,isa-base', parsed.base).strings('riscv,isa-extensions', ...parsed.extensions);
    if (hart.cacheBlockSize !== undefined) {
      cpu.u32('riscv,cbom-block-size', hart.cacheBlockSize).u32('riscv,cboz-block-size', hart.cacheBlockSize);
    }
    const intc = cpu.addChild('interrupt-controller');
    intcs.push(fdt.phandle(intc));
    intc.u32('#interrupt-cells', 1).empty('interrupt-controller').string('compatible', 'riscv,cpu-intc');
  });
  const cluster = cpus.addChild('cpu-map').addChild('cluster0');
  cpuHandles.forEach((h, id) => cluster.addChild(`core${id}`).u32('cpu', h));
  return intcs;
}

/**
 * Splits an ISA string such as "rv64imafdc_zicsr_zifencei" into the newer binding's
 * `riscv,isa-base` ("rv64i") and `riscv,isa-extensions` (one name each; "g" expanded).
 * Undefined for a string this does not understand: the properties are then left out
 * and the kernel reads `riscv,isa` alone.
 */
export function parseIsa(isa: string): { base: string; extensions: string[] } | undefined {
  const m = /^rv(32|64)([a-z]+)((?:_[a-z][a-z0-9]*)*)$/.exec(isa.toLowerCase());
  if (!m) return undefined;
  const [, xlen, letters, rest] = m;
  if (letters[0] !== 'i' && letters[0] !== 'g' && letters[0] !== 'e') return undefined;
  const extensions: string[] = [];
  const add = (e: string) => { if (!extensions.includes(e)) extensions.push(e); };
  for (const l of letters) {
    if (l === 'g') ['i', 'm', 'a', 'f', 'd', 'zicsr', 'zifencei'].forEach(add);
    else add(l);
  }
  for (const e of rest.split('_').filter((s) => s !== '')) add(e);
  return { base: `rv${xlen}${letters[0] === 'e' ? 'e' : 'i'}`, extensions };
}

function hex(n: number): string {
  return n.toString(16);
}
