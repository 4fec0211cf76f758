// A virtual machine as the kernel keeps it: its guest RAM (a contiguous piece of the
// board's RAM, at guest physical 0x80000000), its G-stage table and VMID, its vCPU
// thread, the devices the kernel emulates for it (a PLIC, an RTC, pvpanic and the
// virtio devices of the description, instances of the board's own device models doing
// DMA into the guest's memory), its console and its statistics.
import type { Hart } from '../../hart/index.js';
import { Bus } from '../../machine/bus.js';
import type { Device } from '../../machine/device.js';
import { MemoryBlockBackend } from '../../machine/devices/block-backend.js';
import { GoldfishRtc, RTC_SIZE } from '../../machine/devices/goldfish-rtc.js';
import { RamGuestMemory } from '../../machine/devices/guest-memory.js';
import { Plic, PLIC_SIZE } from '../../machine/devices/plic.js';
import { VirtioBlk } from '../../machine/devices/virtio-blk.js';
import { VirtioConsole } from '../../machine/devices/virtio-console.js';
import { VirtioNet } from '../../machine/devices/virtio-net.js';
import type { NetBackend } from '../../machine/devices/net-backend.js';
import { macFromName } from './switch.js';
import { VIRTIO_MMIO_SIZE, VIRTIO_VENDOR_QEMU, VirtioMmio, type VirtioDevice } from '../../machine/devices/virtio-mmio.js';
import { planBoot } from '../../machine/loader/boot-layout.js';
import { PLIC_BASE, PLIC_SOURCES, RAM_BASE, RTC_BASE, RTC_IRQ, VIRTIO_BASE, VIRTIO_IRQ_BASE, VIRTIO_STRIDE } from '../../machine/memory-map.js';
import type { CpuProfile } from '../../hart/profile.js';
import { DEFAULT_RTC_EPOCH_NS } from '../../machine/virt.js';
import type { ImageVm } from '../image.js';
import type { Tcb } from '../objects/tcb.js';
import { VmConsole } from './console.js';
import type { GStage } from './gstage.js';
import { guestDeviceTree, PVPANIC_BASE, PVPANIC_SIZE, UIO_DOORBELL_BASE, UIO_IRQ_BASE } from './guest-dt.js';
import type { Notification } from '../objects/notification.js';
import type { VCpu } from './vcpu.js';

const NS_PER_TICK = 100n;
/** PLIC contexts of the guest's board: 0 is its hart's M-mode, 1 its S-mode (what Linux uses). */
const PLIC_S_CONTEXT = 1;
/** pvpanic event bits (QEMU docs/specs/pvpanic.txt). */
export const PVPANIC_PANICKED = 1;
export const PVPANIC_CRASH_LOADED = 2;

export interface VmStats {
  cpuTicks: number;
  budgetExhaustions: number;
  exits: number;
  sbiCalls: number;
  mmio: number;
  wfis: number;
  faults: number;
  restarts: number;
}

/** What a VM's devices need from the kernel. */
export interface VmPlatform {
  readonly hart: Hart;
  readonly profile: CpuProfile;
  /** Board time, in mtime ticks. */
  now(): bigint;
  /** The emulated PLIC raised or lowered the guest's external interrupt. */
  externalInterrupt(vm: VirtualMachine, level: boolean): void;
  /** The guest reported a panic through pvpanic. */
  panicked(vm: VirtualMachine, event: number): void;
  /** This VM's port on link `link` (the same one each time it is asked). */
  netPort(vm: VirtualMachine, link: string): NetBackend;
  /** The guest rang the doorbell of its channel `channel`. */
  doorbell(vm: VirtualMachine, channel: number): void;
  /** A board warning (a virtio driver that broke its device). */
  log(line: string): void;
}

export type VmState = 'running' | 'stopped' | 'off';

/** A region shown to Linux as a generic-uio device whose interrupt is channel `channel`. */
export interface UioMap {
  readonly channel: number;
  readonly region: string;
  readonly gpa: number;
  readonly size: number;
}

const PAGE = 0x1000;

