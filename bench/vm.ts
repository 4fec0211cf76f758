// Linux in a virtual machine for `npm run bench`: the same Image, initrd and command line
// booted to power-off twice, on the bare board (hosted SBI firmware) and in a VM under
// the kernel (VS-mode behind a G-stage table, the kernel's SBI), both on the rva22h
// hart; the VM's time over the bare board's is the virtualisation overhead.
import { performance } from 'node:perf_hooks';
import { boot, planBoot, type NamedFile } from '../src/firmware/boot.js';
import { bootImage } from '../src/kernel/boot.js';
import { Kernel } from '../src/kernel/kernel.js';
import { describeOutcome } from '../src/machine/outcome.js';
import { VirtBoard } from '../src/machine/virt.js';

/** Guest memory of the VM and RAM of the bare board. */
const GUEST_RAM = 128 << 20;
/** The board under the VM: the guest's RAM and room for the kernel's own. */
const HOST_RAM = GUEST_RAM + (64 << 20);
export const VM_APPEND = 'console=hvc0 cellvisor.autopoweroff';
const MAX_INSNS = 4_000_000_000n;
const MARKERS = ['cellvisor-guest: userland up', 'reboot: Power down'];
/** The VM's boot should take at most this many times the bare board's. */
export const VM_TARGET_RATIO = 1.3;

export interface VmBootRow {
  /** Best wall seconds of the runs, bare board and VM. */
  readonly bare: number;
  readonly vm: number;
  /** Instructions the hart retired in each (the VM's include the kernel's trampolines). */
  readonly bareRetired: bigint;
  readonly vmRetired: bigint;
  readonly vmExits: number;
  readonly failure?: string;
}

interface Timed {
  readonly seconds: number;
  readonly retired: bigint;
  readonly exits: number;
  readonly failure?: string;
}

function check(output: string, outcome: string | undefined): string | undefined {
  const missing = MARKERS.filter((m) => !output.includes(m)).map((m) => `printed no '${m}'`);
  return [outcome, ...missing].filter((x) => x !== undefined).join('; ') || undefined;
}

async function bare(hart: WebAssembly.Module, kernel: NamedFile, initrd: NamedFile): Promise<Timed> {
  const chunks: Uint8Array[] = [];
  const started = performance.now();
  const board = await VirtBoard.create(hart, { ramSize: GUEST_RAM, console: { write: (b) => chunks.push(b.slice()) }, profile: 'rva22h' });
  const plan = planBoot({ bios: { kind: 'hosted' }, kernel, initrd, append: VM_APPEND }, GUEST_RAM, (chosen) => board.deviceTree(chosen));
  boot(board, plan);
  const outcome = board.machine.run({ maxInsns: MAX_INSNS });
  const seconds = (performance.now() - started) / 1000;
  const ok = outcome.kind === 'exit' && outcome.code === 0;
  return {
    seconds, retired: board.machine.retired, exits: 0,
    failure: check(Buffer.concat(chunks).toString('latin1'), ok ? undefined : describeOutcome(outcome)),
  };
}

async function inVm(hart: WebAssembly.Module, kernel: NamedFile, initrd: NamedFile): Promise<Timed> {
  const lines: string[] = [];
  const started = performance.now();
  const board = await VirtBoard.create(hart, { ramSize: HOST_RAM, console: { write: () => {} }, profile: 'rva22h' });
  const k = new Kernel(board, { output: (_name, line) => lines.push(line), log: (line) => lines.push(line) });
  bootImage(k, {
    regions: [], cells: [], channels: [],
    vms: [{ name: 'linux', kernel, initrd, bootargs: VM_APPEND, memory: GUEST_RAM, priority: 100, onFault: 'stop', poweroff: true, devices: [] }],
  });
  k.start();
  const outcome = board.machine.run({ maxInsns: MAX_INSNS });
  k.flushAll();
  const seconds = (performance.now() - started) / 1000;
  const ok = outcome.kind === 'exit' && outcome.code === 0;
  return {
    seconds, retired: board.machine.retired, exits: k.vms[0]!.stats.exits,
    failure: check(lines.join('\n'), ok ? undefined : describeOutcome(outcome)),
  };
}

/** Best of `runs` of each, alternating. */
export async function vmBoot(hart: WebAssembly.Module, kernel: NamedFile, initrd: NamedFile, runs: number): Promise<VmBootRow> {
  let b: Timed | undefined;
  let v: Timed | undefined;
  for (let i = 0; i < runs; i++) {
    process.stderr.write(`bench: linux-vm run ${i + 1}/${runs}: `);
    const rb = await bare(hart, kernel, initrd);
    process.stderr.write(`bare board ${rb.seconds.toFixed(2)} s${rb.failure ? ` (${rb.failure})` : ''}  `);
    const rv = await inVm(hart, kernel, initrd);
    process.stderr.write(`VM ${rv.seconds.toFixed(2)} s${rv.failure ? ` (${rv.failure})` : ''}\n`);
    if (!b || (!rb.failure && rb.seconds < b.seconds)) b = rb;
    if (!v || (!rv.failure && rv.seconds < v.seconds)) v = rv;
  }
  const failure = [b?.failure && `bare board: ${b.failure}`, v?.failure && `VM: ${v.failure}`].filter(Boolean).join('; ') || undefined;
  return { bare: b!.seconds, vm: v!.seconds, bareRetired: b!.retired, vmRetired: v!.retired, vmExits: v!.exits, failure };
}

export function vmTable(row: VmBootRow): string {
  const ratio = row.vm / row.bare;
  const lines = [
    ['boot to power-off', 'instructions retired', 'wall s', 'VM exits'],
    ['---', '---:', '---:', '---:'],
    ['bare board (hosted SBI firmware)', row.bareRetired.toLocaleString('en-US'), row.bare.toFixed(2), '—'],
    ['in a VM under the kernel', row.vmRetired.toLocaleString('en-US'), row.vm.toFixed(2), row.vmExits.toLocaleString('en-US')],
  ];
  const table = lines.map((cells) => `| ${cells.join(' | ')} |`).join('\n');
  const verdict = row.failure ? `failed: ${row.failure}` : `VM / bare = ${ratio.toFixed(2)}× (target ≤ ${VM_TARGET_RATIO}×: ${ratio <= VM_TARGET_RATIO ? 'met' : 'missed'})`;
  return `${table}\n\n${verdict}`;
}

export function vmSection(row: VmBootRow | undefined): string {
  if (!row) return '';
  return `
## Linux in a virtual machine

The Linux guest's \`Image\` and initrd with \`${VM_APPEND}\`, booted to power-off on the
bare board (hosted SBI firmware, ${GUEST_RAM >> 20} MiB) and in a VM under the kernel
(${GUEST_RAM >> 20} MiB of guest memory behind a G-stage table, the kernel's SBI, the emulated
PLIC and RTC), both on the \`rva22h\` hart, best wall time of the runs, in-process from
creating the board to the power-off.

${vmTable(row)}

- The VM runs the same guest instructions (plus one \`mret\` per entry into V-mode from
  elsewhere); its extra cost is its exits (SBI calls, the emulated devices' MMIO, WFI),
  each answered by the kernel in TypeScript, and the two-stage translation of its TLB
  misses.
`;
}
