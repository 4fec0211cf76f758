// Booting the virt board the three ways QEMU does (`-bios`):
//
//   hosted  The firmware is TypeScript (sbi.ts): M-mode is hosted, the kernel starts in
//           S-mode at its load address with a0 = hartid, a1 = device tree.
//   FILE    A native M-mode firmware such as OpenSBI's fw_jump.bin or fw_dynamic.bin,
//           loaded at the start of RAM and started in M-mode with a0 = hartid,
//           a1 = device tree and a2 = a struct fw_dynamic_info (which fw_jump ignores).
//   none    The kernel (or a bare-metal ELF) itself starts in M-mode.
//
// Where everything goes in RAM is the board's boot layout (src/machine/loader/
// boot-layout.ts, planBoot); this file writes a plan into RAM and starts the hart.

import { Priv } from '../hart/index.js';
import { PROFILES } from '../hart/profile.js';
import type { VirtBoard } from '../machine/virt.js';
import { RAM_BASE } from '../machine/memory-map.js';
import type { BootPlan } from '../machine/loader/boot-layout.js';
import { SbiFirmware } from './sbi.js';

export {
  planBoot, BootError, type Bios, type NamedFile, type BootSpec, type BootPlan, type Region, type KernelFormat,
} from '../machine/loader/boot-layout.js';

// struct fw_dynamic_info (OpenSBI include/sbi/fw_dynamic.h): six unsigned longs.
const FW_DYNAMIC_INFO_MAGIC = 0x4942_534fn; // "OSBI"
const FW_DYNAMIC_INFO_VERSION = 2n;
const NEXT_MODE_S = 1n;

/** What boot() started: the hosted firmware, if any (for --sbi-stats). */
export interface Booted {
  readonly firmware: SbiFirmware | undefined;
}

/**
 * Writes the plan into the board's RAM and starts the hart. Called again after a guest
 * reset, it reloads every image, as QEMU does.
 */
export function boot(board: VirtBoard, plan: BootPlan, firmware?: SbiFirmware): Booted {
  const machine = board.machine;
  const hart = machine.hart;
  const { spec } = plan;
  if (spec.bios.kind === 'file') hart.writeBytes(RAM_BASE, spec.bios.bytes);
  for (const c of plan.kernelChunks) {
    hart.writeBytes(c.addr, c.data);
    hart.fill(c.addr + c.data.length, c.size - c.data.length);
  }
  // A bare-metal test ELF that talks HTIF gets it, as with `cellvisor elf`.
  if (plan.kernelElf?.symbols.has('tohost') && !plan.kernelRelocated) machine.loadElf(spec.kernel.bytes);
  if (plan.initrd && spec.initrd) hart.writeBytes(plan.initrd.start, spec.initrd.bytes);
  hart.writeBytes(plan.dtb.start, plan.dtbBlob);
  const dtb = BigInt(plan.dtb.start);

  switch (spec.bios.kind) {
    case 'hosted': {
      const fw = firmware ?? new SbiFirmware(machine, {
        console: board.console,
        readConsole: () => board.readConsoleByte(),
        powerOff: (code) => machine.power.exit(code, 'sbi'),
        reset: () => machine.power.reset('sbi'),
      });
      fw.boot({ entry: BigInt(plan.kernelEntry), dtb, isa: PROFILES[hart.profile].isa });
      return { firmware: fw };
    }
    case 'file': {
      const info = plan.dynamicInfo!;
      const fields = [FW_DYNAMIC_INFO_MAGIC, FW_DYNAMIC_INFO_VERSION, BigInt(plan.kernelEntry), NEXT_MODE_S, 0n, (1n << 64n) - 1n];
      fields.forEach((v, i) => hart.writeU64(info + 8 * i, v));
      machine.hostM(undefined);
      machine.boot(BigInt(RAM_BASE), { priv: Priv.M, a0: 0n, a1: dtb, a2: BigInt(info) });
      return { firmware: undefined };
    }
    case 'none':
      machine.hostM(undefined);
      machine.boot(BigInt(plan.kernelEntry), { priv: Priv.M, a0: 0n, a1: dtb });
      return { firmware: undefined };
  }
}