export class VirtualMachine {
  readonly index: number;
  readonly name: string;
  readonly image: ImageVm;
  readonly tcb: Tcb;
  readonly vcpu: VCpu;
  readonly gstage: GStage;
  /** Host physical address of guest RAM (guest physical RAM_BASE). */
  readonly ramHpa: number;
  readonly console: VmConsole;
  readonly stats: VmStats = {
    cpuTicks: 0, budgetExhaustions: 0, exits: 0, sbiCalls: 0, mmio: 0, wfis: 0, faults: 0, restarts: 0,
  };
  /** running; stopped after a fault; off after its own shutdown. */
  state: VmState = 'running';
  /** After a crash with on_fault: restart, the vCPU runs again at this mtime. */
  resumeAt: number | undefined;
  /** pvpanic events the guest reported during this exit (the kernel acts on them after it). */
  panicEvent = 0;
  /** The emulated devices at their guest physical addresses. */
  bus = new Bus();
  plic!: Plic;
  rtc!: GoldfishRtc;
  readonly virtio: VirtioMmio[] = [];
  readonly uio: UioMap[] = [];
  /** Channel id → what its doorbell signals (the other end's notification and badge). */
  readonly peers = new Map<number, { readonly notification: Notification; readonly badge: bigint }>();
  /** What the cells (or other VMs) signal to reach this VM: bit c raises channel c's uio interrupt. */
  readonly notification: Notification;
  readonly #platform: VmPlatform;
  /** Its RAM is as the frame allocator gave it, zeroed, and nothing has run in it yet. */
  #ramClear = true;

  constructor(init: {
    index: number; image: ImageVm; tcb: Tcb; vcpu: VCpu; gstage: GStage; ramHpa: number; console: VmConsole; platform: VmPlatform;
    notification: Notification;
  }) {
    this.index = init.index;
    this.name = init.image.name;
    this.image = init.image;
    this.tcb = init.tcb;
    this.vcpu = init.vcpu;
    this.gstage = init.gstage;
    this.ramHpa = init.ramHpa;
    this.console = init.console;
    this.#platform = init.platform;
    this.notification = init.notification;
    // Each signal raises the uio interrupt of every channel in the word; a channel with no
    // uio map has nothing to raise. The PLIC keeps it pending while Linux has it disabled.
    this.notification.signalled = (n) => {
      const word = n.word;
      n.word = 0n;
      if (this.state !== 'running') return;
      for (const u of this.uio) {
        if ((word >> BigInt(u.channel)) & 1n) this.plic.line(UIO_IRQ_BASE + u.channel).set(true);
      }
    };
  }

  get hart(): Hart {
    return this.#platform.hart;
  }

  /** Guest physical → host physical, for guest RAM only. */
  ramAddress(gpa: number, len: number): number | undefined {
    const off = gpa - RAM_BASE;
    if (!Number.isSafeInteger(off) || off < 0 || len < 0 || off + len > this.image.memory) return undefined;
    return this.ramHpa + off;
  }

  /**
   * (Re)boots the guest: RAM cleared and the kernel, initrd and device tree placed as
   * QEMU places them, devices new, the vCPU at the kernel's entry in VS-mode with
   * a0 = hart id 0 and a1 = the device tree's guest physical address.
   */
  boot(): void {
    const hart = this.#platform.hart;
    // A first boot finds its frames zeroed by the allocator: 128 MiB zeroed twice took
    // longer than the rest of a VM's set-up.
    if (!this.#ramClear) hart.fill(this.ramHpa, this.image.memory, 0);
    this.#ramClear = false;
    this.#buildDevices();
    const slots = this.image.devices.length;
    const plan = planBoot(
      { bios: { kind: 'hosted' }, kernel: this.image.kernel, initrd: this.image.initrd, append: this.image.bootargs },
      this.image.memory,
      (chosen) => guestDeviceTree({
        profile: this.#platform.profile, memory: this.image.memory, virtioSlots: slots, chosen,
        extra: (soc, plic) => {
          for (const u of this.uio) {
            // generic-uio names the device after its node: /sys/class/uio/uioN/name is the region's name.
            soc.addChild(`${u.region}@${u.gpa.toString(16)}`)
              .string('compatible', 'generic-uio')
              .u64('reg', u.gpa, u.size, UIO_DOORBELL_BASE + u.channel * PAGE, PAGE)
              .u32('interrupt-parent', plic)
              .u32('interrupts', UIO_IRQ_BASE + u.channel);
          }
        },
      }),
    );
    for (const chunk of plan.kernelChunks) hart.writeBytes(this.ramAddress(chunk.addr, chunk.size)!, chunk.data);
    if (plan.initrd && this.image.initrd) hart.writeBytes(this.ramAddress(plan.initrd.start, 0)!, this.image.initrd.bytes);
    hart.writeBytes(this.ramAddress(plan.dtb.start, plan.dtbBlob.length)!, plan.dtbBlob);
    const t = this.tcb;
    t.regs.fill(0n);
    t.fregs.fill(0n);
    t.fcsr = 0n;
    t.pc = BigInt(plan.kernelEntry);
    t.regs[10] = 0n;
    t.regs[11] = BigInt(plan.dtb.start);
    this.vcpu.reset();
    this.state = 'running';
  }

  #buildDevices(): void {
    const platform = this.#platform;
    const bus = new Bus();
    this.plic = new Plic({ sources: PLIC_SOURCES, contexts: 2 }, (ctx, level) => {
      if (ctx === PLIC_S_CONTEXT) platform.externalInterrupt(this, level);
    });
    bus.map('plic', PLIC_BASE, PLIC_SIZE, this.plic);
    const epoch = DEFAULT_RTC_EPOCH_NS;
    this.rtc = new GoldfishRtc({ nowNs: () => epoch + platform.now() * NS_PER_TICK }, this.plic.line(RTC_IRQ));
    bus.map('rtc', RTC_BASE, RTC_SIZE, this.rtc);
    bus.map('pvpanic', PVPANIC_BASE, PVPANIC_SIZE, this.#pvpanic());
    for (const u of this.uio) {
      bus.map(`uio doorbell ${u.channel}`, UIO_DOORBELL_BASE + u.channel * PAGE, PAGE, {
        read: () => 0n,
        write: (offset) => {
          if (offset < 4) platform.doorbell(this, u.channel);
          return true;
        },
      });
    }
    const memory = new RamGuestMemory(platform.hart.ram.subarray(this.ramHpa - platform.hart.ramBase, this.ramHpa - platform.hart.ramBase + this.image.memory), RAM_BASE);
    this.virtio.length = 0;
    this.image.devices.forEach((d, n) => {
      let device: VirtioDevice;
      switch (d.type) {
        case 'console':
          device = new VirtioConsole({ write: (bytes) => this.console.write(bytes) });
          break;
        case 'block':
          device = new VirtioBlk(new MemoryBlockBackend(d.file.bytes, d.readonly), { serial: `${this.name}-vd${String.fromCharCode(97 + n)}` });
          break;
        case 'net':
          device = new VirtioNet(platform.netPort(this, d.link), { mac: d.mac ? Uint8Array.from(d.mac) : macFromName(this.name, d.link) });
          break;
      }
      const base = VIRTIO_BASE + n * VIRTIO_STRIDE;
      const transport = new VirtioMmio(device, memory, this.plic.line(VIRTIO_IRQ_BASE + n), {
        vendorId: VIRTIO_VENDOR_QEMU,
        onFault: (reason) => platform.log(`VM '${this.name}': virtio-mmio@0x${base.toString(16)}: ${reason}; the device needs a reset`),
      });
      bus.map(`virtio-mmio ${n}`, base, VIRTIO_MMIO_SIZE, transport);
      this.virtio.push(transport);
    });
    this.bus = bus;
  }

  /** QEMU's pvpanic-mmio: reads the events it supports, a write reports them. */
  #pvpanic(): Device {
    const supported = PVPANIC_PANICKED | PVPANIC_CRASH_LOADED;
    return {
      read: (offset) => (offset === 0 ? BigInt(supported) : 0n),
      write: (offset, _size, value) => {
        const event = Number(value) & supported;
        if (offset === 0 && event !== 0) this.#platform.panicked(this, event);
        return true;
      },
    };
  }
}
